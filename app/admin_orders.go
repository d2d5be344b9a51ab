package app

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/app/orders"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views/admin"
)

// filterError is a list filter that cannot be used; its message is safe to show, its code goes in JSON errors.
type filterError struct{ code, msg string }

func (e *filterError) Error() string { return e.msg }

// parseOrderFilter reads the orders list's filters from a query string: status, q, from and to (dates, UTC, both
// inclusive), cursor and limit. It returns the form as typed too, to show it again.
func parseOrderFilter(q url.Values) (models.OrderFilter, admin.OrderFilterForm, error) {
	form := admin.OrderFilterForm{Status: strings.TrimSpace(q.Get("status")), Q: strings.TrimSpace(q.Get("q")),
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")), Limit: strings.TrimSpace(q.Get("limit"))}
	f := models.OrderFilter{Status: form.Status, Query: form.Q}
	if f.Status != "" && !slices.Contains(models.Statuses, f.Status) {
		return f, form, &filterError{"invalid_status", fmt.Sprintf("There is no order status %q. Use one of: %s.",
			f.Status, strings.Join(models.Statuses, ", "))}
	}
	if err := parseFulfillment(q, &f, &form); err != nil {
		return f, form, err
	}
	if len(f.Query) > 254 {
		return f, form, &filterError{"invalid_query", "The search is too long: enter an order number or the start of an email address."}
	}
	day := func(name, s string) (time.Time, error) {
		if s == "" {
			return time.Time{}, nil
		}
		t, err := time.ParseInLocation(time.DateOnly, s, time.UTC)
		if err != nil || t.Year() < 2000 || t.Year() > 2999 {
			return t, &filterError{"invalid_date", fmt.Sprintf("%q is not a date: use YYYY-MM-DD for %s.", s, name)}
		}
		return t, nil
	}
	var err error
	if f.From, err = day("from", form.From); err != nil {
		return f, form, err
	}
	to, err := day("to", form.To)
	if err != nil {
		return f, form, err
	}
	if !to.IsZero() {
		f.Before = to.AddDate(0, 0, 1) // "to" is inclusive: the whole day
		if !f.From.IsZero() && f.Before.Before(f.From.AddDate(0, 0, 1)) {
			return f, form, &filterError{"invalid_date", "The end date is before the start date."}
		}
	}
	if form.Limit != "" {
		n, err := strconv.Atoi(form.Limit)
		if err != nil || n < 1 || n > models.MaxOrderPage {
			return f, form, &filterError{"invalid_limit", fmt.Sprintf("limit must be a whole number from 1 to %d.", models.MaxOrderPage)}
		}
		f.Limit = n
	}
	if s := q.Get("cursor"); s != "" {
		cur, err := models.ParseOrderCursor(s)
		if err != nil {
			return f, form, &filterError{"invalid_cursor", "The page link is not valid (its cursor was changed or cut short). Start again from the first page."}
		}
		f.After = &cur
	}
	return f, form, nil
}

// query writes the filters back as a query string, with an optional cursor.
func filterQuery(form admin.OrderFilterForm, cursor string) url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"status": form.Status, "q": form.Q, "from": form.From, "to": form.To, "limit": form.Limit, "cursor": cursor,
		"fulfillment": form.Fulfillment} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

func withQuery(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// listOrders renders a page of orders: filters, newest first, keyset pagination.
func (a *App) listOrders(c echo.Context) error {
	f, form, err := parseOrderFilter(c.QueryParams())
	view := admin.OrderList{Filter: form, CSVURL: withQuery("/admin/orders.csv", filterQuery(form, ""))}
	var fe *filterError
	if errors.As(err, &fe) {
		view.Error = fe.msg
		return render(c, http.StatusBadRequest, admin.OrdersPage(a.page(c, "Orders"), view))
	}
	page, err := models.ListOrders(c.Request().Context(), a.db.DB, f)
	if err != nil {
		return err
	}
	view.Orders = page.Orders
	if page.Next != nil {
		view.NextURL = withQuery("/admin/orders", filterQuery(form, page.Next.String()))
	}
	if f.After != nil {
		view.FirstURL = withQuery("/admin/orders", filterQuery(form, ""))
	}
	return render(c, http.StatusOK, admin.OrdersPage(a.page(c, "Orders"), view))
}

// showAdminOrder renders one order with its timeline and the refund form.
func (a *App) showAdminOrder(c echo.Context) error {
	o, err := byID(c, a.db.DB, "order", models.OrderByID)
	if err != nil {
		return err
	}
	return a.renderAdminOrder(c, http.StatusOK, o, admin.RefundForm{})
}

// renderAdminOrder renders the order page; form carries the refund form's state (amount, errors).
func (a *App) renderAdminOrder(c echo.Context, status int, o models.Order, form admin.RefundForm) error {
	ctx := c.Request().Context()
	evs, err := models.OrderEvents(ctx, a.db.DB, o.ID)
	if err != nil {
		return fmt.Errorf("load order events: %w", err)
	}
	refunds, err := models.RefundsForOrder(ctx, a.db.DB, o.ID)
	if err != nil {
		return fmt.Errorf("load refunds: %w", err)
	}
	if form.Seq == 0 {
		if form.Seq, err = models.NextRefundSeq(ctx, a.db.DB, o.ID); err != nil {
			return fmt.Errorf("next refund number: %w", err)
		}
	}
	d := admin.OrderDetail{Order: o, Events: evs, Refunds: refunds, CanRefund: orders.CanRefund(o.Status), Refund: form}
	if d.CanRefund {
		d.Refundable = orders.Refundable(o) // an unpaid or disputed order has nothing to refund
	}
	if err := a.orderShipping(c, &d); err != nil {
		return err
	}
	if o.PaymentIntentID != nil {
		d.PaymentURL = a.stripeDashboardURL("payments", *o.PaymentIntentID)
	}
	if o.ChargeID != nil {
		d.ChargeURL = a.stripeDashboardURL("payments", *o.ChargeID)
	}
	if o.CustomerID != nil {
		d.CustomerURL = a.stripeDashboardURL("customers", *o.CustomerID)
	}
	return render(c, status, admin.OrderPage(a.page(c, "Order "+o.Number), d))
}

// stripeDashboardURL links an object in the Stripe Dashboard: test mode unless the keys are live.
func (a *App) stripeDashboardURL(kind, id string) string {
	base := "https://dashboard.stripe.com/"
	if !a.cfg.Live {
		base += "test/"
	}
	return base + kind + "/" + url.PathEscape(id)
}
