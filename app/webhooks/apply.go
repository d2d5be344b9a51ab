package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/stripe/stripe-go/v82"
	"gorm.io/gorm"

	"github.com/storefront/storefront/app/orders"
	"github.com/storefront/storefront/models"
)

// ErrOrderNotYet means the event's order is not in the database yet (its checkout has not committed):
// the event is retried later, not dropped.
var ErrOrderNotYet = errors.New("order not found yet")

// Applier turns one stored Stripe event into an order change.
type Applier struct {
	DB  *gorm.DB
	Log *slog.Logger
	// Refunder refunds a PaymentIntent that succeeded for an order already paid by another.
	Refunder ExtraRefunder
}

// ExtraRefunder refunds an extra PaymentIntent in full, once however often it is asked (payments.Client).
type ExtraRefunder interface {
	RefundExtra(ctx context.Context, paymentIntentID, orderID, orderNumber string) (refundID string, err error)
}

// Handled lists the event types the shop applies; others are acknowledged and ignored.
var Handled = []string{
	"payment_intent.succeeded", "payment_intent.processing", "payment_intent.requires_action",
	"payment_intent.payment_failed", "payment_intent.canceled",
	"charge.refunded", "charge.dispute.created", "charge.dispute.closed",
	"refund.updated", "refund.failed", "charge.refund.updated",
}

// Apply applies a stored event and returns its inbox outcome (applied or ignored).
func (a *Applier) Apply(ctx context.Context, row models.WebhookEvent) (string, error) {
	ev, err := decodeEvent([]byte(row.Payload))
	if err != nil {
		return "", fmt.Errorf("decode event: %w", err)
	}
	if ev.Data == nil {
		return models.InboxIgnored, nil
	}
	switch ev.Type {
	case "payment_intent.succeeded", "payment_intent.processing", "payment_intent.requires_action",
		"payment_intent.payment_failed", "payment_intent.canceled":
		// Only the fields used below: stripe.PaymentIntent's decoder fills a large struct, most of the cost of
		// applying a repeated event.
		var facts struct {
			ID               string            `json:"id"`
			Metadata         map[string]string `json:"metadata"`
			LatestCharge     *stripe.Charge    `json:"latest_charge"` // an id or an expanded charge
			LastPaymentError *stripe.Error     `json:"last_payment_error"`
			AmountReceived   int64             `json:"amount_received"` // compared with the order's total
			Currency         stripe.Currency   `json:"currency"`
		}
		if err := json.Unmarshal(ev.Data.Raw, &facts); err != nil {
			return "", fmt.Errorf("decode payment intent: %w", err)
		}
		pi := stripe.PaymentIntent{ID: facts.ID, Metadata: facts.Metadata, LatestCharge: facts.LatestCharge, LastPaymentError: facts.LastPaymentError,
			AmountReceived: facts.AmountReceived, Currency: facts.Currency}
		return a.paymentIntent(ctx, ev, &pi)
	case "charge.refunded":
		var ch stripe.Charge
		if err := json.Unmarshal(ev.Data.Raw, &ch); err != nil {
			return "", fmt.Errorf("decode charge: %w", err)
		}
		if ch.PaymentIntent == nil {
			return models.InboxIgnored, nil
		}
		change := orders.Change{Event: orders.Event{Kind: orders.ChargeRefunded, Created: ev.Created, AmountRefunded: ch.AmountRefunded},
			ChargeID: ch.ID}
		return a.apply(ctx, ev, "", ch.PaymentIntent.ID, change)
	case "refund.updated", "refund.failed", "charge.refund.updated":
		// A refund that fails later gives its amount back to the charge: the order's refunded amount follows.
		var re stripe.Refund
		if err := json.Unmarshal(ev.Data.Raw, &re); err != nil {
			return "", fmt.Errorf("decode refund: %w", err)
		}
		if re.PaymentIntent == nil {
			return models.InboxIgnored, nil
		}
		change := orders.Change{Event: orders.Event{Kind: string(ev.Type), Created: ev.Created},
			Refund: orders.RefundFact{ID: re.ID, Amount: re.Amount, Status: string(re.Status), Created: re.Created,
				Reason: string(re.FailureReason)}}
		return a.apply(ctx, ev, "", re.PaymentIntent.ID, change)
	case "charge.dispute.created", "charge.dispute.closed":
		var d stripe.Dispute
		if err := json.Unmarshal(ev.Data.Raw, &d); err != nil {
			return "", fmt.Errorf("decode dispute: %w", err)
		}
		if d.PaymentIntent == nil {
			return models.InboxIgnored, nil
		}
		change := orders.Change{Event: orders.Event{Kind: string(ev.Type), Created: ev.Created, DisputeStatus: string(d.Status)},
			DisputeID: d.ID}
		return a.apply(ctx, ev, "", d.PaymentIntent.ID, change)
	}
	return models.InboxIgnored, nil
}

