package models

import (
	"errors"
	"fmt"
	"strings"
)

// MoneyError says why an amount typed by a person was refused; its message is safe to show.
type MoneyError struct{ Message string }

func (e *MoneyError) Error() string { return e.Message }

// Decimals is how many digits the currency has after the decimal point (2, or 0 for JPY and the like).
func Decimals(currency string) int {
	if zeroDecimal[strings.ToLower(currency)] {
		return 0
	}
	return 2
}

// maxMoneyDigits bounds the whole part of a typed amount, far below what an int64 of minor units holds.
const maxMoneyDigits = 12

// ParseMoney reads an amount in the currency's major units as a person types it ("12.50", "12", "0.5") and
// returns it in minor units. It refuses signs, thousands separators, symbols, exponents and more decimals than
// the currency has, rather than guessing what was meant: "12,50" is twelve and a half in half the world.
// Zero is accepted; callers decide whether it is allowed.
func ParseMoney(s, currency string) (int64, error) {
	s = strings.TrimSpace(s)
	dec := Decimals(currency)
	example := "12.50"
	if dec == 0 {
		example = "1250"
	}
	if s == "" {
		return 0, &MoneyError{"Enter an amount."}
	}
	if strings.HasPrefix(s, "-") {
		return 0, &MoneyError{"Enter an amount above zero."}
	}
	whole, frac, _ := strings.Cut(s, ".")
	valid := (whole == "" || digits(whole)) && (frac == "" || digits(frac)) && whole+frac != ""
	if !valid {
		if strings.Contains(s, ",") {
			return 0, &MoneyError{fmt.Sprintf("Enter the amount without thousands separators, with a dot for decimals, like %s.", example)}
		}
		return 0, &MoneyError{fmt.Sprintf("Enter the amount as a number, like %s.", example)}
	}
	if len(frac) > dec {
		if dec == 0 {
			return 0, &MoneyError{fmt.Sprintf("%s has no decimals: enter a whole amount.", strings.ToUpper(currency))}
		}
		return 0, &MoneyError{fmt.Sprintf("Use at most %d decimals.", dec)}
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > maxMoneyDigits {
		return 0, &MoneyError{"That amount is too large."}
	}
	var n int64
	for _, r := range whole {
		n = n*10 + int64(r-'0')
	}
	for i := 0; i < dec; i++ {
		n *= 10
		if i < len(frac) {
			n += int64(frac[i] - '0')
		}
	}
	return n, nil
}

// digits reports whether s is one or more ASCII digits.
func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatMoneyInput writes minor units as a form field's value in major units: 1250 usd → "12.50".
func FormatMoneyInput(amount int64, currency string) string {
	if Decimals(currency) == 0 {
		return fmt.Sprint(amount)
	}
	sign := ""
	if amount < 0 {
		sign, amount = "-", -amount
	}
	return fmt.Sprintf("%s%d.%02d", sign, amount/100, amount%100)
}

// IsMoneyError reports whether err is a MoneyError.
func IsMoneyError(err error) bool {
	var me *MoneyError
	return errors.As(err, &me)
}

// parsePositiveMoney parses an amount a person typed that must be above zero and at most MaxPrice; msg says
// what to fix ("" when the amount is good). what names the amount with its article, e.g. "a price".
func parsePositiveMoney(raw, currency, what string) (amount int64, msg string) {
	amount, err := ParseMoney(raw, currency)
	switch {
	case err != nil:
		return amount, err.Error()
	case amount <= 0:
		return amount, "Enter " + what + " above zero."
	case amount > MaxPrice(currency):
		return amount, "Enter " + what + " of at most " + FormatMoney(MaxPrice(currency), currency) + "."
	}
	return amount, ""
}
