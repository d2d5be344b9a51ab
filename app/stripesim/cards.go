package stripesim

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// cardData is what the card form (or a test PaymentMethod) provides. The
// number and CVC are kept in memory only, never answered.
type cardData struct {
	number   string
	expMonth int64
	expYear  int64
	cvc      string
}

// outcomeKind is what happens when a card is charged.
type outcomeKind int

const (
	outcomeSucceed outcomeKind = iota
	outcomeRequiresAction
	outcomeDecline
	outcomeDispute    // succeeds, then the cardholder disputes it
	outcomeProcessing // processing first, then succeeds (or fails: decline set)
)

// cardBehavior is the scripted result of one test card.
type cardBehavior struct {
	kind        outcomeKind
	code        string
	declineCode string
	message     string
	param       string
	blocked     bool // Radar blocked it: outcome.type "blocked"
	// afterAuth is the outcome once 3-D Secure was completed (nil = succeed).
	afterAuth *cardBehavior
	refund    string // "pending" or "fail": how its refunds behave
	riskLevel string // Radar risk level of a successful charge; "" = normal
}

// behaviorFor returns how Stripe's test card with this number behaves; any
// other valid number succeeds.
func behaviorFor(number string) cardBehavior {
	declined := func(decline, msg string) cardBehavior {
		return cardBehavior{kind: outcomeDecline, code: "card_declined", declineCode: decline, message: msg}
	}
	switch number {
	case "4000002500003155", "4000002760003184", "4000000000003220", "4000000000003063":
		return cardBehavior{kind: outcomeRequiresAction}
	case "4000008260003178": // authentication succeeds, then the issuer declines
		d := declined("insufficient_funds", "Your card has insufficient funds.")
		return cardBehavior{kind: outcomeRequiresAction, afterAuth: &d}
	case "4000008400001629":
		d := declined("generic_decline", "Your card was declined.")
		return cardBehavior{kind: outcomeRequiresAction, afterAuth: &d}
	case "4000000000006975":
		return declined("card_velocity_exceeded", "Your card was declined.")
	case "4000000000000341": // attaches to a customer, every charge fails
		return declined("generic_decline", "Your card was declined.")
	case "4000000000000101": // CVC check fails; declined by the default Radar rule
		return cardBehavior{kind: outcomeDecline, code: "incorrect_cvc", declineCode: "incorrect_cvc",
			message: "Your card's security code is incorrect.", param: "cvc"}
	case "4000000000004954": // highest risk: blocked by Radar
		b := declined("fraudulent", "Your card was declined.")
		b.blocked = true
		return b
	case "4000000000009235":
		return cardBehavior{kind: outcomeSucceed, riskLevel: "elevated"}
	case "4000000000007726": // refunds start pending, then succeed
		return cardBehavior{kind: outcomeSucceed, refund: "pending"}
	case "4000000000005126": // refunds succeed, then fail
		return cardBehavior{kind: outcomeSucceed, refund: "fail"}
	case "4000000000000002":
		return declined("generic_decline", "Your card was declined.")
	case "4000000000009995":
		return declined("insufficient_funds", "Your card has insufficient funds.")
	case "4000000000009987":
		return declined("lost_card", "Your card was declined.")
	case "4000000000009979":
		return declined("stolen_card", "Your card was declined.")
	case "4000000000000069":
		return cardBehavior{kind: outcomeDecline, code: "expired_card", declineCode: "expired_card",
			message: "Your card has expired.", param: "exp_month"}
	case "4000000000000127":
		return cardBehavior{kind: outcomeDecline, code: "incorrect_cvc", declineCode: "incorrect_cvc",
			message: "Your card's security code is incorrect.", param: "cvc"}
	case "4000000000000119":
		return cardBehavior{kind: outcomeDecline, code: "processing_error", declineCode: "processing_error",
			message: "An error occurred while processing your card. Try again in a little bit."}
	case "4100000000000019":
		b := declined("fraudulent", "Your card was declined.")
		b.blocked = true
		return b
	case "4000000000000259":
		return cardBehavior{kind: outcomeDispute}
	}
	return cardBehavior{kind: outcomeSucceed}
}

// testPaymentMethods maps Stripe's test PaymentMethod IDs to their numbers,
// so server-side tests can make ConfirmationTokens as in real test mode.
func testPaymentMethodNumber(id string) (string, bool) {
	n, ok := map[string]string{
		"pm_card_visa":                                                  "4242424242424242",
		"pm_card_visa_debit":                                            "4000056655665556",
		"pm_card_mastercard":                                            "5555555555554444",
		"pm_card_amex":                                                  "378282246310005",
		"pm_card_authenticationRequired":                                "4000002760003184",
		"pm_card_authenticationRequiredOnSetup":                         "4000002500003155",
		"pm_card_threeDSecure2Required":                                 "4000000000003220",
		"pm_card_chargeDeclined":                                        "4000000000000002",
		"pm_card_chargeDeclinedInsufficientFunds":                       "4000000000009995",
		"pm_card_chargeDeclinedLostCard":                                "4000000000009987",
		"pm_card_chargeDeclinedStolenCard":                              "4000000000009979",
		"pm_card_chargeDeclinedExpiredCard":                             "4000000000000069",
		"pm_card_chargeDeclinedIncorrectCvc":                            "4000000000000127",
		"pm_card_chargeDeclinedProcessingError":                         "4000000000000119",
		"pm_card_radarBlock":                                            "4100000000000019",
		"pm_card_createDispute":                                         "4000000000000259",
		"pm_card_chargeDeclinedVelocityLimitExceeded":                   "4000000000006975",
		"pm_card_chargeCustomerFail":                                    "4000000000000341",
		"pm_card_cvcCheckFail":                                          "4000000000000101",
		"pm_card_riskLevelHighest":                                      "4000000000004954",
		"pm_card_riskLevelElevated":                                     "4000000000009235",
		"pm_card_authenticationRequiredChargeDeclinedInsufficientFunds": "4000008260003178",
		"pm_card_pendingRefund":                                         "4000000000007726",
		"pm_card_refundFail":                                            "4000000000005126",
	}[id]
	return n, ok
}

// luhnValid reports whether number passes the Luhn check.
func luhnValid(number string) bool {
	if len(number) < 12 || len(number) > 19 {
		return false
	}
	sum := 0
	double := false
	for i := len(number) - 1; i >= 0; i-- {
		c := number[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// cardBrand names the network of a number the way Stripe does.
func cardBrand(number string) string {
	p := func(prefixes ...string) bool {
		for _, x := range prefixes {
			if strings.HasPrefix(number, x) {
				return true
			}
		}
		return false
	}
	switch {
	case p("4"):
		return "visa"
	case p("34", "37"):
		return "amex"
	case p("51", "52", "53", "54", "55", "22", "23", "24", "25", "26", "27"):
		return "mastercard"
	case p("6011", "65", "644", "645", "646", "647", "648", "649"):
		return "discover"
	case p("35"):
		return "jcb"
	case p("36", "30", "38"):
		return "diners"
	case p("62"):
		return "unionpay"
	}
	return "unknown"
}

// fingerprint identifies a card number without revealing it.
func fingerprint(number string) string {
	sum := sha256.Sum256([]byte("stripesim:" + number))
	return hex.EncodeToString(sum[:])[:16]
}

// last4 is the last four digits of a number.
func last4(number string) string {
	if len(number) < 4 {
		return number
	}
	return number[len(number)-4:]
}

// funding is the card's funding type.
func funding(number string) string {
	if number == "4000056655665556" || number == "5200828282828210" {
		return "debit"
	}
	return "credit"
}
