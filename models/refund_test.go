package models_test

import (
	"testing"

	"github.com/storefront/storefront/models"
)

// A refund that fails within the same second (Stripe's clock has whole seconds) as a charge.refunded is told
// apart by the charge's amount: the charge counted it only if its amount_refunded covers it.
func TestFailedRefundsCountedWithinOneSecond(t *testing.T) {
	db := openDB(t)
	o := models.Order{Email: "ada@example.com", Currency: "usd", Total: 2300, Status: models.StatusPaid}
	if err := db.Create(&o).Error; err != nil {
		t.Fatal(err)
	}
	failed := models.Refund{OrderID: o.ID, Seq: 1, StripeRefundID: "re_failed", Amount: 2300, Status: "failed", StripeCreated: 10, FailedAt: 10}
	if err := db.Create(&failed).Error; err != nil {
		t.Fatal(err)
	}
	count := func(amount, at int64) int64 {
		t.Helper()
		n, err := models.FailedRefundsCounted(t.Context(), db, o.ID, amount, at)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(2300, 10); n != 2300 {
		t.Errorf("the charge's 2300 at t=10 counted the refund that failed at t=10: %d counted, want 2300", n)
	}
	if n := count(0, 10); n != 0 {
		t.Errorf("the charge's 0 at t=10 no longer counts the failed refund: %d counted, want 0", n)
	}
	earlier := models.Order{Email: "bob@example.com", Currency: "usd", Total: 2300, Status: models.StatusPaid}
	if err := db.Create(&earlier).Error; err != nil {
		t.Fatal(err)
	}
	made8 := models.Refund{OrderID: earlier.ID, Seq: 1, StripeRefundID: "re_made_8", Amount: 2300, Status: "failed", StripeCreated: 8, FailedAt: 10}
	if err := db.Create(&made8).Error; err != nil {
		t.Fatal(err)
	}
	// A charge.refunded at t=10 for a refund made at 8 is another refund's (Stripe sends it when a refund is
	// made), even before the shop has recorded that one: it no longer counts the refund that failed at 10.
	if n, err := models.FailedRefundsCounted(t.Context(), db, earlier.ID, 2300, 10); err != nil || n != 0 {
		t.Errorf("a later refund's charge amount in the failure's second: %d counted (%v), want 0", n, err)
	}
	if n := count(2300, 9); n != 0 {
		t.Errorf("a charge amount from before the refund was made: %d counted, want 0", n)
	}
	again := models.Refund{OrderID: o.ID, Seq: 2, StripeRefundID: "re_again", Amount: 2300, Status: "succeeded", StripeCreated: 10}
	if err := db.Create(&again).Error; err != nil {
		t.Fatal(err)
	}
	if n := count(2300, 10); n != 0 {
		t.Errorf("the charge's 2300 at t=10 is the second refund's, made after the first failed: %d counted, want 0", n)
	}
	if n := count(2300, 11); n != 0 {
		t.Errorf("a later charge amount: %d counted, want 0", n)
	}
}
