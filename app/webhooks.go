package app

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/app/webhooks"
)

// receiveStripeEvent is POST /webhooks/stripe: verify, store once, acknowledge at once. The inbox worker applies
// the event afterwards; Stripe's retries and our inbox make sure nothing is lost.
func (a *App) receiveStripeEvent(c echo.Context) error {
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, webhooks.MaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		a.webhookMetrics.Rejected("size")
		return jsonError(c, http.StatusRequestEntityTooLarge, "invalid_request_error", "body_too_large", "The event is larger than 64 KiB.")
	}
	if err != nil {
		return jsonError(c, http.StatusBadRequest, "invalid_request_error", "", "The event body could not be read.")
	}
	dup, err := a.inbox.Receive(c.Request().Context(), body, c.Request().Header.Get("Stripe-Signature"))
	switch {
	case errors.Is(err, webhooks.ErrNoSecret):
		// 503: Stripe keeps retrying, and the events are taken once the secret is set.
		return jsonError(c, http.StatusServiceUnavailable, "api_error", "webhook_secret_missing",
			"This shop cannot verify Stripe events yet: STRIPE_WEBHOOK_SECRET is unset.")
	case errors.Is(err, webhooks.ErrSignature):
		return jsonError(c, http.StatusBadRequest, "invalid_request_error", "signature_invalid", "The Stripe-Signature header does not verify.")
	case errors.Is(err, webhooks.ErrAPIVersion):
		return jsonError(c, http.StatusBadRequest, "invalid_request_error", "api_version_mismatch",
			"The event's API version is not the one this shop is pinned to; update the webhook endpoint's API version.")
	case err != nil:
		return err // 500: Stripe delivers it again later
	}
	return c.JSON(http.StatusOK, map[string]any{"received": true, "duplicate": dup})
}
