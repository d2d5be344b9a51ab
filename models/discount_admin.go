package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ErrCodeTaken is returned when another discount has the code.
var ErrCodeTaken = errors.New("code taken")

// MaxRedemptionsLimit bounds a discount's maximum redemptions (the column is a 32-bit INTEGER).
const MaxRedemptionsLimit = 1_000_000_000

var discountCodeRe = regexp.MustCompile(`^[A-Za-z0-9_-]{3,64}$`)

// DiscountTimeLayout is how start and end times travel in forms (an HTML datetime-local value, in UTC).
const DiscountTimeLayout = "2006-01-02T15:04"

// DiscountInput is the admin's discount form as typed.
type DiscountInput struct {
	Code, Kind, PercentOff, AmountOff, StartsAt, EndsAt, MaxRedemptions, MinSubtotal string
	Active                                                                           bool
}

// Parse checks the form and returns the discount's fields (id and redemptions are left alone).
func (in DiscountInput) Parse(currency string) (Discount, FieldErrors) {
	errs := FieldErrors{}
	d := Discount{Code: NormalizeCode(in.Code), Kind: strings.TrimSpace(in.Kind), Active: in.Active}
	if !discountCodeRe.MatchString(d.Code) {
		errs["code"] = "Use 3 to 64 letters, digits, hyphens or underscores, such as SPRING-25."
	}
	switch d.Kind {
	case DiscountPercent:
		n, err := strconv.Atoi(strings.TrimSpace(in.PercentOff))
		if err != nil || n < 1 || n > 100 {
			errs["percent_off"] = "Enter a whole percentage from 1 to 100."
		}
		d.PercentOff = n
	case DiscountFixed:
		amount, msg := parsePositiveMoney(in.AmountOff, currency, "an amount")
		if msg != "" {
			errs["amount_off"] = msg
		}
		d.AmountOff = amount
	default:
		errs["kind"] = "Choose a percentage or a fixed amount."
	}
	var err error
	if d.StartsAt, err = parseFormTime(in.StartsAt); err != nil {
		errs["starts_at"] = "Enter the start as a date and time, or leave it empty."
	}
	if d.EndsAt, err = parseFormTime(in.EndsAt); err != nil {
		errs["ends_at"] = "Enter the end as a date and time, or leave it empty."
	} else if d.StartsAt != nil && d.EndsAt != nil && !d.EndsAt.After(*d.StartsAt) {
		errs["ends_at"] = "The end must come after the start."
	}
	if s := strings.TrimSpace(in.MaxRedemptions); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxRedemptionsLimit {
			errs["max_redemptions"] = "Enter a whole number of at least 1, or leave it empty for no limit."
		} else {
			d.MaxRedemptions = &n
		}
	}
	if s := strings.TrimSpace(in.MinSubtotal); s != "" {
		minimum, err := ParseMoney(s, currency)
		switch {
		case err != nil:
			errs["min_subtotal"] = err.Error()
		case minimum > MaxPrice(currency):
			errs["min_subtotal"] = "Enter an amount of at most " + FormatMoney(MaxPrice(currency), currency) + "."
		}
		d.MinSubtotal = minimum
	}
	return d, errs
}

// parseFormTime reads an optional datetime-local value (seconds allowed) as UTC.
func parseFormTime(s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	for _, layout := range []string{DiscountTimeLayout, DiscountTimeLayout + ":05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil && t.Year() >= 2000 && t.Year() < 3000 {
			return &t, nil
		}
	}
	return nil, fmt.Errorf("bad time %q", s)
}

// AllDiscounts lists every discount, newest first.
func AllDiscounts(ctx context.Context, db *gorm.DB) ([]Discount, error) {
	var ds []Discount
	err := db.WithContext(ctx).Order("created_at DESC, id DESC").Find(&ds).Error
	return ds, err
}

// DiscountByID loads a discount.
func DiscountByID(ctx context.Context, db *gorm.DB, id string) (Discount, error) {
	var d Discount
	if !ValidID(id) {
		return d, ErrNotFound
	}
	err := db.WithContext(ctx).Where("id = ?", id).Take(&d).Error
	return d, notFound(err)
}

// SaveDiscount creates d (no id yet) or updates the discount with d's id. A code is fixed once made (orders
// refer to it), so an update keeps the stored code. A code in use is ErrCodeTaken; an unknown id ErrNotFound.
func SaveDiscount(ctx context.Context, db *gorm.DB, d *Discount) error {
	q := db.WithContext(ctx)
	if d.ID == "" {
		var n int64
		if err := q.Model(&Discount{}).Where("code = ?", NormalizeCode(d.Code)).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrCodeTaken
		}
		err := q.Create(d).Error
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return ErrCodeTaken
		}
		return err
	}
	res := q.Model(&Discount{}).Where("id = ?", d.ID).Updates(map[string]any{
		"kind": d.Kind, "percent_off": d.PercentOff, "amount_off": d.AmountOff, "starts_at": d.StartsAt,
		"ends_at": d.EndsAt, "max_redemptions": d.MaxRedemptions, "min_subtotal": d.MinSubtotal,
		"active": d.Active, "updated_at": q.NowFunc(),
	})
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	return res.Error
}

// DeactivateDiscount stops a code from being accepted; orders that used it keep it.
func DeactivateDiscount(ctx context.Context, db *gorm.DB, id string) error {
	return deactivate(ctx, db, &Discount{}, id)
}
