package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/app"
	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

// seedOrders stores n orders directly, the newest first: order i was created i minutes before base (every
// fifth shares its time with the one before, so ties on created_at are covered). edit may change each one.
func seedOrders(t *testing.T, s *apptest.Server, base time.Time, n int, edit func(i int, o *models.Order)) []models.Order {
	t.Helper()
	out := make([]models.Order, 0, n)
	for i := range n {
		minutes := i
		if i%5 == 4 {
			minutes = i - 1 // i=4 shares i=3's time, i=9 i=8's…
		}
		at := base.Add(-time.Duration(minutes) * time.Minute).UTC()
		o := models.Order{Email: fmt.Sprintf("buyer%03d@example.com", i), Currency: "usd", Subtotal: 1000 + int64(i),
			Shipping: 500, Total: 1500 + int64(i), Status: models.StatusPaid, CreatedAt: at, UpdatedAt: at}
		pi := fmt.Sprintf("pi_seed_%s_%03d", models.NewID(), i)
		o.PaymentIntentID = &pi
		if edit != nil {
			edit(i, &o)
		}
		if err := s.App.DB().Create(&o).Error; err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	return out
}

// adminRoute is one admin route, how to call it, and what an admin gets back.
type adminRoute struct {
	method, path string
	form         url.Values
	admin        int // the status an admin gets
}

// adminRoutes lists every admin page and action with real ids.
func adminRoutes(t *testing.T, s *apptest.Server) []adminRoute {
	t.Helper()
	db := s.App.DB()
	order := seedOrders(t, s, time.Now(), 1, nil)[0]
	email := models.OutboxEmail{OrderID: order.ID, Kind: models.EmailOrderConfirmation, Recipient: order.Email}
	if _, err := models.QueueEmail(t.Context(), db.DB, email); err != nil {
		t.Fatal(err)
	}
	db.Where("order_id = ?", order.ID).Take(&email)
	var product models.Product
	db.Where("slug = ?", "cedar-candle").Take(&product)
	var discount models.Discount
	db.Where("code = ?", "WELCOME10").Take(&discount)
	productForm := url.Values{"name": {"Cedar Candle"}, "slug": {"cedar-candle"}, "price": {"19.00"}, "stock": {"50"}, "active": {"on"}}
	discountForm := url.Values{"code": {"WELCOME10"}, "kind": {"percent"}, "percent_off": {"10"}, "active": {"on"}}
	newProduct := url.Values{"name": {"Guard Test"}, "slug": {"guard-test"}, "price": {"1.00"}, "stock": {"1"}}
	newDiscount := url.Values{"code": {"GUARD-TEST"}, "kind": {"fixed"}, "amount_off": {"1.00"}}
	return []adminRoute{
		{"GET", "/admin", nil, http.StatusOK},
		{"GET", "/admin/orders", nil, http.StatusOK},
		{"GET", "/admin/orders.csv", nil, http.StatusOK},
		{"GET", "/admin/orders/" + order.ID, nil, http.StatusOK},
		{"POST", "/admin/orders/" + order.ID + "/refund", url.Values{"amount": {"abc"}, "refund_seq": {"1"}}, http.StatusUnprocessableEntity},
		{"POST", "/admin/orders/" + order.ID + "/ship", url.Values{"carrier": {""}}, http.StatusUnprocessableEntity},
		{"GET", "/admin/emails", nil, http.StatusOK},
		{"GET", "/admin/emails/" + email.ID, nil, http.StatusOK},
		{"GET", "/admin/emails/" + email.ID + "/html", nil, http.StatusOK},
		{"POST", "/admin/emails/" + email.ID + "/retry", url.Values{}, http.StatusSeeOther},
		{"GET", "/admin/products", nil, http.StatusOK},
		{"GET", "/admin/products/new", nil, http.StatusOK},
		{"POST", "/admin/products", newProduct, http.StatusSeeOther},
		{"GET", "/admin/products/" + product.ID + "/edit", nil, http.StatusOK},
		{"POST", "/admin/products/" + product.ID, productForm, http.StatusSeeOther},
		{"POST", "/admin/products/" + product.ID + "/deactivate", url.Values{}, http.StatusSeeOther},
		{"GET", "/admin/discounts", nil, http.StatusOK},
		{"GET", "/admin/discounts/new", nil, http.StatusOK},
		{"POST", "/admin/discounts", newDiscount, http.StatusSeeOther},
		{"GET", "/admin/discounts/" + discount.ID + "/edit", nil, http.StatusOK},
		{"POST", "/admin/discounts/" + discount.ID, discountForm, http.StatusSeeOther},
		{"POST", "/admin/discounts/" + discount.ID + "/deactivate", url.Values{}, http.StatusSeeOther},
		{"GET", "/admin/api/ping", nil, http.StatusOK},
		{"GET", "/admin/api/orders", nil, http.StatusOK},
		{"GET", "/admin/api/orders/" + order.ID, nil, http.StatusOK},
	}
}

// routePattern turns a concrete path back into its route pattern (ids become :id).
func routePattern(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if models.ValidID(p) {
			parts[i] = ":id"
		}
	}
	return strings.Join(parts, "/")
}

