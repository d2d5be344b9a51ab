package models_test

import (
	"testing"

	"github.com/storefront/storefront/models"
)

func TestParseMoney(t *testing.T) {
	cases := []struct {
		in, currency string
		want         int64
		ok           bool
	}{
		{"12.50", "usd", 1250, true},
		{"12.5", "usd", 1250, true},
		{"12", "usd", 1200, true},
		{" 12.05 ", "usd", 1205, true},
		{".5", "usd", 50, true},
		{"12.", "usd", 1200, true},
		{"0", "usd", 0, true},
		{"000012.30", "usd", 1230, true},
		{"999999999999.99", "usd", 99999999999999, true},
		{"1250", "jpy", 1250, true},
		{"12.505", "usd", 0, false},
		{"12.5", "jpy", 0, false},
		{"-1", "usd", 0, false},
		{"+1", "usd", 0, false},
		{"1,000.00", "usd", 0, false},
		{"12,50", "eur", 0, false},
		{"$12", "usd", 0, false},
		{"1e3", "usd", 0, false},
		{"0x10", "usd", 0, false},
		{"12.5.0", "usd", 0, false},
		{".", "usd", 0, false},
		{"", "usd", 0, false},
		{"NaN", "usd", 0, false},
		{"１２", "usd", 0, false}, // full-width digits
		{"1 000", "usd", 0, false},
		{"9999999999999", "usd", 0, false}, // more whole digits than any price
	}
	for _, tc := range cases {
		got, err := models.ParseMoney(tc.in, tc.currency)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseMoney(%q, %s) = %d, %v; want %d, ok=%v", tc.in, tc.currency, got, err, tc.want, tc.ok)
		}
		if err != nil && !models.IsMoneyError(err) {
			t.Errorf("ParseMoney(%q): %T is not a MoneyError", tc.in, err)
		}
	}
	for amount, want := range map[int64]string{0: "0.00", 5: "0.05", 1250: "12.50", 100000000: "1000000.00"} {
		if got := models.FormatMoneyInput(amount, "usd"); got != want {
			t.Errorf("FormatMoneyInput(%d) = %q, want %q", amount, got, want)
		}
		if back, err := models.ParseMoney(models.FormatMoneyInput(amount, "usd"), "usd"); err != nil || back != amount {
			t.Errorf("round trip of %d: %d, %v", amount, back, err)
		}
	}
}

func TestProductInputParse(t *testing.T) {
	good := models.ProductInput{Name: " Mug ", Slug: "mug-2", Description: "a\r\nb", Price: "1000000.00", Stock: "1000000", Active: true}
	p, errs := good.Parse("usd")
	if len(errs) != 0 || p.Name != "Mug" || p.Price != 100000000 || p.Stock != 1000000 || p.Description != "a\nb" || !p.Active {
		t.Fatalf("%+v %v", p, errs)
	}
	for field, in := range map[string]models.ProductInput{
		"price": {Name: "x", Slug: "x", Price: "1000000.01", Stock: "1"},
		"stock": {Name: "x", Slug: "x", Price: "1", Stock: "1000001"},
		"slug":  {Name: "x", Slug: "-x", Price: "1", Stock: "1"},
		"name":  {Name: "a\x00b", Slug: "x", Price: "1", Stock: "1"},
	} {
		if _, errs := in.Parse("usd"); len(errs) != 1 || errs[field] == "" {
			t.Errorf("%s: %v", field, errs)
		}
	}
}
