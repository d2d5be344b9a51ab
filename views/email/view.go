// Package email renders the shop's emails to customers: a subject, a plain-text body and an HTML body.
package email

import (
	"fmt"
	"strings"

	"github.com/storefront/storefront/i18n"
)

// Kinds of email (the outbox's kinds).
const (
	KindOrderConfirmation = "order_confirmation"
	KindShipped           = "shipped"
	KindRefund            = "refund"
)

// Message is everything an email shows, already formatted in its language: amounts as money, dates, the
// order's public link. It holds nothing secret (no payment ids, no client secrets): only what the customer's
// own order page shows.
type Message struct {
	Kind        string
	L           i18n.Localizer // the order's language
	Shop        string         // the shop's name, from MAIL_FROM
	OrderNumber string
	OrderURL    string // BASE_URL/orders/:number
	Name        string // the shipping name
	Lines       []Line
	Subtotal    string
	Discount    string // "" without a discount
	Shipping    string
	Total       string
	ShipTo      []string // address lines

	Carrier        string
	TrackingNumber string
	TrackingURL    string // "" for a carrier the shop does not link to
	ShippedOn      string // the date it shipped

	RefundAmount string // this refund
	Refunded     string // refunded on the order so far
}

// Line is one product line of the order.
type Line struct {
	Name     string
	Quantity int64
	Amount   string
}

// Subject is the email's subject line; it always carries the order number.
func Subject(m Message) string {
	switch m.Kind {
	case KindShipped:
		return m.L.T("email.shipped.subject", "Number", m.OrderNumber)
	case KindRefund:
		return m.L.T("email.refund.subject", "Number", m.OrderNumber)
	}
	return m.L.T("email.order_confirmation.subject", "Number", m.OrderNumber)
}

// headline is the email's title.
func headline(m Message) string {
	switch m.Kind {
	case KindShipped:
		return m.L.T("email.shipped.headline")
	case KindRefund:
		return m.L.T("email.refund.headline")
	}
	return m.L.T("email.order_confirmation.headline")
}

// body is the email's first paragraph: what happened to the order.
func body(m Message) string {
	switch m.Kind {
	case KindShipped:
		return m.L.T("email.shipped.body", "Number", m.OrderNumber, "Date", m.ShippedOn, "Carrier", m.Carrier)
	case KindRefund:
		return m.L.T("email.refund.body", "Amount", m.RefundAmount, "Number", m.OrderNumber)
	}
	return m.L.T("email.order_confirmation.body", "Amount", m.Total, "Number", m.OrderNumber)
}

// greeting is "Hello Jenny Rosen," or, without a name, "Hello,".
func greeting(m Message) string {
	if m.Name == "" {
		return m.L.T("email.greeting_anonymous")
	}
	return m.L.T("email.greeting", "Name", m.Name)
}

// Text is the plain-text body.
func Text(m Message) string {
	var b strings.Builder
	w := func(lines ...string) {
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
	}
	label := func(id, value string) string { return m.L.T(id) + ": " + value }
	w(greeting(m), "", body(m))
	switch m.Kind {
	case KindShipped:
		w("", m.L.T("email.shipped.tracking", "TrackingNumber", m.TrackingNumber))
		if m.TrackingURL != "" {
			w(label("email.track_parcel", m.TrackingURL))
		}
		textShipTo(w, m)
	case KindRefund:
		w(m.L.T("email.refund.timing"), "", label("email.order_total", m.Total), label("email.refunded_so_far", m.Refunded))
	default:
		w("", m.L.T("email.items")+":")
		for _, l := range m.Lines {
			w(fmt.Sprintf("  %s × %s  %s", l.Name, m.L.Int(l.Quantity), l.Amount))
		}
		w("", label("email.subtotal", m.Subtotal))
		if m.Discount != "" {
			w(label("email.discount_label", "−"+m.Discount))
		}
		w(label("email.shipping", m.Shipping), label("email.total", m.Total))
		textShipTo(w, m)
	}
	w("", m.L.T("email.view_order_text", "URL", m.OrderURL), "", m.L.T("email.signature"), "", m.L.T("email.footer"))
	return b.String()
}

func textShipTo(w func(...string), m Message) {
	if len(m.ShipTo) == 0 {
		return
	}
	w("", m.L.T("email.shipping_to")+":")
	for _, l := range m.ShipTo {
		w("  " + l)
	}
}
