package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Refund is a refund asked for from the admin: the Stripe refund it made, for how much, and the form's number.
type Refund struct {
	ID             string `gorm:"primaryKey"`
	OrderID        string
	Seq            int
	StripeRefundID string
	Amount         int64
	Status         string // Stripe's refund status: pending, succeeded, failed… (failed and canceled stay)
	AdminID        *string
	StripeCreated  int64 // Stripe's created time of the refund
	FailedAt       int64 // Stripe's time of the event that said it failed or was canceled; 0 while it has not
	CreatedAt      time.Time
}

// BeforeCreate gives a new refund its id.
func (r *Refund) BeforeCreate(*gorm.DB) error {
	if r.ID == "" {
		r.ID = NewID()
	}
	return nil
}

// RefundsForOrder lists an order's admin refunds, oldest first.
func RefundsForOrder(ctx context.Context, db *gorm.DB, orderID string) ([]Refund, error) {
	var rs []Refund
	err := db.WithContext(ctx).Where("order_id = ?", orderID).Order("seq, created_at").Find(&rs).Error
	return rs, err
}

// NextRefundSeq is the number the next refund form of an order carries: one more than the highest so far.
func NextRefundSeq(ctx context.Context, db *gorm.DB, orderID string) (int, error) {
	var n *int
	err := db.WithContext(ctx).Model(&Refund{}).Where("order_id = ?", orderID).Select("MAX(seq)").Scan(&n).Error
	if err != nil || n == nil {
		return 1, err
	}
	return *n + 1, nil
}

// AddRefund stores a refund once per Stripe refund id; it reports false when that refund is already stored.
func AddRefund(ctx context.Context, db *gorm.DB, r *Refund) (bool, error) {
	res := db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "stripe_refund_id"}}, DoNothing: true}).Create(r)
	if res.Error != nil {
		return false, fmt.Errorf("record refund: %w", res.Error)
	}
	return res.RowsAffected > 0, nil
}

// RecordRefundState stores what a refund event says about a refund (one made from the Dashboard is added with
// seq 0): its status, created time and, the first time it is failed or canceled, when. A failed or canceled
// refund stays so. It reports whether the refund has just turned failed.
func RecordRefundState(ctx context.Context, db *gorm.DB, r Refund, failed bool, at int64) (bool, error) {
	if _, err := AddRefund(ctx, db, &r); err != nil {
		return false, err
	}
	up := map[string]any{"stripe_created": r.StripeCreated}
	if !failed {
		up["status"] = r.Status
		err := db.WithContext(ctx).Model(&Refund{}).
			Where("stripe_refund_id = ? AND failed_at = 0", r.StripeRefundID).Updates(up).Error
		return false, err
	}
	up["status"], up["failed_at"] = r.Status, at
	res := db.WithContext(ctx).Model(&Refund{}).Where("stripe_refund_id = ? AND failed_at = 0", r.StripeRefundID).Updates(up)
	if res.Error != nil {
		return false, fmt.Errorf("record refund state: %w", res.Error)
	}
	return res.RowsAffected > 0, nil
}

// FailedRefundsCounted sums an order's failed refunds that the charge's amount_refunded (amount, at Stripe time at)
// still counted: made by then (created <= at) and failed after it. Stripe's clock has whole seconds, and Stripe
// sends charge.refunded only when a refund is made; so a refund that failed within at's second was counted only
// when that charge.refunded is its own (made in the same second) and the amount covers it on top of the refunds
// that had not failed by then. A charge.refunded of a later refund no longer counts it: the refund's money went
// back to the charge when it failed.
func FailedRefundsCounted(ctx context.Context, db *gorm.DB, orderID string, amount, at int64) (int64, error) {
	var rs []Refund
	if err := db.WithContext(ctx).Where("order_id = ? AND stripe_created <= ?", orderID, at).Find(&rs).Error; err != nil {
		return 0, fmt.Errorf("load refunds: %w", err)
	}
	var after, tied, standing int64 // failed after at; failed within at's second and made in it; not failed by at
	for _, r := range rs {
		switch {
		case r.FailedAt == 0:
			standing += r.Amount
		case r.FailedAt > at:
			after += r.Amount
			standing += r.Amount
		case r.FailedAt == at && r.StripeCreated == at:
			tied += r.Amount
		}
	}
	if tied > 0 && amount >= standing+tied {
		return after + tied, nil
	}
	return after, nil
}