func TestAdminRoutesNeedAnAdmin(t *testing.T) {
	s := newAdminServer(t)
	anonymous := visitor(t, s)
	anonymous.Get("/") // a CSRF token, so that POSTs reach the admin guard
	shopper := visitor(t, s)
	signUpAndIn(t, shopper, "shopper@example.com", "shopper-password")
	adm := signedInAdmin(t, s)
	adm.Get("/admin/orders")
	routes := adminRoutes(t, s)

	t.Run("the table covers every admin route the app registers", func(t *testing.T) {
		covered := map[string]bool{}
		for _, r := range routes {
			covered[r.method+" "+routePattern(r.path)] = true
		}
		for _, r := range app.Routes(s.App) {
			open := r.Path == "/admin/login" || r.Path == "/admin/logout" || strings.HasSuffix(r.Path, "*") || r.Method == "echo_route_not_found"
			if !strings.HasPrefix(r.Path, "/admin") || open || r.Method == http.MethodHead {
				continue
			}
			if !covered[r.Method+" "+r.Path] {
				t.Errorf("%s %s is not in the guard table", r.Method, r.Path)
			}
		}
	})

	call := func(c *apptest.Client, r adminRoute) apptest.Response {
		if r.method == http.MethodGet {
			return c.Get(r.path)
		}
		return c.PostForm(r.path, r.form)
	}
	for _, r := range routes {
		api := strings.HasPrefix(r.path, "/admin/api/")
		t.Run(r.method+" "+routePattern(r.path), func(t *testing.T) {
			res := call(anonymous, r)
			if api {
				res.Expect(t, http.StatusUnauthorized)
				if !strings.Contains(res.Body, `"authentication_error"`) {
					t.Errorf("anonymous API answer: %s", res.Body)
				}
			} else {
				res.Expect(t, http.StatusSeeOther)
				if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/admin/login") {
					t.Errorf("anonymous went to %q", loc)
				}
			}
			res = call(shopper, r).Expect(t, http.StatusForbidden)
			if api && !strings.Contains(res.Body, `"permission_error"`) {
				t.Errorf("shopper API answer: %s", res.Body)
			}
			res = call(adm, r).Expect(t, r.admin)
			if r.admin == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/admin/login") {
				t.Errorf("an admin was sent to sign in")
			}
		})
	}
}

func TestAdminAPIAcceptsTheBearerToken(t *testing.T) {
	s := newAdminServer(t)
	o := seedOrders(t, s, time.Now(), 1, nil)[0]
	c := visitor(t, s)
	h := http.Header{"Authorization": {"Bearer " + apiToken}}
	c.Do(http.MethodGet, "/admin/api/orders", nil, h).Expect(t, http.StatusOK)
	c.Do(http.MethodGet, "/admin/api/orders/"+o.ID, nil, h).Expect(t, http.StatusOK)
	h.Set("Authorization", "Bearer wrong")
	c.Do(http.MethodGet, "/admin/api/orders", nil, h).Expect(t, http.StatusUnauthorized)
	// The token is for the API only: the HTML pages want a signed-in admin.
	h.Set("Authorization", "Bearer "+apiToken)
	c.Do(http.MethodGet, "/admin/orders", nil, h).Expect(t, http.StatusSeeOther)
}

func TestAdminDashboard(t *testing.T) {
	s := newAdminServer(t)
	now := time.Now().UTC()
	paid := now
	seedOrders(t, s, now, 6, func(i int, o *models.Order) {
		switch i {
		case 0, 1:
			o.PaidAt = &paid // paid today: 1500 + 1501
		case 2:
			o.Status, o.RefundedAmount = models.StatusRefunded, 1502
			o.PaidAt = &paid // refunded later: still revenue of the day it was paid
		case 3:
			o.Status, o.PaymentIntentID, o.UpdatedAt = models.StatusPaymentFailed, nil, now
		case 4:
			o.Status, o.PaymentIntentID = models.StatusProcessing, nil
			o.UpdatedAt = now.Add(-time.Hour) // stuck
		case 5:
			o.Status, o.PaymentIntentID = models.StatusPending, nil // fresh: not stuck
		}
	})
	body := signedInAdmin(t, s).Get("/admin").Expect(t, http.StatusOK).Body
	for _, want := range []string{
		`data-testid="stat-revenue-today">$45.03<`, `data-testid="stat-orders-today">3<`,
		`data-testid="stat-failed">1<`, `data-testid="stat-stuck">1<`, `data-testid="inbox-pending">0<`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %s", want)
		}
	}
}
