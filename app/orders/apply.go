package orders

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/storefront/storefront/models"
)

// Sources of order changes, kept on every order event.
const (
	SourceApp        = "app"
	SourceWebhook    = "webhook"
	SourceReconciler = "reconciler"
	SourceAdmin      = "admin"
)

// Change is an event together with where it came from and the facts that come with it.
type Change struct {
	Event
	Source        string
	StripeEventID string
	ChargeID      string
	DisputeID     string
	// A refund's facts (refund.failed and the other refund events).
	Refund RefundFact
	// Payment error facts (payment_failed): kept on the order for the shopper and the admin.
	ErrorType, ErrorCode, DeclineCode, ErrorMessage string
	Detail                                          string
}

// Apply applies a change to an order in one transaction: it locks the order, runs the state machine, stores the
// new state and an order event, and performs the side effects of the transition exactly once (stock committed
// or released, cart emptied, discount redemption counted). It reports whether the order changed.
func Apply(ctx context.Context, db *gorm.DB, orderID string, ch Change) (models.Order, bool, error) {
	var (
		out     models.Order
		changed bool
	)
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		o, err := models.LockOrder(ctx, tx, orderID)
		if err != nil {
			return err
		}
		before := stateOf(o)
		uncounted, err := recordRefund(ctx, tx, o, &ch)
		if err != nil {
			return err
		}
		if ch.Kind == ChargeRefunded || ch.Kind == RefundFailedKind {
			// The refunds that failed after the charge's amount_refunded (as it will be) counted them.
			amount, at := RefundClock(before, ch.Event)
			if ch.FailedCounted, err = models.FailedRefundsCounted(ctx, tx, o.ID, amount, at); err != nil {
				return err
			}
		}
		after, moved := Next(before, ch.Event)
		updates := map[string]any{}
		if moved {
			updates["status"] = after.Status
			updates["last_pi_event_at"] = after.LastPIEventAt
			updates["refunded_amount"] = after.RefundedAmount
			updates["charge_refunded"], updates["charge_refunded_at"] = after.ChargeRefunded, after.ChargeRefundedAt
			if after.ReviewReason != before.ReviewReason {
				updates["review_reason"] = after.ReviewReason
			}
			if after.DisputeStatus != "" {
				updates["dispute_status"] = after.DisputeStatus
			}
			if after.RefundedAmount > before.RefundedAmount {
				updates["refund_pending"] = models.RefundPendingLess(after.RefundedAmount - before.RefundedAmount)
			}
		}
		if uncounted > 0 {
			// A refund failed before any charge.refunded counted it: it is no longer on its way.
			updates["refund_pending"] = models.RefundPendingLess(uncounted)
		}
		if ch.ChargeID != "" && deref(o.ChargeID) == "" {
			updates["charge_id"] = ch.ChargeID
		}
		if ch.DisputeID != "" {
			updates["dispute_id"] = ch.DisputeID
		}
		if moved && after.Status == models.StatusPaymentFailed && ch.ErrorMessage != "" {
			updates["last_error_type"] = nullable(ch.ErrorType)
			updates["last_error_code"] = nullable(ch.ErrorCode)
			updates["last_decline_code"] = nullable(ch.DeclineCode)
			updates["last_error_message"] = nullable(ch.ErrorMessage)
		}
		if moved && settled(after.Status) && !settled(before.Status) {
			if err := onPaid(ctx, tx, &o, updates); err != nil {
				return err
			}
		}
		// Stock goes back when the order is canceled, and at once when an attempt made no PaymentIntent (nothing can
		// pay it later; the next Pay reserves again).
		noIntent := ch.Kind == AttemptNotMade && o.PaymentIntentID == nil && !settled(after.Status)
		if ((moved && after.Status == models.StatusCanceled) || noIntent) && o.StockState == models.StockReserved {
			if err := models.ReleaseStock(ctx, tx, o.Items); err != nil {
				return fmt.Errorf("release stock: %w", err)
			}
			updates["stock_state"] = models.StockReleased
		}
		if (moved && after.Status == models.StatusCanceled) || noIntent { // the redemption too, like the stock
			if err := giveBackRedemption(ctx, tx, o, updates); err != nil {
				return err
			}
		}
		if moved {
			if err := queueEmails(ctx, tx, o, before, after); err != nil {
				return err
			}
		}
		if len(updates) == 0 && ch.Kind != RefundFailedKind {
			out = o
			return nil
		}
		if len(updates) > 0 {
			if err := models.UpdateOrderFields(ctx, tx, o.ID, updates); err != nil {
				return err
			}
		}
		if moved || ch.Kind == RefundFailedKind { // a failed refund is on the timeline even when nothing moved
			changed = moved
			if err := models.AddOrderEvent(ctx, tx, o.ID, ch.Source, ch.StripeEventID, ch.Kind, before.Status, after.Status, ch.detail()); err != nil {
				return err
			}
		}
		out, err = models.OrderByID(ctx, tx, o.ID)
		return err
	})
	return out, changed, err
}

