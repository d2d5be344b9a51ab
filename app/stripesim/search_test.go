package stripesim

import (
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"
)

// Search is not for read-after-write: "Under normal operating conditions,
// data is searchable in under 1 minute." New objects and their changes
// reach search only after SearchLag (default DefaultSearchLag).
// https://docs.stripe.com/search#data-freshness
func TestSearchLagsBehindWrites(t *testing.T) {
	e := newTestEnv(t, Config{})
	ctx := testCtx(t)
	find := func(query string) int {
		n := 0
		for _, err := range e.client.V1PaymentIntents.Search(ctx, &stripe.PaymentIntentSearchParams{
			SearchParams: stripe.SearchParams{Query: query}}) {
			if err != nil {
				t.Fatalf("search %s: %v", query, err)
			}
			n++
		}
		return n
	}
	if DefaultSearchLag < 2*time.Second || DefaultSearchLag > 5*time.Second {
		t.Fatalf("default search lag %v, want a few seconds", DefaultSearchLag)
	}
	p := &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(2500), Currency: stripe.String("usd"),
		Confirm: stripe.Bool(true), ConfirmationToken: stripe.String(e.token(t, "pm_card_visa", nil))}
	p.AddMetadata("order_id", "lag-1")
	if _, err := e.client.V1PaymentIntents.Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	if n := find("metadata['order_id']:'lag-1'"); n != 0 {
		t.Fatalf("search found a PaymentIntent made just now (%d hits)", n)
	}
	t.Run("a list call sees it at once", func(t *testing.T) {
		lp := &stripe.PaymentIntentListParams{}
		lp.Limit = stripe.Int64(1)
		lp.Single = true
		for pi, err := range e.client.V1PaymentIntents.List(ctx, lp) {
			if err != nil || pi.Metadata["order_id"] != "lag-1" {
				t.Fatalf("list: %v", err)
			}
		}
	})
	t.Run("after the lag it is found, in the state it had then", func(t *testing.T) {
		e.sim.SetFaults(Faults{ClockSkew: DefaultSearchLag + time.Second})
		if n := find("metadata['order_id']:'lag-1' AND status:'succeeded'"); n != 1 {
			t.Fatalf("found %d after the lag", n)
		}
	})
	t.Run("the lag can be set to Stripe's minute", func(t *testing.T) {
		e.sim.SetFaults(Faults{SearchLag: time.Minute, ClockSkew: 30 * time.Second})
		if n := find("metadata['order_id']:'lag-1'"); n != 0 {
			t.Fatalf("found %d within a 60 s lag", n)
		}
		e.sim.SetFaults(Faults{SearchLag: time.Minute, ClockSkew: 61 * time.Second})
		if n := find("metadata['order_id']:'lag-1'"); n != 1 {
			t.Fatalf("found %d after a 60 s lag", n)
		}
	})
	t.Run("a negative lag makes search immediate", func(t *testing.T) {
		e.sim.SetFaults(Faults{SearchLag: -1})
		if n := find("metadata['order_id']:'lag-1'"); n != 1 {
			t.Fatalf("found %d", n)
		}
	})
}
