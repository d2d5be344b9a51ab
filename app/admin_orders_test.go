package app_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

type apiOrders struct {
	Orders []struct {
		ID, Number, Status, Email, Currency string
		Subtotal, Discount, Shipping, Total int64
		PaymentIntentID                     *string   `json:"payment_intent_id"`
		CreatedAt                           time.Time `json:"created_at"`
		UpdatedAt                           time.Time `json:"updated_at"`
	}
	NextCursor *string `json:"next_cursor"`
}

// dbOrders lists the orders the way the admin list must: newest first, ties by id.
func dbOrders(t *testing.T, s *apptest.Server, where string, args ...any) []models.Order {
	t.Helper()
	var os []models.Order
	q := s.App.DB().Order("created_at DESC, id DESC")
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Find(&os).Error; err != nil {
		t.Fatal(err)
	}
	return os
}

func apiGet(t *testing.T, c *apptest.Client, path string) apiOrders {
	t.Helper()
	var out apiOrders
	c.Get(path).Expect(t, http.StatusOK).DecodeJSON(t, &out)
	return out
}

func TestAdminOrderListFilters(t *testing.T) {
	s := newAdminServer(t)
	base := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	os := seedOrders(t, s, base, 12, func(i int, o *models.Order) {
		switch i {
		case 1:
			o.Email = "Jenny.Rosen@Example.com"
		case 2:
			o.Email = "jenny.rosenberg@example.org"
		case 3:
			o.Status = models.StatusPaymentFailed
		case 4:
			o.Status = models.StatusPaymentFailed
		case 10:
			o.CreatedAt = base.AddDate(0, 0, -2) // March 8
		case 11:
			o.CreatedAt = base.AddDate(0, 0, -3) // March 7
		}
	})
	c := signedInAdmin(t, s)
	numbers := func(path string) []string {
		t.Helper()
		var out []string
		for _, o := range apiGet(t, c, path).Orders {
			out = append(out, o.Number)
		}
		return out
	}
	check := func(name, query string, want ...models.Order) {
		t.Run(name, func(t *testing.T) {
			got := numbers("/admin/api/orders?" + query)
			var wantN []string
			for _, o := range want {
				wantN = append(wantN, o.Number)
			}
			if strings.Join(got, ",") != strings.Join(wantN, ",") {
				t.Errorf("%s:\n got %v\nwant %v", query, got, wantN)
			}
			page := c.Get("/admin/orders?"+query).Expect(t, http.StatusOK).Body
			for _, n := range wantN {
				if !strings.Contains(page, ">"+n+"</a>") {
					t.Errorf("the HTML list lacks %s", n)
				}
			}
		})
	}
	check("by status", "status=payment_failed", dbOrders(t, s, "status = ?", models.StatusPaymentFailed)...)
	check("by order number in lower case", "q="+strings.ToLower(os[5].Number), os[5])
	check("by exact email in another case", "q=jenny.rosen@example.com", os[1])
	check("by email prefix", "q=JENNY.ROSEN", os[1], os[2])
	check("by a prefix that matches nothing", "q=nobody", []models.Order{}...)
	check("from and to are whole UTC days", "from=2025-03-07&to=2025-03-08", os[10], os[11])
	check("from only", "from=2025-03-08&status=paid&q=buyer01", os[10])

	t.Run("bad filters are a 400 with a clear message", func(t *testing.T) {
		for query, msg := range map[string]string{
			"status=shipped":                     "There is no order status",
			"from=yesterday":                     "is not a date: use YYYY-MM-DD for from",
			"to=2025-02-30":                      "is not a date",
			"from=2025-03-09&to=2025-03-08":      "The end date is before the start date.",
			"limit=0":                            "limit must be a whole number from 1 to 200",
			"limit=201":                          "limit must be a whole number from 1 to 200",
			"cursor=bm90LWEtY3Vyc29y":            "cursor",
			"cursor=!!!":                         "cursor",
			"cursor=" + strings.Repeat("A", 500): "cursor",
		} {
			res := c.Get("/admin/api/orders?" + query)
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("%s: status %d", query, res.StatusCode)
				continue
			}
			var body struct {
				Error struct{ Type, Code, Message string }
			}
			res.DecodeJSON(t, &body)
			if body.Error.Type != "invalid_request_error" || body.Error.Code == "" || !strings.Contains(body.Error.Message, msg) {
				t.Errorf("%s: %+v", query, body.Error)
			}
			page := c.Get("/admin/orders?"+query).Expect(t, http.StatusBadRequest).Body
			if !strings.Contains(page, `class="form-errors"`) {
				t.Errorf("%s: the HTML list does not explain the error", query)
			}
		}
	})
}

