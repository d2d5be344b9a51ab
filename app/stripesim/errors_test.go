package stripesim

import (
	"testing"

	"github.com/stripe/stripe-go/v82"
)

// Confirming a PaymentIntent in a final state fails with
// payment_intent_unexpected_state, and the error object carries the
// PaymentIntent ("payment_intent: the PaymentIntent object for errors
// returned on a request involving a PaymentIntent"), so a client can see it
// already succeeded.
// https://docs.stripe.com/error-codes/payment-intent-unexpected-state
// https://docs.stripe.com/api/errors
func TestConfirmOnFinalStateCarriesThePaymentIntent(t *testing.T) {
	e := newTestEnv(t, Config{})
	pi, err := e.createPI(t, e.token(t, "pm_card_visa", nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.client.V1PaymentIntents.Confirm(testCtx(t), pi.ID, &stripe.PaymentIntentConfirmParams{
		ConfirmationToken: stripe.String(e.token(t, "pm_card_visa", nil))})
	se := stripeErr(t, err)
	if se.Code != stripe.ErrorCodePaymentIntentUnexpectedState || se.HTTPStatusCode != 400 {
		t.Fatalf("got %d %s", se.HTTPStatusCode, se.Code)
	}
	if se.PaymentIntent == nil || se.PaymentIntent.ID != pi.ID || se.PaymentIntent.Status != stripe.PaymentIntentStatusSucceeded {
		t.Fatalf("error payment_intent = %+v, want %s succeeded", se.PaymentIntent, pi.ID)
	}
}
