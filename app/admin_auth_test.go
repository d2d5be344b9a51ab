package app_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/app"
	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

const (
	adminEmail    = "owner@example.com"
	adminPassword = "owner-password-1"
	apiToken      = "0123456789abcdef0123456789abcdef-token"
)

// newAdminServer is a shop with one admin (from ADMIN_EMAIL/ADMIN_PASSWORD) and an ADMIN_API_TOKEN.
func newAdminServer(t *testing.T) *apptest.Server {
	t.Helper()
	return newAccountServer(t, map[string]string{
		"ADMIN_EMAIL": adminEmail, "ADMIN_PASSWORD": adminPassword, "ADMIN_API_TOKEN": apiToken,
	})
}

// adminLogin posts the staff sign-in form.
func adminLogin(c *apptest.Client, email, password string, next ...string) apptest.Response {
	form := credentials(email, password)
	if len(next) > 0 {
		form.Set("next", next[0])
	}
	return c.PostForm("/admin/login", form)
}

func signedInAdmin(t *testing.T, s *apptest.Server) *apptest.Client {
	t.Helper()
	c := visitor(t, s)
	adminLogin(c, adminEmail, adminPassword).Expect(t, http.StatusSeeOther)
	return c
}

func TestAdminFromTheEnvironment(t *testing.T) {
	dbURL := apptest.DatabaseURL(t)
	first := newAccountServer(t, map[string]string{"DATABASE_URL": dbURL, "ADMIN_EMAIL": "Boss@Example.com", "ADMIN_PASSWORD": "first-password-1"})
	adminLogin(visitor(t, first), "boss@example.com", "first-password-1").Expect(t, http.StatusSeeOther)
	first.Close()

	t.Run("a restart with another ADMIN_PASSWORD leaves the existing admin's password alone", func(t *testing.T) {
		second := newAccountServer(t, map[string]string{"DATABASE_URL": dbURL, "ADMIN_EMAIL": "boss@example.com", "ADMIN_PASSWORD": "second-password-2"})
		adminLogin(visitor(t, second), "boss@example.com", "second-password-2").Expect(t, http.StatusUnprocessableEntity)
		adminLogin(visitor(t, second), "boss@example.com", "first-password-1").Expect(t, http.StatusSeeOther)
		var n int64
		second.App.DB().Model(&models.Admin{}).Count(&n)
		if n != 1 {
			t.Errorf("%d admins, want 1", n)
		}
		second.Close()
	})

	t.Run("a restart never undoes admin create", func(t *testing.T) {
		s := newAccountServer(t, map[string]string{"DATABASE_URL": dbURL})
		if _, err := models.UpsertAdmin(t.Context(), s.App.DB().DB, "boss@example.com", "changed-password-3"); err != nil {
			t.Fatal(err)
		}
		s.Close()
		again := newAccountServer(t, map[string]string{"DATABASE_URL": dbURL, "ADMIN_EMAIL": "boss@example.com", "ADMIN_PASSWORD": "first-password-1"})
		adminLogin(visitor(t, again), "boss@example.com", "first-password-1").Expect(t, http.StatusUnprocessableEntity)
		adminLogin(visitor(t, again), "boss@example.com", "changed-password-3").Expect(t, http.StatusSeeOther)
		again.Close()
	})

	t.Run("a restart does not lift a lockout", func(t *testing.T) {
		s := newAccountServer(t, map[string]string{"DATABASE_URL": dbURL})
		guesser := visitor(t, s)
		for range models.AdminMaxFailedLogins {
			adminLogin(guesser, "boss@example.com", "wrong-password").Expect(t, http.StatusUnprocessableEntity)
		}
		s.Close()
		again := newAccountServer(t, map[string]string{"DATABASE_URL": dbURL, "ADMIN_EMAIL": "boss@example.com", "ADMIN_PASSWORD": "changed-password-3"})
		// The same source is still locked out, even with the right password.
		source := guesser.HTTP.Transport.(forwardedFor).ip
		sameSource := visitor(t, again)
		sameSource.HTTP.Transport = forwardedFor{ip: source}
		adminLogin(sameSource, "boss@example.com", "changed-password-3").Expect(t, http.StatusUnprocessableEntity)
		if _, err := models.AuthenticateAdmin(t.Context(), again.App.DB().DB, "boss@example.com", "changed-password-3", source, time.Now()); !errors.Is(err, models.ErrAdminLocked) {
			t.Errorf("after a restart the lock is gone: %v", err)
		}
	})
}

