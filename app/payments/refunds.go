package payments

import (
	"context"
	"fmt"

	"github.com/stripe/stripe-go/v82"
)

// RefundRequest is one refund asked for by an admin: every field comes from the server's order, except the
// amount, which the server has already checked against what is left to refund.
type RefundRequest struct {
	OrderID         string
	OrderNumber     string
	PaymentIntentID string
	Amount          int64
	// Seq is the refund's number on the order (the refund form carries it). With the amount it makes the
	// idempotency key, so the same form submitted twice makes one refund, and a corrected amount after a
	// refused attempt is a new request rather than an idempotency error.
	Seq int
}

// IdempotencyKey is the key of the refund request.
func (r RefundRequest) IdempotencyKey() string {
	return fmt.Sprintf("storefront-order-%s-refund-%d-amount-%d", r.OrderID, r.Seq, r.Amount)
}

// Refund refunds part or all of an order's charge through its PaymentIntent. The answer's charge is expanded,
// so the caller knows the charge's refunded total right after this refund.
func (c *Client) Refund(ctx context.Context, r RefundRequest) (*stripe.Refund, error) {
	p := &stripe.RefundCreateParams{
		PaymentIntent: stripe.String(r.PaymentIntentID),
		Amount:        stripe.Int64(r.Amount),
		Reason:        stripe.String(string(stripe.RefundReasonRequestedByCustomer)),
	}
	p.AddMetadata("order_id", r.OrderID)
	p.AddMetadata("order_number", r.OrderNumber)
	p.AddExpand("charge")
	p.SetIdempotencyKey(r.IdempotencyKey())
	var re *stripe.Refund
	err := c.retry(ctx, func() (err error) { re, err = c.sc.V1Refunds.Create(ctx, p); return err })
	c.logFailure(ctx, "create_refund", r.OrderNumber, err)
	return orNil(re, err), err
}

// AdminMessage is what an admin reads when a refund call fails: Stripe's own message for a refused request
// (it names the problem, such as an amount above what is left), ours otherwise.
func (f *Failure) AdminMessage() string {
	switch f.Outcome {
	case OutcomeInvalid, OutcomeCard:
		if f.Stripe != nil && f.Stripe.Msg != "" {
			return "Stripe refused the refund: " + f.Stripe.Msg
		}
		return "Stripe refused the refund."
	case OutcomeBusy:
		return "Stripe is busy right now. Reload the page in a moment and check the refunds before trying again."
	case OutcomeKey:
		return "Stripe refused the shop's API key, so nothing was refunded. Check STRIPE_SECRET_KEY."
	case OutcomeIdempotency:
		return "This refund form was already used with other details. Reload the page and try again."
	}
	return "We couldn't reach Stripe, so we don't know whether the refund was made. Reload this page in a minute: " +
		"the order shows the refund once Stripe confirms it. Sending this same form again never refunds twice."
}

// RefundExtra refunds in full a PaymentIntent that succeeded for an order already paid by another one. The key
// is the PaymentIntent's, so however often this is tried, it refunds once.
func (c *Client) RefundExtra(ctx context.Context, paymentIntentID, orderID, orderNumber string) (string, error) {
	p := &stripe.RefundCreateParams{
		PaymentIntent: stripe.String(paymentIntentID),
		Reason:        stripe.String(string(stripe.RefundReasonDuplicate)),
	}
	p.AddMetadata("order_id", orderID)
	p.AddMetadata("order_number", orderNumber)
	p.SetIdempotencyKey("storefront-extra-refund-" + paymentIntentID)
	var re *stripe.Refund
	err := c.retry(ctx, func() (err error) { re, err = c.sc.V1Refunds.Create(ctx, p); return err })
	c.logFailure(ctx, "refund_extra_payment_intent", orderNumber, err)
	if f := Classify(err); f != nil && f.Stripe != nil && f.Stripe.Code == stripe.ErrorCodeChargeAlreadyRefunded {
		return "already refunded", nil
	}
	if err != nil {
		return "", err
	}
	return re.ID, nil
}
