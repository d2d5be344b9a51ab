package app

import (
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/app/apperr"
	"github.com/storefront/storefront/app/refunds"
	"github.com/storefront/storefront/i18n"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views/admin"
)

// refundOrder is POST /admin/orders/:id/refund: the refunds service does the refund; this handler binds the
// form, shows what went wrong beside it, or flashes what was done and goes back to the order.
func (a *App) refundOrder(c echo.Context) error {
	o, err := byID(c, a.db.DB, "order", models.OrderByID)
	if err != nil {
		return err
	}
	req := refunds.Request{Amount: strings.TrimSpace(c.FormValue("amount")), Seq: c.FormValue("refund_seq")}
	if adm, ok := a.currentAdmin(c); ok {
		req.AdminID, req.AdminEmail = adm.ID, adm.Email
	}
	res, err := a.refunds.Refund(c.Request().Context(), o, req)
	if e, ok := apperr.As(err); ok {
		form := admin.RefundForm{Amount: req.Amount}
		if msg, ok := e.Fields["amount"]; ok {
			form.AmountError = msg
		} else {
			form.Error = e.Message
		}
		return a.renderAdminOrder(c, answerFor(e, i18n.Localizer{}).status, o, form)
	}
	if err != nil {
		return err
	}
	kind, msg := "success", fmt.Sprintf("Refund of %s sent to Stripe. The order's status changes when Stripe confirms it.", models.FormatMoney(res.Amount, o.Currency))
	switch {
	case res.AlreadyMade:
		kind, msg = "info", "That refund was already made; it was not made again. Check the refunds below before refunding more."
	case !res.Recorded:
		msg = "That refund was already made; it was not made again."
	case res.Failed():
		kind, msg = "error", fmt.Sprintf("Stripe could not make the refund of %s (its status is %s). See it in the Stripe Dashboard.",
			models.FormatMoney(res.Amount, o.Currency), res.Status)
	}
	return a.flashRedirect(c, kind, msg, "/admin/orders/"+o.ID)
}
