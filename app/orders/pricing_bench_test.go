package orders

import (
	"testing"
	"time"

	"github.com/storefront/storefront/models"
)

func BenchmarkPrice(b *testing.B) {
	ship := Shipping{Flat: 500, FreeOver: 5000}
	percent := &models.Discount{Code: "WELCOME10", Kind: models.DiscountPercent, PercentOff: 10, Active: true}
	fixed := &models.Discount{Code: "FIVE", Kind: models.DiscountFixed, AmountOff: 500, Active: true}
	for _, bc := range []struct {
		name string
		d    *models.Discount
	}{{"no discount", nil}, {"percent", percent}, {"fixed", fixed}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var sink Quote
			sub := int64(0)
			for b.Loop() {
				sub = (sub + 1700) % 20000
				sink = Price(sub, bc.d, ship)
			}
			_ = sink
		})
	}
}

func BenchmarkCheckDiscount(b *testing.B) {
	now := time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)
	starts, ends := now.Add(-24*time.Hour), now.Add(24*time.Hour)
	limit := 100
	d := models.Discount{Code: "AUTUMN", Kind: models.DiscountPercent, PercentOff: 15, Active: true,
		StartsAt: &starts, EndsAt: &ends, MaxRedemptions: &limit, Redemptions: 42, MinSubtotal: 3000}
	for _, bc := range []struct {
		name     string
		subtotal int64
	}{{"valid", 4500}, {"below minimum", 1200}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var sink error
			for b.Loop() {
				sink = CheckDiscount(d, bc.subtotal, now, "usd")
			}
			_ = sink
		})
	}
}
