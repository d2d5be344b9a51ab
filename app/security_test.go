package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/storefront/storefront/app"
	"github.com/storefront/storefront/app/apptest"
)

func TestSecurityHeadersOnEveryPageType(t *testing.T) {
	s := apptest.New(t)
	o := placeOrder(t, s)
	c := shopper(t, s, "canvas-tote")
	pages := map[string]int{
		"/": 200, "/products/canvas-tote": 200, "/cart": 200, "/checkout": 200, "/orders/" + o.Number: 200,
		"/no/such/page": 404, "/account/login": 200, "/account/signup": 200, "/admin/login": 200,
		"/admin/api/ping": 401, "/healthz": 200,
	}
	for path, status := range pages {
		t.Run(path, func(t *testing.T) {
			res := c.Get(path).Expect(t, status)
			csp := res.Header.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'self'", "script-src 'self' https://js.stripe.com",
				"frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com",
				"connect-src 'self' https://api.stripe.com", "frame-ancestors 'none'", "object-src 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %q", csp, want)
				}
			}
			if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") == "" ||
				res.Header.Get("X-Frame-Options") != "DENY" {
				t.Errorf("headers %v", res.Header)
			}
			if res.Header.Get("Strict-Transport-Security") != "" {
				t.Error("HSTS over plain http")
			}
		})
	}
}

func TestBehindHTTPSCookiesAreSecureAndHSTSIsSent(t *testing.T) {
	s := apptest.New(t, apptest.Options{Tune: func(c *app.Config) { c.BaseURL = "https://shop.example.com" }})
	c := s.Client(t)
	res := c.PostForm("/cart/items", addForm(productID(t, s, "canvas-tote"), "1"))
	if res.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS")
	}
	var session string
	for _, ck := range res.Header.Values("Set-Cookie") {
		if strings.HasPrefix(ck, "sf_session=") {
			session = ck
		}
	}
	if session == "" || !strings.Contains(session, "Secure") || !strings.Contains(session, "HttpOnly") || !strings.Contains(session, "SameSite=Lax") {
		t.Errorf("session cookie %q", session)
	}
}

func TestDiscountAndConfirmAreRateLimitedPerClient(t *testing.T) {
	s := apptest.New(t, apptest.Options{Env: map[string]string{"TRUSTED_PROXIES": "127.0.0.1/32"},
		Tune: func(c *app.Config) { c.DiscountPerMinute, c.ConfirmPerMinute = 6, 4 }})
	a := shopper(t, s, "canvas-tote")
	a.HTTP.Transport = forwardedFor{ip: "203.0.113.7"}
	limited := func(c *apptest.Client, path string, body any) bool {
		for range 10 {
			if c.PostJSON(path, body).StatusCode == http.StatusTooManyRequests {
				return true
			}
		}
		return false
	}
	if !limited(a, "/checkout/discount", map[string]string{"code": "GUESS"}) {
		t.Error("discount guesses were not limited")
	}
	if !limited(a, "/checkout/confirm", map[string]string{}) {
		t.Error("confirms were not limited")
	}
	// Another client (another address through the trusted proxy) is not affected.
	b := shopper(t, s, "canvas-tote")
	b.HTTP.Transport = forwardedFor{ip: "203.0.113.8"}
	if res := b.PostJSON("/checkout/discount", map[string]string{"code": "WELCOME10"}); res.StatusCode != http.StatusOK {
		t.Errorf("another client was limited: %d", res.StatusCode)
	}
}

// The checkout, account and webhook flows run with the logs captured; none of the secrets or PII appear.
func TestLogsHoldNoSecretsOrPersonalData(t *testing.T) {
	const password = "correct horse battery staple"
	s := apptest.New(t, apptest.Options{Env: map[string]string{"STRIPE_WEBHOOK_SECRET": "whsec_loghygiene0123456789",
		"ADMIN_EMAIL": "owner@shop.example.com", "ADMIN_PASSWORD": "admin password 1234", "ADMIN_API_TOKEN": strings.Repeat("t", 40)}})

	c := s.Client(t)
	signUpAndIn(t, c, "jenny.rosen@example.com", password)
	c.PostForm("/cart/items", addForm(productID(t, s, "canvas-tote"), "1")).Expect(t, http.StatusSeeOther)
	c.Get("/checkout")
	confirm(t, c, confirmBody(s.Token(t, "4000000000000002")))
	_, r := confirm(t, c, confirmBody(s.Token(t, "4000002500003155")))
	o := orderByNumber(t, s, r.OrderNumber)
	s.Authenticate(t, *o.PaymentIntentID, r.ClientSecret, "complete")
	c.Get(r.NextURL)
	s.Settle(t)
	c.PostForm("/account/login", credentials("jenny.rosen@example.com", "wrong password")) // a failure is logged too
	c.Do(http.MethodGet, "/admin/api/ping", nil, http.Header{"Authorization": {"Bearer " + strings.Repeat("t", 40)}})
	s.PostRawEvent(t, []byte(`{"id":"evt_x"}`), "t=1,v1=deadbeef") // a refused signature is logged

	cookie := sessionCookie(t, s, c)
	logs := s.Logs.String()
	if !strings.Contains(logs, `"order":"`+o.Number) || !strings.Contains(logs, `"request_id":"req_`) {
		t.Fatalf("the logs lack what the checklist wants kept (order numbers, request ids):\n%.2000s", logs)
	}
	for what, secret := range map[string]string{
		"a card number":        "4242424242424242",
		"a declined card":      "4000000000000002",
		"a client secret":      r.ClientSecret,
		"the secret key":       app.SimSecretKey,
		"the webhook secret":   "whsec_loghygiene0123456789",
		"a password":           password,
		"the admin password":   "admin password 1234",
		"the API token":        strings.Repeat("t", 40),
		"a full email":         "jenny.rosen@example.com",
		"the admin email":      "owner@shop.example.com",
		"the session cookie":   cookie.Value,
		"any client secret":    "_secret_",
		"a confirmation token": "ctoken_",
	} {
		if secret != "" && strings.Contains(logs, secret) {
			i := strings.Index(logs, secret)
			t.Errorf("the logs hold %s: …%s…", what, logs[max(0, i-200):min(len(logs), i+100)])
		}
	}
}
