package app

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/app/apperr"
	"github.com/storefront/storefront/app/webhooks"
)

// receiveStripeEvent is POST /webhooks/stripe: verify, store once, acknowledge at once. The inbox worker applies
// the event afterwards; Stripe's retries and our inbox make sure nothing is lost.
func (a *App) receiveStripeEvent(c echo.Context) error {
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, webhooks.MaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		a.webhookMetrics.Rejected("size")
		return apperr.New(apperr.TooLarge, "body_too_large", "The event is larger than 64 KiB.")
	}
	if err != nil {
		return &apperr.Error{Kind: apperr.Malformed, Message: "The event body could not be read.", Err: err}
	}
	// A refused event (signature, API version) is an *apperr.Error; another error is a 500, and Stripe delivers
	// the event again later.
	dup, err := a.inbox.Receive(c.Request().Context(), body, c.Request().Header.Get("Stripe-Signature"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"received": true, "duplicate": dup})
}
