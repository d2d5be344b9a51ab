package orders

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/storefront/storefront/models"
)

// queueEmails queues the emails a change owes the customer, in the change's transaction: the order
// confirmation when the order became paid, and a refund email for each refund Stripe confirmed. The outbox keeps
// each (order, kind, refund) once, so an event applied again queues nothing new.
func queueEmails(ctx context.Context, tx *gorm.DB, o models.Order, before, after State) error {
	if settled(after.Status) && !settled(before.Status) {
		if _, err := models.QueueEmail(ctx, tx, models.OutboxEmail{OrderID: o.ID, Kind: models.EmailOrderConfirmation, Recipient: o.Email}); err != nil {
			return err
		}
	}
	if after.RefundedAmount <= before.RefundedAmount {
		return nil
	}
	return queueRefundEmails(ctx, tx, o, before.RefundedAmount, after.RefundedAmount)
}

// queueRefundEmails queues one email per refund that the charge's refunded amount, now grown from `from` to
// `to`, confirms. Stripe's charge.refunded carries the cumulative amount, not the refunds: the refunds made from
// the admin (in order) whose running total falls in (from, to] are the ones just confirmed, each keyed by its
// Stripe refund id. What they do not explain (a refund made in the Stripe Dashboard, or one whose webhook came
// before the admin's record) is one email keyed by the new cumulative amount, which is as unique.
func queueRefundEmails(ctx context.Context, tx *gorm.DB, o models.Order, from, to int64) error {
	refunds, err := models.RefundsForOrder(ctx, tx, o.ID)
	if err != nil {
		return fmt.Errorf("load refunds: %w", err)
	}
	var running, explained int64
	for _, r := range refunds {
		if RefundFailed(r.Status) {
			continue
		}
		running += r.Amount
		if running <= from || running > to {
			continue
		}
		explained += r.Amount
		e := models.OutboxEmail{OrderID: o.ID, Kind: models.EmailRefund, Ref: r.StripeRefundID, Recipient: o.Email, Amount: r.Amount}
		if _, err := models.QueueEmail(ctx, tx, e); err != nil {
			return err
		}
	}
	if rest := to - from - explained; rest > 0 {
		e := models.OutboxEmail{OrderID: o.ID, Kind: models.EmailRefund, Ref: fmt.Sprintf("amount_refunded:%d", to), Recipient: o.Email, Amount: rest}
		if _, err := models.QueueEmail(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}

// claimRefundEmail gives a refund's email its Stripe refund id when the charge.refunded webhook was applied
// before the admin's refund was recorded (the email was then queued under the charge's cumulative amount).
func claimRefundEmail(ctx context.Context, tx *gorm.DB, o models.Order, r RefundMade) error {
	if r.ChargeRefunded <= 0 || o.RefundedAmount < r.ChargeRefunded {
		return nil // not confirmed yet: the webhook queues it under its id
	}
	err := tx.WithContext(ctx).Model(&models.OutboxEmail{}).
		Where("order_id = ? AND kind = ? AND ref = ? AND amount = ?", o.ID, models.EmailRefund, fmt.Sprintf("amount_refunded:%d", r.ChargeRefunded), r.Amount).
		Update("ref", r.StripeRefundID).Error
	if err != nil {
		return fmt.Errorf("key refund email: %w", err)
	}
	return nil
}
