package orders

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/storefront/storefront/models"
)

// giveBackRedemption releases the discount redemption an order held, when the order is canceled (by the shopper's
// bank, Stripe, or the reconciler abandoning it): the code may then be used by another order.
func giveBackRedemption(ctx context.Context, tx *gorm.DB, o models.Order, updates map[string]any) error {
	if !o.RedemptionReserved || o.DiscountCode == nil {
		return nil
	}
	if err := models.ReleaseRedemption(ctx, tx, *o.DiscountCode); err != nil {
		return err
	}
	updates["redemption_reserved"] = false
	return nil
}

// countRedemption counts a paid order's discount redemption, once: the redemption the order held becomes a
// counted one (never counted twice); an order paid without holding one (paid after it was canceled here) is
// counted all the same, because the money arrived.
func countRedemption(ctx context.Context, tx *gorm.DB, o models.Order, updates map[string]any) error {
	if o.DiscountCode == nil || o.Redeemed {
		return nil
	}
	redeem := models.RedeemDiscount
	if o.RedemptionReserved {
		redeem = models.CommitRedemption
	}
	if err := redeem(ctx, tx, *o.DiscountCode); err != nil {
		return fmt.Errorf("count redemption: %w", err)
	}
	updates["redeemed"] = true
	updates["redemption_reserved"] = false
	return nil
}
