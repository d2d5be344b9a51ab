package webhooks_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stripe/stripe-go/v82"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/app/webhooks"
	"github.com/storefront/storefront/models"
)

// Two workers whose leases are always out of date (as if each stalled past its lease on every batch) claim the
// same events over and over; still each event is applied exactly once, because the transaction that applies an
// event holds it. Run on PostgreSQL (TEST_DB=postgres), where the two workers' transactions really overlap.
func TestTwoWorkersWithLeasesAlwaysRunOutNeverApplyOneEventTwice(t *testing.T) {
	ctx := t.Context()
	db, err := models.Open(ctx, apptest.DatabaseURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := models.SeedDemoCatalog(ctx, db.DB); err != nil {
		t.Fatal(err)
	}
	var p models.Product
	if err := db.Where("slug = ?", "canvas-tote").Take(&p).Error; err != nil {
		t.Fatal(err)
	}
	const n = 60
	now := time.Now().UTC()
	orderIDs := make([]string, n)
	for i := range n {
		pi := fmt.Sprintf("pi_race_%d", i)
		o := models.Order{Email: "a@example.com", Currency: "usd", Subtotal: p.Price, Total: p.Price, Status: models.StatusPending,
			PaymentIntentID: &pi, StockState: models.StockReserved,
			Items: []models.OrderItem{{ProductID: p.ID, Name: p.Name, UnitPrice: p.Price, Quantity: 1}}}
		if err := db.Create(&o).Error; err != nil {
			t.Fatal(err)
		}
		orderIDs[i] = o.ID
		id := fmt.Sprintf("evt_race_%d", i)
		payload, _ := json.Marshal(map[string]any{"id": id, "object": "event", "type": "payment_intent.succeeded",
			"api_version": stripe.APIVersion, "created": now.Unix(),
			"data": map[string]any{"object": map[string]any{"id": pi, "object": "payment_intent", "status": "succeeded",
				"amount": p.Price, "amount_received": p.Price, "currency": "usd", "metadata": map[string]any{"order_id": o.ID}}}})
		if _, err := models.StoreWebhookEvent(ctx, db.DB, &models.WebhookEvent{ID: id, Type: "payment_intent.succeeded",
			APIVersion: stripe.APIVersion, Created: now.Unix(), Payload: string(payload), Status: models.InboxPending,
			NextAttemptAt: now, ReceivedAt: now}); err != nil {
			t.Fatal(err)
		}
	}

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var workers []*webhooks.Worker
	var regs []*prometheus.Registry
	for _, id := range []string{"a", "b"} {
		reg := prometheus.NewRegistry()
		w := webhooks.NewWorker(db.DB, log, webhooks.NewMetrics(reg), &webhooks.Applier{DB: db.DB, Log: log}, id)
		w.Lease = -time.Hour // every lease has run out the moment it is taken: the other worker may always claim
		w.Batch = 7
		workers, regs = append(workers, w), append(regs, reg)
	}
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if _, err := w.Drain(ctx); err != nil {
					t.Errorf("drain: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()

	applied := 0.0
	for _, reg := range regs {
		fams, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fams {
			if f.GetName() == "storefront_webhook_events_applied_total" {
				for _, m := range f.GetMetric() {
					applied += counter(m)
				}
			}
		}
	}
	if applied != n {
		t.Errorf("the two workers applied %v events, want %d (each once)", applied, n)
	}
	var rows []models.WebhookEvent
	db.Where("id LIKE ?", "evt_race_%").Find(&rows)
	for _, r := range rows {
		if r.Status != models.InboxApplied || r.Attempts != 1 {
			t.Errorf("%s: status %s, attempts %d", r.ID, r.Status, r.Attempts)
		}
	}
	for i, id := range orderIDs {
		var k int64
		db.Model(&models.OrderEvent{}).Where("order_id = ? AND stripe_event_id = ?", id, fmt.Sprintf("evt_race_%d", i)).Count(&k)
		if k != 1 {
			t.Errorf("order %d: its event is on the timeline %d times", i, k)
		}
	}
}

func counter(m *dto.Metric) float64 { return m.GetCounter().GetValue() }
