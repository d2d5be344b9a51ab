package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ExtraPayment is a PaymentIntent that succeeded for an order already paid by another one: it is refunded in
// full at once.
type ExtraPayment struct {
	PaymentIntentID string `gorm:"primaryKey"`
	OrderID         string
	Amount          int64
	Currency        string
	RefundID        *string
	CreatedAt       time.Time
}

// RecordExtraPayment stores an extra PaymentIntent once; it reports whether it is new.
func RecordExtraPayment(ctx context.Context, db *gorm.DB, e *ExtraPayment) (bool, error) {
	res := db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(e)
	if res.Error != nil {
		return false, fmt.Errorf("record extra payment: %w", res.Error)
	}
	return res.RowsAffected > 0, nil
}

// ExtraPaymentByIntent loads an extra PaymentIntent's record.
func ExtraPaymentByIntent(ctx context.Context, db *gorm.DB, paymentIntentID string) (ExtraPayment, error) {
	var e ExtraPayment
	err := db.WithContext(ctx).Where("payment_intent_id = ?", paymentIntentID).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return e, ErrNotFound
	}
	return e, err
}

// SetExtraPaymentRefund records the refund of an extra PaymentIntent; it reports false when one was recorded
// already.
func SetExtraPaymentRefund(ctx context.Context, db *gorm.DB, paymentIntentID, refundID string) (bool, error) {
	res := db.WithContext(ctx).Model(&ExtraPayment{}).Where("payment_intent_id = ? AND refund_id IS NULL", paymentIntentID).
		Update("refund_id", refundID)
	if res.Error != nil {
		return false, fmt.Errorf("record extra payment refund: %w", res.Error)
	}
	return res.RowsAffected > 0, nil
}

// CountExtraPaymentsSince counts the extra PaymentIntents found since a time, and how many are refunded.
func CountExtraPaymentsSince(ctx context.Context, db *gorm.DB, since time.Time) (found, refunded int64, err error) {
	q := db.WithContext(ctx).Model(&ExtraPayment{}).Where("created_at >= ?", since.UTC())
	if err = q.Count(&found).Error; err != nil {
		return
	}
	err = db.WithContext(ctx).Model(&ExtraPayment{}).Where("created_at >= ? AND refund_id IS NOT NULL", since.UTC()).Count(&refunded).Error
	return
}

// AdoptPaymentIntent makes a PaymentIntent the order's own while the order is not paid; it reports false when
// the order is paid (by its own PaymentIntent) already.
func AdoptPaymentIntent(ctx context.Context, db *gorm.DB, orderID, paymentIntentID string) (bool, error) {
	res := db.WithContext(ctx).Model(&Order{}).Where("id = ? AND status NOT IN ?", orderID, append(PaidStatuses, StatusCanceled)).
		Updates(map[string]any{"payment_intent_id": paymentIntentID, "attempt_state": AttemptIdle})
	if res.Error != nil {
		return false, fmt.Errorf("adopt payment intent: %w", res.Error)
	}
	return res.RowsAffected > 0, nil
}
