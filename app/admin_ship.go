package app

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views/admin"
)

// shipFormKey holds the ship form's state (as typed, with errors) for renderAdminOrder.
const shipFormKey = "admin.ship_form"

// shipOrder marks a paid order shipped with its carrier and tracking number, and queues the customer's email in
// the same transaction. A form sent twice ships once: the second finds the order shipped and says so.
func (a *App) shipOrder(c echo.Context) error {
	ctx := c.Request().Context()
	o, err := byID(c, a.db.DB, "order", models.OrderByID)
	if err != nil {
		return err
	}
	in, errs := models.ShipInput{Carrier: c.FormValue("carrier"), TrackingNumber: c.FormValue("tracking_number")}.Clean()
	form := admin.ShipForm{Input: in, Errors: errs}
	refuse := func(msg string) error {
		form.Error = msg
		c.Set(shipFormKey, form)
		return a.renderAdminOrder(c, http.StatusUnprocessableEntity, o, admin.RefundForm{})
	}
	if o.FulfillmentStatus == models.FulfillmentShipped {
		return a.alreadyShipped(c, o)
	}
	if !models.Shippable(o.Status) {
		return refuse(notShippable(o))
	}
	if len(errs) > 0 {
		return refuse("Check the carrier and tracking number below.")
	}
	by := ""
	if adm, ok := a.currentAdmin(c); ok {
		by = adm.Email
	}
	shippedOrder, shipped, err := models.MarkShipped(ctx, a.db.DB, o.ID, in, by)
	switch {
	case errors.Is(err, models.ErrNotShippable):
		o.Status = shippedOrder.Status // it changed since it was loaded (a refund or dispute came in)
		return refuse(notShippable(o))
	case err != nil:
		return fmt.Errorf("ship order %s: %w", o.Number, err)
	case !shipped:
		return a.alreadyShipped(c, shippedOrder)
	}
	if a.mail != nil {
		a.mail.Wake()
	}
	a.log.InfoContext(ctx, "order shipped", "order", o.Number, "carrier", in.Carrier)
	if err := a.flash(c, "success", fmt.Sprintf("Marked as shipped with %s, tracking number %s. The customer gets an email.", in.Carrier, in.TrackingNumber)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/orders/"+o.ID)
}

func (a *App) alreadyShipped(c echo.Context, o models.Order) error {
	msg := fmt.Sprintf("This order was already marked as shipped (%s, %s); nothing changed.", o.Carrier, o.TrackingNumber)
	if err := a.flash(c, "info", msg); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/orders/"+o.ID)
}

func notShippable(o models.Order) string {
	return fmt.Sprintf("Only paid or partially refunded orders can be shipped. This order is %s.", strings.ToLower(admin.StatusLabel(o.Status)))
}

// orderShipping fills the order page's shipping form and email list.
func (a *App) orderShipping(c echo.Context, d *admin.OrderDetail) error {
	if f, ok := c.Get(shipFormKey).(admin.ShipForm); ok {
		d.Ship = f
	}
	emails, err := models.EmailsForOrder(c.Request().Context(), a.db.DB, d.Order.ID)
	if err != nil {
		return fmt.Errorf("load order emails: %w", err)
	}
	d.Emails, d.EmailsSending = emails, a.mail != nil
	return nil
}

// parseFulfillment reads the orders list's fulfillment filter: unfulfilled, shipped, or to_ship (paid, not shipped).
func parseFulfillment(q url.Values, f *models.OrderFilter, form *admin.OrderFilterForm) error {
	form.Fulfillment = strings.TrimSpace(q.Get("fulfillment"))
	f.Fulfillment = form.Fulfillment
	if f.Fulfillment != "" && f.Fulfillment != models.FulfillmentToShip && !slices.Contains(models.FulfillmentStatuses, f.Fulfillment) {
		return &filterError{"invalid_fulfillment", fmt.Sprintf("There is no fulfillment status %q. Use unfulfilled, shipped or to_ship.", f.Fulfillment)}
	}
	return nil
}

// dashboardFulfillment counts the dashboard's orders to ship and failed emails.
func (a *App) dashboardFulfillment(c echo.Context, d *admin.Dashboard) error {
	ctx := c.Request().Context()
	var err error
	if d.ToShip, err = models.CountPaidNotShipped(ctx, a.db.DB); err != nil {
		return err
	}
	counts, err := models.OutboxCounts(ctx, a.db.DB)
	if err != nil {
		return err
	}
	d.EmailsFailed = counts[models.OutboxFailed]
	return nil
}

// apiFulfillment is the fulfillment part of an order in the admin JSON API.
type apiFulfillment struct {
	FulfillmentStatus string     `json:"fulfillment_status"`
	Carrier           *string    `json:"carrier"`
	TrackingNumber    *string    `json:"tracking_number"`
	ShippedAt         *time.Time `json:"shipped_at"`
}

func toAPIFulfillment(o models.Order) apiFulfillment {
	f := apiFulfillment{FulfillmentStatus: o.FulfillmentStatus}
	if o.FulfillmentStatus == "" {
		f.FulfillmentStatus = models.FulfillmentUnfulfilled
	}
	if o.Carrier != "" {
		f.Carrier = &o.Carrier
	}
	if o.TrackingNumber != "" {
		f.TrackingNumber = &o.TrackingNumber
	}
	if o.ShippedAt != nil {
		t := o.ShippedAt.UTC()
		f.ShippedAt = &t
	}
	return f
}

// fulfillmentCSV is the fulfillment columns of an order's CSV row.
func fulfillmentCSV(o models.Order) []string {
	shipped := ""
	if o.ShippedAt != nil {
		shipped = o.ShippedAt.UTC().Format(time.RFC3339)
	}
	return []string{csvCell(o.FulfillmentStatus), csvCell(o.Carrier), csvCell(o.TrackingNumber), shipped}
}
