package models

import (
	"context"

	"gorm.io/gorm"
)

// ReserveStock takes the order's quantities out of stock, all or nothing; it never lets stock go below zero
// (the conditional UPDATE is atomic, so two shoppers racing for the last unit cannot both get it).
func ReserveStock(ctx context.Context, tx *gorm.DB, items []OrderItem) error {
	for _, it := range items {
		res := tx.WithContext(ctx).Model(&Product{}).
			Where("id = ? AND stock >= ?", it.ProductID, it.Quantity).
			Update("stock", gorm.Expr("stock - ?", it.Quantity))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			var p Product
			if err := tx.WithContext(ctx).Where("id = ?", it.ProductID).Take(&p).Error; err != nil {
				return notFound(err)
			}
			return &StockError{Product: p.Name, Available: p.Stock}
		}
	}
	return nil
}

// ReleaseStock puts the order's quantities back into stock.
func ReleaseStock(ctx context.Context, tx *gorm.DB, items []OrderItem) error {
	for _, it := range items {
		err := tx.WithContext(ctx).Model(&Product{}).Where("id = ?", it.ProductID).
			Update("stock", gorm.Expr("stock + ?", it.Quantity)).Error
		if err != nil {
			return err
		}
	}
	return nil
}
