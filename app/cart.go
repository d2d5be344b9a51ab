package app

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views/shop"
)

// showCart renders the shopper's cart.
func (a *App) showCart(c echo.Context) error {
	cart, err := a.currentCart(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, shop.CartPage(a.page(c, message(c, "cart.page_title")), cart))
}

// addToCart adds a product to the cart (creating the cart on first use) and goes to the cart.
func (a *App) addToCart(c echo.Context) error {
	ctx := c.Request().Context()
	productID := c.FormValue("product_id")
	qty, qerr := parseQuantity(c.FormValue("quantity"))
	p, err := models.ProductByID(ctx, a.db.DB, productID)
	if errors.Is(err, models.ErrNotFound) || (err == nil && !p.Active) {
		return echo.NewHTTPError(http.StatusNotFound, message(c, "cart.product_unavailable"))
	}
	if err != nil {
		return fmt.Errorf("load product: %w", err)
	}
	if qerr != nil || qty < 1 {
		return a.productFormError(c, p, message(c, "shop.quantity_range", "Max", models.MaxItemQuantity))
	}
	cartID, err := a.ensureCart(c)
	if err != nil {
		return err
	}
	err = models.AddToCart(ctx, a.db.DB, cartID, p.ID, qty)
	var se *models.StockError
	switch {
	case errors.As(err, &se):
		return a.productFormError(c, p, stockMessage(c, se))
	case errors.Is(err, models.ErrInvalidQuantity):
		return a.productFormError(c, p, message(c, "cart.max_quantity", "Max", models.MaxItemQuantity))
	case err != nil:
		return fmt.Errorf("add to cart: %w", err)
	}
	if err := a.flash(c, "success", message(c, "cart.added", "Name", p.Name)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/cart")
}

// updateCartItem sets a line's quantity; 0 removes it.
func (a *App) updateCartItem(c echo.Context) error {
	qty, err := parseQuantity(c.FormValue("quantity"))
	if err != nil {
		return a.cartFormError(c, http.StatusUnprocessableEntity, message(c, "cart.quantity_range", "Max", models.MaxItemQuantity))
	}
	err = models.SetCartItemQuantity(c.Request().Context(), a.db.DB, a.sessionString(c, sessCart), c.Param("id"), qty)
	return a.afterCartChange(c, err, message(c, "cart.updated"))
}

// removeCartItem deletes a line of the cart.
func (a *App) removeCartItem(c echo.Context) error {
	err := models.RemoveCartItem(c.Request().Context(), a.db.DB, a.sessionString(c, sessCart), c.Param("id"))
	return a.afterCartChange(c, err, message(c, "cart.item_removed"))
}

func (a *App) afterCartChange(c echo.Context, err error, okMsg string) error {
	var se *models.StockError
	switch {
	case errors.As(err, &se):
		return a.cartFormError(c, http.StatusUnprocessableEntity, stockMessage(c, se))
	case errors.Is(err, models.ErrInvalidQuantity):
		return a.cartFormError(c, http.StatusUnprocessableEntity, message(c, "cart.quantity_range", "Max", models.MaxItemQuantity))
	case errors.Is(err, models.ErrNotFound):
		return a.cartFormError(c, http.StatusNotFound, message(c, "cart.item_gone"))
	case err != nil:
		return fmt.Errorf("change cart: %w", err)
	}
	if err := a.flash(c, "success", okMsg); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/cart")
}

// cartFormError re-renders the cart with a message and a 4xx status; nothing was changed.
func (a *App) cartFormError(c echo.Context, status int, msg string) error {
	cart, err := a.currentCart(c)
	if err != nil {
		return err
	}
	if err := a.flash(c, "error", msg); err != nil {
		return err
	}
	return render(c, status, shop.CartPage(a.page(c, message(c, "cart.page_title")), cart))
}

// productFormError re-renders the product page with the quantity field's error.
func (a *App) productFormError(c echo.Context, p models.Product, msg string) error {
	return render(c, http.StatusUnprocessableEntity, shop.ProductPage(a.page(c, p.Name), p, msg))
}

// currentCart loads the session's cart; no cart yet is an empty cart.
func (a *App) currentCart(c echo.Context) (models.Cart, error) {
	id := a.sessionString(c, sessCart)
	if id == "" {
		return models.Cart{}, nil
	}
	cart, err := models.CartByID(c.Request().Context(), a.db.DB, id)
	if errors.Is(err, models.ErrNotFound) {
		return models.Cart{}, nil
	}
	if err != nil {
		return cart, fmt.Errorf("load cart: %w", err)
	}
	return cart, nil
}

// ensureCart returns the session's cart id, creating the cart and saving the cookie when needed.
func (a *App) ensureCart(c echo.Context) (string, error) {
	ctx := c.Request().Context()
	if id := a.sessionString(c, sessCart); id != "" {
		if _, err := models.CartByID(ctx, a.db.DB, id); err == nil {
			return id, nil
		}
	}
	cart, err := models.CreateCart(ctx, a.db.DB)
	if err != nil {
		return "", fmt.Errorf("create cart: %w", err)
	}
	a.session(c).Values[sessCart] = cart.ID
	if err := a.saveSession(c); err != nil {
		return "", fmt.Errorf("save session: %w", err)
	}
	return cart.ID, nil
}

// stockMessage tells the shopper, in their language, that fewer units are left than they asked for.
func stockMessage(c echo.Context, se *models.StockError) string {
	if se.Available <= 0 {
		return message(c, "cart.out_of_stock", "Name", se.Product)
	}
	return localizer(c).N("cart.stock_short", int(se.Available), "Name", se.Product)
}

// parseQuantity accepts a whole number 0..MaxItemQuantity.
func parseQuantity(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 || n > models.MaxItemQuantity {
		return 0, models.ErrInvalidQuantity
	}
	return n, nil
}

// sentence capitalises a message and ends it with a full stop.
func sentence(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
