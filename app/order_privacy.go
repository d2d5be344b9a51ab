package app

import (
	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/models"
)

// orderForViewer is the order as this browser may see it. An order number travels in emails, browser
// histories and screenshots, so whoever has it sees the status, items and totals; the shipping address, the
// email and the tracking number only the session that placed the order (its cart) or the account that owns it.
func (a *App) orderForViewer(c echo.Context, o models.Order) models.Order {
	if a.ownsOrder(c, o) {
		return o
	}
	return withoutPersonalData(o)
}

// withoutPersonalData blanks what tells who bought the order and where it goes.
func withoutPersonalData(o models.Order) models.Order {
	o.Email = ""
	o.ShippingName, o.ShippingLine1, o.ShippingLine2 = "", "", ""
	o.ShippingCity, o.ShippingState, o.ShippingPostal, o.ShippingCountry = "", "", "", ""
	o.TrackingNumber = ""
	return o
}
