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
	Status         string // Stripe's refund status when it was made: pending, succeeded, failed…
	AdminID        *string
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
