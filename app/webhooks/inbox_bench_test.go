package webhooks

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/storefront/storefront/models"
)

const benchSecret = "whsec_bench_0123456789abcdef"

// benchInbox is an inbox on a fresh SQLite file, configured like the app's (WAL, immediate transactions).
func benchInbox(b *testing.B) *Inbox {
	b.Helper()
	ctx := context.Background()
	db, err := models.Open(ctx, "sqlite://"+filepath.Join(b.TempDir(), "inbox.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	return &Inbox{DB: db.DB, Secret: benchSecret, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: NewMetrics(nil)}
}

// benchEvent is a payment_intent.succeeded event the size of Stripe's (about 2.5 KB), signed now.
func benchEvent(n int64) ([]byte, string) {
	pi := map[string]any{
		"id": fmt.Sprintf("pi_bench%016d", n), "object": "payment_intent", "amount": 2400, "amount_received": 2400,
		"currency": "usd", "status": "succeeded", "capture_method": "automatic", "confirmation_method": "automatic",
		"client_secret": fmt.Sprintf("pi_bench%016d_secret_abcdefghijklmnopqrstuvwxyz", n), "created": time.Now().Unix(),
		"description": "Order SF-8K2D-QX7M-4PZN-T9WA", "latest_charge": fmt.Sprintf("ch_bench%016d", n), "livemode": false,
		"metadata":       map[string]string{"order_id": "01K8ZQ3M5X7B2C4D6E8F0G1H2J", "order_number": "SF-8K2D-QX7M-4PZN-T9WA"},
		"payment_method": "pm_1Q0PsIJvEtkwdCNYMSaVuRz6", "payment_method_types": []string{"card", "link"},
		"receipt_email": "jenny.rosen@example.com",
		"shipping": map[string]any{"name": "Jenny Rosen", "address": map[string]any{"line1": "1234 Main Street", "city": "San Francisco",
			"state": "CA", "postal_code": "94111", "country": "US"}},
		"payment_method_options": map[string]any{"card": map[string]any{"request_three_d_secure": "automatic", "installments": nil,
			"mandate_options": nil, "network": nil}, "link": map[string]any{"persistent_token": nil}},
		"automatic_payment_methods": map[string]any{"allow_redirects": "always", "enabled": true},
	}
	body, _ := json.Marshal(map[string]any{
		"id": fmt.Sprintf("evt_bench%016d", n), "object": "event", "type": "payment_intent.succeeded",
		"api_version": stripe.APIVersion, "created": time.Now().Unix(), "livemode": false, "pending_webhooks": 1,
		"request": map[string]any{"id": "req_benchabcdefghij", "idempotency_key": "storefront-order-x-attempt-1-create"},
		"data":    map[string]any{"object": pi},
	})
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: benchSecret, Timestamp: time.Now()})
	return sp.Payload, sp.Header
}

// BenchmarkInboxReceive verifies and stores one new event per op (signing the event is included: ~1 µs).
func BenchmarkInboxReceive(b *testing.B) {
	in := benchInbox(b)
	ctx := context.Background()
	var n int64
	b.ReportAllocs()
	for b.Loop() {
		n++
		body, sig := benchEvent(n)
		if _, err := in.Receive(ctx, body, sig); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInboxReceiveParallel is the same with 64 concurrent deliveries, as in the load run.
func BenchmarkInboxReceiveParallel(b *testing.B) {
	in := benchInbox(b)
	ctx := context.Background()
	var n atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(32) // × GOMAXPROCS (2) = 64 goroutines
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body, sig := benchEvent(n.Add(1))
			if _, err := in.Receive(ctx, body, sig); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkInboxReceiveDuplicate acknowledges an event already stored (Stripe's retries).
func BenchmarkInboxReceiveDuplicate(b *testing.B) {
	in := benchInbox(b)
	ctx := context.Background()
	body, sig := benchEvent(1)
	if _, err := in.Receive(ctx, body, sig); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if dup, err := in.Receive(ctx, body, sig); err != nil || !dup {
			b.Fatal(dup, err)
		}
	}
}
