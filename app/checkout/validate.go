package checkout

import (
	"net/mail"
	"regexp"
	"strings"

	"github.com/storefront/storefront/app/apperr"
	"github.com/storefront/storefront/app/payments"
)

// Input is what the browser sends to confirm: the ConfirmationToken from Stripe.js, the email and the shipping
// address. Amounts, prices and currency are never taken from the browser.
type Input struct {
	CartID            string
	UserID            string
	CustomerID        string
	ConfirmationToken string
	Email             string
	Shipping          payments.Shipping
	// ExpectedAmount is the total the shopper saw on the pay button (nil = not sent): a precondition, never
	// the amount charged.
	ExpectedAmount *int64
	// ClientKey names the client (its address; IPv6 by /64): how much stock one client holds is bounded.
	ClientKey string
	// Locale is the shopper's language ("de"): stored on the order for its emails, and sent to Stripe.
	Locale string
}

var (
	tokenRe   = regexp.MustCompile(`^ctoken_[A-Za-z0-9_]{1,200}$`)
	countryRe = regexp.MustCompile(`^[A-Z]{2}$`)
)

// Validate checks and normalises the input, returning a Validation *apperr.Error listing the fields to fix.
func (in *Input) Validate() error {
	f := map[string]apperr.Text{}
	in.Email = strings.TrimSpace(in.Email)
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || len(in.Email) > 254 || !strings.Contains(in.Email, ".") {
		f["email"] = apperr.T("checkout.error.email_invalid")
	}
	sh := &in.Shipping
	for _, p := range []*string{&sh.Name, &sh.Line1, &sh.Line2, &sh.City, &sh.State, &sh.PostalCode, &sh.Country} {
		*p = strings.TrimSpace(*p)
	}
	sh.Country = strings.ToUpper(sh.Country)
	// required is the message of an empty required field ("" for an optional one).
	check := func(field, v string, max int, required string) {
		switch {
		case required != "" && v == "":
			f[field] = apperr.T(required)
		case len(v) > max:
			f[field] = apperr.T("checkout.error.too_long", "Max", max)
		case strings.ContainsAny(v, "\x00\r\n"):
			f[field] = apperr.T("checkout.error.line_breaks")
		}
	}
	check("shipping[name]", sh.Name, 200, "checkout.error.name_required")
	check("shipping[address][line1]", sh.Line1, 200, "checkout.error.line1_required")
	check("shipping[address][line2]", sh.Line2, 200, "")
	check("shipping[address][city]", sh.City, 100, "checkout.error.city_required")
	check("shipping[address][state]", sh.State, 100, "")
	check("shipping[address][postal_code]", sh.PostalCode, 20, "checkout.error.postal_code_required")
	if !countryRe.MatchString(sh.Country) || !Countries.Has(sh.Country) {
		f["shipping[address][country]"] = apperr.T("checkout.error.country_required")
	}
	if !tokenRe.MatchString(in.ConfirmationToken) {
		f["confirmation_token_id"] = apperr.T("checkout.error.payment_details_missing")
	}
	if len(f) > 0 {
		return inputError(f)
	}
	return nil
}
