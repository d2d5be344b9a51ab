package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Discount kinds.
const (
	DiscountPercent = "percent"
	DiscountFixed   = "fixed"
)

// MaxDiscountCodeLength bounds codes typed by shoppers and made by admins.
const MaxDiscountCodeLength = 64

// Discount is a code that lowers the subtotal by a percentage or a fixed amount.
type Discount struct {
	ID             string `gorm:"primaryKey"`
	Code           string
	Kind           string
	PercentOff     int
	AmountOff      int64
	StartsAt       *time.Time
	EndsAt         *time.Time
	MaxRedemptions *int
	Redemptions    int
	MinSubtotal    int64
	Active         bool
	CreatedAt      time.Time
	UpdatedAt      time.Time

	// RedemptionsReserved counts the redemptions held by unpaid orders (see ReserveRedemption).
	RedemptionsReserved int
}

// BeforeCreate gives a new discount its id and stores the code upper-case.
func (d *Discount) BeforeCreate(*gorm.DB) error {
	if d.ID == "" {
		d.ID = NewID()
	}
	d.Code = NormalizeCode(d.Code)
	return nil
}

// NormalizeCode makes a code comparable: trimmed and upper-case.
func NormalizeCode(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }

// DiscountByCode finds a discount by code, case-insensitively.
func DiscountByCode(ctx context.Context, db *gorm.DB, code string) (Discount, error) {
	var d Discount
	code = NormalizeCode(code)
	if code == "" || len(code) > MaxDiscountCodeLength || !queryable(code) {
		return d, ErrNotFound
	}
	err := db.WithContext(ctx).Where("code = ?", code).Take(&d).Error
	return d, notFound(err)
}

// RedeemDiscount counts one redemption of a code.
func RedeemDiscount(ctx context.Context, db *gorm.DB, code string) error {
	return db.WithContext(ctx).Model(&Discount{}).Where("code = ?", NormalizeCode(code)).
		Update("redemptions", gorm.Expr("redemptions + 1")).Error
}

// SeedDemoDiscount adds WELCOME10 (10 % off) when it does not exist.
func SeedDemoDiscount(ctx context.Context, db *gorm.DB) error {
	var n int64
	if err := db.WithContext(ctx).Model(&Discount{}).Where("code = ?", "WELCOME10").Count(&n).Error; err != nil || n > 0 {
		return err
	}
	return db.WithContext(ctx).Create(&Discount{Code: "WELCOME10", Kind: DiscountPercent, PercentOff: 10, Active: true}).Error
}
