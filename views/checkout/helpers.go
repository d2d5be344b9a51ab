package checkout

import (
	"strconv"
	"strings"

	"github.com/storefront/storefront/i18n"
	"github.com/storefront/storefront/models"
)

// fieldID turns a form name such as shipping[address][line1] into an element id: shipping-address-line1.
func fieldID(name string) string {
	r := strings.NewReplacer("][", "-", "[", "-", "]", "", "_", "-")
	return r.Replace(name)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// StatusLabel is the short name of an order status for shoppers, in l's language.
func StatusLabel(l i18n.Localizer, status string) string {
	if id := "status." + status; l.Has(id) {
		return l.T(id)
	}
	return status
}

// StatusHeadline is the order page's title for a status.
func StatusHeadline(l i18n.Localizer, status string) string {
	if status == models.StatusNeedsReview {
		return l.T("order.headline.needs_review")
	}
	if models.StatusIn(status, models.PaidStatuses) {
		return l.T("order.headline.thanks")
	}
	switch status {
	case models.StatusProcessing, models.StatusPending:
		return l.T("order.headline.confirming")
	case models.StatusRequiresAction:
		return l.T("order.headline.requires_action")
	case models.StatusPaymentFailed:
		return l.T("order.headline.payment_failed")
	case models.StatusCanceled:
		return l.T("order.headline.canceled")
	}
	return l.T("order.headline.default")
}

// StatusHelp says what happens next.
func StatusHelp(l i18n.Localizer, o models.Order) string {
	switch o.Status {
	case models.StatusPaid:
		if o.FulfillmentStatus == models.FulfillmentShipped {
			return l.T("order.help.shipped", "Email", maskedEmail(l, o.Email))
		}
		return l.T("order.help.paid", "Email", maskedEmail(l, o.Email))
	case models.StatusProcessing, models.StatusPending:
		return l.T("order.help.confirming")
	case models.StatusRequiresAction:
		return l.T("order.help.requires_action")
	case models.StatusPaymentFailed:
		if reason := failureReason(l, o); reason != "" {
			return l.T("order.help.payment_failed_reason", "Reason", reason)
		}
		return l.T("order.help.payment_failed")
	case models.StatusPartiallyRefunded, models.StatusRefunded:
		return l.T("order.help.refunded")
	case models.StatusCanceled:
		return l.T("order.help.canceled")
	case models.StatusNeedsReview:
		return l.T("order.help.needs_review", "Email", maskedEmail(l, o.Email))
	}
	return ""
}

// failureReason is why the last payment failed: Stripe's own message of a decline (in the language the confirm
// asked Stripe for; only "Your card was declined." when its decline code would help a card tester), or the
// shop's message of an attempt that made no payment, in l's language.
func failureReason(l i18n.Localizer, o models.Order) string {
	if o.LastErrorType != nil && *o.LastErrorType == "api_error" {
		return l.T("checkout.error.payment_not_completed")
	}
	if o.LastDeclineCode != nil && models.HidesDeclineReason(*o.LastDeclineCode) {
		return l.T("checkout.error.card_declined")
	}
	if o.LastErrorMessage != nil {
		return *o.LastErrorMessage
	}
	return ""
}

// shippedLine says when and with which carrier the order left.
func shippedLine(l i18n.Localizer, o models.Order) string {
	at := o.UpdatedAt
	if o.ShippedAt != nil {
		at = *o.ShippedAt
	}
	return l.T("order.shipped", "Date", l.Date(at), "Carrier", o.Carrier)
}

// maskedEmail is the order's email as the page may show it: masked, or "your email address" when the viewer is
// not the one who placed the order (the page then holds no email at all).
func maskedEmail(l i18n.Localizer, email string) string {
	if email == "" {
		return l.T("order.your_email")
	}
	return MaskEmail(email)
}

// MaskEmail hides most of an email address: jenny.rosen@example.com → j•••@example.com.
func MaskEmail(email string) string {
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
