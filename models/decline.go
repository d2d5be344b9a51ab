package models

import "slices"

// DeclinedMessage is all a shopper is told of a decline whose reason would help a card tester.
const DeclinedMessage = "Your card was declined."

// cardTestingDeclineCodes are issuers' decline reasons that tell someone trying stolen card numbers which ones
// were flagged: they stay in the logs and the admin's order view, never in what the shopper's browser gets.
var cardTestingDeclineCodes = []string{"fraudulent", "stolen_card", "lost_card", "pickup_card",
	"merchant_blacklist", "restricted_card", "security_violation"}

// HidesDeclineReason reports whether a decline code must not reach the shopper.
func HidesDeclineReason(declineCode string) bool {
	return slices.Contains(cardTestingDeclineCodes, declineCode)
}

// ShopperErrorMessage is the order's last payment error as the shopper may read it: Stripe's message, or only
// DeclinedMessage when its decline code helps card testers ("" when there is none).
func (o Order) ShopperErrorMessage() string {
	if o.LastErrorMessage == nil || *o.LastErrorMessage == "" {
		return ""
	}
	if o.LastDeclineCode != nil && HidesDeclineReason(*o.LastDeclineCode) {
		return DeclinedMessage
	}
	return *o.LastErrorMessage
}
