package models

import (
	"context"

	"gorm.io/gorm"
)

// OrderHeadByID finds an order without its items (one statement): for callers that only need its state, such
// as the webhook worker deciding whether an event changes anything.
func OrderHeadByID(ctx context.Context, db *gorm.DB, id string) (Order, error) {
	var o Order
	if !ValidID(id) {
		return o, ErrNotFound
	}
	err := db.WithContext(ctx).Where("id = ?", id).Take(&o).Error
	return o, notFound(err)
}

// OrderHeadByPaymentIntent finds the order of a PaymentIntent without its items (one statement).
func OrderHeadByPaymentIntent(ctx context.Context, db *gorm.DB, pi string) (Order, error) {
	var o Order
	err := db.WithContext(ctx).Where("payment_intent_id = ?", pi).Take(&o).Error
	return o, notFound(err)
}
