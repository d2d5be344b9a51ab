package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

// More fuzz targets, one per free-text input a stranger or an admin can send. Like those of fuzz_test.go they
// run their seeds with `go test`, on PostgreSQL too with TEST_DB=postgres (which refuses NUL bytes and invalid
// UTF-8 with an error where SQLite just compares bytes): never a panic, never a 5xx.

// oddText are the seeds every text input gets: NUL bytes, invalid UTF-8, overlong and SQL-looking input.
var oddText = []string{"", "\x00", "a\x00b", "\xff\xfe", "\xc3\x28", "é\x80", strings.Repeat("é", 300), strings.Repeat("x", 5000),
	"' OR 1=1 --", "%_\\", "jenny@example.com\x00", "SF-\x00"}

// signedInAdminFor signs an admin in once for a fuzz target; each input gets a client with its cookies.
func signedInAdminFor(f *testing.F, s *apptest.Server) func(t *testing.T) *apptest.Client {
	f.Helper()
	admin := s.Client(f)
	if res := adminLogin(admin, adminEmail, adminPassword); res.StatusCode != http.StatusSeeOther {
		f.Fatalf("admin sign-in: %d", res.StatusCode)
	}
	admin.Get("/admin/orders")
	return func(t *testing.T) *apptest.Client {
		c := s.Client(t)
		c.HTTP.Jar, c.CSRF = admin.HTTP.Jar, admin.CSRF
		return c
	}
}

func adminFuzzServer(f *testing.F) *apptest.Server {
	return apptest.New(f, apptest.Options{Env: map[string]string{"ADMIN_EMAIL": adminEmail, "ADMIN_PASSWORD": adminPassword,
		"TRUSTED_PROXIES": "127.0.0.1/32"}})
}

func no5xx(t *testing.T, res apptest.Response, what string, input ...string) {
	t.Helper()
	if res.StatusCode >= 500 {
		t.Fatalf("%s: status %d for %q: %.500s", what, res.StatusCode, input, res.Body)
	}
}

func FuzzCheckoutReturnAndOrderPage(f *testing.F) {
	s := apptest.New(f)
	for _, seed := range append([]string{"pi_123", "pi_\x00", "pi_\xff", "pi_" + strings.Repeat("9", 300), "pi_a\x00b"}, oddText...) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		c := s.Client(t)
		no5xx(t, c.Get("/checkout/complete?payment_intent="+url.QueryEscape(input)), "checkout return", input)
		no5xx(t, c.Get("/orders/"+url.PathEscape(input)), "order page", input)
		no5xx(t, c.Get("/products/"+url.PathEscape(input)), "product page", input)
	})
}

func FuzzAdminOrderSearch(f *testing.F) {
	s := adminFuzzServer(f)
	admin := signedInAdminFor(f, s)
	for _, seed := range oddText {
		f.Add(seed, "")
		f.Add(seed, "paid")
	}
	f.Add("jenny", "\x00")
	f.Add("SF-8K2D-QX7M-4PZN-T9WA", "\xff")
	f.Fuzz(func(t *testing.T, q, status string) {
		c := admin(t)
		query := url.Values{"q": {q}, "status": {status}}.Encode()
		for _, path := range []string{"/admin/orders", "/admin/api/orders", "/admin/orders.csv"} {
			no5xx(t, c.Get(path+"?"+query), path, q, status)
		}
		no5xx(t, c.Get("/admin/orders?"+url.Values{"cursor": {q}, "from": {status}}.Encode()), "cursor", q, status)
	})
}

func FuzzSignInAndSignUp(f *testing.F) {
	s := adminFuzzServer(f)
	for _, seed := range oddText {
		f.Add(seed, "correct horse battery")
		f.Add("jenny@example.com", seed)
	}
	f.Fuzz(func(t *testing.T, email, password string) {
		c := visitor(t, s) // an address of its own: the per-client limits do not end the run early
		no5xx(t, c.PostForm("/account/signup", credentials(email, password)), "sign-up", email, password)
		no5xx(t, c.PostForm("/account/login", credentials(email, password)), "sign-in", email, password)
		no5xx(t, c.PostForm("/admin/login", credentials(email, password)), "admin sign-in", email, password)
	})
}

func FuzzAdminCatalogForms(f *testing.F) {
	s := adminFuzzServer(f)
	admin := signedInAdminFor(f, s)
	for _, seed := range oddText {
		f.Add(seed, "fuzz-slug", "", "12.00", "3")
		f.Add("Fuzz", "fuzz-"+strings.ToLower(models.NewID()[20:]), seed, "12.00", "3") // a text that alone could reach the database
		f.Add("Fuzz", seed, "", seed, seed)
	}
	f.Fuzz(func(t *testing.T, name, slug, text, amount, count string) {
		c := admin(t)
		product := url.Values{"name": {name}, "slug": {slug}, "description": {text}, "price": {amount}, "stock": {count}, "active": {"on"}}
		no5xx(t, postMultipart(t, c, "/admin/products", product, nil), "new product", name, slug, text, amount, count)
		discount := url.Values{"code": {name}, "kind": {slug}, "percent_off": {count}, "amount_off": {amount},
			"starts_at": {text}, "ends_at": {text}, "max_redemptions": {count}, "min_subtotal": {amount}, "active": {"on"}}
		no5xx(t, c.PostForm("/admin/discounts", discount), "new discount", name, slug, text, amount, count)
	})
}
