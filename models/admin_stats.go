package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Sales is a count of paid orders and their total, in minor units of the store currency.
type Sales struct {
	Orders  int64
	Revenue int64
}

// PaidSince sums the orders paid at or after a time (by paid_at, through the orders_paid index).
func PaidSince(ctx context.Context, db *gorm.DB, since time.Time) (Sales, error) {
	var s Sales
	err := db.WithContext(ctx).Model(&Order{}).Select("COUNT(*) AS orders, COALESCE(SUM(total), 0) AS revenue").
		Where("paid_at >= ? AND status IN ?", since.UTC(), PaidStatuses).Scan(&s).Error
	if err != nil {
		return s, fmt.Errorf("sum paid orders: %w", err)
	}
	return s, nil
}

// CountOrdersUpdated counts the orders in one of the statuses whose last change falls in [from, before)
// (a zero bound is open), through the orders_stuck (status, updated_at) index.
func CountOrdersUpdated(ctx context.Context, db *gorm.DB, statuses []string, from, before time.Time) (int64, error) {
	q := db.WithContext(ctx).Model(&Order{}).Where("status IN ?", statuses)
	if !from.IsZero() {
		q = q.Where("updated_at >= ?", from.UTC())
	}
	if !before.IsZero() {
		q = q.Where("updated_at < ?", before.UTC())
	}
	var n int64
	if err := q.Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count orders: %w", err)
	}
	return n, nil
}
