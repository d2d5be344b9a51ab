package admin

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/storefront/storefront/models"
)

// Dashboard is the admin's first page: sales, payments that need a look, and the webhook inbox.
type Dashboard struct {
	Now        time.Time
	Today      models.Sales
	Week       models.Sales // since Monday 00:00 UTC
	Failed     int64        // payment_failed orders changed this week
	Stuck      int64        // pending, requires_action or processing for longer than StuckAfter
	StuckAfter time.Duration
	Inbox      models.InboxHealth

	ToShip       int64 // paid (or partly refunded) and not shipped
	EmailsFailed int64 // emails to customers that failed for good
	// ExtraFound and ExtraRefunded count this week's extra PaymentIntents (a second success for a paid order).
	ExtraFound, ExtraRefunded int64
	NeedsReview               int64 // orders in needs_review
}

// OrderFilterForm is the orders toolbar as typed (echoed back into the form and the links).
type OrderFilterForm struct {
	Status, From, To, Q, Limit string
	Fulfillment                string
}

// OrderList is one page of the orders list.
type OrderList struct {
	Filter   OrderFilterForm
	Orders   []models.Order
	NextURL  string // "" on the last page
	FirstURL string // "" on the first page
	CSVURL   string
	Error    string // a filter that could not be used
}

// OrderDetail is everything an admin needs about one order.
type OrderDetail struct {
	Order       models.Order
	Events      []models.OrderEvent
	Refunds     []models.Refund
	Refundable  int64
	CanRefund   bool
	PaymentURL  string // the PaymentIntent in the Stripe Dashboard
	ChargeURL   string
	CustomerURL string
	Refund      RefundForm
	Ship        ShipForm
	Emails      []models.OutboxEmail // the order's emails, oldest first
	// EmailsSending is true when SMTP_URL is set (else emails are held in the outbox).
	EmailsSending bool
}

// RefundForm is the refund form: the amount as typed, the form's refund number and what went wrong.
type RefundForm struct {
	Amount      string
	Seq         int
	Error       string // about the refund as a whole (status, Stripe)
	AmountError string // about the amount typed
}

// ProductForm is the new or edit product form.
type ProductForm struct {
	ID     string // "" for a new product
	Input  models.ProductInput
	Image  string // the product's current image, for the preview
	Errors models.FieldErrors
}

// DiscountForm is the new or edit discount form.
type DiscountForm struct {
	ID          string // "" for a new discount
	Input       models.DiscountInput
	Redemptions int
	Errors      models.FieldErrors
}

// StatusLabel is an order status in words (the admin's pages are in English).
func StatusLabel(status string) string {
	switch status {
	case models.StatusPending:
		return "Pending"
	case models.StatusRequiresAction:
		return "Authentication needed"
	case models.StatusProcessing:
		return "Processing"
	case models.StatusPaymentFailed:
		return "Payment failed"
	case models.StatusPaid:
		return "Paid"
	case models.StatusCanceled:
		return "Canceled"
	case models.StatusPartiallyRefunded:
		return "Partially refunded"
	case models.StatusRefunded:
		return "Refunded"
	case models.StatusDisputed:
		return "Disputed"
	case models.StatusNeedsReview:
		return "Needs review"
	}
	return status
}

// Timestamp writes a time for admins: always UTC, to the minute.
func Timestamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// Age writes how long ago something happened, roughly: "3 min", "2 h 5 min", "4 days".
func Age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func money(amount int64, currency string) string { return models.FormatMoney(amount, currency) }

func count(n int64) string { return fmt.Sprint(n) }

// discountValue describes what a code takes off: "10 %" or "$5.00".
func discountValue(d models.Discount, currency string) string {
	if d.Kind == models.DiscountPercent {
		return fmt.Sprintf("%d%% off", d.PercentOff)
	}
	return money(d.AmountOff, currency) + " off"
}

// redemptions writes "3" or "3 of 100".
func redemptions(d models.Discount) string {
	if d.MaxRedemptions == nil {
		return fmt.Sprint(d.Redemptions)
	}
	return fmt.Sprintf("%d of %d", d.Redemptions, *d.MaxRedemptions)
}

// validity lists when a code can be used: "from …" and "until …" (UTC), or "always".
func validity(d models.Discount) []string {
	var out []string
	if d.StartsAt != nil {
		out = append(out, "from "+d.StartsAt.UTC().Format("2006-01-02 15:04"))
	}
	if d.EndsAt != nil {
		out = append(out, "until "+d.EndsAt.UTC().Format("2006-01-02 15:04"))
	}
	if len(out) == 0 {
		out = append(out, "always")
	}
	return out
}

type fieldError struct{ name, label, message string }

// errorList lists the form's messages in the order of its fields ("name:Label").
func errorList(errs models.FieldErrors, fields ...string) []fieldError {
	var out []fieldError
	for _, f := range fields {
		name, label, _ := strings.Cut(f, ":")
		if msg, ok := errs[name]; ok {
			out = append(out, fieldError{name, label, msg})
		}
	}
	return out
}

// fieldID turns a form field's name into its element id.
func fieldID(name string) string { return "f-" + strings.ReplaceAll(name, "_", "-") }

// sourceLabel names where a timeline entry came from.
func sourceLabel(source string) string {
	switch source {
	case "app":
		return "Shop"
	case "webhook":
		return "Stripe webhook"
	case "reconciler":
		return "Reconciler"
	case "admin":
		return "Admin"
	}
	return source
}

// describedBy lists the ids of a field's hint and error for aria-describedby.
func describedBy(name, hint string, errs models.FieldErrors) string {
	var ids []string
	if hint != "" {
		ids = append(ids, fieldID(name)+"-hint")
	}
	if errs[name] != "" {
		ids = append(ids, fieldID(name)+"-error")
	}
	return strings.Join(ids, " ")
}

func upper(s string) string { return strings.ToUpper(s) }

func orNone(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// amountErrors is the refund amount's error as the field component takes it.
func amountErrors(msg string) models.FieldErrors {
	if msg == "" {
		return nil
	}
	return models.FieldErrors{"amount": msg}
}

func productAction(id string) string {
	if id == "" {
		return "/admin/products"
	}
	return "/admin/products/" + id
}

func imageHint(id string) string {
	hint := "PNG, JPEG, WebP or GIF, at most 2 MiB."
	if id != "" {
		hint += " Leave empty to keep the current image."
	}
	return hint
}

func discountAction(id string) string {
	if id == "" {
		return "/admin/discounts"
	}
	return "/admin/discounts/" + id
}

// paymentSucceeded reports whether an order's payment went through (a failure before it is history, not news).
func paymentSucceeded(status string) bool { return slices.Contains(models.PaidStatuses, status) }
