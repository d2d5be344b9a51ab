package orders

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/storefront/storefront/models"
)

// KindRefundRequested is the timeline entry of a refund an admin asked Stripe for.
const KindRefundRequested = "refund.requested"

// Refundable is what may still be refunded: the total less what is refunded and what is on its way.
func Refundable(o models.Order) int64 {
	return max(0, o.Total-o.RefundedAmount-o.RefundPending)
}

// CanRefund reports whether an order's status allows a refund from the admin.
func CanRefund(status string) bool { return models.StatusIn(status, models.RefundableStatuses) }

// RefundFailed reports whether a Stripe refund status means no money goes back (failed or canceled).
func RefundFailed(status string) bool { return status == "failed" || status == "canceled" }

// RefundMade is a refund Stripe accepted, to be recorded on its order.
type RefundMade struct {
	Seq            int
	StripeRefundID string
	Amount         int64
	Status         string
	// ChargeRefunded is the charge's cumulative amount_refunded right after this refund (0 if unknown).
	ChargeRefunded int64
	Created        int64 // Stripe's created time of the refund
	AdminID        string
	AdminEmail     string
}

// RecordRefund records a refund on its order in one transaction: the refund row, refund_pending raised by the
// amount, and a refund.requested timeline entry. The status does not change here: the charge.refunded webhook
// moves it (through Apply, which also lowers refund_pending). It reports false when the refund was already
// recorded (the same form sent twice gets the same refund back from Stripe).
//
// The webhook may be applied before this runs. Then the order's refunded_amount already counts this refund, and
// adding it to refund_pending would leave it pending forever; so only the part the order does not yet count as
// refunded is added.
func RecordRefund(ctx context.Context, db *gorm.DB, orderID string, r RefundMade) (bool, error) {
	recorded := false
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		o, err := models.LockOrder(ctx, tx, orderID)
		if err != nil {
			return err
		}
		row := models.Refund{OrderID: o.ID, Seq: r.Seq, StripeRefundID: r.StripeRefundID, Amount: r.Amount, Status: r.Status,
			StripeCreated: r.Created}
		if r.AdminID != "" {
			row.AdminID = &r.AdminID
		}
		added, err := models.AddRefund(ctx, tx, &row)
		if err != nil || !added {
			return err // or already recorded
		}
		if err := claimRefundEmail(ctx, tx, o, r); err != nil {
			return err
		}
		pending := r.Amount
		switch {
		case RefundFailed(r.Status):
			pending = 0 // nothing is on its way to the customer
		case r.ChargeRefunded > 0:
			pending = min(r.Amount, max(0, r.ChargeRefunded-o.RefundedAmount))
		}
		if pending > 0 {
			if err := models.AddRefundPending(ctx, tx, o.ID, pending); err != nil {
				return err
			}
		}
		detail := []string{fmt.Sprintf("amount=%d", r.Amount), "refund=" + r.StripeRefundID, "refund_status=" + r.Status}
		if r.AdminEmail != "" {
			detail = append(detail, "by="+r.AdminEmail)
		}
		recorded = true
		return models.AddOrderEvent(ctx, tx, o.ID, SourceAdmin, "", KindRefundRequested, o.Status, o.Status, strings.Join(detail, " "))
	})
	return recorded, err
}

// RefundFact is what a refund event says about one refund.
type RefundFact struct {
	ID      string
	Amount  int64
	Status  string // Stripe's: pending, requires_action, succeeded, failed, canceled
	Created int64  // the refund's created time
	Reason  string // failure_reason, when failed
}

// recordRefund stores a refund event's facts on the refund's row (adding a Dashboard refund), turning the change
// into RefundFailedKind the first time the refund is failed or canceled. It returns the amount of a failed refund
// that no charge.refunded had counted yet (it was only pending for the shop).
func recordRefund(ctx context.Context, tx *gorm.DB, o models.Order, ch *Change) (int64, error) {
	r := ch.Refund
	if r.ID == "" {
		return 0, nil
	}
	failed := RefundFailed(r.Status)
	turned, err := models.RecordRefundState(ctx, tx, models.Refund{OrderID: o.ID, StripeRefundID: r.ID, Amount: r.Amount,
		Status: r.Status, StripeCreated: r.Created}, failed, ch.Created)
	if err != nil || !turned {
		ch.Kind = "refund.updated" // nothing for the state machine: the refund's row holds it
		return 0, err
	}
	ch.Kind = RefundFailedKind
	ch.Detail = strings.TrimSpace(fmt.Sprintf("refund %s of %d failed %s", r.ID, r.Amount, r.Reason))
	if r.Created > stateOf(o).ChargeRefundedAt {
		return r.Amount, nil
	}
	return 0, nil
}
