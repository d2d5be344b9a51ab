package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/storefront/storefront/app"
)

// BenchmarkCheckoutConfirm is POST /checkout/confirm of a one-product cart with Stripe's succeeding test card,
// against the in-process simulator without latency: price, order and stock in one transaction, the
// PaymentIntent created and confirmed over loopback, the order marked paid. Carts and ConfirmationTokens are
// made before the timer starts. (The simulator's webhooks have nowhere to go here: the inbox is not part of it.)
func BenchmarkCheckoutConfirm(b *testing.B) {
	h, add, cookies, ps := benchCart(b)
	type payer struct{ cookie, token string }
	payers := make([]payer, b.N)
	for i := range payers {
		delete(cookies, "sf_session")
		add(ps[i%len(ps)].ID, http.StatusSeeOther)
		payers[i] = payer{cookie: "sf_csrf=" + benchCSRF + "; sf_session=" + cookies["sf_session"], token: benchToken(b, h)}
	}
	body := func(token string) []byte {
		buf, _ := json.Marshal(map[string]any{"confirmation_token_id": token, "email": "jenny.rosen@example.com",
			"shipping": map[string]any{"name": "Jenny Rosen", "address": map[string]any{"line1": "1234 Main Street",
				"city": "San Francisco", "state": "CA", "postal_code": "94111", "country": "US"}}})
		return buf
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		req := httptest.NewRequest(http.MethodPost, "/checkout/confirm", bytes.NewReader(body(payers[i].token)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("X-CSRF-Token", benchCSRF)
		req.Header.Set("Cookie", payers[i].cookie)
		req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:1234", i>>16&255, i>>8&255, i&255) // payments are limited per client address
		rec := benchDo(b, h, req, http.StatusOK)
		if !strings.Contains(rec.Body.String(), `"status":"succeeded"`) {
			b.Fatalf("confirm: %s", rec.Body.String())
		}
	}
}

// benchToken makes a ConfirmationToken at the simulator as Stripe.js does (publishable key).
func benchToken(b *testing.B, h http.Handler) string {
	form := url.Values{"payment_method_data[type]": {"card"}, "payment_method_data[card][number]": {"4242424242424242"},
		"payment_method_data[card][exp_month]": {"12"}, "payment_method_data[card][exp_year]": {"2031"},
		"payment_method_data[card][cvc]": {"123"}, "return_url": {"http://localhost/checkout/complete"}}
	req := httptest.NewRequest(http.MethodPost, app.SimBasePath+"/v1/confirmation_tokens", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+app.SimPublishableKey)
	rec := benchDo(b, h, req, http.StatusOK)
	var tok struct{ ID string }
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.ID == "" {
		b.Fatalf("token: %s", rec.Body.String())
	}
	return tok.ID
}
