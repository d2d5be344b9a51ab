package payments

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"time"

	"github.com/stripe/stripe-go/v82"

	"github.com/storefront/storefront/i18n"
	"github.com/storefront/storefront/models"
)

// Outcome is what a failed Stripe call means for the shop: what the shopper sees, whether the order changes,
// how it is logged (README.md, "How payments work").
type Outcome string

// Outcomes of a failed call.
const (
	OutcomeCard        Outcome = "card"        // declined, blocked, expired, CVC…: show Stripe's message, retry allowed
	OutcomeBusy        Outcome = "busy"        // rate limited or lock timeout after our retries: try again later
	OutcomeKey         Outcome = "key"         // authentication: a key problem for the operator
	OutcomeInvalid     Outcome = "invalid"     // another invalid request: a bug or bad input
	OutcomeUnknown     Outcome = "unknown"     // api_error, timeout, network: the charge may or may not exist
	OutcomeIdempotency Outcome = "idempotency" // the same key with other parameters
)

// Failure is a classified Stripe error.
type Failure struct {
	Outcome Outcome
	Stripe  *stripe.Error // nil for network errors and timeouts
	Err     error
}

func (f *Failure) Error() string { return string(f.Outcome) + ": " + f.Err.Error() }
func (f *Failure) Unwrap() error { return f.Err }

// ShopperMessage is what the shopper may read, in English where it is ours: Stripe's own message for card
// errors (in the language the request to Stripe asked for), else the catalog message ShopperMessageID.
func (f *Failure) ShopperMessage() string {
	if id := f.ShopperMessageID(); id != "" {
		return i18n.Localizer{}.T(id)
	}
	return f.Stripe.Msg
}

// ShopperMessageID is the catalog message the shopper reads, or "" when it is Stripe's own (a card error with
// Stripe's message, passed through as it is).
func (f *Failure) ShopperMessageID() string {
	switch f.Outcome {
	case OutcomeCard:
		if f.Stripe != nil && f.Stripe.Msg != "" && !f.HidesDeclineReason() {
			return ""
		}
		return "checkout.error.card_declined"
	case OutcomeBusy:
		return "checkout.error.busy"
	case OutcomeUnknown:
		return "checkout.error.confirming"
	case OutcomeInvalid:
		if f.Stripe != nil && f.Stripe.Param == "confirmation_token" {
			return "checkout.error.payment_details_expired"
		}
	}
	return "checkout.error.payment_failed"
}

// HidesDeclineReason reports whether the failure is a decline whose code must not reach the shopper (it is
// still logged and kept on the order for the admin).
func (f *Failure) HidesDeclineReason() bool {
	return f.Stripe != nil && models.HidesDeclineReason(string(f.Stripe.DeclineCode))
}

// Classify maps any error of a Stripe call to its outcome; nil stays nil.
func Classify(err error) *Failure {
	if err == nil {
		return nil
	}
	var f *Failure
	if errors.As(err, &f) {
		return f
	}
	var se *stripe.Error
	if !errors.As(err, &se) {
		// Network errors, timeouts and cancelled contexts: the request may have reached Stripe.
		return &Failure{Outcome: OutcomeUnknown, Err: err}
	}
	out := &Failure{Stripe: se, Err: err}
	switch {
	case se.Type == stripe.ErrorTypeCard:
		out.Outcome = OutcomeCard
	case se.HTTPStatusCode == 429 || se.Code == stripe.ErrorCodeRateLimit || se.Code == stripe.ErrorCodeLockTimeout,
		se.Code == "idempotency_key_in_use": // a concurrent request with the same key is still running
		out.Outcome = OutcomeBusy
	case se.Type == stripe.ErrorTypeIdempotency:
		out.Outcome = OutcomeIdempotency
	case se.HTTPStatusCode == 401 || se.HTTPStatusCode == 403 || se.Code == stripe.ErrorCodeSecretKeyRequired:
		out.Outcome = OutcomeKey
	case se.Type == stripe.ErrorTypeAPI || se.HTTPStatusCode >= 500:
		out.Outcome = OutcomeUnknown
	default:
		out.Outcome = OutcomeInvalid
	}
	return out
}

// retry runs call, retrying rate-limit and lock-timeout errors with exponential backoff and jitter. The
// caller's params keep the same idempotency key across tries, so a retry can never charge twice.
func (c *Client) retry(ctx context.Context, call func() error) error {
	wait := c.Backoff
	for try := 0; ; try++ {
		err := call()
		f := Classify(err)
		if f == nil || f.Outcome != OutcomeBusy || try >= c.RateLimitRetries {
			return err
		}
		jitter := time.Duration(rand.Int64N(int64(wait)/2 + 1))
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait + jitter):
		}
		wait *= 2
	}
}

// logFailure writes the one log line of a failed Stripe call: request id, type, code, decline code, param and
// the order number; never card data, client secrets or keys.
func (c *Client) logFailure(ctx context.Context, op, orderNumber string, err error) {
	f := Classify(err)
	if f == nil {
		return
	}
	attrs := []any{"op", op, "order", orderNumber, "outcome", string(f.Outcome)}
	level := slog.LevelError
	if f.Stripe != nil {
		attrs = append(attrs, "stripe_request_id", f.Stripe.RequestID, "type", string(f.Stripe.Type),
			"code", string(f.Stripe.Code), "decline_code", string(f.Stripe.DeclineCode), "param", f.Stripe.Param,
			"status", f.Stripe.HTTPStatusCode)
	} else {
		var ne net.Error
		attrs = append(attrs, "network_error", errors.As(err, &ne), "err", redactErr(err))
	}
	switch f.Outcome {
	case OutcomeCard, OutcomeBusy:
		level = slog.LevelWarn
	case OutcomeKey:
		attrs = append(attrs, "hint", "Stripe refused the API key: check STRIPE_SECRET_KEY and its mode")
	}
	c.log.Log(ctx, level, "stripe call failed", attrs...)
}

// redactErr keeps a network error's text short and free of URLs with query strings.
func redactErr(err error) string {
	s := err.Error()
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}
