package payments_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/storefront/storefront/app/payments"
	"github.com/storefront/storefront/app/stripesim/stripemocktest"
)

// TestRefundRequestConformsToStripesSpec sends the refund request to stripe-mock, which validates every
// parameter against Stripe's OpenAPI spec (payment_intent, amount, reason, metadata, expand).
func TestRefundRequestConformsToStripesSpec(t *testing.T) {
	base := stripemocktest.Start(t)
	c := payments.New(payments.Options{SecretKey: "sk_test_123", APIBase: base}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	re, err := c.Refund(t.Context(), payments.RefundRequest{OrderID: "01ARZ3NDEKTSV4RRFFQ69G5FAV", OrderNumber: "SF-TEST",
		PaymentIntentID: "pi_123", Amount: 1250, Seq: 1})
	if err != nil {
		t.Fatalf("stripe-mock refused the refund request: %v", err)
	}
	if !strings.HasPrefix(re.ID, "re_") {
		t.Errorf("refund %+v", re)
	}
}

func TestRefundIdempotencyKeyNamesTheOrderTheRefundAndTheAmount(t *testing.T) {
	r := payments.RefundRequest{OrderID: "01ARZ3NDEKTSV4RRFFQ69G5FAV", Seq: 2, Amount: 500}
	if got := r.IdempotencyKey(); got != "storefront-order-01ARZ3NDEKTSV4RRFFQ69G5FAV-refund-2-amount-500" {
		t.Errorf("key %q", got)
	}
	other := r
	other.Seq = 3
	if other.IdempotencyKey() == r.IdempotencyKey() {
		t.Error("the next refund of the order has the same key")
	}
}
