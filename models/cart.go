package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// MaxItemQuantity is the most of one product a cart line may hold.
const MaxItemQuantity = 99

// ErrInvalidQuantity is returned for a quantity outside 1..MaxItemQuantity (0 only where it means remove).
var ErrInvalidQuantity = fmt.Errorf("quantity must be between 1 and %d", MaxItemQuantity)

// StockError says that fewer units are in stock than asked for.
type StockError struct {
	Product   string
	Available int64
}

func (e *StockError) Error() string {
	if e.Available <= 0 {
		return fmt.Sprintf("%s is out of stock", e.Product)
	}
	return fmt.Sprintf("only %d of %s left in stock", e.Available, e.Product)
}

// Cart is a shopper's basket, found through the signed session cookie.
type Cart struct {
	ID        string `gorm:"primaryKey"`
	Items     []CartItem
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CartItem is one product line of a cart.
type CartItem struct {
	ID        string `gorm:"primaryKey"`
	CartID    string
	ProductID string
	Product   Product
	Quantity  int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// BeforeCreate gives a new cart its id.
func (c *Cart) BeforeCreate(*gorm.DB) error {
	if c.ID == "" {
		c.ID = NewID()
	}
	return nil
}

// BeforeCreate gives a new cart line its id.
func (i *CartItem) BeforeCreate(*gorm.DB) error {
	if i.ID == "" {
		i.ID = NewID()
	}
	return nil
}

// Subtotal is the sum of price × quantity over the lines, in minor units.
func (c Cart) Subtotal() int64 {
	var s int64
	for _, it := range c.Items {
		s += it.Product.Price * it.Quantity
	}
	return s
}

// Count is the number of units in the cart.
func (c Cart) Count() int64 {
	var n int64
	for _, it := range c.Items {
		n += it.Quantity
	}
	return n
}

// CreateCart stores a new empty cart.
func CreateCart(ctx context.Context, db *gorm.DB) (Cart, error) {
	c := Cart{}
	err := db.WithContext(ctx).Create(&c).Error
	return c, err
}

// CartByID loads a cart with its lines and their products, oldest line first.
func CartByID(ctx context.Context, db *gorm.DB, id string) (Cart, error) {
	var c Cart
	if !ValidID(id) {
		return c, ErrNotFound
	}
	err := db.WithContext(ctx).
		Preload("Items", func(tx *gorm.DB) *gorm.DB { return tx.Order("cart_items.id") }).
		Preload("Items.Product").
		Where("id = ?", id).Take(&c).Error
	return c, notFound(err)
}

// LockCart touches a cart inside a transaction, so that concurrent transactions on the same cart queue behind
// this one. It reports false when the cart does not exist.
func LockCart(ctx context.Context, tx *gorm.DB, cartID string, now time.Time) (bool, error) {
	res := tx.WithContext(ctx).Model(&Cart{}).Where("id = ?", cartID).Update("updated_at", now)
	if res.Error != nil {
		return false, fmt.Errorf("lock cart: %w", res.Error)
	}
	return res.RowsAffected > 0, nil
}

// CartDiscountCode is the discount code kept on a cart ("" when none).
func CartDiscountCode(ctx context.Context, db *gorm.DB, cartID string) (string, error) {
	var code string
	if err := db.WithContext(ctx).Model(&Cart{}).Where("id = ?", cartID).Select("COALESCE(discount_code, '')").Scan(&code).Error; err != nil {
		return "", fmt.Errorf("load cart discount: %w", err)
	}
	return code, nil
}

// SetCartDiscountCode keeps a discount code on a cart; "" takes it off.
func SetCartDiscountCode(ctx context.Context, db *gorm.DB, cartID, code string) error {
	var v any
	if code != "" {
		v = code
	}
	if err := db.WithContext(ctx).Model(&Cart{}).Where("id = ?", cartID).Update("discount_code", v).Error; err != nil {
		return fmt.Errorf("save cart discount: %w", err)
	}
	return nil
}

// CartCount counts the units in a cart without loading it.
func CartCount(ctx context.Context, db *gorm.DB, cartID string) (int64, error) {
	var n int64
	err := db.WithContext(ctx).Model(&CartItem{}).Where("cart_id = ?", cartID).
		Select("COALESCE(SUM(quantity), 0)").Scan(&n).Error
	return n, err
}

// AddToCart adds qty units of an active product, merging with an existing line.
// The resulting line may not exceed MaxItemQuantity or the stock on hand.
func AddToCart(ctx context.Context, db *gorm.DB, cartID, productID string, qty int64) error {
	if qty < 1 || qty > MaxItemQuantity {
		return ErrInvalidQuantity
	}
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := ProductByID(ctx, tx, productID)
		if err != nil {
			return err
		}
		if !p.Active {
			return ErrNotFound
		}
		var line CartItem
		err = tx.Where("cart_id = ? AND product_id = ?", cartID, p.ID).Take(&line).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		want := line.Quantity + qty
		if want > MaxItemQuantity {
			return ErrInvalidQuantity
		}
		if want > p.Stock {
			return &StockError{Product: p.Name, Available: p.Stock}
		}
		if line.ID == "" {
			return tx.Create(&CartItem{CartID: cartID, ProductID: p.ID, Quantity: want}).Error
		}
		return tx.Model(&line).Update("quantity", want).Error
	})
}

// SetCartItemQuantity changes a line's quantity; 0 removes the line.
func SetCartItemQuantity(ctx context.Context, db *gorm.DB, cartID, itemID string, qty int64) error {
	if qty == 0 {
		return RemoveCartItem(ctx, db, cartID, itemID)
	}
	if qty < 0 || qty > MaxItemQuantity {
		return ErrInvalidQuantity
	}
	if !ValidID(itemID) {
		return ErrNotFound
	}
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var line CartItem
		err := tx.Preload("Product").Where("id = ? AND cart_id = ?", itemID, cartID).Take(&line).Error
		if err != nil {
			return notFound(err)
		}
		if qty > line.Product.Stock {
			return &StockError{Product: line.Product.Name, Available: line.Product.Stock}
		}
		return tx.Model(&line).Update("quantity", qty).Error
	})
}

// RemoveCartItem deletes a line of the cart; a line of another cart is not found.
func RemoveCartItem(ctx context.Context, db *gorm.DB, cartID, itemID string) error {
	if !ValidID(itemID) {
		return ErrNotFound
	}
	res := db.WithContext(ctx).Where("id = ? AND cart_id = ?", itemID, cartID).Delete(&CartItem{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// EmptyCart deletes every line of a cart.
func EmptyCart(ctx context.Context, db *gorm.DB, cartID string) error {
	return db.WithContext(ctx).Where("cart_id = ?", cartID).Delete(&CartItem{}).Error
}
