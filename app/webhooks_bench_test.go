package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
)

// BenchmarkWebhookReceive is POST /webhooks/stripe through the whole handler with 64 concurrent deliveries,
// each a new signed payment_intent.succeeded event for a PaymentIntent the shop did not make. The app's inbox
// worker applies them (outcome "ignored") at the same time, as in production.
func BenchmarkWebhookReceive(b *testing.B) {
	a := benchApp(b)
	h := a.Handler()
	secret := a.Config().StripeWebhookSecret
	var n atomic.Int64
	run := time.Now().UnixNano()
	b.ReportAllocs()
	b.SetParallelism(32) // × GOMAXPROCS (2) = 64 goroutines
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			payload, _ := json.Marshal(map[string]any{
				"id": fmt.Sprintf("evt_bench_%d_%d", run, i), "object": "event", "type": "payment_intent.succeeded",
				"api_version": stripe.APIVersion, "created": time.Now().Unix(), "livemode": false, "pending_webhooks": 1,
				"data": map[string]any{"object": map[string]any{"id": fmt.Sprintf("pi_bench_%d", i), "object": "payment_intent",
					"amount": 2400, "currency": "usd", "status": "succeeded", "metadata": map[string]string{}}},
			})
			sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: time.Now()})
			req := httptest.NewRequest(http.MethodPost, "/webhooks/stripe", bytes.NewReader(sp.Payload))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Stripe-Signature", sp.Header)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Errorf("status %d: %s", rec.Code, rec.Body.String())
				return
			}
		}
	})
}
