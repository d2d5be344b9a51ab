package app_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/stripe/stripe-go/v82"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/app/stripesim"
	"github.com/storefront/storefront/models"
)

func TestReconcilerReleasesTheStockOfAbandonedCheckouts(t *testing.T) {
	s := apptest.New(t)
	before := stock(t, s, "merino-beanie")
	// One shopper stops at 3-D Secure, another after a decline, a third never reaches Stripe (a PaymentIntent-less
	// order cannot be made through the API, so it stands for a checkout whose attempt never started).
	a := shopper(t, s, "merino-beanie")
	_, ra := confirm(t, a, confirmBody(s.Token(t, "4000002500003155")))
	b := shopper(t, s, "merino-beanie")
	_, rb := confirm(t, b, confirmBody(s.Token(t, "4000000000000002")))
	if got := stock(t, s, "merino-beanie"); got != before-2 {
		t.Fatalf("stock %d after two reservations, want %d", got, before-2)
	}
	s.Settle(t)
	rec := s.App.Reconciler()
	rec.AbandonAfter = 0
	rep, err := rec.RunOnce(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Abandoned != 2 {
		t.Fatalf("report %+v", rep)
	}
	s.Settle(t)
	for _, num := range []string{ra.OrderNumber, rb.OrderNumber} {
		o := orderByNumber(t, s, num)
		if o.Status != models.StatusCanceled || o.StockState != models.StockReleased {
			t.Errorf("order %s: %s, stock %s", num, o.Status, o.StockState)
		}
		pi, err := s.App.Payments().Stripe().V1PaymentIntents.Retrieve(t.Context(), *o.PaymentIntentID, nil)
		if err != nil || pi.Status != stripe.PaymentIntentStatusCanceled {
			t.Errorf("PaymentIntent of %s: %v %v", num, pi.Status, err)
		}
	}
	if got := stock(t, s, "merino-beanie"); got != before {
		t.Errorf("stock %d after release, want %d", got, before)
	}
	t.Run("a paid order is never abandoned", func(t *testing.T) {
		o := placeOrder(t, s)
		if _, err := rec.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := orderByNumber(t, s, o.Number); got.Status != models.StatusPaid {
			t.Fatalf("paid order became %s", got.Status)
		}
	})
}

// 100 checkouts while 20 % of the server's Stripe calls fail: no order is lost and none is charged twice.
func TestCheckoutsWhileAFifthOfStripeCallsFail(t *testing.T) {
	if testing.Short() {
		t.Skip("fault run skipped in -short mode")
	}
	s := apptest.New(t)
	s.App.DB().Model(&models.Product{}).Where("1 = 1").Update("stock", 1000)
	const n = 100
	numbers := make([]string, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 6)
	for i := range n {
		if i == n/2 {
			wg.Wait() // second half: connections dropped after Stripe acted, instead of 500s before
			s.App.Simulator().SetFaults(stripesim.Faults{FailRate: 0.2, FailKind: "disconnect", Seed: 2})
		} else if i == 0 {
			s.App.Simulator().SetFaults(stripesim.Faults{FailRate: 0.2, FailKind: "api_error", Seed: 1})
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c := shopper(t, s, "classic-tee")
			tok := s.Token(t, "4242424242424242")
			for try := 0; try < 3; try++ { // the shopper clicks Pay again after an error
				res, r := confirm(t, c, confirmBody(tok))
				if r.OrderNumber != "" {
					numbers[i] = r.OrderNumber
				}
				if res.StatusCode == http.StatusOK {
					return
				}
				tok = s.Token(t, "4242424242424242")
			}
		}()
	}
	wg.Wait()
	s.App.Simulator().SetFaults(stripesim.Faults{})
	s.Settle(t)
	rec := s.App.Reconciler()
	rec.StuckAfter = 0
	if _, err := rec.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	s.Settle(t)

	var orders []models.Order
	s.App.DB().Find(&orders)
	if len(orders) != n {
		t.Fatalf("%d orders for %d shoppers", len(orders), n)
	}
	succeeded := map[string]int{}
	for pi, err := range s.App.Payments().Stripe().V1PaymentIntents.List(t.Context(), &stripe.PaymentIntentListParams{}) {
		if err != nil {
			t.Fatal(err)
		}
		if pi.Status == stripe.PaymentIntentStatusSucceeded {
			succeeded[pi.Metadata["order_id"]]++
		}
	}
	paid := 0
	for _, o := range orders {
		if succeeded[o.ID] > 1 {
			t.Errorf("order %s charged %d times", o.Number, succeeded[o.ID])
		}
		if (succeeded[o.ID] == 1) != (o.Status == models.StatusPaid) {
			t.Errorf("order %s is %s but Stripe has %d successful charges", o.Number, o.Status, succeeded[o.ID])
		}
		if o.Status == models.StatusPaid {
			paid++
		}
	}
	t.Logf("%d of %d orders paid; the rest can be paid again", paid, n)
}
