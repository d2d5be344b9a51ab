package checkout

import (
	"context"
	"fmt"

	"github.com/stripe/stripe-go/v82"

	"github.com/storefront/storefront/app/orders"
	"github.com/storefront/storefront/app/payments"
	"github.com/storefront/storefront/i18n"
	"github.com/storefront/storefront/models"
)

// Settle reads from Stripe what happened to an order's payment and applies it.
//
// An attempt whose outcome is unknown (timeout, 5xx, network) is resolved in two steps. First it is replayed with
// its own idempotency key: when the first request ran at Stripe, Stripe answers with what it answered then (a
// lost answer is recovered at once, and nothing is charged twice); when it never reached Stripe, it runs now.
// Stripe stores a 500 under its key for 24 hours, though, so a replay may only repeat that 500. Then the order's
// PaymentIntents are searched by metadata order_id, but only once Stripe's search has caught up with the
// attempt (SearchCatchUp after it began): if the search finds one, that is the attempt's; if it finds none,
// the attempt made nothing, its stock goes back, and the next Pay starts a new attempt with a new key.
func (s *Service) Settle(ctx context.Context, orderID, source string) (models.Order, error) {
	o, err := models.OrderByID(ctx, s.DB, orderID)
	if err != nil {
		return o, err
	}
	if o.PaymentIntentID != nil {
		pi, err := s.Pay.Retrieve(ctx, *o.PaymentIntentID, o.Number)
		if err != nil {
			return o, fmt.Errorf("retrieve payment intent: %w", err)
		}
		if s.outcomeUnknown(o) {
			if err := s.setAttempt(ctx, o.ID, models.AttemptIdle, pi); err != nil {
				return o, err
			}
		}
		return s.applyIntent(ctx, o.ID, pi, source)
	}
	if o.AttemptToken == nil || !s.outcomeUnknown(o) {
		return o, nil // nothing was sent to Stripe, or a confirm is under way right now
	}
	pi, err := s.Pay.CreateAndConfirm(ctx, s.attempt(o, *o.AttemptToken))
	if pi == nil {
		pi = intentOfError(err)
	}
	if pi == nil {
		if !s.searchCaughtUp(o) {
			return o, nil // still unknown: the next Pay, the return page or the reconciler try again
		}
		if pi, err = s.Pay.FindByOrder(ctx, o.ID, o.Number); err != nil {
			return o, fmt.Errorf("search payment intents: %w", err)
		}
	}
	if pi != nil {
		if err := s.setAttempt(ctx, o.ID, models.AttemptIdle, pi); err != nil {
			return o, err
		}
		return s.applyIntent(ctx, o.ID, pi, source)
	}
	// Stripe's search has caught up and holds no PaymentIntent for the order: the attempt never charged.
	if err := s.setAttempt(ctx, o.ID, models.AttemptIdle, nil); err != nil {
		return o, err
	}
	o, _, err = orders.Apply(ctx, s.DB, o.ID, orders.Change{Event: orders.Event{Kind: orders.AttemptNotMade},
		Source: source, ErrorType: "api_error", ErrorMessage: AttemptNotMadeMessage,
		Detail: fmt.Sprintf("attempt %d made no payment intent (searched by order id)", o.Attempt)})
	return o, err
}

// AttemptNotMadeMessage is the order's last error when an attempt made no PaymentIntent (English, as Stripe's own
// messages are kept; the order page says it in the shopper's language, by its api_error type).
var AttemptNotMadeMessage = i18n.Localizer{}.T("checkout.error.payment_not_completed")

// searchCaughtUp reports whether Stripe's search shows by now whatever the order's current attempt made.
func (s *Service) searchCaughtUp(o models.Order) bool {
	return o.AttemptStartedAt != nil && s.now().Sub(*o.AttemptStartedAt) >= s.SearchCatchUp
}

// intentOfError is the PaymentIntent a Stripe error carries (a decline, a confirm on a final state), or nil.
func intentOfError(err error) *stripe.PaymentIntent {
	if f := payments.Classify(err); f != nil && f.Stripe != nil {
		return f.Stripe.PaymentIntent
	}
	return nil
}

// SettleByPaymentIntent settles the order a PaymentIntent belongs to (the return_url page uses it).
func (s *Service) SettleByPaymentIntent(ctx context.Context, piID string) (models.Order, error) {
	o, err := models.OrderByPaymentIntent(ctx, s.DB, piID)
	if err != nil {
		return o, err
	}
	return s.Settle(ctx, o.ID, orders.SourceApp)
}
