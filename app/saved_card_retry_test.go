package app_test

import (
	"net/http"
	"testing"

	"github.com/stripe/stripe-go/v82"

	"github.com/storefront/storefront/app/apptest"
)

// tokenWithSave makes a ConfirmationToken for a Stripe test PaymentMethod (pm_card_…) as the Payment Element
// does with its save checkbox: setup_future_usage=off_session when "save" is ticked, none when it is not.
func tokenWithSave(t *testing.T, s *apptest.Server, pm string, save bool) string {
	t.Helper()
	p := &stripe.TestHelpersConfirmationTokenCreateParams{PaymentMethod: stripe.String(pm),
		ReturnURL: stripe.String(s.URL + "/checkout/complete")}
	if save {
		p.SetupFutureUsage = stripe.String(string(stripe.PaymentIntentSetupFutureUsageOffSession))
	}
	tok, err := s.App.Payments().Stripe().V1TestHelpersConfirmationTokens.Create(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	return tok.ID
}

// savedAfterRetry declines a first attempt (save ticked or not), pays on the same PaymentIntent with a second
// token (save ticked or not), and returns the PaymentIntent and its card as Stripe holds them.
func savedAfterRetry(t *testing.T, firstSave, retrySave bool) (*stripe.PaymentIntent, *stripe.PaymentMethod, string) {
	t.Helper()
	s := newAccountServer(t)
	c := visitor(t, s)
	signUpAndIn(t, c, "erin@example.com", "erin password 1")
	c.PostForm("/cart/items", addForm(productID(t, s, "canvas-tote"), "1")).Expect(t, http.StatusSeeOther)
	c.Get("/checkout").Expect(t, http.StatusOK)
	res, r := confirm(t, c, confirmBody(tokenWithSave(t, s, "pm_card_chargeDeclined", firstSave)))
	res.Expect(t, http.StatusPaymentRequired)
	first := orderByNumber(t, s, r.OrderNumber)
	res, r = confirm(t, c, confirmBody(tokenWithSave(t, s, "pm_card_visa", retrySave)))
	res.Expect(t, http.StatusOK)
	o := orderByNumber(t, s, r.OrderNumber)
	if o.ID != first.ID || o.PaymentIntentID == nil || *o.PaymentIntentID != *first.PaymentIntentID {
		t.Fatalf("the retry did not confirm the order's PaymentIntent again: %v then %v", first.PaymentIntentID, o.PaymentIntentID)
	}
	pi := retrieveIntent(t, s, *o.PaymentIntentID)
	if pi.Status != stripe.PaymentIntentStatusSucceeded || pi.PaymentMethod == nil {
		t.Fatalf("payment intent %s, method %v", pi.Status, pi.PaymentMethod)
	}
	pm, err := s.App.Payments().Stripe().V1PaymentMethods.Retrieve(t.Context(), pi.PaymentMethod.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	return pi, pm, accountCustomer(t, s, "erin@example.com")
}

// The shopper ticks "save", the card is declined, and pays with another card with "save" unticked: the
// PaymentIntent must not carry the first attempt's setup_future_usage, and the card is not saved.
func TestRetryUntickedSaveDoesNotSaveTheCard(t *testing.T) {
	pi, pm, _ := savedAfterRetry(t, true, false)
	if pi.SetupFutureUsage != "" {
		t.Errorf("the paid PaymentIntent carries setup_future_usage=%s from the declined attempt", pi.SetupFutureUsage)
	}
	if pm.Customer != nil {
		t.Errorf("the card was saved to %s although the shopper unticked save", pm.Customer.ID)
	}
}

// The reverse: "save" unticked on the declined attempt, ticked on the retry: the card is saved to the shopper.
func TestRetryTickedSaveSavesTheCard(t *testing.T) {
	pi, pm, cus := savedAfterRetry(t, false, true)
	if pi.SetupFutureUsage != stripe.PaymentIntentSetupFutureUsageOffSession {
		t.Errorf("setup_future_usage %q, want off_session", pi.SetupFutureUsage)
	}
	if cus == "" || pm.Customer == nil || pm.Customer.ID != cus {
		t.Errorf("card customer %v, want %s", pm.Customer, cus)
	}
}

// With REQUIRE_CVC_RECOLLECTION=true the checkout page tells checkout.js (Elements' paymentMethodOptions) and
// the PaymentIntent is created requiring the CVC of a saved card again; off, neither.
func TestSavedCardCVCRecollectionSetting(t *testing.T) {
	for _, on := range []bool{true, false} {
		env := map[string]string{}
		if on {
			env["REQUIRE_CVC_RECOLLECTION"] = "true"
		}
		s := newAccountServer(t, env)
		c := visitor(t, s)
		signUpAndIn(t, c, "fay@example.com", "fay password 12")
		c.PostForm("/cart/items", addForm(productID(t, s, "canvas-tote"), "1")).Expect(t, http.StatusSeeOther)
		if body := c.Get("/checkout").Expect(t, http.StatusOK).Body; contains(body, `"requireCvcRecollection":true`) != on {
			t.Errorf("setting %v: checkout config says requireCvcRecollection=%v", on, !on)
		}
		_, r := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
		o := orderByNumber(t, s, r.OrderNumber)
		pi := retrieveIntent(t, s, *o.PaymentIntentID)
		got := pi.PaymentMethodOptions != nil && pi.PaymentMethodOptions.Card != nil && pi.PaymentMethodOptions.Card.RequireCVCRecollection
		if got != on {
			t.Errorf("setting %v: the PaymentIntent's require_cvc_recollection is %v", on, got)
		}
	}
}
