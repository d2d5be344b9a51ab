package app

import (
	"context"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/models"
)

// stripeCustomer returns the shopper's Stripe Customer, creating it the first time (once, even under
// concurrent requests: the Stripe idempotency key and the conditional update agree on one).
func (a *App) stripeCustomer(ctx context.Context, u models.User) (string, error) {
	if u.StripeCustomerID != nil {
		return *u.StripeCustomerID, nil
	}
	id, err := a.pay.CreateCustomer(ctx, u.ID, u.Email)
	if err != nil {
		return "", fmt.Errorf("create stripe customer: %w", err)
	}
	return models.SetStripeCustomer(ctx, a.db.DB, u.ID, id)
}

// createCustomerSession is POST /checkout/customer-session: the Payment Element's saved methods for the
// signed-in shopper. Guests get 204; when Stripe fails, 204 too, and checkout goes on without saved methods.
func (a *App) createCustomerSession(c echo.Context) error {
	u, ok := a.currentUser(c)
	if !ok {
		return c.NoContent(http.StatusNoContent)
	}
	ctx := c.Request().Context()
	customer, err := a.stripeCustomer(ctx, u)
	if err == nil {
		var secret string
		if secret, err = a.pay.CustomerSession(ctx, customer); err == nil {
			return c.JSON(http.StatusOK, map[string]string{"customer_session_client_secret": secret})
		}
	}
	a.log.WarnContext(ctx, "customer session unavailable; checkout continues without saved methods", "err", err)
	return c.NoContent(http.StatusNoContent)
}
