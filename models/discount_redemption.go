package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// A limited discount code is never used by more orders than its max_redemptions: an unpaid order holds one of
// the code's redemptions (redemptions_reserved) from the checkout that put the code on it until it is paid
// (then the reservation becomes a redemption) or canceled (then it is given back).

// ReserveRedemption takes one redemption of a code for an order, in the caller's transaction. It reports false
// when the code has no redemption left. The conditional UPDATE is atomic on SQLite and PostgreSQL, so two
// checkouts racing for the last redemption cannot both get it.
func ReserveRedemption(ctx context.Context, tx *gorm.DB, code string) (bool, error) {
	res := tx.WithContext(ctx).Model(&Discount{}).
		Where("code = ? AND (max_redemptions IS NULL OR redemptions + redemptions_reserved < max_redemptions)", NormalizeCode(code)).
		Update("redemptions_reserved", gorm.Expr("redemptions_reserved + 1"))
	if res.Error != nil {
		return false, fmt.Errorf("reserve redemption: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// ReleaseRedemption gives back a redemption an order held (never below zero).
func ReleaseRedemption(ctx context.Context, tx *gorm.DB, code string) error {
	err := tx.WithContext(ctx).Model(&Discount{}).Where("code = ? AND redemptions_reserved > 0", NormalizeCode(code)).
		Update("redemptions_reserved", gorm.Expr("redemptions_reserved - 1")).Error
	if err != nil {
		return fmt.Errorf("release redemption: %w", err)
	}
	return nil
}

// CommitRedemption turns a redemption an order held into a counted one, when the order is paid.
func CommitRedemption(ctx context.Context, tx *gorm.DB, code string) error {
	err := tx.WithContext(ctx).Model(&Discount{}).Where("code = ?", NormalizeCode(code)).Updates(map[string]any{
		"redemptions":          gorm.Expr("redemptions + 1"),
		"redemptions_reserved": gorm.Expr("CASE WHEN redemptions_reserved > 0 THEN redemptions_reserved - 1 ELSE 0 END"),
	}).Error
	if err != nil {
		return fmt.Errorf("commit redemption: %w", err)
	}
	return nil
}
