package checkout

import (
	"github.com/storefront/storefront/models"
	"strconv"
	"strings"
)

// fieldID turns a form name such as shipping[address][line1] into an element id: shipping-address-line1.
func fieldID(name string) string {
	r := strings.NewReplacer("][", "-", "[", "-", "]", "", "_", "-")
	return r.Replace(name)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// StatusLabel is the short name of an order status for shoppers and admins.
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

// StatusHeadline is the order page's title for a status.
func StatusHeadline(status string) string {
	if status == models.StatusNeedsReview {
		return "We're checking your payment"
	}
	if models.StatusIn(status, models.PaidStatuses) {
		return "Thank you for your order"
	}
	switch status {
	case models.StatusProcessing, models.StatusPending:
		return "We're confirming your payment"
	case models.StatusRequiresAction:
		return "Your bank needs you to confirm this payment"
	case models.StatusPaymentFailed:
		return "Your payment didn't go through"
	case models.StatusCanceled:
		return "This order was canceled"
	}
	return "Your order"
}

// StatusHelp says what happens next.
func StatusHelp(o models.Order) string {
	switch o.Status {
	case models.StatusPaid:
		if o.FulfillmentStatus == models.FulfillmentShipped {
			return "Your order is on its way. We emailed the tracking number to " + MaskEmail(o.Email) + "."
		}
		return "Your payment was received. An order confirmation is on its way to " + MaskEmail(o.Email) + ", and we'll email you again when it ships."
	case models.StatusProcessing, models.StatusPending:
		return "This page updates by itself. You won't be charged twice."
	case models.StatusRequiresAction:
		return "Your bank asked you to confirm this payment. Finish it on the checkout page, or pay another way there. This page updates by itself."
	case models.StatusPaymentFailed:
		if msg := o.ShopperErrorMessage(); msg != "" {
			return msg + " Nothing was charged."
		}
		return "Nothing was charged. You can try again with another card."
	case models.StatusPartiallyRefunded, models.StatusRefunded:
		return "A refund was issued to your original payment method."
	case models.StatusCanceled:
		return "Nothing was charged."
	case models.StatusNeedsReview:
		return "Your payment arrived, and we're checking it before we ship. We'll email " + MaskEmail(o.Email) + "."
	}
	return ""
}

// MaskEmail hides most of an email address: jenny.rosen@example.com → j•••@example.com ("your email address"
// when the page may not show it).
func MaskEmail(email string) string {
	if email == "" {
		return "your email address"
	}
	at := strings.LastIndex(email, "@")
	if at < 1 {
		return "•••"
	}
	return email[:1] + "•••" + email[at:]
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
