package models

import (
	"fmt"
	"strings"
)

// zeroDecimal lists the currencies Stripe counts in whole units (no minor unit).
var zeroDecimal = map[string]bool{
	"bif": true, "clp": true, "djf": true, "gnf": true, "jpy": true, "kmf": true, "krw": true, "mga": true,
	"pyg": true, "rwf": true, "ugx": true, "vnd": true, "vuv": true, "xaf": true, "xof": true, "xpf": true,
}

var symbols = map[string]string{"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "cad": "CA$", "aud": "A$", "chf": "CHF "}

// FormatMoney renders an amount in minor units for people: 2400 usd → "$24.00".
func FormatMoney(amount int64, currency string) string {
	currency = strings.ToLower(currency)
	sign := ""
	if amount < 0 {
		sign, amount = "-", -amount
	}
	sym, ok := symbols[currency]
	if !ok {
		sym = strings.ToUpper(currency) + " "
	}
	if zeroDecimal[currency] {
		return fmt.Sprintf("%s%s%s", sign, sym, groupThousands(amount))
	}
	return fmt.Sprintf("%s%s%s.%02d", sign, sym, groupThousands(amount/100), amount%100)
}

func groupThousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
