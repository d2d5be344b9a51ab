package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storefront/storefront/app"
	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

// The attacks of the security review, each shown failing.

const metricsToken = "metrics-token-0123456789abcdef0123456789"

func TestSecurityMetricsNeedABearerToken(t *testing.T) {
	s := apptest.New(t, apptest.Options{Env: map[string]string{"METRICS_TOKEN": metricsToken, "ADMIN_API_TOKEN": apiToken}})
	c := s.Client(t)
	bearer := func(token string) http.Header { return http.Header{"Authorization": {"Bearer " + token}} }
	for name, h := range map[string]http.Header{
		"no header":          nil,
		"a wrong token":      bearer("metrics-token-0123456789abcdef012345678X"),
		"a prefix of it":     bearer(metricsToken[:20]),
		"another scheme":     {"Authorization": {"Basic " + metricsToken}},
		"an empty bearer":    bearer(""),
		"the token as query": nil,
	} {
		t.Run(name+" gets 401", func(t *testing.T) {
			path := "/metrics"
			if name == "the token as query" {
				path += "?token=" + metricsToken
			}
			res := c.Do(http.MethodGet, path, nil, h).Expect(t, http.StatusUnauthorized)
			if strings.Contains(res.Body, "storefront_http_requests_total") {
				t.Error("metrics leaked")
			}
		})
	}
	for name, token := range map[string]string{"METRICS_TOKEN": metricsToken, "ADMIN_API_TOKEN": apiToken} {
		t.Run(name+" is let in", func(t *testing.T) {
			res := c.Do(http.MethodGet, "/metrics", nil, bearer(token)).Expect(t, http.StatusOK)
			if !strings.Contains(res.Body, "storefront_http_requests_total") {
				t.Errorf("no metrics: %.300s", res.Body)
			}
		})
	}
	t.Run("with no token set, /metrics is closed to all", func(t *testing.T) {
		open := apptest.New(t)
		open.Client(t).Get("/metrics").Expect(t, http.StatusUnauthorized)
		open.Client(t).Do(http.MethodGet, "/metrics", nil, bearer("")).Expect(t, http.StatusUnauthorized)
	})
}

func TestSecurityClientRequestIDsAreKeptOnlyWhenTokenShaped(t *testing.T) {
	s := apptest.New(t)
	c := s.Client(t)
	forged := map[string]string{
		"a megabyte":        strings.Repeat("A", 1<<20),
		"a long id":         strings.Repeat("a", 65),
		"markup":            `<script>alert(1)</script>`,
		"a forged log line": `x" level=ERROR msg="admin signed in`,
		"json":              `{"request_id":"req_1"}`,
		"spaces":            "abc def ghi",
		"too short":         "abc",
		"non-ASCII":         "réquête-0123456789",
	}
	for name, id := range forged {
		t.Run(name+" is replaced", func(t *testing.T) {
			res := c.Do(http.MethodGet, "/healthz", nil, http.Header{"X-Request-Id": {id}}).Expect(t, http.StatusOK)
			got := res.Header.Get("X-Request-Id")
			if got == id || !strings.HasPrefix(got, "req_") {
				t.Errorf("request id %.80q", got)
			}
		})
	}
	for _, id := range []string{"0f8fad5b-d9cb-469f-a165-70867728950e", "req_0123456789abcdef", "Root=1-67891233-abcdef012345678912345678"} {
		t.Run(id+" is kept", func(t *testing.T) {
			res := c.Do(http.MethodGet, "/healthz", nil, http.Header{"X-Request-Id": {id}}).Expect(t, http.StatusOK)
			if got := res.Header.Get("X-Request-Id"); got != id {
				t.Errorf("request id %q, want %q", got, id)
			}
		})
	}
	logs := s.Logs.String()
	for name, id := range forged {
		if len(id) >= 8 && strings.Contains(logs, id) {
			t.Errorf("the logs hold %s", name)
		}
	}
}

