package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/app/payments"
	"github.com/storefront/storefront/models"
)

// stripeMode is the Stripe mode customer ids are kept for: live, test or the simulator.
func (a *App) stripeMode() string {
	switch {
	case a.cfg.Simulated:
		return models.StripeModeSimulator
	case a.cfg.Live:
		return models.StripeModeLive
	}
	return models.StripeModeTest
}

// stripeCustomer returns the shopper's Stripe Customer in this mode, creating it the first time (once, even
// under concurrent requests: the Stripe idempotency key and the first-writer-wins insert agree on one). A
// stored id is checked with Stripe once per process; one Stripe no longer knows (a restarted simulator,
// another test account, a deleted customer) is replaced.
func (a *App) stripeCustomer(ctx context.Context, u models.User) (string, error) {
	mode := a.stripeMode()
	id, err := models.StripeCustomerFor(ctx, a.db.DB, u.ID, mode)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return a.newStripeCustomer(ctx, u, mode, "")
	case err != nil:
		return "", fmt.Errorf("load stripe customer: %w", err)
	}
	if _, ok := a.knownCustomers.Load(id); ok {
		return id, nil
	}
	exists, err := a.pay.CustomerExists(ctx, id)
	if err != nil {
		return "", fmt.Errorf("check stripe customer: %w", err)
	}
	if exists {
		a.knownCustomers.Store(id, true)
		return id, nil
	}
	return a.replaceStripeCustomer(ctx, u, mode, id)
}

// replaceStripeCustomer forgets a Customer Stripe answered "No such customer" for and makes a new one.
func (a *App) replaceStripeCustomer(ctx context.Context, u models.User, mode, missing string) (string, error) {
	a.log.WarnContext(ctx, "stored Stripe customer is unknown to Stripe; creating a new one", "customer", missing, "mode", mode)
	a.knownCustomers.Delete(missing)
	if err := models.ForgetStripeCustomer(ctx, a.db.DB, u.ID, mode, missing); err != nil {
		return "", err
	}
	return a.newStripeCustomer(ctx, u, mode, missing)
}

func (a *App) newStripeCustomer(ctx context.Context, u models.User, mode, replaces string) (string, error) {
	id, err := a.pay.CreateCustomer(ctx, u.ID, u.Email, replaces)
	if err != nil {
		return "", fmt.Errorf("create stripe customer: %w", err)
	}
	id, err = models.SetStripeCustomerFor(ctx, a.db.DB, u.ID, mode, id)
	if err == nil {
		a.knownCustomers.Store(id, true)
	}
	return id, err
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
		secret, err = a.pay.CustomerSession(ctx, customer)
		if payments.IsResourceMissing(err) { // deleted since it was last checked: once more with a new one
			if customer, err = a.replaceStripeCustomer(ctx, u, a.stripeMode(), customer); err == nil {
				secret, err = a.pay.CustomerSession(ctx, customer)
			}
		}
		if err == nil {
			return c.JSON(http.StatusOK, map[string]string{"customer_session_client_secret": secret})
		}
	}
	a.log.WarnContext(ctx, "customer session unavailable; checkout continues without saved methods", "err", err)
	return c.NoContent(http.StatusNoContent)
}
