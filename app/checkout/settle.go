package checkout

import (
	"context"
	"fmt"

	"github.com/storefront/storefront/app/orders"
	"github.com/storefront/storefront/app/payments"
	"github.com/storefront/storefront/models"
)

// Settle reads from Stripe what happened to an order's payment and applies it. An attempt whose outcome was
// unknown is first resolved by replaying it with the same idempotency key (Stripe answers with the original
// result and never charges twice), then, if that is not possible, by searching for the order's PaymentIntent.
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
	f := payments.Classify(err)
	if pi == nil && f != nil && f.Stripe != nil && f.Stripe.PaymentIntent != nil {
		pi = f.Stripe.PaymentIntent
	}
	switch {
	case pi != nil:
		if err := s.setAttempt(ctx, o.ID, models.AttemptIdle, pi); err != nil {
			return o, err
		}
		return s.applyIntent(ctx, o.ID, pi, source)
	case f.Outcome == payments.OutcomeUnknown || f.Outcome == payments.OutcomeBusy:
		return o, nil // still unknown: try again later
	}
	// The replay was refused (the key expired or the parameters differ): look the PaymentIntent up instead.
	found, serr := s.Pay.FindByOrder(ctx, o.ID, o.Number)
	if serr != nil {
		return o, fmt.Errorf("search payment intents: %w", serr)
	}
	if found != nil {
		if err := s.setAttempt(ctx, o.ID, models.AttemptIdle, found); err != nil {
			return o, err
		}
		return s.applyIntent(ctx, o.ID, found, source)
	}
	// Stripe has no PaymentIntent for the order: the attempt never charged. Let the shopper pay again.
	if err := s.setAttempt(ctx, o.ID, models.AttemptIdle, nil); err != nil {
		return o, err
	}
	o, _, err = orders.Apply(ctx, s.DB, o.ID, orders.Change{Event: s.readNow(orders.PIPaymentFailed),
		Source: source, ErrorType: "api_error", ErrorMessage: "The payment could not be completed. Please try again.",
		Detail: "no payment intent exists for the unknown attempt"})
	return o, err
}

// SettleByPaymentIntent settles the order a PaymentIntent belongs to (the return_url page uses it).
func (s *Service) SettleByPaymentIntent(ctx context.Context, piID string) (models.Order, error) {
	o, err := models.OrderByPaymentIntent(ctx, s.DB, piID)
	if err != nil {
		return o, err
	}
	return s.Settle(ctx, o.ID, orders.SourceApp)
}