func TestSecurityCSPReportsAreRateLimited(t *testing.T) {
	s := apptest.New(t)
	c := s.Client(t)
	report := `{"csp-report":{"document-uri":"http://shop/x","blocked-uri":"https://evil.example/a.js","violated-directive":"script-src"}}`
	limited := 0
	for range 60 {
		res := c.Do(http.MethodPost, "/csp-report", strings.NewReader(report), http.Header{"Content-Type": {"application/csp-report"}})
		if res.StatusCode == http.StatusTooManyRequests {
			limited++
		} else if res.StatusCode != http.StatusNoContent {
			t.Fatalf("status %d", res.StatusCode)
		}
	}
	if limited == 0 {
		t.Fatal("60 reports in a row were all taken")
	}
	if n := strings.Count(s.Logs.String(), "csp violation"); n > 30 {
		t.Errorf("%d csp violations logged", n)
	}
}

func TestSecurityDatabaseURLsAreLoggedWithoutPasswords(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://shop:s3cret@db:5432/shop?sslmode=require":         "postgres://shop:xxxxx@db:5432/shop?sslmode=require",
		"postgres://db/shop?password=s3cret&user=shop":                "postgres://db/shop?password=xxxxx&user=shop",
		"postgresql://db/shop?sslmode=verify-full&sslpassword=s3cret": "postgresql://db/shop?sslmode=verify-full&sslpassword=xxxxx",
		"postgres://shop:s3cret@db/shop?Password=s3cret":              "postgres://shop:xxxxx@db/shop?Password=xxxxx",
		"postgres://shop@db/shop":                                     "postgres://shop@db/shop",
		"sqlite://storefront.db":                                      "sqlite://storefront.db",
		"postgres://shop:s3cret@db/shop?%zz=s3cret":                   "",
		"postgres://shop:s3cret@[::1/shop":                            "[unparsable database URL]",
	} {
		got := app.RedactDSN(in)
		if strings.Contains(got, "s3cret") || (want != "" && got != want) {
			t.Errorf("RedactDSN(%q) = %q, want %q", in, got, want)
		}
	}
}

// stalledBody is a request body that sends its start and then nothing until the test ends: a server that
// parses it waits, one that answers from the headers does not.
type stalledBody struct {
	start io.Reader
	done  <-chan struct{}
}

func (b *stalledBody) Read(p []byte) (int, error) {
	if n, err := b.start.Read(p); err != io.EOF {
		return n, err
	}
	<-b.done
	return 0, io.ErrUnexpectedEOF
}

func TestSecurityProductFormsCheckTheAdminBeforeReadingTheBody(t *testing.T) {
	s := newAdminServer(t)
	stranger := visitor(t, s)
	shopperC := visitor(t, s)
	signUpAndIn(t, shopperC, "jenny@example.com", "correct horse battery")
	for name, tc := range map[string]struct {
		c    *apptest.Client
		want int
	}{
		"a stranger": {stranger, http.StatusSeeOther}, "a signed-in shopper": {shopperC, http.StatusForbidden},
	} {
		for _, path := range []string{"/admin/products", "/admin/products/01ARZ3NDEKTSV4RRFFQ69G5FAV"} {
			t.Run(name+" posting to "+path, func(t *testing.T) {
				start := "--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n" + tc.c.CSRF + "\r\n" +
					"--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n" +
					strings.Repeat("x", 32<<10)
				ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
				defer cancel()
				body := &stalledBody{start: strings.NewReader(start), done: ctx.Done()}
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+path, body)
				req.ContentLength = 2 << 20
				req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
				res, err := tc.c.HTTP.Do(req)
				if err != nil {
					t.Fatalf("no answer before the body was sent (the server reads the form before checking the admin): %v", err)
				}
				res.Body.Close()
				if res.StatusCode != tc.want {
					t.Errorf("status %d, want %d", res.StatusCode, tc.want)
				}
			})
		}
	}
}

