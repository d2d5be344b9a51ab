package app

import (
	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/assets"
)

// routes registers every route of the shop, grouped by area with their middleware.
func (a *App) routes(e *echo.Echo) {
	// Ops: no session, no CSRF.
	e.GET("/healthz", a.healthz)
	e.GET("/readyz", a.readyz)
	e.GET("/metrics", a.metrics.handler())
	e.GET(assets.Prefix+"*", echo.WrapHandler(a.assets))
	e.HEAD(assets.Prefix+"*", echo.WrapHandler(a.assets))

	// Everything a person uses: sessions, CSRF and a 1 MiB body limit.
	web := e.Group("", bodyLimit("1M"), a.csrf())

	// Shop.
	web.GET("/", a.showCatalog)
	web.GET("/products/:slug", a.showProduct)
	web.GET("/cart", a.showCart)
	web.POST("/cart/items", a.addToCart)
	web.POST("/cart/items/:id", a.updateCartItem)
	web.POST("/cart/items/:id/delete", a.removeCartItem)

	e.RouteNotFound("/*", func(c echo.Context) error { return echo.ErrNotFound })
}
