package stripesim

import (
	"net/http"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"
)

// Stripe saves the status code and body of the first request with a key
// once the endpoint has begun executing, and replays it, 500s included;
// keys may be pruned after 24 hours.
// https://docs.stripe.com/api/idempotent_requests
func TestIdempotencyStoresFailuresLikeStripe(t *testing.T) {
	e := newTestEnv(t, Config{})
	ctx := testCtx(t)
	confirmParams := func(key string) *stripe.PaymentIntentCreateParams {
		p := &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(2500), Currency: stripe.String("usd"),
			Confirm: stripe.Bool(true), ConfirmationToken: stripe.String(e.token(t, "pm_card_visa", nil))}
		p.AddMetadata("order_id", key)
		p.SetIdempotencyKey(key)
		return p
	}
	countPIs := func(order string) (n int, succeeded int) {
		for pi, err := range e.client.V1PaymentIntents.List(ctx, &stripe.PaymentIntentListParams{}) {
			if err != nil {
				t.Fatal(err)
			}
			if pi.Metadata["order_id"] == order {
				n++
				if pi.Status == stripe.PaymentIntentStatusSucceeded {
					succeeded++
				}
			}
		}
		return n, succeeded
	}
	replays500 := func(t *testing.T, p *stripe.PaymentIntentCreateParams) {
		t.Helper()
		_, err := e.client.V1PaymentIntents.Create(ctx, p)
		se := stripeErr(t, err)
		if se.HTTPStatusCode != http.StatusInternalServerError || se.Type != stripe.ErrorTypeAPI {
			t.Fatalf("retry with the same key: want the stored 500, got %d %s", se.HTTPStatusCode, se.Type)
		}
		if se.LastResponse.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("the retry was not a replay")
		}
	}

	t.Run("a 500 before execution made nothing and is replayed", func(t *testing.T) {
		p := confirmParams("before-1")
		e.sim.SetFaults(Faults{FailNext: 1, FailKind: FaultAPIError})
		_, err := e.client.V1PaymentIntents.Create(ctx, p)
		if se := stripeErr(t, err); se.HTTPStatusCode != 500 {
			t.Fatalf("first call: %v", err)
		}
		replays500(t, p)
		if n, _ := countPIs("before-1"); n != 0 {
			t.Fatalf("%d PaymentIntents made by a request that failed before execution", n)
		}
	})
	t.Run("a 500 after execution charged the card, sent webhooks and is replayed", func(t *testing.T) {
		p := confirmParams("after-1")
		e.sim.SetFaults(Faults{FailNext: 1, FailKind: FaultAPIErrorAfter})
		_, err := e.client.V1PaymentIntents.Create(ctx, p)
		if se := stripeErr(t, err); se.HTTPStatusCode != 500 {
			t.Fatalf("first call: %v", err)
		}
		replays500(t, p)
		if n, ok := countPIs("after-1"); n != 1 || ok != 1 {
			t.Fatalf("want one succeeded PaymentIntent behind the 500, got %d (%d succeeded)", n, ok)
		}
		found := false
		for ev, err := range e.client.V1Events.List(ctx, &stripe.EventListParams{Type: stripe.String("payment_intent.succeeded")}) {
			if err != nil {
				t.Fatal(err)
			}
			found = found || ev.Data.Object["metadata"].(map[string]any)["order_id"] == "after-1"
		}
		if !found {
			t.Error("no payment_intent.succeeded event for the request that answered 500")
		}
	})
	t.Run("a 4xx from the endpoint is replayed", func(t *testing.T) {
		pi, err := e.createPI(t, e.token(t, "pm_card_visa", nil), nil)
		if err != nil {
			t.Fatal(err)
		}
		mk := func() *stripe.PaymentIntentConfirmParams {
			p := &stripe.PaymentIntentConfirmParams{ConfirmationToken: stripe.String("ctoken_same")}
			p.SetIdempotencyKey("confirm-final-1")
			return p
		}
		_, err1 := e.client.V1PaymentIntents.Confirm(ctx, pi.ID, mk())
		_, err2 := e.client.V1PaymentIntents.Confirm(ctx, pi.ID, mk())
		a, b := stripeErr(t, err1), stripeErr(t, err2)
		if a.HTTPStatusCode/100 != 4 || b.LastResponse.Header.Get("Idempotent-Replayed") != "true" || a.Msg != b.Msg {
			t.Fatalf("4xx not replayed: %v / %v", a, b)
		}
	})
	t.Run("keys expire after 24 hours on the simulator's clock", func(t *testing.T) {
		p := &stripe.CustomerCreateParams{Email: stripe.String("old@example.com")}
		p.SetIdempotencyKey("cust-expiring")
		first, err := e.client.V1Customers.Create(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		e.sim.SetFaults(Faults{ClockSkew: 25 * time.Hour})
		t.Cleanup(func() { e.sim.SetFaults(Faults{}) })
		again, err := e.client.V1Customers.Create(ctx, p)
		if err != nil || again.ID == first.ID {
			t.Fatalf("a key older than 24 h replayed: %v", err)
		}
	})
	t.Run("fault kinds are accepted by the control endpoint", func(t *testing.T) {
		for _, kind := range []string{FaultAPIError, FaultAPIErrorAfter} {
			var f Faults
			if err := f.UnmarshalJSON([]byte(`{"fail_kind":"` + kind + `"}`)); err != nil || f.validate() != nil {
				t.Fatalf("%s: %v %v", kind, err, f.validate())
			}
		}
	})
}
