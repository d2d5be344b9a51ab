// Package mail sends the shop's emails: it renders each outbox entry (views/email) and a worker delivers them
// over SMTP with retries, one worker per app instance.
package mail

import (
	"bytes"
	"context"
	"fmt"
	"net/mail"
	"strings"

	"github.com/storefront/storefront/i18n"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views/email"
)

// Rendered is an email ready to send.
type Rendered struct {
	To      string
	Subject string
	Text    string
	HTML    string
}

// Composer renders outbox entries: the link to the order page starts with BaseURL; the shop's name is MAIL_FROM's.
type Composer struct {
	BaseURL string
	From    string
}

// ShopName is the display name of MAIL_FROM, or "Storefront".
func (c Composer) ShopName() string {
	if a, err := mail.ParseAddress(c.From); err == nil && a.Name != "" {
		return a.Name
	}
	return "Storefront"
}

// Message builds the view model of an email from its order (with items) and its outbox entry, in the
// language stored on the order.
func (c Composer) Message(o models.Order, e models.OutboxEmail) email.Message {
	l := i18n.For(i18n.Locale(o.Locale))
	money := func(n int64) string { return l.Money(n, o.Currency) }
	m := email.Message{
		Kind: e.Kind, L: l, Shop: c.ShopName(), OrderNumber: o.Number,
		OrderURL: strings.TrimRight(c.BaseURL, "/") + "/orders/" + o.Number,
		Name:     o.ShippingName, Subtotal: money(o.Subtotal), Shipping: money(o.Shipping), Total: money(o.Total),
		Carrier: o.Carrier, TrackingNumber: o.TrackingNumber, TrackingURL: models.TrackingURL(o.Carrier, o.TrackingNumber),
		RefundAmount: money(e.Amount), Refunded: money(o.RefundedAmount),
	}
	if o.ShippedAt != nil {
		m.ShippedOn = l.Date(*o.ShippedAt)
	}
	if o.Discount > 0 {
		m.Discount = money(o.Discount)
	}
	for _, it := range o.Items {
		m.Lines = append(m.Lines, email.Line{Name: it.Name, Quantity: it.Quantity, Amount: money(it.UnitPrice * it.Quantity)})
	}
	if o.ShippingLine1 != "" {
		m.ShipTo = []string{o.ShippingName, o.ShippingLine1}
		if o.ShippingLine2 != "" {
			m.ShipTo = append(m.ShipTo, o.ShippingLine2)
		}
		city := strings.Join(strings.Fields(o.ShippingCity+" "+o.ShippingState+" "+o.ShippingPostal), " ")
		m.ShipTo = append(m.ShipTo, city, l.Country(o.ShippingCountry))
	}
	return m
}

// Render renders an outbox entry of an order: subject, plain text and HTML.
func (c Composer) Render(ctx context.Context, o models.Order, e models.OutboxEmail) (Rendered, error) {
	m := c.Message(o, e)
	var html bytes.Buffer
	if err := email.HTML(m).Render(ctx, &html); err != nil {
		return Rendered{}, fmt.Errorf("render %s email: %w", e.Kind, err)
	}
	return Rendered{To: e.Recipient, Subject: email.Subject(m), Text: email.Text(m), HTML: html.String()}, nil
}
