// Package email renders the shop's emails to customers: a subject, a plain-text body and an HTML body.
package email

import (
	"fmt"
	"strings"
)

// Kinds of email (the outbox's kinds).
const (
	KindOrderConfirmation = "order_confirmation"
	KindShipped           = "shipped"
	KindRefund            = "refund"
)

// Message is everything an email shows, already formatted: amounts as money, the order's public link. It holds
// nothing secret (no payment ids, no client secrets): only what the customer's own order page shows.
type Message struct {
	Kind        string
	Shop        string // the shop's name, from MAIL_FROM
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
		return fmt.Sprintf("Your order %s has shipped", m.OrderNumber)
	case KindRefund:
		return fmt.Sprintf("Refund of %s for order %s", m.RefundAmount, m.OrderNumber)
	}
	return fmt.Sprintf("Order confirmation %s", m.OrderNumber)
}

// Text is the plain-text body.
func Text(m Message) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	if m.Name != "" {
		w("Hello %s,", m.Name)
	} else {
		w("Hello,")
	}
	w("")
	switch m.Kind {
	case KindShipped:
		w("Good news: your order %s is on its way.", m.OrderNumber)
		w("")
		w("Carrier: %s", m.Carrier)
		w("Tracking number: %s", m.TrackingNumber)
		if m.TrackingURL != "" {
			w("Track your parcel: %s", m.TrackingURL)
		}
		if len(m.ShipTo) > 0 {
			w("")
			w("Shipping to:")
			for _, l := range m.ShipTo {
				w("  %s", l)
			}
		}
	case KindRefund:
		w("We refunded %s for your order %s.", m.RefundAmount, m.OrderNumber)
		w("It goes back to the card you paid with; banks usually show it within 5 to 10 business days.")
		w("")
		w("Order total: %s", m.Total)
		w("Refunded so far: %s", m.Refunded)
	default:
		w("Thank you for your order. We received your payment for order %s.", m.OrderNumber)
		w("")
		for _, l := range m.Lines {
			w("  %s × %d  %s", l.Name, l.Quantity, l.Amount)
		}
		w("")
		w("Subtotal: %s", m.Subtotal)
		if m.Discount != "" {
			w("Discount: −%s", m.Discount)
		}
		w("Shipping: %s", m.Shipping)
		w("Total: %s", m.Total)
		if len(m.ShipTo) > 0 {
			w("")
			w("Shipping to:")
			for _, l := range m.ShipTo {
				w("  %s", l)
			}
		}
		w("")
		w("We'll email you again when it ships.")
	}
	w("")
	w("See your order: %s", m.OrderURL)
	w("")
	w("— %s", m.Shop)
	return b.String()
}
