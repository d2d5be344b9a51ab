package shop_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/storefront/storefront/assets"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views"
	"github.com/storefront/storefront/views/shop"
)

// benchPage is the layout's view model as a first-time visitor gets it (simulator banner, no cart yet).
func benchPage(b *testing.B, title string) views.Page {
	b.Helper()
	as, err := assets.New()
	if err != nil {
		b.Fatal(err)
	}
	return views.Page{Title: title, CSRFToken: "Zx8pQ1vT7mK3rN5bW9cY2dF6gH4jL0aS", Simulated: true, Currency: "usd", Asset: as.Path}
}

// benchProducts is a catalog the size and shape of the demo shop: twelve products, one low on stock.
func benchProducts() []models.Product {
	names := []string{"Classic Cotton Tee", "Canvas Tote", "Stoneware Mug", "Merino Beanie", "Dot-Grid Notebook",
		"Steel Water Bottle", "Desk Planter", "Round Sunglasses", "Everyday Sneakers", "City Daypack", "Cedar Candle",
		"Studio Headphones"}
	slugs := []string{"classic-tee", "canvas-tote", "stoneware-mug", "merino-beanie", "dot-grid-notebook", "steel-bottle",
		"desk-planter", "round-sunglasses", "everyday-sneakers", "city-daypack", "cedar-candle", "studio-headphones"}
	ps := make([]models.Product, len(names))
	for i := range names {
		ps[i] = models.Product{ID: models.NewID(), Slug: slugs[i], Name: names[i], Price: int64(1200 + 700*i),
			Stock: int64(40 - 3*i), Active: true, Position: i + 1, Image: "images/products/" + slugs[i] + ".svg",
			Description: "Heavyweight organic cotton with a relaxed fit that keeps its shape wash after wash."}
	}
	return ps
}

// render runs a component the way the app does: into a writer that is not a *bytes.Buffer (templ then uses
// its pooled buffer, as it does for the HTTP response).
func renderBench(b *testing.B, c interface {
	Render(context.Context, io.Writer) error
}) {
	var sized bytes.Buffer
	if err := c.Render(context.Background(), &sized); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(sized.Len()))
	b.ReportAllocs()
	ctx := context.Background()
	for b.Loop() {
		if err := c.Render(ctx, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCatalogRender(b *testing.B) {
	renderBench(b, shop.Catalog(benchPage(b, "Shop"), benchProducts(), 5000))
}

func BenchmarkProductPageRender(b *testing.B) {
	p := benchProducts()[0]
	renderBench(b, shop.ProductPage(benchPage(b, p.Name), p, ""))
}

func BenchmarkCartPageRender(b *testing.B) {
	ps := benchProducts()
	cart := models.Cart{ID: models.NewID()}
	for i, p := range ps[:3] {
		cart.Items = append(cart.Items, models.CartItem{ID: models.NewID(), ProductID: p.ID, Product: p, Quantity: int64(i + 1)})
	}
	pg := benchPage(b, "Cart")
	pg.CartCount = cart.Count()
	renderBench(b, shop.CartPage(pg, cart))
}
