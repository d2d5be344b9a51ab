package app

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views/admin"
)

// listDiscounts renders every discount code with its redemptions.
func (a *App) listDiscounts(c echo.Context) error {
	ds, err := models.AllDiscounts(c.Request().Context(), a.db.DB)
	if err != nil {
		return fmt.Errorf("list discounts: %w", err)
	}
	return render(c, http.StatusOK, admin.DiscountsPage(a.page(c, "Discount codes"), ds))
}

// newDiscount renders the empty discount form.
func (a *App) newDiscount(c echo.Context) error {
	f := admin.DiscountForm{Input: models.DiscountInput{Kind: models.DiscountPercent, Active: true}}
	return render(c, http.StatusOK, admin.DiscountFormPage(a.page(c, "New discount code"), f))
}

// editDiscount renders a discount's form.
func (a *App) editDiscount(c echo.Context) error {
	d, err := byID(c, a.db.DB, "discount", models.DiscountByID)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, admin.DiscountFormPage(a.page(c, "Edit "+d.Code), a.discountForm(d)))
}

// discountForm fills the form from a stored discount.
func (a *App) discountForm(d models.Discount) admin.DiscountForm {
	in := models.DiscountInput{Code: d.Code, Kind: d.Kind, Active: d.Active}
	if d.Kind == models.DiscountPercent {
		in.PercentOff = strconv.Itoa(d.PercentOff)
	} else {
		in.AmountOff = models.FormatMoneyInput(d.AmountOff, a.cfg.Currency)
	}
	if d.MinSubtotal > 0 {
		in.MinSubtotal = models.FormatMoneyInput(d.MinSubtotal, a.cfg.Currency)
	}
	if d.StartsAt != nil {
		in.StartsAt = d.StartsAt.UTC().Format(models.DiscountTimeLayout)
	}
	if d.EndsAt != nil {
		in.EndsAt = d.EndsAt.UTC().Format(models.DiscountTimeLayout)
	}
	if d.MaxRedemptions != nil {
		in.MaxRedemptions = strconv.Itoa(*d.MaxRedemptions)
	}
	return admin.DiscountForm{ID: d.ID, Input: in, Redemptions: d.Redemptions}
}

// createDiscount saves a new code or shows the form again with what to fix.
func (a *App) createDiscount(c echo.Context) error {
	return a.saveDiscount(c, models.Discount{}, "New discount code")
}

// updateDiscount saves a code's changes; the code itself stays.
func (a *App) updateDiscount(c echo.Context) error {
	d, err := byID(c, a.db.DB, "discount", models.DiscountByID)
	if err != nil {
		return err
	}
	return a.saveDiscount(c, d, "Edit "+d.Code)
}

func (a *App) saveDiscount(c echo.Context, current models.Discount, title string) error {
	in := models.DiscountInput{Code: c.FormValue("code"), Kind: c.FormValue("kind"), PercentOff: c.FormValue("percent_off"),
		AmountOff: c.FormValue("amount_off"), StartsAt: c.FormValue("starts_at"), EndsAt: c.FormValue("ends_at"),
		MaxRedemptions: c.FormValue("max_redemptions"), MinSubtotal: c.FormValue("min_subtotal"), Active: c.FormValue("active") == "on"}
	if current.ID != "" {
		in.Code = current.Code // codes cannot be renamed
	}
	d, errs := in.Parse(a.cfg.Currency)
	if len(errs) == 0 {
		d.ID = current.ID
		err := models.SaveDiscount(c.Request().Context(), a.db.DB, &d)
		switch {
		case errors.Is(err, models.ErrCodeTaken):
			errs["code"] = "Another discount already uses this code (codes are the same in any case). Choose another."
		case errors.Is(err, models.ErrNotFound):
			return echo.NewHTTPError(http.StatusNotFound, "There is no discount with that id.")
		case err != nil:
			return fmt.Errorf("save discount: %w", err)
		}
	}
	if len(errs) > 0 {
		f := admin.DiscountForm{ID: current.ID, Input: in, Redemptions: current.Redemptions, Errors: errs}
		return render(c, http.StatusUnprocessableEntity, admin.DiscountFormPage(a.page(c, title), f))
	}
	return a.savedRedirect(c, "Code "+d.Code, current.ID == "", "/admin/discounts")
}

// deactivateDiscount stops a code from being accepted.
func (a *App) deactivateDiscount(c echo.Context) error {
	d, err := byID(c, a.db.DB, "discount", models.DiscountByID)
	if err != nil {
		return err
	}
	if err := models.DeactivateDiscount(c.Request().Context(), a.db.DB, d.ID); err != nil {
		return fmt.Errorf("deactivate discount: %w", err)
	}
	return a.flashRedirect(c, "success", "Code "+d.Code+" no longer works at checkout.", "/admin/discounts")
}
