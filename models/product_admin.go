package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Limits of the admin's product form.
const (
	MaxProductNameLength        = 200
	MaxProductSlugLength        = 120
	MaxProductDescriptionLength = 5000
	MaxProductStock             = 1_000_000
	maxPriceMajor               = 1_000_000 // the highest price, in major units
)

// ErrSlugTaken is returned when another product has the slug.
var ErrSlugTaken = errors.New("slug taken")

var slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// FieldErrors maps a form field's name to what to fix; empty when the form is valid.
type FieldErrors map[string]string

// ProductInput is the admin's product form as typed.
type ProductInput struct {
	Name, Slug, Description, Price, Stock string
	Active                                bool
}

// MaxPrice is the highest price a product or a discount may have, in minor units of the currency.
func MaxPrice(currency string) int64 {
	n := int64(maxPriceMajor)
	for range Decimals(currency) {
		n *= 10
	}
	return n
}

// Parse checks the form and returns the product's fields (the id, image and position are left alone).
func (in ProductInput) Parse(currency string) (Product, FieldErrors) {
	errs := FieldErrors{}
	p := Product{Name: strings.TrimSpace(in.Name), Slug: strings.TrimSpace(in.Slug),
		Description: strings.TrimSpace(strings.ReplaceAll(in.Description, "\r\n", "\n")), Active: in.Active}
	switch n := utf8.RuneCountInString(p.Name); {
	case n == 0:
		errs["name"] = "Enter the product's name."
	case n > MaxProductNameLength:
		errs["name"] = fmt.Sprintf("Use at most %d characters for the name.", MaxProductNameLength)
	case strings.IndexFunc(p.Name, unicode.IsControl) >= 0 || !queryable(p.Name):
		errs["name"] = "Remove line breaks and control characters from the name."
	}
	switch {
	case p.Slug == "":
		errs["slug"] = "Enter a slug: the product's address in the shop, such as stoneware-mug."
	case len(p.Slug) > MaxProductSlugLength:
		errs["slug"] = fmt.Sprintf("Use at most %d characters for the slug.", MaxProductSlugLength)
	case !slugRe.MatchString(p.Slug):
		errs["slug"] = "Use lower-case letters, digits and single hyphens between words, such as stoneware-mug."
	}
	switch {
	case utf8.RuneCountInString(p.Description) > MaxProductDescriptionLength:
		errs["description"] = fmt.Sprintf("Use at most %d characters for the description.", MaxProductDescriptionLength)
	case !queryable(p.Description):
		errs["description"] = "Remove control characters from the description."
	}
	price, msg := parsePositiveMoney(in.Price, currency, "a price")
	if msg != "" {
		errs["price"] = msg
	}
	p.Price = price
	stock, err := strconv.ParseInt(strings.TrimSpace(in.Stock), 10, 64)
	switch {
	case err != nil && strings.TrimSpace(in.Stock) == "":
		errs["stock"] = "Enter how many are in stock (0 or more)."
	case err != nil && !digits(strings.TrimPrefix(strings.TrimSpace(in.Stock), "-")):
		errs["stock"] = "Enter the stock as a whole number, such as 25."
	case err != nil || stock < 0 || stock > MaxProductStock:
		errs["stock"] = fmt.Sprintf("Enter a stock from 0 to %s.", groupThousands(MaxProductStock))
	}
	p.Stock = stock
	return p, errs
}

// AllProducts lists every product, active or not, in catalog order.
func AllProducts(ctx context.Context, db *gorm.DB) ([]Product, error) {
	var ps []Product
	err := db.WithContext(ctx).Order("position, name").Find(&ps).Error
	return ps, err
}

// SaveProduct creates p (no id yet) or updates the product with p's id, and with img attaches a new image that
// replaces the product's earlier uploads, all in one transaction. A slug in use is ErrSlugTaken; an unknown id is
// ErrNotFound.
func SaveProduct(ctx context.Context, db *gorm.DB, p *Product, img *ProductImage) error {
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Product{}).Where("slug = ? AND id <> ?", p.Slug, p.ID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrSlugTaken
		}
		if p.ID == "" {
			var last *int
			if err := tx.Model(&Product{}).Select("MAX(position)").Scan(&last).Error; err != nil {
				return err
			}
			if last != nil {
				p.Position = *last + 1
			}
			if err := tx.Create(p).Error; err != nil {
				return err
			}
		} else {
			res := tx.Model(&Product{}).Where("id = ?", p.ID).Updates(map[string]any{
				"name": p.Name, "slug": p.Slug, "description": p.Description, "price": p.Price,
				"stock": p.Stock, "active": p.Active, "updated_at": tx.NowFunc(),
			})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return ErrNotFound
			}
		}
		if img == nil {
			return nil
		}
		img.ProductID = p.ID
		if err := tx.Create(img).Error; err != nil {
			return fmt.Errorf("store image: %w", err)
		}
		if err := tx.Where("product_id = ? AND id <> ?", p.ID, img.ID).Delete(&ProductImage{}).Error; err != nil {
			return fmt.Errorf("drop old images: %w", err)
		}
		p.Image = img.URL()
		return tx.Model(&Product{}).Where("id = ?", p.ID).Update("image", p.Image).Error
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return ErrSlugTaken // two admins saving the same slug at once: the UNIQUE constraint decides
	}
	return err
}

// DeactivateProduct takes a product off the shop; it stays in orders and in the admin.
func DeactivateProduct(ctx context.Context, db *gorm.DB, id string) error {
	return deactivate(ctx, db, &Product{}, id)
}

// deactivate sets active = false on the row of model's table with that id; ErrNotFound when there is none.
func deactivate(ctx context.Context, db *gorm.DB, model any, id string) error {
	if !ValidID(id) {
		return ErrNotFound
	}
	res := db.WithContext(ctx).Model(model).Where("id = ?", id).Updates(map[string]any{"active": false, "updated_at": db.NowFunc()})
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	return res.Error
}
