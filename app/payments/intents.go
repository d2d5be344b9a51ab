package payments

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v82"
)

// Shipping is the shipping address in Stripe's shape.
type Shipping struct {
	Name, Line1, Line2, City, State, PostalCode, Country string
}

// Attempt is one confirmation of an order's payment: every field comes from the server's order, except the
// ConfirmationToken, which the browser made with Stripe.js.
type Attempt struct {
	OrderID           string
	OrderNumber       string
	Attempt           int
	Amount            int64
	Currency          string
	ConfirmationToken string
	PaymentIntentID   string // set when the order already has a PaymentIntent: confirm it again
	CustomerID        string
	Email             string
	Shipping          Shipping
	ReturnURL         string
	// Locale is the shopper's language ("de"): Stripe's messages (a decline) come in it.
	Locale string
}

// localize asks Stripe to answer in the shopper's language: Stripe localizes the messages of its errors (card
// declines) by the request's Accept-Language, as Stripe.js does for the browser's own requests.
func (a Attempt) localize(p *stripe.Params) {
	if a.Locale != "" {
		p.Headers = http.Header{"Accept-Language": {a.Locale}}
	}
}

// IdempotencyKey derives the key of one step of one attempt; the same attempt replayed gets the same answer.
func (a Attempt) IdempotencyKey(step string) string {
	return fmt.Sprintf("storefront-order-%s-attempt-%d-%s", a.OrderID, a.Attempt, step)
}

func (a Attempt) shippingParams() *stripe.ShippingDetailsParams {
	return &stripe.ShippingDetailsParams{
		Name: stripe.String(a.Shipping.Name),
		Address: &stripe.AddressParams{
			Line1: stripe.String(a.Shipping.Line1), Line2: stripe.String(a.Shipping.Line2),
			City: stripe.String(a.Shipping.City), State: stripe.String(a.Shipping.State),
			PostalCode: stripe.String(a.Shipping.PostalCode), Country: stripe.String(a.Shipping.Country),
		},
	}
}

// CreateAndConfirm creates the order's PaymentIntent and confirms it in the same call with the
// ConfirmationToken (Stripe's "finalize payments on the server").
func (c *Client) CreateAndConfirm(ctx context.Context, a Attempt) (*stripe.PaymentIntent, error) {
	p := &stripe.PaymentIntentCreateParams{
		Amount:                  stripe.Int64(a.Amount),
		Currency:                stripe.String(a.Currency),
		Confirm:                 stripe.Bool(true),
		ConfirmationToken:       stripe.String(a.ConfirmationToken),
		AutomaticPaymentMethods: &stripe.PaymentIntentCreateAutomaticPaymentMethodsParams{Enabled: stripe.Bool(true)},
		ReceiptEmail:            stripe.String(a.Email),
		Shipping:                a.shippingParams(),
		ReturnURL:               stripe.String(a.ReturnURL),
		Description:             stripe.String("Order " + a.OrderNumber),
	}
	if a.CustomerID != "" {
		p.Customer = stripe.String(a.CustomerID)
	}
	if c.requireCVC {
		// Kept by the PaymentIntent for every later attempt; Elements is told the same (checkout-config).
		p.PaymentMethodOptions = &stripe.PaymentIntentCreatePaymentMethodOptionsParams{
			Card: &stripe.PaymentIntentCreatePaymentMethodOptionsCardParams{RequireCVCRecollection: stripe.Bool(true)}}
	}
	p.AddMetadata("order_id", a.OrderID)
	p.AddMetadata("order_number", a.OrderNumber)
	p.SetIdempotencyKey(a.IdempotencyKey("create"))
	a.localize(&p.Params)
	var pi *stripe.PaymentIntent
	err := c.retry(ctx, func() (err error) { pi, err = c.sc.V1PaymentIntents.Create(ctx, p); return err })
	c.logFailure(ctx, "create_payment_intent", a.OrderNumber, err)
	return orNil(pi, err), err
}

// Reconfirm confirms the order's existing PaymentIntent with a new ConfirmationToken (a retry after a decline
// or an abandoned challenge). Its amount and customer were made right first (Align): a confirm never runs at an
// amount Stripe holds from an earlier attempt.
func (c *Client) Reconfirm(ctx context.Context, a Attempt) (*stripe.PaymentIntent, error) {
	p := &stripe.PaymentIntentConfirmParams{
		ConfirmationToken: stripe.String(a.ConfirmationToken),
		ReceiptEmail:      stripe.String(a.Email),
		Shipping:          a.shippingParams(),
		ReturnURL:         stripe.String(a.ReturnURL),
	}
	p.SetIdempotencyKey(a.IdempotencyKey("confirm"))
	a.localize(&p.Params)
	var pi *stripe.PaymentIntent
	err := c.retry(ctx, func() (err error) { pi, err = c.sc.V1PaymentIntents.Confirm(ctx, a.PaymentIntentID, p); return err })
	c.logFailure(ctx, "confirm_payment_intent", a.OrderNumber, err)
	return orNil(pi, err), err
}

