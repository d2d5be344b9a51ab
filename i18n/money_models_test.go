package i18n_test

import (
	"strings"
	"testing"

	"github.com/storefront/storefront/i18n"
	"github.com/storefront/storefront/models"
)

// TestMoneyCountsMinorUnitsLikeModels keeps the two lists of zero-decimal currencies in step: an amount in
// minor units must mean the same here as in models.FormatMoney (and at Stripe).
func TestMoneyCountsMinorUnitsLikeModels(t *testing.T) {
	codes := []string{"usd", "eur", "gbp", "cad", "aud", "chf", "idr", "huf", "isk", "twd", "mxn", "inr",
		"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"}
	en := i18n.For(i18n.English)
	for _, c := range codes {
		want := models.FormatMoney(123456, c)
		got := en.Money(123456, c)
		if strings.Contains(want, ".") != strings.Contains(got, ".") {
			t.Errorf("%s: models writes %q, i18n %q: they count minor units differently", c, want, got)
		}
	}
	if got, want := en.Money(2400, "usd"), models.FormatMoney(2400, "usd"); got != want {
		t.Errorf("en usd: %q, models %q: English prices should not change", got, want)
	}
}
