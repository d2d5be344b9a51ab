package app

import (
	"fmt"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/views"
	"github.com/storefront/storefront/views/shop"
)

// showCatalog renders the grid of active products.
func (a *App) showCatalog(c echo.Context) error {
	snap, err := a.catalog.get(c.Request().Context(), a.db.DB)
	if err != nil {
		return fmt.Errorf("list products: %w", err)
	}
	return a.renderShopPage(c, snap, "catalog", a.page(c, message(c, "shop.title")), func(p views.Page) templ.Component {
		return shop.Catalog(p, snap.products, a.cfg.FreeShippingOver)
	})
}

// showProduct renders one active product.
func (a *App) showProduct(c echo.Context) error {
	snap, err := a.catalog.get(c.Request().Context(), a.db.DB)
	if err != nil {
		return fmt.Errorf("load product: %w", err)
	}
	i, ok := snap.bySlug[c.Param("slug")]
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, message(c, "shop.product_not_found"))
	}
	p := snap.products[i]
	return a.renderShopPage(c, snap, "product:"+p.Slug, a.page(c, p.Name), func(page views.Page) templ.Component {
		return shop.ProductPage(page, p, "")
	})
}
