package app

import (
	"encoding/csv"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/models"
)

// ordersCSVHeader is the header row of the orders export; amounts are in minor units.
var ordersCSVHeader = []string{"number", "status", "email", "currency", "subtotal", "discount", "shipping", "total",
	"refunded", "payment_intent_id", "created_at", "fulfillment_status", "carrier", "tracking_number", "shipped_at"}

// exportOrdersCSV streams every order matching the list's filters as CSV, newest first, reading and writing in
// keyset batches so that neither the server nor the database holds the whole export.
func (a *App) exportOrdersCSV(c echo.Context) error {
	ctx := c.Request().Context()
	f, _, err := parseOrderFilter(c.QueryParams())
	var fe *filterError
	if errors.As(err, &fe) {
		return echo.NewHTTPError(http.StatusBadRequest, fe.msg)
	}
	f.After, f.Limit = nil, models.MaxOrderPage // the whole list, whatever page was on screen
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="orders.csv"`)
	res.WriteHeader(http.StatusOK)
	w := csv.NewWriter(res)
	if err := w.Write(ordersCSVHeader); err != nil {
		return err
	}
	n := 0
	err = models.EachOrder(ctx, a.db.DB, f, func(o models.Order) error {
		pi := ""
		if o.PaymentIntentID != nil {
			pi = *o.PaymentIntentID
		}
		row := []string{csvCell(o.Number), csvCell(o.Status), csvCell(o.Email), csvCell(o.Currency),
			strconv.FormatInt(o.Subtotal, 10), strconv.FormatInt(o.Discount, 10), strconv.FormatInt(o.Shipping, 10),
			strconv.FormatInt(o.Total, 10), strconv.FormatInt(o.RefundedAmount, 10), csvCell(pi),
			o.CreatedAt.UTC().Format(time.RFC3339)}
		row = append(row, fulfillmentCSV(o)...)
		if err := w.Write(row); err != nil {
			return err
		}
		if n++; n%models.MaxOrderPage == 0 {
			w.Flush()
			res.Flush()
			return w.Error()
		}
		return nil
	})
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	if err != nil {
		// The status line is sent: the error handler cannot answer any more, so log it here. The export ends early
		// and the client sees a truncated file.
		a.log.ErrorContext(ctx, "orders export failed", "err", err, "rows", n)
	}
	return nil
}

// csvCell guards a text cell against formula injection: spreadsheets run cells that start with = + - @ (and
// tab or carriage return), so those get a leading apostrophe and are read as text.
func csvCell(s string) string {
	if s != "" {
		switch s[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + s
		}
	}
	return s
}
