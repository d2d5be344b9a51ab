package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The writes of an order's lifecycle: checkout saves it and claims attempts, the state machine stores its
// transitions, webhooks and refunds record what Stripe said. Callers that need several in one unit pass a
// transaction as db.

// LockOrder loads an order with its items, holding a row lock on PostgreSQL until the transaction ends
// (SQLite transactions are already exclusive: the database is opened with IMMEDIATE transactions).
func LockOrder(ctx context.Context, tx *gorm.DB, orderID string) (Order, error) {
	var o Order
	q := tx.WithContext(ctx)
	if tx.Dialector.Name() == "postgres" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Where("id = ?", orderID).Take(&o).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return o, ErrNotFound
		}
		return o, err
	}
	if err := tx.WithContext(ctx).Where("order_id = ?", o.ID).Order("id").Find(&o.Items).Error; err != nil {
		return o, err
	}
	return o, nil
}

// AddOrderEvent appends an entry to an order's timeline.
func AddOrderEvent(ctx context.Context, db *gorm.DB, orderID, source, stripeEventID, kind, from, to, detail string) error {
	ev := OrderEvent{OrderID: orderID, Source: source, Kind: kind, FromStatus: from, ToStatus: to, Detail: detail}
	if stripeEventID != "" {
		ev.StripeEventID = &stripeEventID
	}
	if err := db.WithContext(ctx).Create(&ev).Error; err != nil {
		return fmt.Errorf("add order event: %w", err)
	}
	return nil
}

// UpdateOrderFields stores the given columns of an order (a transition of the state machine and its effects).
func UpdateOrderFields(ctx context.Context, db *gorm.DB, orderID string, fields map[string]any) error {
	if err := db.WithContext(ctx).Model(&Order{}).Where("id = ?", orderID).Updates(fields).Error; err != nil {
		return fmt.Errorf("update order: %w", err)
	}
	return nil
}

// RefundPendingLess is the UpdateOrderFields value of refund_pending that takes amount off it (never below zero),
// evaluated by the database against the row as it is then.
func RefundPendingLess(amount int64) any {
	return gorm.Expr("CASE WHEN refund_pending > ? THEN refund_pending - ? ELSE 0 END", amount, amount)
}

// AddRefundPending raises an order's refund_pending by amount.
func AddRefundPending(ctx context.Context, db *gorm.DB, orderID string, amount int64) error {
	err := db.WithContext(ctx).Model(&Order{}).Where("id = ?", orderID).
		Update("refund_pending", gorm.Expr("refund_pending + ?", amount)).Error
	if err != nil {
		return fmt.Errorf("update order: %w", err)
	}
	return nil
}

// SaveOrder stores an order's own columns (not its items or events), creating it when new.
func SaveOrder(ctx context.Context, db *gorm.DB, o *Order) error {
	return db.WithContext(ctx).Omit("Items", "Events").Save(o).Error
}

// DeleteOrderLines removes an order's lines (before the cart's lines replace them).
func DeleteOrderLines(ctx context.Context, db *gorm.DB, orderID string) error {
	return db.WithContext(ctx).Where("order_id = ?", orderID).Delete(&OrderItem{}).Error
}

// AddOrderLines stores lines of an order; each gets the order's id.
func AddOrderLines(ctx context.Context, db *gorm.DB, orderID string, lines []OrderItem) error {
	for i := range lines {
		lines[i].OrderID = orderID
	}
	return db.WithContext(ctx).Create(&lines).Error
}

// ClaimAttempt starts a new payment attempt on an order: the attempt number goes up by one and the attempt is
// in flight with this confirmation token and amount.
func ClaimAttempt(ctx context.Context, db *gorm.DB, orderID, token string, amount int64, now time.Time) error {
	claim := map[string]any{
		"attempt": gorm.Expr("attempt + 1"), "attempt_state": AttemptInFlight,
		"attempt_token": token, "attempt_amount": amount, "attempt_started_at": now,
	}
	if err := db.WithContext(ctx).Model(&Order{}).Where("id = ?", orderID).Updates(claim).Error; err != nil {
		return fmt.Errorf("claim attempt: %w", err)
	}
	return nil
}

// SetAttemptState ends (or marks unknown) the attempt under way and records the PaymentIntent id when one is
// given.
func SetAttemptState(ctx context.Context, db *gorm.DB, orderID, state, paymentIntentID string) error {
	up := map[string]any{"attempt_state": state}
	if paymentIntentID != "" {
		up["payment_intent_id"] = paymentIntentID
	}
	if err := db.WithContext(ctx).Model(&Order{}).Where("id = ?", orderID).Updates(up).Error; err != nil {
		return fmt.Errorf("record attempt: %w", err)
	}
	return nil
}

// RecordPaymentIntentOnce sets an order's PaymentIntent id unless it already has one.
func RecordPaymentIntentOnce(ctx context.Context, db *gorm.DB, orderID, paymentIntentID string) error {
	err := db.WithContext(ctx).Model(&Order{}).Where("id = ? AND payment_intent_id IS NULL", orderID).
		Update("payment_intent_id", paymentIntentID).Error
	if err != nil {
		return fmt.Errorf("record payment intent: %w", err)
	}
	return nil
}

// StuckOrders lists up to limit orders whose payment is under way (OpenPaymentStatuses) or whose last attempt's
// outcome is unknown, that were sent to Stripe at least once and have not changed since before, oldest change
// first.
func StuckOrders(ctx context.Context, db *gorm.DB, before time.Time, limit int) ([]Order, error) {
	var os []Order
	err := db.WithContext(ctx).
		Where("(status IN ? OR attempt_state = ?) AND updated_at < ? AND attempt > 0", OpenPaymentStatuses, AttemptUnknown, before).
		Order("updated_at").Limit(limit).Find(&os).Error
	if err != nil {
		return nil, fmt.Errorf("find stuck orders: %w", err)
	}
	return os, nil
}

// AbandonedOrders lists up to limit unpaid orders with no attempt under way that still hold stock (or a discount
// redemption) and have not changed since before, oldest change first.
func AbandonedOrders(ctx context.Context, db *gorm.DB, before time.Time, limit int) ([]Order, error) {
	var os []Order
	err := db.WithContext(ctx).
		Where("status IN ? AND (stock_state = ? OR redemption_reserved = ?) AND attempt_state = ? AND updated_at < ?",
			RetryableStatuses, StockReserved, true, AttemptIdle, before).
		Order("updated_at").Limit(limit).Find(&os).Error
	if err != nil {
		return nil, fmt.Errorf("find abandoned orders: %w", err)
	}
	return os, nil
}
