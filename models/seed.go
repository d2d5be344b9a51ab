package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// demoCatalog is the demo shop: twelve products with images drawn for the project.
var demoCatalog = []Product{
	{Slug: "classic-tee", Name: "Classic Cotton Tee", Price: 2400, Stock: 40, Description: "Heavyweight organic cotton with a relaxed fit that keeps its shape wash after wash."},
	{Slug: "canvas-tote", Name: "Canvas Tote", Price: 1800, Stock: 60, Description: "A sturdy 12 oz canvas bag with long handles and an inside pocket for keys."},
	{Slug: "stoneware-mug", Name: "Stoneware Mug", Price: 1600, Stock: 35, Description: "Hand-glazed 350 ml mug, dishwasher and microwave safe."},
	{Slug: "merino-beanie", Name: "Merino Beanie", Price: 2800, Stock: 25, Description: "Soft, warm and breathable extra-fine merino in a classic ribbed knit."},
	{Slug: "dot-grid-notebook", Name: "Dot-Grid Notebook", Price: 1200, Stock: 80, Description: "A5, 192 numbered pages of 100 gsm paper that takes fountain pens without bleeding."},
	{Slug: "steel-bottle", Name: "Steel Water Bottle", Price: 3200, Stock: 30, Description: "Double-walled stainless steel: cold for 24 hours, hot for 12. 750 ml."},
	{Slug: "desk-planter", Name: "Desk Planter", Price: 2200, Stock: 20, Description: "A matte ceramic pot with a drainage saucer, sized for succulents and small herbs."},
	{Slug: "round-sunglasses", Name: "Round Sunglasses", Price: 5400, Stock: 15, Description: "Acetate frames with polarised UV400 lenses and a hard case."},
	{Slug: "everyday-sneakers", Name: "Everyday Sneakers", Price: 8900, Stock: 18, Description: "Leather low-tops on a cushioned natural-rubber sole, made to be worn daily."},
	{Slug: "city-daypack", Name: "City Daypack", Price: 7400, Stock: 12, Description: "A 20 L water-resistant backpack with a padded laptop sleeve."},
	{Slug: "cedar-candle", Name: "Cedar Candle", Price: 1900, Stock: 50, Description: "Soy wax with notes of cedarwood and vetiver; about 45 hours of burn time."},
	{Slug: "studio-headphones", Name: "Studio Headphones", Price: 12900, Stock: 3, Description: "Closed-back over-ear headphones with a detachable cable and a flat, honest sound."},
}

// SeedDemoCatalog inserts the demo catalog and the WELCOME10 code when no product exists yet, and reports
// how many products it added.
// It is what first start and `storefront seed` run; an existing catalog is left untouched.
func SeedDemoCatalog(ctx context.Context, db *gorm.DB) (int, error) {
	added := 0
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		n, err := CountProducts(ctx, tx)
		if err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		for i, p := range demoCatalog {
			p.Image = "images/products/" + p.Slug + ".svg"
			p.Active = true
			p.Position = i + 1
			if err := tx.Create(&p).Error; err != nil {
				return fmt.Errorf("seed %s: %w", p.Slug, err)
			}
			added++
		}
		return SeedDemoDiscount(ctx, tx)
	})
	return added, err
}
