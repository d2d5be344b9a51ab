package stripesim

import (
	"strings"
	"testing"

	"github.com/stripe/stripe-go/v82"
)

// Stripe's spec lists "" among setup_future_usage's values on update and confirm (it unsets the field), not on
// create.
func TestSetupFutureUsageUnsetsWithAnEmptyValueOnUpdateAndConfirmOnly(t *testing.T) {
	e := newTestEnv(t, Config{})
	ctx := testCtx(t)
	_, err := e.createPI(t, e.token(t, "pm_card_visa", nil), func(p *stripe.PaymentIntentCreateParams) {
		p.SetupFutureUsage = stripe.String("")
	})
	if se := stripeErr(t, err); se.Code != "parameter_invalid_empty" || !strings.Contains(se.Msg, "setup_future_usage") {
		t.Fatalf("create with setup_future_usage='': %v", err)
	}

	saved := e.token(t, "pm_card_chargeDeclined", func(p *stripe.TestHelpersConfirmationTokenCreateParams) {
		p.SetupFutureUsage = stripe.String("off_session")
	})
	_, err = e.createPI(t, saved, nil)
	pi := stripeErr(t, err).PaymentIntent
	if pi == nil || pi.SetupFutureUsage != stripe.PaymentIntentSetupFutureUsageOffSession {
		t.Fatalf("the declined PaymentIntent %+v lacks the token's setup_future_usage", pi)
	}
	pi, err = e.client.V1PaymentIntents.Update(ctx, pi.ID, &stripe.PaymentIntentUpdateParams{SetupFutureUsage: stripe.String("")})
	if err != nil || pi.SetupFutureUsage != "" {
		t.Fatalf("update setup_future_usage='': %v, now %q", err, pi.SetupFutureUsage)
	}

	// A token that asks to save, overridden by the confirm's own empty value (the request takes precedence).
	again := e.token(t, "pm_card_visa", func(p *stripe.TestHelpersConfirmationTokenCreateParams) {
		p.SetupFutureUsage = stripe.String("off_session")
	})
	pi, err = e.client.V1PaymentIntents.Confirm(ctx, pi.ID, &stripe.PaymentIntentConfirmParams{
		ConfirmationToken: stripe.String(again), SetupFutureUsage: stripe.String("")})
	if err != nil || pi.Status != stripe.PaymentIntentStatusSucceeded || pi.SetupFutureUsage != "" {
		t.Fatalf("confirm setup_future_usage='': %v, %s %q", err, pi.Status, pi.SetupFutureUsage)
	}
}
