// Package orders holds the order domain: pricing and discount rules, the order state machine (pure
// functions), and the one place where a state change is applied to an order in the database.
package orders

import (
	"errors"
	"fmt"
	"time"

	"github.com/storefront/storefront/models"
)

// Quote is what the server charges for a cart: every amount in minor units, computed from the database.
type Quote struct {
	Subtotal int64
	Discount int64
	Shipping int64
	Total    int64
	Code     string // the applied discount code, "" when none
}

// Shipping is the store's shipping rule: a flat amount, free from a subtotal.
type Shipping struct {
	Flat     int64
	FreeOver int64
}

// Price computes the quote of a subtotal with an optional (already validated) discount.
// Free shipping is judged on the subtotal before the discount, as the catalog promises.
func Price(subtotal int64, d *models.Discount, ship Shipping) Quote {
	q := Quote{Subtotal: subtotal}
	if d != nil {
		q.Code = d.Code
		switch d.Kind {
		case models.DiscountPercent:
			q.Discount = (subtotal*int64(d.PercentOff) + 50) / 100
		case models.DiscountFixed:
			q.Discount = d.AmountOff
		}
		q.Discount = min(q.Discount, subtotal)
	}
	if subtotal > 0 && (ship.FreeOver == 0 || subtotal < ship.FreeOver) {
		q.Shipping = ship.Flat
	}
	q.Total = q.Subtotal - q.Discount + q.Shipping
	return q
}

// DiscountError says why a code cannot be used; its message (English, for logs) is safe to show to the shopper,
// and the checkout says the Reason in the shopper's language.
type DiscountError struct {
	Reason, Message string
	Amount          int64 // the amount the reason names (below_minimum, total_too_small), in minor units
}

func (e *DiscountError) Error() string { return e.Message }

// ErrUnknownCode is the answer for codes that do not exist or were deactivated.
var ErrUnknownCode = &DiscountError{Reason: "unknown", Message: "That code isn't valid. Check the spelling and try again."}

// ErrUsedUp is the answer for a code whose max_redemptions are all taken.
var ErrUsedUp = &DiscountError{Reason: "used_up", Message: "That code has been used up."}

// CheckDiscount tells whether a discount may be used on a subtotal at a time.
func CheckDiscount(d models.Discount, subtotal int64, now time.Time, currency string) error {
	switch {
	case !d.Active:
		return ErrUnknownCode
	case d.StartsAt != nil && now.Before(*d.StartsAt):
		return &DiscountError{Reason: "not_yet_active", Message: "That code isn't active yet."}
	case d.EndsAt != nil && !now.Before(*d.EndsAt):
		return &DiscountError{Reason: "expired", Message: "That code has expired."}
	case d.MaxRedemptions != nil && d.Redemptions >= *d.MaxRedemptions:
		return ErrUsedUp
	case subtotal < d.MinSubtotal:
		return &DiscountError{Reason: "below_minimum", Message: fmt.Sprintf("That code needs a subtotal of at least %s.",
			models.FormatMoney(d.MinSubtotal, currency)), Amount: d.MinSubtotal}
	}
	return nil
}

// IsDiscountError reports whether err is a DiscountError.
func IsDiscountError(err error) bool {
	var de *DiscountError
	return errors.As(err, &de)
}
