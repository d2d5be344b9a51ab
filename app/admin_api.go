package app

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/app/apperr"
	"github.com/storefront/storefront/models"
)

// apiOrder is an order in the admin JSON API: GET /admin/api/orders lists them, GET /admin/api/orders/:id adds
// items and events.
type apiOrder struct {
	ID              string    `json:"id"`
	Number          string    `json:"number"`
	Status          string    `json:"status"`
	Email           string    `json:"email"`
	Currency        string    `json:"currency"`
	Subtotal        int64     `json:"subtotal"`
	Discount        int64     `json:"discount"`
	Shipping        int64     `json:"shipping"`
	Total           int64     `json:"total"`
	PaymentIntentID *string   `json:"payment_intent_id"`
	ReviewReason    *string   `json:"review_reason"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`

	apiFulfillment // fulfillment_status, carrier, tracking_number, shipped_at
}

type apiOrderList struct {
	Orders     []apiOrder `json:"orders"`
	NextCursor *string    `json:"next_cursor"`
}

type apiOrderItem struct {
	ID        string `json:"id"`
	ProductID string `json:"product_id"`
	Name      string `json:"name"`
	UnitPrice int64  `json:"unit_price"`
	Quantity  int64  `json:"quantity"`
}

type apiOrderEvent struct {
	ID            string    `json:"id"`
	Source        string    `json:"source"`
	Kind          string    `json:"kind"`
	FromStatus    string    `json:"from_status"`
	ToStatus      string    `json:"to_status"`
	Detail        string    `json:"detail"`
	StripeEventID *string   `json:"stripe_event_id"`
	CreatedAt     time.Time `json:"created_at"`
}

type apiOrderDetail struct {
	apiOrder
	Items  []apiOrderItem  `json:"items"`
	Events []apiOrderEvent `json:"events"`
}

func toAPIOrder(o models.Order) apiOrder {
	return apiOrder{ID: o.ID, Number: o.Number, Status: o.Status, Email: o.Email, Currency: o.Currency,
		Subtotal: o.Subtotal, Discount: o.Discount, Shipping: o.Shipping, Total: o.Total,
		PaymentIntentID: o.PaymentIntentID, ReviewReason: o.ReviewReason, apiFulfillment: toAPIFulfillment(o),
		CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC()}
}

// apiListOrders is GET /admin/api/orders: status, q, cursor, limit → a page of orders and the next cursor.
func (a *App) apiListOrders(c echo.Context) error {
	f, _, err := parseOrderFilter(c.QueryParams())
	var fe *filterError
	if errors.As(err, &fe) {
		return &apperr.Error{Kind: apperr.Malformed, Code: fe.code, Message: fe.msg}
	}
	page, err := models.ListOrders(c.Request().Context(), a.db.DB, f)
	if err != nil {
		return err
	}
	out := apiOrderList{Orders: make([]apiOrder, 0, len(page.Orders))}
	for _, o := range page.Orders {
		out.Orders = append(out.Orders, toAPIOrder(o))
	}
	if page.Next != nil {
		s := page.Next.String()
		out.NextCursor = &s
	}
	return c.JSON(http.StatusOK, out)
}

// apiShowOrder is GET /admin/api/orders/:id: the order with its items and its timeline.
func (a *App) apiShowOrder(c echo.Context) error {
	ctx := c.Request().Context()
	o, err := byID(c, a.db.DB, "order", models.OrderByID)
	if err != nil {
		return err
	}
	evs, err := models.OrderEvents(ctx, a.db.DB, o.ID)
	if err != nil {
		return fmt.Errorf("load order events: %w", err)
	}
	out := apiOrderDetail{apiOrder: toAPIOrder(o), Items: make([]apiOrderItem, 0, len(o.Items)), Events: make([]apiOrderEvent, 0, len(evs))}
	for _, it := range o.Items {
		out.Items = append(out.Items, apiOrderItem{ID: it.ID, ProductID: it.ProductID, Name: it.Name, UnitPrice: it.UnitPrice, Quantity: it.Quantity})
	}
	for _, ev := range evs {
		out.Events = append(out.Events, apiOrderEvent{ID: ev.ID, Source: ev.Source, Kind: ev.Kind, FromStatus: ev.FromStatus,
			ToStatus: ev.ToStatus, Detail: ev.Detail, StripeEventID: ev.StripeEventID, CreatedAt: ev.CreatedAt.UTC()})
	}
	return c.JSON(http.StatusOK, out)
}