func TestAdminOrderPagesStayStableWhileOrdersArrive(t *testing.T) {
	s := newAdminServer(t)
	base := time.Now().Add(-time.Hour)
	seedOrders(t, s, base, 25, nil)
	original := dbOrders(t, s, "")
	c := signedInAdmin(t, s)

	page1 := apiGet(t, c, "/admin/api/orders?limit=10")
	if len(page1.Orders) != 10 || page1.NextCursor == nil {
		t.Fatalf("page 1: %d orders, next %v", len(page1.Orders), page1.NextCursor)
	}
	// Newer orders arrive between page 1 and page 2 (as they do in a busy shop).
	seedOrders(t, s, time.Now(), 7, func(i int, o *models.Order) { o.Email = fmt.Sprintf("new%d@example.com", i) })

	var seen []string
	for _, o := range page1.Orders {
		seen = append(seen, o.ID)
	}
	cursor := *page1.NextCursor
	for pages := 1; ; pages++ {
		p := apiGet(t, c, "/admin/api/orders?limit=10&cursor="+url.QueryEscape(cursor))
		for _, o := range p.Orders {
			seen = append(seen, o.ID)
		}
		if p.NextCursor == nil {
			break
		}
		if pages > 5 {
			t.Fatal("too many pages")
		}
		cursor = *p.NextCursor
	}
	if len(seen) != len(original) {
		t.Fatalf("%d orders seen over the pages, want %d", len(seen), len(original))
	}
	for i, o := range original {
		if seen[i] != o.ID {
			t.Fatalf("position %d: %s, want %s (no duplicates, no gaps, same order)", i, seen[i], o.ID)
		}
	}

	t.Run("the HTML list links to the next page with the filters kept", func(t *testing.T) {
		page := c.Get("/admin/orders?limit=10&status=paid").Expect(t, http.StatusOK).Body
		i := strings.Index(page, `rel="next"`)
		j := strings.LastIndex(page[:max(i, 0)], `href="`)
		if i < 0 || j < 0 {
			t.Fatalf("no next link:\n%s", page)
		}
		next := strings.ReplaceAll(page[j+len(`href="`):i-2], "&amp;", "&")
		u, _ := url.Parse(next)
		if u.Path != "/admin/orders" || u.Query().Get("status") != "paid" || u.Query().Get("limit") != "10" || u.Query().Get("cursor") == "" {
			t.Fatalf("next link %q", next)
		}
		second := c.Get(next).Expect(t, http.StatusOK).Body
		all := dbOrders(t, s, "")
		if !strings.Contains(second, ">"+all[10].Number+"</a>") || strings.Contains(second, ">"+all[9].Number+"</a>") {
			t.Error("the second HTML page is not orders 11 to 20")
		}
		if !strings.Contains(second, "← Newest</a>") {
			t.Error("the second page has no link back to the first")
		}
	})
	t.Run("default and largest page sizes", func(t *testing.T) {
		seedOrders(t, s, base.Add(-24*time.Hour), 60, nil)
		if n := len(apiGet(t, c, "/admin/api/orders").Orders); n != 50 {
			t.Errorf("default page: %d orders", n)
		}
		if n := len(apiGet(t, c, "/admin/api/orders?limit=200").Orders); n != 92 {
			t.Errorf("limit=200: %d orders, want all 92", n)
		}
	})
}

func TestAdminOrdersJSONMatchesTheDatabase(t *testing.T) {
	s := newAdminServer(t)
	placeOrder(t, s)
	s.Settle(t)
	seedOrders(t, s, time.Now().Add(-time.Hour), 3, func(i int, o *models.Order) {
		if i == 0 {
			o.PaymentIntentID = nil
			o.Status = models.StatusPending
		}
	})
	c := signedInAdmin(t, s)
	res := c.Get("/admin/api/orders")
	var raw map[string]json.RawMessage
	res.DecodeJSON(t, &raw)
	if len(raw) != 2 || string(raw["next_cursor"]) != "null" {
		t.Fatalf("top-level keys: %s", res.Body)
	}
	var list []map[string]any
	json.Unmarshal(raw["orders"], &list)
	want := dbOrders(t, s, "")
	if len(list) != len(want) {
		t.Fatalf("%d orders, want %d", len(list), len(want))
	}
	keys := "carrier,created_at,currency,discount,email,fulfillment_status,id,number,payment_intent_id,review_reason,shipped_at,shipping,status,subtotal,total,tracking_number,updated_at"
	for i, o := range want {
		got := list[i]
		if names := slices.Sorted(maps.Keys(got)); strings.Join(names, ",") != keys {
			t.Fatalf("keys %v", names)
		}
		pi := any(nil)
		if o.PaymentIntentID != nil {
			pi = *o.PaymentIntentID
		}
		if got["id"] != o.ID || got["number"] != o.Number || got["status"] != o.Status || got["email"] != o.Email ||
			got["currency"] != o.Currency || got["subtotal"] != float64(o.Subtotal) || got["discount"] != float64(o.Discount) ||
			got["shipping"] != float64(o.Shipping) || got["total"] != float64(o.Total) || got["payment_intent_id"] != pi {
			t.Errorf("order %d: %v, want %+v", i, got, o)
		}
		if at, _ := time.Parse(time.RFC3339Nano, got["created_at"].(string)); !at.Equal(o.CreatedAt) {
			t.Errorf("created_at %v, want %v", got["created_at"], o.CreatedAt)
		}
	}

	t.Run("one order with its items and timeline", func(t *testing.T) {
		o := want[0] // the paid order
		var d map[string]json.RawMessage
		c.Get("/admin/api/orders/"+o.ID).Expect(t, http.StatusOK).DecodeJSON(t, &d)
		var items []struct {
			ProductID string `json:"product_id"`
			Name      string
			UnitPrice int64 `json:"unit_price"`
			Quantity  int64
		}
		var events []struct {
			Kind, Source string
			From         string  `json:"from_status"`
			To           string  `json:"to_status"`
			EventID      *string `json:"stripe_event_id"`
		}
		json.Unmarshal(d["items"], &items)
		json.Unmarshal(d["events"], &events)
		if string(d["number"]) != strconv.Quote(o.Number) || len(items) != 1 || items[0].Name != "Canvas Tote" || items[0].UnitPrice != 1800 || items[0].Quantity != 1 {
			t.Errorf("detail: %s", d)
		}
		dbEvents, _ := models.OrderEvents(t.Context(), s.App.DB().DB, o.ID)
		if len(events) != len(dbEvents) || len(events) == 0 {
			t.Fatalf("%d events, want %d", len(events), len(dbEvents))
		}
		for i, ev := range dbEvents {
			if events[i].Kind != ev.Kind || events[i].Source != ev.Source || events[i].To != ev.ToStatus {
				t.Errorf("event %d: %+v, want %+v", i, events[i], ev)
			}
		}
	})
	t.Run("an unknown or forged id is a JSON 404", func(t *testing.T) {
		for _, id := range []string{models.NewID(), "nope", "1%27%20OR%201=1"} {
			res := c.Get("/admin/api/orders/"+id).Expect(t, http.StatusNotFound)
			if !strings.Contains(res.Body, `"type":"invalid_request_error"`) || !strings.Contains(res.Body, `"code":"resource_missing"`) {
				t.Errorf("%s: %s", id, res.Body)
			}
		}
	})
}

