package app_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/storefront/storefront/models"
)

const benchCSRF = "benchcsrftoken0123456789abcdefgh" // the CSRF cookie and the form field carry the same value

// benchCart prepares a shopper: a products table with plenty of stock and a function that posts an add-to-cart
// form with the shopper's cookies, keeping the session cookie the app sets.
func benchCart(b *testing.B) (http.Handler, func(productID string, want int) *httptest.ResponseRecorder, map[string]string, []models.Product) {
	a := benchApp(b)
	db := a.DB().DB
	if err := db.Exec("UPDATE products SET stock = 1000000").Error; err != nil {
		b.Fatal(err)
	}
	ps, err := models.ActiveProducts(b.Context(), db)
	if err != nil {
		b.Fatal(err)
	}
	h := a.Handler()
	cookies := map[string]string{"sf_csrf": benchCSRF}
	add := func(productID string, want int) *httptest.ResponseRecorder {
		form := url.Values{"csrf_token": {benchCSRF}, "product_id": {productID}, "quantity": {"1"}}
		req := httptest.NewRequest(http.MethodPost, "/cart/items", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := benchDo(b, h, benchCookies(req, cookies), want)
		for _, c := range rec.Result().Cookies() {
			if c.Name == "sf_session" {
				cookies["sf_session"] = c.Value
			}
		}
		return rec
	}
	return h, add, cookies, ps
}

// BenchmarkCartAdd is POST /cart/items (one unit of a product) into an existing cart: load the product, a
// transaction that merges the line, a flash in the session cookie, the redirect. Every 90 adds the shopper
// starts a new cart (a line holds at most 99), so 1 in 90 ops also creates a cart.
func BenchmarkCartAdd(b *testing.B) {
	_, add, cookies, ps := benchCart(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%90 == 0 {
			delete(cookies, "sf_session")
		}
		add(ps[i%3].ID, http.StatusSeeOther)
		i++
	}
}

// BenchmarkCartView is GET /cart with three lines in the cart.
func BenchmarkCartView(b *testing.B) {
	h, add, cookies, ps := benchCart(b)
	for _, p := range ps[:3] {
		add(p.ID, http.StatusSeeOther)
	}
	b.ReportAllocs()
	for b.Loop() {
		rec := benchDo(b, h, benchCookies(httptest.NewRequest(http.MethodGet, "/cart", nil), cookies), http.StatusOK)
		if !strings.Contains(rec.Body.String(), `aria-label="3 items in cart"`) {
			b.Fatalf("cart page without the three items: %.500s", rec.Body.String())
		}
	}
}