func TestSecurityWebhooksAreRefusedWithTestKeysAndNoSecret(t *testing.T) {
	s := apptest.New(t, apptest.Options{Env: map[string]string{
		"STRIPE_SECRET_KEY": "sk_test_nosecret", "STRIPE_PUBLISHABLE_KEY": "pk_test_nosecret",
		"STRIPE_API_BASE": "http://127.0.0.1:9", // nothing of Stripe is reached in this test
	}})
	if s.App.Config().StripeWebhookSecret != "" || s.App.Simulator() != nil {
		t.Fatal("the shop under test has a webhook secret")
	}
	o := seedOrders(t, s, time.Now(), 1, func(_ int, o *models.Order) { o.Status, o.PaymentIntentID = models.StatusPending, nil })[0]
	paid := event("evt_forged_paid", "payment_intent.succeeded", time.Now().Unix(), map[string]any{
		"id": "pi_forged", "object": "payment_intent", "status": "succeeded", "amount": o.Total, "amount_received": o.Total,
		"currency": o.Currency, "metadata": map[string]string{"order_id": o.ID},
	})
	for name, sig := range map[string]func() (body []byte, signature string){
		"signed with an empty secret": func() ([]byte, string) { return s.SignedEvent(paid, time.Now()) },
		"unsigned":                    func() ([]byte, string) { return paid, "" },
		"with a made-up signature":    func() ([]byte, string) { return paid, "t=1,v1=deadbeef" },
	} {
		t.Run("an event "+name+" is refused", func(t *testing.T) {
			body, header := sig()
			res := s.PostRawEvent(t, body, header)
			if res.StatusCode < 400 {
				t.Fatalf("status %d: the event was taken", res.StatusCode)
			}
		})
	}
	s.App.Worker().Drain(t.Context())
	if _, ok := inboxRow(t, s, "evt_forged_paid"); ok {
		t.Error("the forged event is in the inbox")
	}
	if got := reload(t, s, o); got.Status != o.Status {
		t.Errorf("order went %s → %s", o.Status, got.Status)
	}
	logs := s.Logs.String()
	if !strings.Contains(logs, "STRIPE_WEBHOOK_SECRET is unset") || !strings.Contains(logs, "stripe listen --forward-to") {
		t.Errorf("no warning naming the fix:\n%.3000s", logs)
	}
	if n := strings.Count(logs, "webhooks refused: STRIPE_WEBHOOK_SECRET is unset"); n != 1 {
		t.Errorf("the fix was logged %d times for 3 refused events, want once", n)
	}
}

// PostgreSQL refuses NUL bytes and invalid UTF-8 in query values with an error; these inputs are simply not
// found (run with TEST_DB=postgres to see it on PostgreSQL; fuzz_inputs_test.go tries every text input).
func TestSecurityNULBytesAndInvalidUTF8AreNotFoundNotAServerError(t *testing.T) {
	s := newAdminServer(t)
	shopperC := s.Client(t)
	admin := signedInAdmin(t, s)
	for _, bad := range []string{"pi_\x00", "pi_a\x00b", "pi_\xff\xfe", "pi_\xc3("} {
		shopperC.Get("/checkout/complete?payment_intent="+url.QueryEscape(bad)).Expect(t, http.StatusNotFound)
		q := url.Values{"q": {bad[3:]}}.Encode()
		if res := admin.Get("/admin/orders?" + q); res.StatusCode >= 500 {
			t.Errorf("admin search %q: %d", bad[3:], res.StatusCode)
		}
		if res := admin.Get("/admin/api/orders?" + q); res.StatusCode >= 500 {
			t.Errorf("admin API search %q: %d", bad[3:], res.StatusCode)
		}
	}
}

// withCookiesOf is a new browser holding a copy of c's cookies (a stolen or copied session cookie).
func withCookiesOf(t *testing.T, s *apptest.Server, c *apptest.Client) *apptest.Client {
	t.Helper()
	thief := visitor(t, s)
	u, _ := url.Parse(s.URL)
	thief.HTTP.Jar.SetCookies(u, c.HTTP.Jar.Cookies(u))
	return thief
}

