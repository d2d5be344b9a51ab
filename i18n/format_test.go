package i18n

import (
	"testing"
	"time"
)

// The expected strings below are what CLDR says, as the libraries write it (bojanz/currency for prices,
// go-playground/locales for dates and numbers). Note the spaces: CLDR puts a no-break space (U+00A0) between
// number and symbol in de and fr, and French groups thousands with a narrow no-break space (U+202F), so a
// price never wraps in the middle.
const (
	nbsp       = "\u00a0"
	narrowNbsp = "\u202f"
)

func TestMoney(t *testing.T) {
	tests := []struct {
		locale   Locale
		amount   int64
		currency string
		want     string
	}{
		// The store's default currency in each locale: the symbol goes where the locale puts it.
		{English, 2400, "usd", "$24.00"},
		{German, 2400, "usd", "24,00" + nbsp + "$"},
		{French, 2400, "usd", "24,00" + nbsp + "$US"}, // French CLDR says "$US": "$" alone is ambiguous there
		{Indonesian, 2400, "usd", "US$24,00"},
		// Grouping of thousands.
		{English, 123456789, "usd", "$1,234,567.89"},
		{German, 123456789, "usd", "1.234.567,89" + nbsp + "$"},
		{French, 123456789, "usd", "1" + narrowNbsp + "234" + narrowNbsp + "567,89" + nbsp + "$US"},
		{Indonesian, 123456789, "USD", "US$1.234.567,89"},
		// Euro, rupiah and a zero-decimal currency (minor units are whole yen: 1234 jpy is ¥1,234).
		{German, 2400, "eur", "24,00" + nbsp + "€"},
		{French, 2400, "eur", "24,00" + nbsp + "€"},
		{Indonesian, 2400, "idr", "Rp" + nbsp + "24,00"},
		{English, 1234, "jpy", "¥1,234"},
		{German, 1234, "jpy", "1.234" + nbsp + "¥"},
		{Indonesian, 1234, "jpy", "JP¥1.234"},
		// Small and negative amounts (refunds, discounts).
		{English, 5, "usd", "$0.05"},
		{English, -5, "usd", "-$0.05"},
		{German, -2400, "usd", "-24,00" + nbsp + "$"},
		{English, 0, "usd", "$0.00"},
		// A code unknown to CLDR still shows the amount, with the code after it.
		{German, 2400, "xyz", "24,00 XYZ"},
	}
	for _, tt := range tests {
		if got := For(tt.locale).Money(tt.amount, tt.currency); got != tt.want {
			t.Errorf("%s Money(%d, %s) = %q, want %q", tt.locale, tt.amount, tt.currency, got, tt.want)
		}
	}
}

func TestDecimalString(t *testing.T) {
	tests := []struct {
		amount int64
		digits uint8
		want   string
	}{
		{2400, 2, "24.00"}, {5, 2, "0.05"}, {-5, 2, "-0.05"}, {0, 2, "0.00"}, {1234, 0, "1234"},
		{-9223372036854775808, 2, "-92233720368547758.08"},
	}
	for _, tt := range tests {
		if got := decimalString(tt.amount, tt.digits); got != tt.want {
			t.Errorf("decimalString(%d, %d) = %q, want %q", tt.amount, tt.digits, got, tt.want)
		}
	}
}

func TestDate(t *testing.T) {
	d := time.Date(2026, time.November, 29, 15, 4, 0, 0, time.UTC)
	want := map[Locale]string{
		English:    "November 29, 2026",
		German:     "29. November 2026",
		French:     "29 novembre 2026",
		Indonesian: "29 November 2026",
	}
	for l, w := range want {
		if got := For(l).Date(d); got != w {
			t.Errorf("%s Date = %q, want %q", l, got, w)
		}
	}
	if got := For(German).Date(time.Date(2027, time.March, 1, 0, 0, 0, 0, time.UTC)); got != "1. März 2027" {
		t.Errorf("de March: %q", got)
	}
}

func TestInt(t *testing.T) {
	want := map[Locale]string{
		English:    "1,234,567",
		German:     "1.234.567",
		French:     "1" + narrowNbsp + "234" + narrowNbsp + "567",
		Indonesian: "1.234.567",
	}
	for l, w := range want {
		if got := For(l).Int(1234567); got != w {
			t.Errorf("%s Int = %q, want %q", l, got, w)
		}
	}
	if got := For(German).Int(-42); got != "-42" {
		t.Errorf("negative: %q", got)
	}
}

func TestCountry(t *testing.T) {
	tests := []struct {
		locale     Locale
		code, want string
	}{
		{English, "DE", "Germany"},
		{German, "DE", "Deutschland"},
		{French, "de", "Allemagne"},
		{Indonesian, "DE", "Jerman"},
		{German, "US", "Vereinigte Staaten"},
		{French, "AE", "Émirats arabes unis"},
		// CLDR's only name for Hong Kong here is the official long one; the catalog has the short one.
		{English, "HK", "Hong Kong"},
		{German, "HK", "Hongkong"},
		{German, "ZZ", "ZZ"},
		{German, "not a code", "NOT A CODE"},
	}
	for _, tt := range tests {
		if got := For(tt.locale).Country(tt.code); got != tt.want {
			t.Errorf("%s Country(%q) = %q, want %q", tt.locale, tt.code, got, tt.want)
		}
	}
}
