// Package refunds runs an admin's refund of an order: it checks the order and the form, asks Stripe for the
// refund with an idempotency key made from the form's refund number, and records it as pending. The order's
// status changes when Stripe's charge.refunded webhook arrives. Handlers call it; it knows nothing of HTTP.
package refunds

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/storefront/storefront/app/apperr"
	"github.com/storefront/storefront/app/orders"
	"github.com/storefront/storefront/app/payments"
	"github.com/storefront/storefront/models"
)

// Service holds what a refund needs.
type Service struct {
	DB  *gorm.DB
	Pay *payments.Client
	Log *slog.Logger
	// StatusLabel names an order status as the admin pages do, for messages.
	StatusLabel func(status string) string
}

// Request is an admin's refund form.
type Request struct {
	Amount     string // in the order's currency, as typed; "" refunds everything left
	Seq        string // the refund number the form carries: the order's next one when the form was shown
	AdminID    string
	AdminEmail string
}

// Result is what a refund did.
type Result struct {
	// AlreadyMade is true when the form was sent before (a double submit, the back button) and its refund is
	// recorded: nothing was done this time.
	AlreadyMade bool
	// Recorded is false when Stripe answered with a refund that was already recorded.
	Recorded bool
	RefundID string
	Amount   int64
	Status   string // Stripe's refund status
}

// Failed reports whether Stripe made the refund but it moves no money (failed or canceled).
func (r Result) Failed() bool { return orders.RefundFailed(r.Status) }

// Refund refunds part or all of a paid order through Stripe. A form sent twice refunds once: the form's refund
// number must be the order's next one, and the Stripe idempotency key is made from it. The error is an
// *apperr.Error the admin may read (its Fields name the amount when that is what to fix), or an internal error.
func (s *Service) Refund(ctx context.Context, o models.Order, req Request) (Result, error) {
	if !orders.CanRefund(o.Status) {
		return Result{}, refused(fmt.Sprintf("Only paid or partially refunded orders can be refunded. This order is %s.",
			strings.ToLower(s.StatusLabel(o.Status))))
	}
	if o.PaymentIntentID == nil {
		return Result{}, refused("This order has no payment at Stripe to refund.")
	}
	next, err := models.NextRefundSeq(ctx, s.DB, o.ID)
	if err != nil {
		return Result{}, fmt.Errorf("next refund number: %w", err)
	}
	seq, err := strconv.Atoi(req.Seq)
	switch {
	case err == nil && seq > 0 && seq < next:
		return Result{AlreadyMade: true}, nil
	case err != nil || seq != next:
		return Result{}, refused("This refund form is out of date. Check the order below and try again.")
	}
	refundable := orders.Refundable(o)
	amount := refundable
	if req.Amount != "" {
		if amount, err = models.ParseMoney(req.Amount, o.Currency); err != nil {
			return Result{}, amountRefused(err.Error())
		}
	}
	switch {
	case refundable <= 0:
		return Result{}, refused("Nothing is left to refund on this order.")
	case amount <= 0:
		return Result{}, amountRefused("Enter an amount above zero, or leave it empty to refund everything left.")
	case amount > refundable:
		return Result{}, amountRefused(fmt.Sprintf("You can refund at most %s: the total is %s, %s is refunded and %s is pending.",
			models.FormatMoney(refundable, o.Currency), models.FormatMoney(o.Total, o.Currency),
			models.FormatMoney(o.RefundedAmount, o.Currency), models.FormatMoney(o.RefundPending, o.Currency)))
	}

	re, err := s.Pay.Refund(ctx, payments.RefundRequest{OrderID: o.ID, OrderNumber: o.Number,
		PaymentIntentID: *o.PaymentIntentID, Amount: amount, Seq: seq})
	if err != nil {
		f := payments.Classify(err)
		kind := apperr.Upstream
		if f.Outcome == payments.OutcomeInvalid || f.Outcome == payments.OutcomeIdempotency {
			kind = apperr.Invalid
		}
		return Result{}, &apperr.Error{Kind: kind, Code: "refund_failed", Message: f.AdminMessage(), Err: f}
	}
	made := orders.RefundMade{Seq: seq, StripeRefundID: re.ID, Amount: re.Amount, Status: string(re.Status),
		Created: re.Created, AdminID: req.AdminID, AdminEmail: req.AdminEmail}
	if re.Charge != nil {
		made.ChargeRefunded = re.Charge.AmountRefunded
	}
	recorded, err := orders.RecordRefund(ctx, s.DB, o.ID, made)
	if err != nil {
		// Stripe made the refund; the webhook still brings the order up to date.
		return Result{}, fmt.Errorf("record refund %s of order %s: %w", re.ID, o.Number, err)
	}
	s.Log.InfoContext(ctx, "refund requested", "order", o.Number, "refund", re.ID, "amount", re.Amount, "recorded", recorded)
	return Result{Recorded: recorded, RefundID: re.ID, Amount: re.Amount, Status: string(re.Status)}, nil
}

// refused is a refund the order or the form does not allow.
func refused(msg string) *apperr.Error {
	return &apperr.Error{Kind: apperr.Invalid, Code: "refund_refused", Message: msg}
}

// amountRefused is an amount that cannot be refunded; the message goes beside the amount field.
func amountRefused(msg string) *apperr.Error {
	return &apperr.Error{Kind: apperr.Invalid, Code: "refund_amount_invalid", Message: msg, Fields: map[string]string{"amount": msg}}
}
