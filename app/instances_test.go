package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

// Two app instances on one database share the inbox: every event is stored once and applied exactly once,
// even when Stripe delivers it to both and both workers drain at the same time.
func TestTwoInstancesShareTheInboxAndApplyEachEventOnce(t *testing.T) {
	env := map[string]string{"DATABASE_URL": apptest.DatabaseURL(t), "STRIPE_WEBHOOK_SECRET": "whsec_two_instances",
		"SESSION_SECRET": strings.Repeat("i", 40)}
	a := apptest.New(t, apptest.Options{Env: env})
	b := apptest.New(t, apptest.Options{Env: env})
	db := a.App.DB()
	pid := productID(t, a, "canvas-tote")

	const n = 40
	ids := make([]string, n)
	for i := range n {
		pi := fmt.Sprintf("pi_shared_%d", i)
		o := models.Order{Email: "a@example.com", Currency: "usd", Subtotal: 1800, Total: 2300, Status: models.StatusPending,
			PaymentIntentID: &pi, StockState: models.StockReserved,
			Items: []models.OrderItem{{ProductID: pid, Name: "Canvas Tote", UnitPrice: 1800, Quantity: 1}}}
		if err := db.Create(&o).Error; err != nil {
			t.Fatal(err)
		}
		ids[i] = o.ID
	}
	var wg sync.WaitGroup
	for i := range n {
		payload := event(fmt.Sprintf("evt_shared_%d", i), "payment_intent.succeeded", time.Now().Unix(), map[string]any{
			"id": fmt.Sprintf("pi_shared_%d", i), "object": "payment_intent", "status": "succeeded",
			"metadata": map[string]any{"order_id": ids[i]}})
		for _, s := range []*apptest.Server{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if res := s.PostEvent(t, payload); res.StatusCode != http.StatusOK {
					t.Errorf("status %d", res.StatusCode)
				}
			}()
		}
	}
	for _, s := range []*apptest.Server{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				if _, err := s.App.Worker().Drain(t.Context()); err != nil {
					t.Errorf("drain: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	// The background workers of both instances may still hold a lease on the last events: wait for them.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var pending int64
		db.Model(&models.WebhookEvent{}).Where("status = ?", models.InboxPending).Count(&pending)
		if pending == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}

	var rows []models.WebhookEvent
	db.Where("id LIKE ?", "evt_shared_%").Find(&rows)
	if len(rows) != n {
		t.Fatalf("%d inbox rows, want %d", len(rows), n)
	}
	for _, r := range rows {
		if r.Status != models.InboxApplied || r.Attempts != 1 {
			t.Errorf("%s: status %s attempts %d", r.ID, r.Status, r.Attempts)
		}
	}
	for i, id := range ids {
		var k int64
		db.Model(&models.OrderEvent{}).Where("order_id = ? AND stripe_event_id = ?", id, fmt.Sprintf("evt_shared_%d", i)).Count(&k)
		if k != 1 {
			t.Errorf("order %d: event applied %d times", i, k)
		}
		if o, _ := models.OrderByID(t.Context(), db.DB, id); o.Status != models.StatusPaid {
			t.Errorf("order %d: %s", i, o.Status)
		}
	}
}
