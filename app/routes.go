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
	e.GET("/metrics", a.metrics.handler(a.cfg.MetricsToken, a.cfg.AdminAPIToken)) // bearer token, else 401
	e.POST("/csp-report", a.cspReport, bodyLimit("8K"), cspReportLimit())         // browsers post CSP violations here, without cookies
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
	web.POST("/locale", a.setLocale) // the language picker in the footer

	// Checkout.
	web.GET("/checkout", a.showCheckout)
	web.POST("/checkout/discount", a.applyDiscount, bodyLimit("16K"), a.discountLimit())
	web.DELETE("/checkout/discount", a.removeDiscount)
	web.POST("/checkout/discount/remove", a.removeDiscount) // the same, for the form without JavaScript
	web.POST("/checkout/customer-session", a.createCustomerSession)
	web.POST("/checkout/confirm", a.confirmCheckout, bodyLimit("16K"), a.confirmLimit())
	web.GET("/checkout/complete", a.completeCheckout, completeLimit())
	web.GET("/orders/:number", a.showOrder)
	e.GET("/images/:id", a.showImage) // uploaded product images: public, cached for good
	e.HEAD("/images/:id", a.showImage)

	// Account. Sign-up and sign-in share one per-IP limit.
	signIn := signInLimit()
	web.GET("/account", a.showAccount)
	web.GET("/account/signup", a.showSignup)
	web.POST("/account/signup", a.signup, signIn)
	web.GET("/account/login", a.showLogin)
	web.POST("/account/login", a.login, signIn)
	web.POST("/account/logout", a.logout)

	// Admin. Sign-in is open (limited per IP, and locked per account in the database); every other
	// /admin path, unknown ones included, is behind requireAdmin. Admin pages register on `admin`.
	web.GET("/admin/login", a.showAdminLogin)
	web.POST("/admin/login", a.adminLogin, signInLimit())
	web.POST("/admin/logout", a.adminLogout)
	admin := web.Group("/admin", a.requireAdmin)
	admin.GET("", a.showDashboard)
	admin.GET("/orders", a.listOrders)
	admin.GET("/orders.csv", a.exportOrdersCSV)
	admin.GET("/orders/:id", a.showAdminOrder)
	admin.POST("/orders/:id/refund", a.refundOrder)
	admin.POST("/orders/:id/ship", a.shipOrder)
	admin.GET("/emails", a.listEmails)
	admin.GET("/emails/:id", a.showEmail)
	admin.GET("/emails/:id/html", a.showEmailHTML)
	admin.POST("/emails/:id/retry", a.retryEmail)
	admin.GET("/products", a.listProducts)
	admin.GET("/products/new", a.newProduct)
	admin.GET("/products/:id/edit", a.editProduct)
	admin.POST("/products/:id/deactivate", a.deactivateProduct)
	admin.GET("/discounts", a.listDiscounts)
	admin.GET("/discounts/new", a.newDiscount)
	admin.POST("/discounts", a.createDiscount)
	admin.GET("/discounts/:id/edit", a.editDiscount)
	admin.POST("/discounts/:id", a.updateDiscount)
	admin.POST("/discounts/:id/deactivate", a.deactivateDiscount)
	// The product forms carry an image (up to 2 MiB), above the 1 MiB limit of `web`, under their own body limit.
	// requireAdmin comes first: the CSRF check reads the token from the multipart body, and a stranger's body is
	// never parsed.
	e.POST("/admin/products", a.createProduct, a.requireAdmin, uploadLimit, a.csrf())
	e.POST("/admin/products/:id", a.updateProduct, a.requireAdmin, uploadLimit, a.csrf())

	// Admin JSON API: an admin session (CSRF checked) or Authorization: Bearer ADMIN_API_TOKEN (no CSRF:
	// a program, not a browser). Unknown /admin/api paths answer 401 before 404.
	api := e.Group("/admin/api", bodyLimit("1M"), a.requireAdminAPI, a.csrfUnlessBearer())
	api.GET("/ping", a.adminAPIPing) // {"ok":true}: checks a token or session
	api.GET("/orders", a.apiListOrders)
	api.GET("/orders/:id", a.apiShowOrder)

	// Stripe: no session, no CSRF (Stripe signs the event instead), its own 64 KiB limit.
	e.POST("/webhooks/stripe", a.receiveStripeEvent)

	// The Stripe simulator (no keys): its API for the stand-in Stripe.js, the script and its try-it page.
	if a.sim != nil {
		e.Any(SimBasePath+"/*", echo.WrapHandler(a.sim))
		e.Any(SimBasePath, echo.WrapHandler(a.sim))
	}

	e.RouteNotFound("/*", func(c echo.Context) error { return echo.ErrNotFound })
}
