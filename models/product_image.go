package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// MaxImageBytes is the largest product image accepted (2 MiB).
const MaxImageBytes = 2 << 20

// ImageTypes are the content types accepted for product images, as sniffed from their bytes.
var ImageTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/webp": true, "image/gif": true}

// ProductImage is an uploaded product image, kept in the database so every app instance can serve it.
type ProductImage struct {
	ID          string `gorm:"primaryKey"`
	ProductID   string
	ContentType string
	Data        []byte
	CreatedAt   time.Time
}

// BeforeCreate gives a new image its id.
func (i *ProductImage) BeforeCreate(*gorm.DB) error {
	if i.ID == "" {
		i.ID = NewID()
	}
	return nil
}

// URL is where the shop serves the image. The id changes with every upload, so the URL can be cached forever.
func (i ProductImage) URL() string { return "/images/" + i.ID }

// ProductImageByID loads an image with its bytes.
func ProductImageByID(ctx context.Context, db *gorm.DB, id string) (ProductImage, error) {
	var img ProductImage
	if !ValidID(id) {
		return img, ErrNotFound
	}
	err := db.WithContext(ctx).Where("id = ?", id).Take(&img).Error
	return img, notFound(err)
}
