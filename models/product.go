package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Product is an item of the catalog. Price is in minor units of the store currency.
type Product struct {
	ID          string `gorm:"primaryKey"`
	Slug        string
	Name        string
	Description string
	Price       int64
	Image       string // asset name under assets/ (e.g. "images/products/mug.svg") or an /uploads/ path
	Stock       int64
	Active      bool
	Position    int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// BeforeCreate gives a new product its id.
func (p *Product) BeforeCreate(*gorm.DB) error {
	if p.ID == "" {
		p.ID = NewID()
	}
	return nil
}

// ActiveProducts lists the products shoppers can buy, in catalog order.
func ActiveProducts(ctx context.Context, db *gorm.DB) ([]Product, error) {
	var ps []Product
	err := db.WithContext(ctx).Where("active = ?", true).Order("position, name").Find(&ps).Error
	return ps, err
}

// ProductBySlug finds an active product by its slug.
func ProductBySlug(ctx context.Context, db *gorm.DB, slug string) (Product, error) {
	var p Product
	if !queryable(slug) {
		return p, ErrNotFound
	}
	err := db.WithContext(ctx).Where("slug = ? AND active = ?", slug, true).Take(&p).Error
	return p, notFound(err)
}

// ProductByID finds a product by id, active or not.
func ProductByID(ctx context.Context, db *gorm.DB, id string) (Product, error) {
	var p Product
	if !ValidID(id) {
		return p, ErrNotFound
	}
	err := db.WithContext(ctx).Where("id = ?", id).Take(&p).Error
	return p, notFound(err)
}

// CountProducts counts every product, active or not.
func CountProducts(ctx context.Context, db *gorm.DB) (int64, error) {
	var n int64
	err := db.WithContext(ctx).Model(&Product{}).Count(&n).Error
	return n, err
}
