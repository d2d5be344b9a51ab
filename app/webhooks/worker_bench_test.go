package webhooks

import (
	"context"
	"testing"
)

// BenchmarkWorkerDrain applies stored events one after another, as the worker does after a burst: per op one
// payment_intent.succeeded event of a PaymentIntent the shop did not make (outcome "ignored"). Storing the
// events is outside the timer.
func BenchmarkWorkerDrain(b *testing.B) {
	in := benchInbox(b)
	ctx := context.Background()
	for i := range b.N {
		body, sig := benchEvent(int64(i) + 1)
		if _, err := in.Receive(ctx, body, sig); err != nil {
			b.Fatal(err)
		}
	}
	// The event's metadata names an order that does not exist: drop it, so the event is ignored, not retried.
	if err := in.DB.Exec("UPDATE webhook_events SET payload = REPLACE(payload, '\"order_id\":\"01K8ZQ3M5X7B2C4D6E8F0G1H2J\",', '')").Error; err != nil {
		b.Fatal(err)
	}
	w := NewWorker(in.DB, in.Log, in.Metrics, &Applier{DB: in.DB, Log: in.Log}, "bench")
	b.ReportAllocs()
	b.ResetTimer()
	n, err := w.Drain(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if n != b.N {
		b.Fatalf("applied %d of %d", n, b.N)
	}
}