// ReleaseWithoutIntent gives the stock of an order back at once when its attempt made no PaymentIntent (Stripe
// refused the token or the request): nothing can pay it later, and held stock would lock the shop up. The next
// Pay reserves again. The status does not change.
func ReleaseWithoutIntent(ctx context.Context, db *gorm.DB, orderID, source, detail string) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		o, err := models.LockOrder(ctx, tx, orderID)
		if err != nil {
			return err
		}
		if o.PaymentIntentID != nil || o.StockState != models.StockReserved || o.AttemptState != models.AttemptIdle {
			return nil
		}
		if err := models.ReleaseStock(ctx, tx, o.Items); err != nil {
			return fmt.Errorf("release stock: %w", err)
		}
		if err := models.UpdateOrderFields(ctx, tx, o.ID, map[string]any{"stock_state": models.StockReleased}); err != nil {
			return err
		}
		return models.AddOrderEvent(ctx, tx, o.ID, source, "", "stock.released", o.Status, o.Status, detail)
	})
}

// stateOf is the part of an order the state machine reads. Orders refunded before the charge's refund time was
// kept count their refunded amount as the charge's.
func stateOf(o models.Order) State {
	s := State{Status: o.Status, LastPIEventAt: o.LastPIEventAt, RefundedAmount: o.RefundedAmount,
		ChargeRefunded: o.ChargeRefunded, ChargeRefundedAt: o.ChargeRefundedAt, Total: o.Total, Currency: o.Currency,
		DisputeStatus: deref(o.DisputeStatus), ReviewReason: deref(o.ReviewReason)}
	if s.ChargeRefundedAt == 0 && s.ChargeRefunded == 0 {
		s.ChargeRefunded = o.RefundedAmount
	}
	return s
}

// onPaid commits the reserved stock, empties the cart and counts the discount redemption, once.
func onPaid(ctx context.Context, tx *gorm.DB, o *models.Order, updates map[string]any) error {
	now := time.Now().UTC()
	updates["paid_at"] = now
	updates["attempt_state"] = models.AttemptIdle
	switch o.StockState {
	case models.StockReserved:
		updates["stock_state"] = models.StockCommitted
	case models.StockReleased, models.StockNone:
		// Paid after the reservation was given up (a very late success): take the stock again if it is there.
		if err := models.ReserveStock(ctx, tx, o.Items); err != nil {
			var se *models.StockError
			if !errors.As(err, &se) {
				return err
			}
			updates["stock_state"] = models.StockCommitted
			return models.AddOrderEvent(ctx, tx, o.ID, SourceApp, "", "stock.short", o.Status, o.Status,
				"paid after the reservation lapsed and stock is short: "+se.Error())
		}
		updates["stock_state"] = models.StockCommitted
	}
	if o.CartID != nil {
		if err := models.EmptyCart(ctx, tx, *o.CartID); err != nil {
			return fmt.Errorf("empty cart: %w", err)
		}
		if err := models.SetCartDiscountCode(ctx, tx, *o.CartID, ""); err != nil {
			return fmt.Errorf("clear cart discount: %w", err)
		}
	}
	return countRedemption(ctx, tx, *o, updates)
}

func (ch Change) detail() string {
	parts := []string{}
	if ch.Detail != "" {
		parts = append(parts, ch.Detail)
	}
	if ch.ErrorCode != "" {
		parts = append(parts, "code="+ch.ErrorCode)
	}
	if ch.DeclineCode != "" {
		parts = append(parts, "decline_code="+ch.DeclineCode)
	}
	if ch.AmountRefunded > 0 {
		parts = append(parts, fmt.Sprintf("amount_refunded=%d", ch.AmountRefunded))
	}
	if ch.DisputeStatus != "" {
		parts = append(parts, "dispute="+ch.DisputeStatus)
	}
	return strings.Join(parts, " ")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