func TestAdminOrdersCSV(t *testing.T) {
	s := newAdminServer(t)
	seedOrders(t, s, time.Now().Add(-time.Hour), 450, func(i int, o *models.Order) {
		switch i {
		case 0:
			o.Email = "=HYPERLINK(\"http://evil.example\")@example.com"
		case 1:
			o.Email = "+1@example.com"
		case 2:
			o.Email = "-x@example.com"
		case 3:
			o.Email = "@x@example.com"
		case 4:
			o.Status, o.RefundedAmount = models.StatusPartiallyRefunded, 200
		}
	})
	c := signedInAdmin(t, s)
	res := c.Get("/admin/orders.csv").Expect(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("content type %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="orders.csv"` {
		t.Errorf("content disposition %q", cd)
	}
	rows, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "number,status,email,currency,subtotal,discount,shipping,total,refunded,payment_intent_id,created_at,fulfillment_status,carrier,tracking_number,shipped_at" {
		t.Fatalf("header %v", rows[0])
	}
	want := dbOrders(t, s, "")
	if len(rows)-1 != len(want) {
		t.Fatalf("%d rows, want %d (every order, over several batches)", len(rows)-1, len(want))
	}
	for i, o := range want {
		r := rows[i+1]
		email := o.Email
		if strings.ContainsAny(email[:1], "=+-@") {
			email = "'" + email
		}
		exp := []string{o.Number, o.Status, email, o.Currency, strconv.FormatInt(o.Subtotal, 10), strconv.FormatInt(o.Discount, 10),
			strconv.FormatInt(o.Shipping, 10), strconv.FormatInt(o.Total, 10), strconv.FormatInt(o.RefundedAmount, 10),
			*o.PaymentIntentID, o.CreatedAt.UTC().Format(time.RFC3339), models.FulfillmentUnfulfilled, "", "", ""}
		if strings.Join(r, "|") != strings.Join(exp, "|") {
			t.Fatalf("row %d:\n got %v\nwant %v", i+1, r, exp)
		}
	}
	guarded := 0
	for _, r := range rows[1:] {
		if strings.HasPrefix(r[2], "'") {
			guarded++
		}
	}
	if guarded != 4 {
		t.Errorf("%d emails guarded against formulas, want 4", guarded)
	}

	t.Run("the export follows the list's filters", func(t *testing.T) {
		res := c.Get("/admin/orders.csv?status=partially_refunded").Expect(t, http.StatusOK)
		rows, _ := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
		if len(rows) != 2 || rows[1][1] != "partially_refunded" || rows[1][8] != "200" {
			t.Errorf("rows %v", rows)
		}
		c.Get("/admin/orders.csv?status=nope").Expect(t, http.StatusBadRequest)
	})
	t.Run("the list links to the export with its filters", func(t *testing.T) {
		page := c.Get("/admin/orders?status=paid&q=buyer").Body
		if !strings.Contains(page, `href="/admin/orders.csv?q=buyer&amp;status=paid"`) {
			t.Error("no CSV link with the filters")
		}
	})
}
