package app_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/app/stripesim"
	"github.com/storefront/storefront/models"
)

// 200 checkouts with mixed outcomes while webhooks are duplicated, reordered, delayed and 10 % dropped.
// After the reconciler runs, every order matches Stripe, none was paid twice, and stock adds up.
func TestChaosOrdersSettleWhateverTheWebhooksDo(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos run skipped in -short mode")
	}
	s := apptest.New(t)
	db := s.App.DB()
	db.Model(&models.Product{}).Where("1 = 1").Update("stock", 1000)
	var products []models.Product
	db.Order("position").Find(&products)
	s.App.Simulator().SetFaults(stripesim.Faults{Seed: 7, WebhookDuplicateRate: 0.3, WebhookReorder: true,
		WebhookDelay: 5 * time.Millisecond, WebhookDropRate: 0.1})

	type outcome struct {
		card, challenge string
	}
	outcomes := []outcome{
		{"4242424242424242", ""}, {"4000000000000002", ""}, {"4000002500003155", "complete"},
		{"4000002760003184", "fail"}, {"4000000000009995", ""}, {"4100000000000019", ""}, {"4000002500003155", ""},
	}
	const n = 200
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c := s.Client(t)
			p := products[i%len(products)]
			c.PostForm("/cart/items", addForm(p.ID, fmt.Sprint(1+i%3))).Expect(t, http.StatusSeeOther)
			c.Get("/checkout")
			oc := outcomes[i%len(outcomes)]
			res := c.PostJSON("/checkout/confirm", confirmBody(s.Token(t, oc.card)))
			var r confirmReply
			res.DecodeJSON(t, &r)
			if r.Status == "requires_action" && oc.challenge != "" {
				o := orderByNumber(t, s, r.OrderNumber)
				s.Authenticate(t, *o.PaymentIntentID, r.ClientSecret, oc.challenge)
			}
		}()
	}
	wg.Wait()
	s.WaitWebhooks(t)

	rec := s.App.Reconciler()
	rec.StuckAfter = 0
	rep, err := rec.RunOnce(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	s.WaitInbox(t)
	t.Logf("reconciler: %+v", rep)

	var orders []models.Order
	db.Preload("Items").Find(&orders)
	if len(orders) != n {
		t.Fatalf("%d orders, want %d", len(orders), n)
	}
	sc := s.App.Payments().Stripe()
	sold := map[string]int64{}
	for _, o := range orders {
		if o.PaymentIntentID == nil {
			t.Fatalf("order %s has no PaymentIntent", o.Number)
		}
		pi, err := sc.V1PaymentIntents.Retrieve(t.Context(), *o.PaymentIntentID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := statusFromStripe(pi); o.Status != want {
			t.Errorf("order %s is %s, Stripe says %s (%s)", o.Number, o.Status, want, pi.Status)
		}
		if o.Status == models.StatusPaid && o.StockState != models.StockCommitted {
			t.Errorf("paid order %s has stock %s", o.Number, o.StockState)
		}
		if o.StockState == models.StockReserved || o.StockState == models.StockCommitted {
			for _, it := range o.Items {
				sold[it.ProductID] += it.Quantity
			}
		}
	}
	// No order was paid twice: Stripe holds one PaymentIntent per order.
	seen := map[string]int{}
	for pi, err := range sc.V1PaymentIntents.List(t.Context(), &stripe.PaymentIntentListParams{}) {
		if err != nil {
			t.Fatal(err)
		}
		seen[pi.Metadata["order_id"]]++
	}
	for id, k := range seen {
		if k != 1 {
			t.Errorf("order %s has %d PaymentIntents", id, k)
		}
	}
	// Stock adds up: what is left is what we had minus what is sold or still reserved.
	var after []models.Product
	db.Find(&after)
	for _, p := range after {
		if p.Stock != 1000-sold[p.ID] {
			t.Errorf("%s: stock %d, want %d", p.Slug, p.Stock, 1000-sold[p.ID])
		}
	}
}

// statusFromStripe is the order status a PaymentIntent implies.
func statusFromStripe(pi *stripe.PaymentIntent) string {
	switch pi.Status {
	case stripe.PaymentIntentStatusSucceeded:
		return models.StatusPaid
	case stripe.PaymentIntentStatusRequiresAction:
		return models.StatusRequiresAction
	case stripe.PaymentIntentStatusProcessing:
		return models.StatusProcessing
	case stripe.PaymentIntentStatusCanceled:
		return models.StatusCanceled
	}
	return models.StatusPaymentFailed
}
