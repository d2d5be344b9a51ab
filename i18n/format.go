package i18n

import (
	"strconv"
	"strings"
	"time"

	"github.com/bojanz/currency"
	"github.com/go-playground/locales"
	"github.com/go-playground/locales/de"
	"github.com/go-playground/locales/en"
	"github.com/go-playground/locales/fr"
	"github.com/go-playground/locales/id"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Prices use github.com/bojanz/currency: golang.org/x/text has CLDR currency symbols and number symbols but
// not the currency patterns, so it writes "$ 24,00" in German where CLDR says "24,00 $". Dates and integers use
// github.com/go-playground/locales (x/text has no date formatting), generated from the same CLDR data.

// zeroDecimal lists the currencies Stripe counts in whole units, the same list as models.FormatMoney (a test
// keeps the two in step). Every other currency has two minor digits, as Stripe counts them, whatever CLDR
// says: an amount means the same on every page and in every language.
var zeroDecimal = map[string]bool{
	"bif": true, "clp": true, "djf": true, "gnf": true, "jpy": true, "kmf": true, "krw": true, "mga": true,
	"pyg": true, "rwf": true, "ugx": true, "vnd": true, "vuv": true, "xaf": true, "xof": true, "xpf": true,
}

// moneyFormats are the price formatters by locale and minor digits; built once, only read afterwards.
var moneyFormats = func() map[Locale][3]*currency.Formatter {
	out := map[Locale][3]*currency.Formatter{}
	for _, l := range Supported {
		var fs [3]*currency.Formatter
		for _, digits := range []uint8{0, 2} {
			f := currency.NewFormatter(currency.NewLocale(string(l)))
			f.MinDigits, f.MaxDigits = digits, digits
			fs[digits] = f
		}
		out[l] = fs
	}
	return out
}()

// translators hold CLDR dates and number symbols by locale.
var translators = map[Locale]locales.Translator{English: en.New(), German: de.New(), French: fr.New(), Indonesian: id.New()}

// Money formats an amount in minor units of a currency (ISO code, any case) for the locale, with its CLDR
// pattern and symbol: 2400 usd is "$24.00" in en, "24,00 $" in de, "24,00 $US" in fr, "US$24,00" in id.
// Zero-decimal currencies (jpy) have no decimals. An unknown code is written after the number.
func (l Localizer) Money(amount int64, code string) string {
	code = strings.ToLower(strings.TrimSpace(code))
	digits := uint8(2)
	if zeroDecimal[code] {
		digits = 0
	}
	number := decimalString(amount, digits)
	a, err := currency.NewAmount(number, strings.ToUpper(code))
	if err != nil {
		return l.decimal(amount, digits) + " " + strings.ToUpper(code)
	}
	return moneyFormats[l.Locale()][digits].Format(a)
}

// decimalString writes minor units as a plain decimal number: 2400, 2 → "24.00"; -5, 2 → "-0.05".
func decimalString(amount int64, digits uint8) string {
	if digits == 0 {
		return strconv.FormatInt(amount, 10)
	}
	sign := ""
	u := uint64(amount)
	if amount < 0 {
		sign, u = "-", uint64(-(amount+1))+1 // math.MinInt64 too
	}
	s := strconv.FormatUint(u, 10)
	for len(s) <= int(digits) {
		s = "0" + s
	}
	return sign + s[:len(s)-int(digits)] + "." + s[len(s)-int(digits):]
}

// decimal formats minor units as a number with the locale's separators, without a currency.
func (l Localizer) decimal(amount int64, digits uint8) string {
	f := float64(amount)
	if digits == 2 {
		f /= 100
	}
	return translators[l.Locale()].FmtNumber(f, uint64(digits))
}

// Date is the CLDR long date of the locale: "November 29, 2026", "29. November 2026", "29 novembre 2026",
// "29 November 2026". The time is taken in its own location: convert it first.
func (l Localizer) Date(t time.Time) string {
	return translators[l.Locale()].FmtDateLong(t)
}

// Int formats an integer with the locale's grouping: 1234567 is "1,234,567" in en, "1.234.567" in de and id,
// and "1 234 567" in fr (narrow no-break spaces).
func (l Localizer) Int(n int64) string {
	return translators[l.Locale()].FmtNumber(float64(n), 0)
}

// Country is the name of a country (ISO 3166 alpha-2 code) in the locale, from CLDR: "DE" is "Germany",
// "Deutschland", "Allemagne", "Jerman". A catalog entry country.<CODE> overrides CLDR where its only name is
// an official long form ("Hong Kong SAR China"). An unknown code is returned as it is.
func (l Localizer) Country(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	if id := "country." + code; l.Has(id) {
		return l.T(id)
	}
	r, err := language.ParseRegion(code)
	if err != nil || !r.IsCountry() {
		return code
	}
	if name := display.Regions(l.Locale().Tag()).Name(r); name != "" {
		return name
	}
	return code
}
