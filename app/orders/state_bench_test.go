package orders

import (
	"testing"

	"github.com/storefront/storefront/models"
)

// BenchmarkNext replays a realistic order's life (a 3-D Secure attempt that fails, a retry that succeeds, a
// partial refund, a duplicate and a late event) through the state machine.
func BenchmarkNext(b *testing.B) {
	events := []Event{
		{Kind: PIRequiresAction, Created: 100},
		{Kind: PIPaymentFailed, Created: 101},
		{Kind: PIProcessing, Created: 110},
		{Kind: PISucceeded, Created: 111},
		{Kind: PISucceeded, Created: 111},    // duplicate
		{Kind: PIPaymentFailed, Created: 90}, // late
		{Kind: ChargeRefunded, Created: 200, AmountRefunded: 500},
		{Kind: DisputeCreated, Created: 300, DisputeStatus: "needs_response"},
		{Kind: DisputeClosed, Created: 400, DisputeStatus: "won"},
	}
	b.ReportAllocs()
	var changes int
	for b.Loop() {
		s := State{Status: models.StatusPending, Total: 2400}
		for _, ev := range events {
			var changed bool
			if s, changed = Next(s, ev); changed {
				changes++
			}
		}
	}
	b.ReportMetric(float64(len(events)), "events/op")
}