// Align makes an existing PaymentIntent hold the amount and currency of the order as it is now, and its
// customer (a guest who signed in after a decline pays with their own saved cards), before it is confirmed
// again. It compares with what Stripe holds (pi, just read), and sends nothing when that already matches.
//
// It also clears setup_future_usage that an earlier attempt's ConfirmationToken left on the PaymentIntent (the
// shopper ticked "save" then): a confirm writes the token's setup_future_usage onto the PaymentIntent only when
// the token has one, so a retry with "save" unticked would otherwise still save the card. Cleared here, the
// confirm that follows sets it again exactly when this attempt's token asks for it. Stripe unsets a field sent
// empty (setup_future_usage="").
// Updating is idempotent by nature; the key is unique per call so that a later change back to an earlier
// amount is not answered with an old replay.
func (c *Client) Align(ctx context.Context, pi *stripe.PaymentIntent, orderNumber string, amount int64, customerID string) (*stripe.PaymentIntent, error) {
	up := &stripe.PaymentIntentUpdateParams{}
	changed := false
	if pi.Amount != amount {
		up.Amount, changed = stripe.Int64(amount), true
	}
	if customerID != "" && (pi.Customer == nil || pi.Customer.ID != customerID) {
		up.Customer, changed = stripe.String(customerID), true
	}
	if pi.SetupFutureUsage != "" {
		up.SetupFutureUsage, changed = stripe.String(""), true
	}
	if !changed {
		return pi, nil
	}
	up.SetIdempotencyKey(fmt.Sprintf("storefront-align-%s-%d-%s", pi.ID, amount, randomKeyPart()))
	var out *stripe.PaymentIntent
	err := c.retry(ctx, func() (err error) { out, err = c.sc.V1PaymentIntents.Update(ctx, pi.ID, up); return err })
	c.logFailure(ctx, "update_payment_intent", orderNumber, err)
	return orNil(out, err), err
}

// Retrieve reads a PaymentIntent with its latest charge.
func (c *Client) Retrieve(ctx context.Context, id, orderNumber string) (*stripe.PaymentIntent, error) {
	p := &stripe.PaymentIntentRetrieveParams{}
	p.AddExpand("latest_charge")
	var pi *stripe.PaymentIntent
	err := c.retry(ctx, func() (err error) { pi, err = c.sc.V1PaymentIntents.Retrieve(ctx, id, p); return err })
	c.logFailure(ctx, "retrieve_payment_intent", orderNumber, err)
	return orNil(pi, err), err
}

// FindByOrder searches the PaymentIntents Stripe holds for an order (metadata order_id), newest first.
// Stripe's search is eventually consistent: a just-made PaymentIntent may not show for a minute.
func (c *Client) FindByOrder(ctx context.Context, orderID, orderNumber string) (*stripe.PaymentIntent, error) {
	p := &stripe.PaymentIntentSearchParams{}
	p.Query = fmt.Sprintf("metadata['order_id']:'%s'", orderID)
	p.Limit = stripe.Int64(10)
	var newest *stripe.PaymentIntent
	for pi, err := range c.sc.V1PaymentIntents.Search(ctx, p) {
		if err != nil {
			c.logFailure(ctx, "search_payment_intents", orderNumber, err)
			return nil, err
		}
		if newest == nil || pi.Created > newest.Created {
			newest = pi
		}
	}
	return newest, nil
}

// Cancel cancels a PaymentIntent that will not be paid (an abandoned order).
func (c *Client) Cancel(ctx context.Context, id, orderNumber, reason string) (*stripe.PaymentIntent, error) {
	p := &stripe.PaymentIntentCancelParams{CancellationReason: stripe.String(reason)}
	p.SetIdempotencyKey("storefront-cancel-" + id)
	var pi *stripe.PaymentIntent
	err := c.retry(ctx, func() (err error) { pi, err = c.sc.V1PaymentIntents.Cancel(ctx, id, p); return err })
	c.logFailure(ctx, "cancel_payment_intent", orderNumber, err)
	return orNil(pi, err), err
}

// orNil drops the empty object stripe-go returns beside an error, so callers can test for nil.
func orNil[T any](v *T, err error) *T {
	if err != nil {
		return nil
	}
	return v
}

// RecentEvents lists the events of the given types created since a time, for recovering missed webhooks.
// Events read through the API are rendered in the pinned API version and need no signature.
func (c *Client) RecentEvents(ctx context.Context, since time.Time, types []string) ([]*stripe.Event, error) {
	p := &stripe.EventListParams{CreatedRange: &stripe.RangeQueryParams{GreaterThanOrEqual: since.Unix()}}
	for _, t := range types {
		p.Types = append(p.Types, stripe.String(t))
	}
	p.Limit = stripe.Int64(100)
	var out []*stripe.Event
	for ev, err := range c.sc.V1Events.List(ctx, p) {
		if err != nil {
			c.logFailure(ctx, "list_events", "", err)
			return out, err
		}
		out = append(out, ev)
		if len(out) >= 5000 {
			break // the next pass continues; webhooks carry the rest
		}
	}
	return out, nil
}

// randomKeyPart makes an idempotency key unique to one call.
func randomKeyPart() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
