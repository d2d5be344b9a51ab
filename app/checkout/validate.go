package checkout

import (
	"net/mail"
	"regexp"
	"strings"

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
}

var (
	tokenRe   = regexp.MustCompile(`^ctoken_[A-Za-z0-9_]{1,200}$`)
	countryRe = regexp.MustCompile(`^[A-Z]{2}$`)
)

// Validate checks and normalises the input, returning a Validation *apperr.Error listing the fields to fix.
func (in *Input) Validate() error {
	f := map[string]string{}
	in.Email = strings.TrimSpace(in.Email)
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || len(in.Email) > 254 || !strings.Contains(in.Email, ".") {
		f["email"] = "Enter a valid email address."
	}
	sh := &in.Shipping
	for _, p := range []*string{&sh.Name, &sh.Line1, &sh.Line2, &sh.City, &sh.State, &sh.PostalCode, &sh.Country} {
		*p = strings.TrimSpace(*p)
	}
	sh.Country = strings.ToUpper(sh.Country)
	check := func(field, v string, required bool, max int, label string) {
		switch {
		case required && v == "":
			f[field] = "Enter " + label + "."
		case len(v) > max:
			f[field] = "That " + label[strings.Index(label, " ")+1:] + " is too long."
		case strings.ContainsAny(v, "\x00\r\n"):
			f[field] = "Remove line breaks from " + label + "."
		}
	}
	check("shipping[name]", sh.Name, true, 200, "your full name")
	check("shipping[address][line1]", sh.Line1, true, 200, "the street address")
	check("shipping[address][line2]", sh.Line2, false, 200, "the second address line")
	check("shipping[address][city]", sh.City, true, 100, "the city")
	check("shipping[address][state]", sh.State, false, 100, "the state or region")
	check("shipping[address][postal_code]", sh.PostalCode, true, 20, "the postal code")
	if !countryRe.MatchString(sh.Country) || !Countries.Has(sh.Country) {
		f["shipping[address][country]"] = "Choose a country."
	}
	if !tokenRe.MatchString(in.ConfirmationToken) {
		f["confirmation_token_id"] = "Your payment details are missing. Please enter them again."
	}
	if len(f) > 0 {
		return inputError(f)
	}
	return nil
}
