package checkout

import (
	"context"

	"gorm.io/gorm"

	"github.com/storefront/storefront/app/orders"
	"github.com/storefront/storefront/models"
)

// holdRedemption makes the redemption an order holds match the code now on it, in the transaction that saves
// the order: the code it held before (held) is given back when the code changed, and the new one is taken
// atomically, so a code's max_redemptions holds however many checkouts race for its last redemption. A code
// with none left is orders.ErrUsedUp, and the whole checkout step rolls back.
func holdRedemption(ctx context.Context, tx *gorm.DB, o *models.Order, held *string) error {
	code := ""
	if o.DiscountCode != nil {
		code = *o.DiscountCode
	}
	if o.RedemptionReserved && held != nil && models.NormalizeCode(*held) == models.NormalizeCode(code) {
		return nil // the order keeps the redemption it holds
	}
	if o.RedemptionReserved && held != nil {
		if err := models.ReleaseRedemption(ctx, tx, *held); err != nil {
			return err
		}
	}
	o.RedemptionReserved = false
	if code == "" {
		return nil
	}
	ok, err := models.ReserveRedemption(ctx, tx, code)
	if err != nil {
		return err
	}
	if !ok {
		return orders.ErrUsedUp
	}
	o.RedemptionReserved = true
	return nil
}
