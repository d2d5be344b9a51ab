package app

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views/shop"
)

// showCatalog renders the grid of active products.
func (a *App) showCatalog(c echo.Context) error {
	ps, err := a.activeProducts(c.Request().Context())
	if err != nil {
		return fmt.Errorf("list products: %w", err)
	}
	return render(c, http.StatusOK, shop.Catalog(a.page(c, message(c, "shop.title")), ps, a.cfg.FreeShippingOver))
}

// showProduct renders one active product.
func (a *App) showProduct(c echo.Context) error {
	p, err := a.productBySlug(c.Request().Context(), c.Param("slug"))
	if errors.Is(err, models.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, message(c, "shop.product_not_found"))
	}
	if err != nil {
		return fmt.Errorf("load product: %w", err)
	}
	return render(c, http.StatusOK, shop.ProductPage(a.page(c, p.Name), p, ""))
}