func TestAdminSignInAndOut(t *testing.T) {
	s := newAdminServer(t)
	c := visitor(t, s)

	res := c.Get("/admin/orders?status=paid").Expect(t, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/login?next=%2Fadmin%2Forders%3Fstatus%3Dpaid" {
		t.Fatalf("anonymous admin page went to %q", loc)
	}
	page := c.Get(res.Header.Get("Location")).Expect(t, http.StatusOK)
	for _, want := range []string{`action="/admin/login"`, `name="next" value="/admin/orders?status=paid"`,
		`autocomplete="username"`, `autocomplete="current-password"`, `name="csrf_token"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("sign-in page lacks %s", want)
		}
	}

	before := sessionCookie(t, s, c)
	res = adminLogin(c, "OWNER@example.com", adminPassword, "/admin/orders?status=paid").Expect(t, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/orders?status=paid" {
		t.Errorf("after sign-in: to %q", loc)
	}
	if after := sessionCookie(t, s, c); before != nil && after.Value == before.Value {
		t.Error("the session was not rotated at admin sign-in")
	}
	c.Get("/admin").Expect(t, http.StatusOK) // the dashboard
	if res := c.Get("/admin/login").Expect(t, http.StatusSeeOther); res.Header.Get("Location") != "/admin/orders" {
		t.Errorf("signed-in visit of the sign-in page went to %q", res.Header.Get("Location"))
	}
	c.Get("/admin/api/ping").Expect(t, http.StatusOK)

	c.PostForm("/admin/logout", url.Values{}).Expect(t, http.StatusSeeOther)
	if loc := c.Get("/admin").Expect(t, http.StatusSeeOther).Header.Get("Location"); !strings.HasPrefix(loc, "/admin/login") {
		t.Errorf("after sign-out /admin went to %q", loc)
	}
	c.Get("/admin/api/ping").Expect(t, http.StatusUnauthorized)

	t.Run("next may only be a path of this shop", func(t *testing.T) {
		for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "admin/orders"} {
			c := visitor(t, s)
			res := adminLogin(c, adminEmail, adminPassword, next).Expect(t, http.StatusSeeOther)
			if loc := res.Header.Get("Location"); loc != "/admin/orders" {
				t.Errorf("next=%q went to %q", next, loc)
			}
		}
	})
}

func TestAdminSignInFailuresAndLockout(t *testing.T) {
	s := newAdminServer(t)
	msg := "Email or password is incorrect."

	unknown := adminLogin(visitor(t, s), "nobody@example.com", adminPassword).Expect(t, http.StatusUnprocessableEntity)
	if !strings.Contains(unknown.Body, msg) {
		t.Fatalf("unknown email:\n%s", unknown.Body)
	}
	// Five wrong passwords from one address lock the account for that address: the lock is per account and
	// source, so that a stranger never locks the real admin out. (Through HTTP the per-IP limit answers 429 at
	// the sixth attempt; the lock is what holds once it lets the address try again.)
	stranger := visitor(t, s)
	for i := range models.AdminMaxFailedLogins {
		res := adminLogin(stranger, adminEmail, "wrong-password").Expect(t, http.StatusUnprocessableEntity)
		if !strings.Contains(res.Body, msg) {
			t.Fatalf("failure %d:\n%s", i+1, res.Body)
		}
	}
	var a models.Admin
	s.App.DB().Where("email = ?", adminEmail).Take(&a)
	until, err := models.AdminLockedUntil(t.Context(), s.App.DB().DB, a.ID, stranger.HTTP.Transport.(forwardedFor).ip)
	if err != nil || until == nil || time.Until(*until) < 14*time.Minute {
		t.Fatalf("locked_until = %v (%v)", until, err)
	}
	// A locked source gets the same page as an unknown email.
	locked := visitor(t, s)
	for range models.AdminMaxFailedLogins {
		models.AuthenticateAdmin(t.Context(), s.App.DB().DB, adminEmail, "wrong-password", locked.HTTP.Transport.(forwardedFor).ip, time.Now())
	}
	lockedPage := adminLogin(locked, adminEmail, adminPassword).Expect(t, http.StatusUnprocessableEntity)
	if !strings.Contains(lockedPage.Body, msg) {
		t.Errorf("locked account:\n%s", lockedPage.Body)
	}
	strip := func(r apptest.Response, email string) string {
		return withoutTokens(strings.ReplaceAll(r.Body, email, "EMAIL"))
	}
	if strip(lockedPage, adminEmail) != strip(unknown, "nobody@example.com") {
		t.Error("a locked account's page differs from an unknown email's")
	}
	// The real admin, from elsewhere, is not locked out.
	adminLogin(visitor(t, s), adminEmail, adminPassword).Expect(t, http.StatusSeeOther)
}

func TestAdminSignInIsRateLimitedPerIP(t *testing.T) {
	s := newAdminServer(t)
	c := visitor(t, s)
	for range 5 {
		adminLogin(c, "nobody@example.com", "wrong-password").Expect(t, http.StatusUnprocessableEntity)
	}
	res := adminLogin(c, adminEmail, adminPassword).Expect(t, http.StatusTooManyRequests)
	if !strings.Contains(res.Body, "Too many attempts. Wait a minute and try again.") {
		t.Errorf("429 page:\n%s", res.Body)
	}
}

func TestAdminSessionEndsWhenIdle(t *testing.T) {
	s := newAdminServer(t)
	c := signedInAdmin(t, s)
	c.Get("/admin/api/ping").Expect(t, http.StatusOK)

	app.SetAdminIdleTimeout(s.App, time.Nanosecond) // every session is now idle for too long
	res := c.Get("/admin/orders").Expect(t, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/admin/login?next=%2Fadmin%2Forders" {
		t.Fatalf("idle session went to %q", loc)
	}
	app.SetAdminIdleTimeout(s.App, 0)
	page := c.Get(res.Header.Get("Location")).Expect(t, http.StatusOK)
	if !strings.Contains(page.Body, "Your session expired") {
		t.Errorf("sign-in page lacks the expiry message:\n%s", page.Body)
	}
	c.Get("/admin/api/ping").Expect(t, http.StatusUnauthorized) // the admin was signed out

	t.Run("the API ends an idle session too", func(t *testing.T) {
		c := signedInAdmin(t, s)
		app.SetAdminIdleTimeout(s.App, time.Nanosecond)
		defer app.SetAdminIdleTimeout(s.App, 0)
		var body struct {
			Error struct{ Type, Message string }
		}
		c.Get("/admin/api/ping").Expect(t, http.StatusUnauthorized).DecodeJSON(t, &body)
		if body.Error.Type != "authentication_error" || !strings.Contains(body.Error.Message, "expired") {
			t.Errorf("error %+v", body.Error)
		}
	})
}

func TestAdminGuards(t *testing.T) {
	s := newAdminServer(t)
	anonymous := visitor(t, s)
	shopper := visitor(t, s)
	signUpAndIn(t, shopper, "shopper@example.com", "shopper-password")
	admin := signedInAdmin(t, s)
	bearer := func(token string) http.Header { return http.Header{"Authorization": {"Bearer " + token}} }

	type check struct {
		who    string
		c      *apptest.Client
		header http.Header
		status int
		where  string // Location prefix for redirects, error type for JSON
	}
	pages := []string{"/admin", "/admin/orders", "/admin/products", "/admin/discounts", "/admin/no-such-page"}
	for _, path := range pages {
		want := http.StatusOK
		switch {
		case path == "/admin/no-such-page" || !routeExists(s, path):
			want = http.StatusNotFound
		}
		for _, tc := range []check{
			{"anonymous", anonymous, nil, http.StatusSeeOther, "/admin/login?next="},
			{"a shopper", shopper, nil, http.StatusForbidden, ""},
			{"an admin", admin, nil, want, ""},
			{"a bearer token (API only)", visitor(t, s), bearer(apiToken), http.StatusSeeOther, "/admin/login?next="},
		} {
			t.Run("GET "+path+" as "+tc.who, func(t *testing.T) {
				res := tc.c.Do(http.MethodGet, path, nil, tc.header).Expect(t, tc.status)
				if tc.where != "" && !strings.HasPrefix(res.Header.Get("Location"), tc.where) {
					t.Errorf("to %q", res.Header.Get("Location"))
				}
				if tc.status == http.StatusForbidden && !strings.Contains(res.Body, "for its staff") {
					t.Errorf("403 page:\n%s", res.Body)
				}
			})
		}
	}

	for _, tc := range []check{
		{"anonymous", anonymous, nil, http.StatusUnauthorized, "authentication_error"},
		{"a shopper", shopper, nil, http.StatusForbidden, "permission_error"},
		{"an admin", admin, nil, http.StatusOK, ""},
		{"the bearer token", visitor(t, s), bearer(apiToken), http.StatusOK, ""},
		{"a wrong bearer token", visitor(t, s), bearer(apiToken + "x"), http.StatusUnauthorized, "authentication_error"},
		{"an empty bearer token", visitor(t, s), bearer(""), http.StatusUnauthorized, "authentication_error"},
		{"basic auth", visitor(t, s), http.Header{"Authorization": {"Basic b3duZXI6cHc="}}, http.StatusUnauthorized, "authentication_error"},
		{"a shopper with a wrong token", shopper, bearer("nope"), http.StatusUnauthorized, "authentication_error"},
	} {
		t.Run("GET /admin/api/ping as "+tc.who, func(t *testing.T) {
			res := tc.c.Do(http.MethodGet, "/admin/api/ping", nil, tc.header).Expect(t, tc.status)
			if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
				t.Errorf("content type %q", res.Header.Get("Content-Type"))
			}
			var body struct {
				OK    bool
				Error struct{ Type, Message string }
			}
			res.DecodeJSON(t, &body)
			if tc.status == http.StatusOK && !body.OK {
				t.Errorf("body %s", res.Body)
			}
			if tc.where != "" && (body.Error.Type != tc.where || body.Error.Message == "") {
				t.Errorf("error %+v", body.Error)
			}
		})
	}

	t.Run("the bearer token needs no CSRF token; an admin session does", func(t *testing.T) {
		// No POST route exists yet under /admin/api, so an unknown path shows what the guards let through:
		// 404 means the request passed authentication and CSRF.
		post := func(c *apptest.Client, h http.Header) int {
			if h == nil {
				h = http.Header{}
			}
			h.Set("Content-Type", "application/json")
			return c.Do(http.MethodPost, "/admin/api/no-such-thing", strings.NewReader(`{}`), h).StatusCode
		}
		if got := post(visitor(t, s), bearer(apiToken)); got != http.StatusNotFound {
			t.Errorf("bearer without CSRF: %d, want 404", got)
		}
		if got := post(admin, nil); got != http.StatusForbidden {
			t.Errorf("admin session without CSRF: %d, want 403", got)
		}
		if got := post(admin, http.Header{"X-CSRF-Token": {admin.CSRF}}); got != http.StatusNotFound {
			t.Errorf("admin session with CSRF: %d, want 404", got)
		}
		if got := post(anonymous, nil); got != http.StatusUnauthorized {
			t.Errorf("anonymous: %d, want 401", got)
		}
	})
}

// routeExists reports whether another part of the shop has registered a GET route for path.
func routeExists(s *apptest.Server, path string) bool {
	for _, r := range app.Routes(s.App) {
		if r.Method == http.MethodGet && r.Path == path {
			return true
		}
	}
	return false
}
