package stripesim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"
)

// Stripe's declined-payment, fraud and 3-D Secure test cards, including a
// decline after successful authentication (4000 0082 6000 3178).
// https://docs.stripe.com/testing#declined-payments
// https://docs.stripe.com/testing#fraud-prevention
// https://docs.stripe.com/testing#authentication-and-setup
func TestStripeTestCards(t *testing.T) {
	e := newTestEnv(t, Config{})
	declines := []struct {
		pm          string
		code        stripe.ErrorCode
		declineCode stripe.DeclineCode
	}{
		{"pm_card_chargeDeclinedVelocityLimitExceeded", stripe.ErrorCodeCardDeclined, "card_velocity_exceeded"},
		{"pm_card_chargeCustomerFail", stripe.ErrorCodeCardDeclined, stripe.DeclineCodeGenericDecline},
		{"pm_card_cvcCheckFail", stripe.ErrorCodeIncorrectCVC, stripe.DeclineCodeIncorrectCVC},
		{"pm_card_riskLevelHighest", stripe.ErrorCodeCardDeclined, stripe.DeclineCodeFraudulent},
	}
	for _, tc := range declines {
		t.Run(tc.pm+" is declined", func(t *testing.T) {
			_, err := e.createPI(t, e.token(t, tc.pm, nil), nil)
			se := stripeErr(t, err)
			if se.Code != tc.code || se.DeclineCode != tc.declineCode || se.HTTPStatusCode != http.StatusPaymentRequired {
				t.Fatalf("got %s / %s", se.Code, se.DeclineCode)
			}
		})
	}
	t.Run("elevated risk succeeds with the risk level on the charge", func(t *testing.T) {
		pi, err := e.createPI(t, e.token(t, "pm_card_riskLevelElevated", nil), func(p *stripe.PaymentIntentCreateParams) {
			p.AddExpand("latest_charge")
		})
		if err != nil || pi.LatestCharge.Outcome.RiskLevel != "elevated" {
			t.Fatalf("%v", err)
		}
	})
	t.Run("4000 0082 6000 3178 is declined for insufficient funds after 3-D Secure succeeds", func(t *testing.T) {
		pi, err := e.createPI(t, e.token(t, "pm_card_authenticationRequiredChargeDeclinedInsufficientFunds", nil), nil)
		if err != nil || pi.Status != stripe.PaymentIntentStatusRequiresAction {
			t.Fatalf("want requires_action, got %v %v", pi, err)
		}
		status, body := e.raw(t, http.MethodPost, "/v1/payment_intents/"+pi.ID+"/authenticate", e.sim.cfg.PublishableKey,
			url.Values{"client_secret": {pi.ClientSecret}, "outcome": {"complete"}})
		var got stripe.PaymentIntent
		if err := json.Unmarshal([]byte(body), &got); err != nil || status != 200 {
			t.Fatalf("authenticate: %d %s", status, body)
		}
		if got.Status != stripe.PaymentIntentStatusRequiresPaymentMethod || got.LastPaymentError == nil ||
			got.LastPaymentError.DeclineCode != stripe.DeclineCodeInsufficientFunds {
			t.Fatalf("after authentication: %s %+v", got.Status, got.LastPaymentError)
		}
	})
}

// A payment that is processing first and settles later, with
// payment_intent.processing and then payment_intent.succeeded; the
// CardProcessing knob makes cards behave so.
// https://docs.stripe.com/payments/paymentintents/lifecycle
func TestCardProcessingKnob(t *testing.T) {
	e := newTestEnv(t, Config{})
	e.sim.SetFaults(Faults{CardProcessing: true, ProcessingDelay: 50 * time.Millisecond})
	pi, err := e.createPI(t, e.token(t, "pm_card_visa", nil), nil)
	if err != nil || pi.Status != stripe.PaymentIntentStatusProcessing || pi.AmountReceived != 0 {
		t.Fatalf("want processing, got %v %v", pi, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for pi.Status == stripe.PaymentIntentStatusProcessing && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		if pi, err = e.client.V1PaymentIntents.Retrieve(testCtx(t), pi.ID, nil); err != nil {
			t.Fatal(err)
		}
	}
	if pi.Status != stripe.PaymentIntentStatusSucceeded || pi.AmountReceived != pi.Amount {
		t.Fatalf("settled as %s, received %d", pi.Status, pi.AmountReceived)
	}
	var types []string
	for ev, err := range e.client.V1Events.List(testCtx(t), &stripe.EventListParams{}) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Data.Object["id"] == pi.ID {
			types = append([]string{string(ev.Type)}, types...)
		}
	}
	if len(types) < 3 || types[len(types)-2] != "payment_intent.processing" || types[len(types)-1] != "payment_intent.succeeded" {
		t.Fatalf("events %v", types)
	}
}