func (a *Applier) paymentIntent(ctx context.Context, ev stripe.Event, pi *stripe.PaymentIntent) (string, error) {
	orderID := pi.Metadata["order_id"]
	if orderID == "" {
		return models.InboxIgnored, nil // not made by this shop
	}
	change := orders.Change{Event: orders.Event{Kind: string(ev.Type), Created: ev.Created}}
	if ev.Type == "payment_intent.succeeded" {
		change.AmountReceived, change.Currency = pi.AmountReceived, string(pi.Currency)
	}
	if e := pi.LastPaymentError; e != nil && ev.Type == "payment_intent.payment_failed" {
		change.ErrorType, change.ErrorCode, change.DeclineCode, change.ErrorMessage = string(e.Type), string(e.Code), string(e.DeclineCode), e.Msg
	}
	if pi.LatestCharge != nil {
		change.ChargeID = pi.LatestCharge.ID
	}
	return a.apply(ctx, ev, orderID, pi.ID, change)
}

// apply finds the order (by metadata order_id, else by PaymentIntent id) and applies the change.
func (a *Applier) apply(ctx context.Context, ev stripe.Event, orderID, piID string, change orders.Change) (string, error) {
	var (
		o   models.Order
		err error
	)
	if orderID != "" && models.ValidID(orderID) {
		o, err = models.OrderHeadByID(ctx, a.DB, orderID)
	} else {
		o, err = models.OrderHeadByPaymentIntent(ctx, a.DB, piID)
	}
	if errors.Is(err, models.ErrNotFound) {
		if _, xerr := models.ExtraPaymentByIntent(ctx, a.DB, piID); xerr == nil {
			return models.InboxIgnored, nil // the charge or refund of an extra PaymentIntent we refunded
		}
		return "", ErrOrderNotYet
	}
	if err != nil {
		return "", err
	}
	if o.PaymentIntentID != nil && piID != "" && *o.PaymentIntentID != piID {
		return a.otherIntent(ctx, ev, o, piID, change)
	}
	if o.PaymentIntentID == nil && piID != "" {
		// The webhook came before the confirm's answer was recorded: remember the PaymentIntent now.
		if err := models.RecordPaymentIntentOnce(ctx, a.DB, o.ID, piID); err != nil {
			return "", err
		}
	}
	change.Source, change.StripeEventID = orders.SourceWebhook, ev.ID
	if o.PaymentIntentID != nil && orders.Unchanged(o, change) {
		// A repeated or late event (read in the worker's transaction): nothing to lock, write or log.
		return models.InboxApplied, nil
	}
	after, changed, err := orders.Apply(ctx, a.DB, o.ID, change)
	if err != nil {
		return "", err
	}
	a.Log.InfoContext(ctx, "webhook applied", "event", ev.ID, "event_type", ev.Type, "order", o.Number,
		"from", o.Status, "to", after.Status, "changed", changed)
	return models.InboxApplied, nil
}

// otherIntent handles an event of a PaymentIntent that is not the order's own (an earlier attempt was settled
// as having made nothing while Stripe's search still lagged, and both went on). Only success matters: while the
// order is unpaid, the PaymentIntent that succeeded becomes the order's; once the order is paid by another, it
// is an extra payment and is refunded in full at once, so no money stays without an order.
func (a *Applier) otherIntent(ctx context.Context, ev stripe.Event, o models.Order, piID string, change orders.Change) (string, error) {
	if change.Kind != orders.PISucceeded {
		a.Log.InfoContext(ctx, "webhook for another PaymentIntent of the order ignored", "order", o.Number, "event", ev.ID, "payment_intent", piID)
		return models.InboxIgnored, nil
	}
	adopted, err := models.AdoptPaymentIntent(ctx, a.DB, o.ID, piID)
	if err != nil {
		return "", err
	}
	if adopted {
		a.Log.WarnContext(ctx, "another PaymentIntent of the order succeeded: it becomes the order's", "order", o.Number, "payment_intent", piID)
		change.Source, change.StripeEventID = orders.SourceWebhook, ev.ID
		change.Detail = "payment_intent " + piID + " succeeded and becomes the order's (was " + *o.PaymentIntentID + ")"
		if _, _, err := orders.Apply(ctx, a.DB, o.ID, change); err != nil {
			return "", err
		}
		return models.InboxApplied, nil
	}
	if err := RefundExtra(ctx, a.DB, a.Refunder, o, piID, change.AmountReceived, change.Currency, orders.SourceWebhook); err != nil {
		return "", err
	}
	return models.InboxApplied, nil
}

// RefundExtra refunds in full a PaymentIntent that succeeded for an order already paid by another, records it
// (the admin dashboard counts them) and puts it on the order's timeline, once.
func RefundExtra(ctx context.Context, db *gorm.DB, r ExtraRefunder, o models.Order, piID string, amount int64, currency, source string) error {
	if _, err := models.RecordExtraPayment(ctx, db, &models.ExtraPayment{PaymentIntentID: piID, OrderID: o.ID,
		Amount: amount, Currency: currency}); err != nil {
		return err
	}
	if r == nil {
		return errors.New("no refunder for an extra payment intent")
	}
	refundID, err := r.RefundExtra(ctx, piID, o.ID, o.Number)
	if err != nil {
		return fmt.Errorf("refund extra payment intent: %w", err) // the inbox tries again later
	}
	first, err := models.SetExtraPaymentRefund(ctx, db, piID, refundID)
	if err != nil || !first {
		return err
	}
	return models.AddOrderEvent(ctx, db, o.ID, source, "", "payment_intent.extra_refunded", o.Status, o.Status,
		fmt.Sprintf("payment_intent %s also succeeded (%d %s) for this order, already paid by %s: refunded in full (%s)",
			piID, amount, currency, deref(o.PaymentIntentID), refundID))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
