package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/app/apptest"
)

// The fuzz targets post arbitrary input to the handlers that take input from strangers: never a panic, never a
// 5xx. `go test` runs the seeds below; `go test -fuzz FuzzConfirm ./app/` explores further.

func FuzzAddToCart(f *testing.F) {
	s := apptest.New(f)
	mug := productIDTB(f, s, "stoneware-mug")
	for _, seed := range [][2]string{{mug, "1"}, {mug, "-1"}, {mug, "99999999999999999999"}, {"", ""}, {"' OR 1=1 --", "1"},
		{mug, "1e3"}, {mug, " 2 "}, {strings.Repeat("A", 5000), "1"}, {mug, "\x00"}} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, productID, quantity string) {
		c := s.Client(t)
		res := c.PostForm("/cart/items", url.Values{"product_id": {productID}, "quantity": {quantity}})
		if res.StatusCode >= 500 {
			t.Fatalf("status %d for %q %q", res.StatusCode, productID, quantity)
		}
		if res := c.PostForm("/cart/items/"+url.PathEscape(productID), url.Values{"quantity": {quantity}}); res.StatusCode >= 500 {
			t.Fatalf("update: status %d", res.StatusCode)
		}
	})
}

func FuzzDiscount(f *testing.F) {
	s := apptest.New(f)
	for _, seed := range []string{`{"code":"WELCOME10"}`, `{"code":""}`, `{"code":null}`, `{"code":12}`, `{"code":"` + strings.Repeat("x", 10000) + `"}`,
		`not json`, `[]`, `{"code":"welcome10","amount":1}`, `{"code":"\u0000"}`, ``} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		c := s.Client(t)
		c.PostForm("/cart/items", addForm(productIDTB(t, s, "canvas-tote"), "1"))
		if res := c.PostJSON("/checkout/discount", body); res.StatusCode >= 500 {
			t.Fatalf("status %d for %q: %s", res.StatusCode, body, res.Body)
		}
	})
}

func FuzzConfirm(f *testing.F) {
	s := apptest.New(f)
	for _, seed := range []string{
		`{"confirmation_token_id":"ctoken_x","email":"a@example.com","shipping":{"name":"A","address":{"line1":"1","city":"C","postal_code":"1","country":"US"}}}`,
		`{"confirmation_token_id":"ctoken_` + strings.Repeat("9", 300) + `"}`, `{"shipping":{"address":"flat"}}`, `{"email":["a"]}`,
		`{"amount":-1,"currency":"xxx"}`, `null`, `{`, `{"confirmation_token_id":"ctoken_a\nb","email":"a@b.co"}`, ``,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		c := s.Client(t)
		c.PostForm("/cart/items", addForm(productIDTB(t, s, "cedar-candle"), "1"))
		if res := c.PostJSON("/checkout/confirm", body); res.StatusCode >= 500 {
			t.Fatalf("status %d for %q: %s", res.StatusCode, body, res.Body)
		}
	})
}

func FuzzWebhook(f *testing.F) {
	s := apptest.New(f)
	for _, seed := range []string{
		`{"id":"evt_1","object":"event","type":"payment_intent.succeeded","api_version":"2025-08-27.basil","created":1,"data":{"object":{"id":"pi_1","metadata":{"order_id":"01ARZ3NDEKTSV4RRFFQ69G5FAV"}}}}`,
		`{"id":"evt_2","type":"charge.refunded","api_version":"2025-08-27.basil","data":{"object":{"payment_intent":"pi_x","amount_refunded":-5}}}`,
		`{"id":"evt_3","type":"charge.dispute.closed","api_version":"2025-08-27.basil","data":{"object":{"payment_intent":{"id":"pi_y"},"status":7}}}`,
		`{"id":"","type":"","api_version":"","data":null}`, `[]`, `not json`, ``,
	} {
		f.Add([]byte(seed), true)
		f.Add([]byte(seed), false)
	}
	f.Fuzz(func(t *testing.T, body []byte, signed bool) {
		sig := "t=1,v1=00"
		if signed {
			body, sig = s.SignedEvent(body, time.Now())
		}
		if res := s.PostRawEvent(t, body, sig); res.StatusCode >= 500 {
			t.Fatalf("status %d", res.StatusCode)
		}
		s.App.Worker().Drain(t.Context()) // applying what was stored must not panic either
	})
}

// productIDTB is productID for any testing.TB (fuzz targets hold a *testing.F).
func productIDTB(t testing.TB, s *apptest.Server, slug string) string {
	t.Helper()
	res := s.Client(t).Get("/products/" + slug)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("product %s: %d", slug, res.StatusCode)
	}
	i := strings.Index(res.Body, `name="product_id" value="`)
	if i < 0 {
		t.Fatal("no product id on the page")
	}
	id := res.Body[i+len(`name="product_id" value="`):]
	return id[:strings.IndexByte(id, '"')]
}