func TestSecurityAdminSessionsLiveOnTheServer(t *testing.T) {
	s := newAdminServer(t)
	ping := func(c *apptest.Client) int { return c.Get("/admin/api/ping").StatusCode }

	t.Run("a copied cookie stops working after sign-out", func(t *testing.T) {
		admin := signedInAdmin(t, s)
		thief := withCookiesOf(t, s, admin)
		if ping(thief) != http.StatusOK {
			t.Fatal("the copy did not work before sign-out")
		}
		admin.PostForm("/admin/logout", url.Values{}).Expect(t, http.StatusSeeOther)
		if got := ping(thief); got != http.StatusUnauthorized {
			t.Errorf("the copied cookie after sign-out: %d", got)
		}
		if got := thief.Get("/admin/orders").StatusCode; got != http.StatusSeeOther {
			t.Errorf("the copied cookie after sign-out, admin page: %d", got)
		}
	})

	t.Run("only a hash of the token is stored", func(t *testing.T) {
		signedInAdmin(t, s)
		var rows []models.AdminSession
		s.App.DB().Find(&rows)
		for _, r := range rows {
			if len(r.TokenHash) != 64 {
				t.Errorf("token_hash %q", r.TokenHash)
			}
		}
		if len(rows) == 0 {
			t.Fatal("no session rows")
		}
	})

	t.Run("a new password (admin create, ADMIN_PASSWORD) signs every session out", func(t *testing.T) {
		a, b := signedInAdmin(t, s), signedInAdmin(t, s)
		if _, err := models.UpsertAdmin(t.Context(), s.App.DB().DB, adminEmail, "a-brand-new-password"); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*apptest.Client{a, b} {
			if got := ping(c); got != http.StatusUnauthorized {
				t.Errorf("a session from before the new password: %d", got)
			}
		}
		adminLogin(visitor(t, s), adminEmail, "a-brand-new-password").Expect(t, http.StatusSeeOther)
		if _, err := models.UpsertAdmin(t.Context(), s.App.DB().DB, adminEmail, adminPassword); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("the idle timeout is kept on the server", func(t *testing.T) {
		admin := signedInAdmin(t, s)
		thief := withCookiesOf(t, s, admin)
		// 31 minutes without a request, whatever any cookie says.
		s.App.DB().Model(&models.AdminSession{}).Where("1 = 1").Update("last_seen_at", time.Now().UTC().Add(-31*time.Minute))
		if got := ping(admin); got != http.StatusUnauthorized {
			t.Errorf("an idle session: %d", got)
		}
		if got := ping(thief); got != http.StatusUnauthorized {
			t.Errorf("a copy of an idle session: %d", got)
		}
	})

	t.Run("shopper and admin sign-outs are independent", func(t *testing.T) {
		c := visitor(t, s)
		signUpAndIn(t, c, "both@example.com", "correct horse battery")
		adminLogin(c, adminEmail, adminPassword).Expect(t, http.StatusSeeOther)
		c.Get("/account").Expect(t, http.StatusOK)

		c.PostForm("/account/logout", url.Values{}).Expect(t, http.StatusSeeOther)
		if got := ping(c); got != http.StatusOK {
			t.Errorf("the shopper's sign-out ended the admin session: %d", got)
		}
		c.PostForm("/account/login", credentials("both@example.com", "correct horse battery")).Expect(t, http.StatusSeeOther)
		c.PostForm("/admin/logout", url.Values{}).Expect(t, http.StatusSeeOther)
		if got := ping(c); got != http.StatusForbidden { // a shopper, no longer an admin
			t.Errorf("after the admin's sign-out: %d", got)
		}
		c.Get("/account").Expect(t, http.StatusOK) // still the shopper
	})
}

func TestSecurityRateLimitsCountIPv6ClientsBy64(t *testing.T) {
	s := newAdminServer(t)
	from := func(ip string) *apptest.Client {
		c := s.Client(t)
		c.HTTP.Transport = forwardedFor{ip: ip}
		return c
	}
	// One subscriber's /64 holds 2^64 addresses: a new one per attempt must not mean a new allowance.
	limited := false
	for i := range 12 {
		res := adminLogin(from(fmt.Sprintf("2001:db8:aa:bb::%x", i+1)), "nobody@example.com", "wrong-password")
		if res.StatusCode == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Error("12 sign-ins from one /64 were not limited")
	}
	adminLogin(from("2001:db8:aa:cc::1"), "nobody@example.com", "wrong-password").Expect(t, http.StatusUnprocessableEntity)
}

func TestSecuritySignInIsLimitedPerAccountButTheOwnerGetsIn(t *testing.T) {
	s := newAdminServer(t)
	owner := visitor(t, s)
	signUpAndIn(t, owner, "jenny@example.com", "correct horse battery")
	for name, tc := range map[string]struct {
		path, email, password string
	}{
		"shopper": {"/account/login", "jenny@example.com", "correct horse battery"},
		"admin":   {"/admin/login", adminEmail, adminPassword},
	} {
		t.Run(name, func(t *testing.T) {
			// A stranger guesses from many addresses (one per attempt gets past the per-IP limit).
			var dirty []*apptest.Client
			for range 30 {
				c := visitor(t, s)
				dirty = append(dirty, c)
				c.PostForm(tc.path, credentials(tc.email, "guess-"+randomWord())).Expect(t, http.StatusUnprocessableEntity)
			}
			held := true
			// Sources that failed on the account are held back once the account's failures outrun its rate.
			for _, c := range dirty[:5] {
				if res := c.PostForm(tc.path, credentials(tc.email, tc.password)); res.StatusCode != http.StatusTooManyRequests {
					held = false
				}
			}
			if !held {
				t.Error("guesses on one account from many addresses were not limited")
			}
			// The owner, from an address that did not fail, signs in.
			visitor(t, s).PostForm(tc.path, credentials(tc.email, tc.password)).Expect(t, http.StatusSeeOther)
		})
	}
}

func TestSecurityCheckoutReturnIsRateLimited(t *testing.T) {
	s := apptest.New(t)
	c := s.Client(t)
	for range 60 {
		if c.Get("/checkout/complete?payment_intent=pi_guess").StatusCode == http.StatusTooManyRequests {
			return
		}
	}
	t.Error("60 return_url visits were not limited")
}

var words atomic.Int64

func randomWord() string { return fmt.Sprint(words.Add(1)) }

func TestSecurityStripeCustomersAreKeptPerModeAndRecreatedWhenMissing(t *testing.T) {
	s := newAccountServer(t)
	c := visitor(t, s)
	signUpAndIn(t, c, "erin@example.com", "erin password 12")
	u := userByEmail(t, s, "erin@example.com")
	db := s.App.DB().DB
	// A customer from test mode, and one the simulator forgot when it restarted.
	if _, err := models.SetStripeCustomerFor(t.Context(), db, u.ID, models.StripeModeTest, "cus_from_test_mode"); err != nil {
		t.Fatal(err)
	}
	if _, err := models.SetStripeCustomerFor(t.Context(), db, u.ID, models.StripeModeSimulator, "cus_lost_in_a_restart"); err != nil {
		t.Fatal(err)
	}
	code, secret := customerSession(t, c)
	if code != http.StatusOK {
		t.Fatalf("customer session: %d", code)
	}
	got, _ := sessionCustomer(t, s, secret)
	if got == "" || got == "cus_lost_in_a_restart" || got != accountCustomer(t, s, "erin@example.com") {
		t.Fatalf("session for %q, stored %q", got, accountCustomer(t, s, "erin@example.com"))
	}
	if id, _ := models.StripeCustomerFor(t.Context(), db, u.ID, models.StripeModeTest); id != "cus_from_test_mode" {
		t.Errorf("the test-mode customer became %q", id)
	}
	// Paying works with the new customer (no "No such customer").
	c.PostForm("/cart/items", addForm(productID(t, s, "canvas-tote"), "1")).Expect(t, http.StatusSeeOther)
	c.Get("/checkout")
	if _, r := confirm(t, c, confirmBody(s.Token(t, "4242424242424242"))); r.Status != "succeeded" {
		t.Fatalf("pay: %+v", r)
	}
}
