package stripesim

import (
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"
)

// Refunds can wait or fail: with 4000 0000 0000 7726 a refund starts
// pending and later succeeds; with 4000 0000 0000 5126 it starts succeeded
// and later fails (failure_reason), the amount returning to the charge;
// each change sends refund.updated / refund.failed and charge.refund.updated.
// The refund_outcome knob does the same for any card.
// https://docs.stripe.com/testing#refunds
// https://docs.stripe.com/refunds#failed-refunds
// https://docs.stripe.com/api/refunds/object#refund_object-failure_reason
func TestRefundsThatWaitOrFail(t *testing.T) {
	e := newTestEnv(t, Config{})
	e.sim.SetFaults(Faults{ProcessingDelay: 50 * time.Millisecond})
	settle := func(t *testing.T, id string, from stripe.RefundStatus) *stripe.Refund {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			r, err := e.client.V1Refunds.Retrieve(testCtx(t), id, nil)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != from {
				return r
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("refund %s stayed %s", id, from)
		return nil
	}
	eventsFor := func(t *testing.T, id string) map[string]int {
		t.Helper()
		got := map[string]int{}
		for ev, err := range e.client.V1Events.List(testCtx(t), &stripe.EventListParams{}) {
			if err != nil {
				t.Fatal(err)
			}
			if ev.Data.Object["id"] == id {
				got[string(ev.Type)]++
			}
		}
		return got
	}
	refund := func(t *testing.T, pm string) (*stripe.PaymentIntent, *stripe.Refund) {
		t.Helper()
		pi, err := e.createPI(t, e.token(t, pm, nil), nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.client.V1Refunds.Create(testCtx(t), &stripe.RefundCreateParams{PaymentIntent: stripe.String(pi.ID)})
		if err != nil {
			t.Fatal(err)
		}
		return pi, r
	}

	t.Run("pending, then succeeded", func(t *testing.T) {
		_, r := refund(t, "pm_card_pendingRefund")
		if r.Status != stripe.RefundStatusPending {
			t.Fatalf("status %s", r.Status)
		}
		if r = settle(t, r.ID, stripe.RefundStatusPending); r.Status != stripe.RefundStatusSucceeded {
			t.Fatalf("settled %s", r.Status)
		}
		if ev := eventsFor(t, r.ID); ev["refund.created"] != 1 || ev["refund.updated"] != 1 || ev["charge.refund.updated"] != 1 {
			t.Fatalf("events %v", ev)
		}
	})
	t.Run("succeeded, then failed with failure_reason", func(t *testing.T) {
		pi, r := refund(t, "pm_card_refundFail")
		if r.Status != stripe.RefundStatusSucceeded {
			t.Fatalf("status %s", r.Status)
		}
		if r = settle(t, r.ID, stripe.RefundStatusSucceeded); r.Status != stripe.RefundStatusFailed ||
			r.FailureReason != stripe.RefundFailureReasonExpiredOrCanceledCard {
			t.Fatalf("settled %s (%s)", r.Status, r.FailureReason)
		}
		if ev := eventsFor(t, r.ID); ev["refund.failed"] != 1 || ev["refund.updated"] != 1 || ev["charge.refund.updated"] != 1 {
			t.Fatalf("events %v", ev)
		}
		ch, err := e.client.V1Charges.Retrieve(testCtx(t), pi.LatestCharge.ID, nil)
		if err != nil || ch.AmountRefunded != 0 || ch.Refunded {
			t.Fatalf("charge after a failed refund: refunded %d %v (%v)", ch.AmountRefunded, ch.Refunded, err)
		}
	})
	t.Run("the refund_outcome knob fails refunds of any card", func(t *testing.T) {
		e.sim.SetFaults(Faults{ProcessingDelay: 50 * time.Millisecond, RefundOutcome: "fail"})
		_, r := refund(t, "pm_card_visa")
		if r = settle(t, r.ID, stripe.RefundStatusSucceeded); r.Status != stripe.RefundStatusFailed {
			t.Fatalf("settled %s", r.Status)
		}
	})
}
