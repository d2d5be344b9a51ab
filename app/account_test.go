package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

const badCredentials = "Email or password is incorrect."

// newAccountServer is a shop that believes X-Forwarded-For from the test client, so that each client
// made by visitor has an IP address of its own and the per-IP sign-in limit counts per test client.
func newAccountServer(t *testing.T, env ...map[string]string) *apptest.Server {
	t.Helper()
	opts := apptest.Options{Env: map[string]string{"TRUSTED_PROXIES": "127.0.0.1/32"}}
	for _, e := range env {
		for k, v := range e {
			opts.Env[k] = v
		}
	}
	return apptest.New(t, opts)
}

var lastVisitorIP atomic.Int32

// visitor is a new browser with a fresh cookie jar and an IP address of its own.
func visitor(t *testing.T, s *apptest.Server) *apptest.Client {
	t.Helper()
	c := s.Client(t)
	n := lastVisitorIP.Add(1)
	c.HTTP.Transport = forwardedFor{ip: fmt.Sprintf("198.51.%d.%d", n/250, n%250+1)}
	return c
}

// forwardedFor is the proxy in front of the shop, telling it the client's address.
type forwardedFor struct{ ip string }

func (f forwardedFor) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", f.ip)
	return http.DefaultTransport.RoundTrip(r)
}

var csrfValue = regexp.MustCompile(`(name="csrf-token" content|name="csrf_token" value)="[^"]*"`)

// withoutTokens blanks the CSRF tokens of a page, which differ from browser to browser.
func withoutTokens(body string) string { return csrfValue.ReplaceAllString(body, `$1=""`) }

func credentials(email, password string) url.Values {
	return url.Values{"email": {email}, "password": {password}}
}

// signUpAndIn creates an account through the forms and signs in with it.
func signUpAndIn(t *testing.T, c *apptest.Client, email, password string) {
	t.Helper()
	c.PostForm("/account/signup", credentials(email, password)).Expect(t, http.StatusSeeOther)
	res := c.PostForm("/account/login", credentials(email, password)).Expect(t, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/account" {
		t.Fatalf("signed in to %q, want /account", loc)
	}
}

func sessionCookie(t *testing.T, s *apptest.Server, c *apptest.Client) *http.Cookie {
	t.Helper()
	u, _ := url.Parse(s.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "sf_session" {
			return ck
		}
	}
	return nil
}

func userByEmail(t *testing.T, s *apptest.Server, email string) models.User {
	t.Helper()
	var u models.User
	if err := s.App.DB().Where("email = ?", email).Take(&u).Error; err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	return u
}

func TestSignUpSignOutSignIn(t *testing.T) {
	s := newAccountServer(t)
	c := visitor(t, s)

	page := c.Get("/account/signup").Expect(t, http.StatusOK)
	for _, want := range []string{
		`action="/account/signup"`, `name="csrf_token"`, `<label for="email">`, `<label for="password">`,
		`name="email" type="email" autocomplete="email"`, `name="password" type="password" autocomplete="new-password"`,
	} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("sign-up form lacks %s", want)
		}
	}

	res := c.PostForm("/account/signup", credentials("Ada@Example.com", "lovelace1815")).Expect(t, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/account/login" {
		t.Fatalf("after sign-up: to %q", loc)
	}
	login := c.Get("/account/login").Expect(t, http.StatusOK)
	if !strings.Contains(login.Body, `value="ada@example.com"`) || !strings.Contains(login.Body, "Now sign in") {
		t.Errorf("sign-in page after sign-up lacks the email or the message:\n%s", login.Body)
	}
	for _, want := range []string{`autocomplete="username"`, `autocomplete="current-password"`} {
		if !strings.Contains(login.Body, want) {
			t.Errorf("sign-in form lacks %s", want)
		}
	}
	if u := userByEmail(t, s, "ada@example.com"); strings.Contains(u.PasswordHash, "lovelace") || !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
		t.Errorf("password stored as %q", u.PasswordHash)
	}

	res = c.PostForm("/account/login", credentials("ADA@example.com ", "lovelace1815")).Expect(t, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/account" {
		t.Fatalf("after sign-in: to %q", loc)
	}
	acct := c.Get("/account").Expect(t, http.StatusOK)
	if !strings.Contains(acct.Body, "ada@example.com") || !strings.Contains(acct.Body, "You have no orders yet") {
		t.Errorf("account page:\n%s", acct.Body)
	}
	if acct.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("account page may be cached: %q", acct.Header.Get("Cache-Control"))
	}
	if res := c.Get("/account/login").Expect(t, http.StatusSeeOther); res.Header.Get("Location") != "/account" {
		t.Errorf("signed-in visit of the sign-in page went to %q", res.Header.Get("Location"))
	}

	res = c.PostForm("/account/logout", url.Values{}).Expect(t, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/" {
		t.Errorf("after sign-out: to %q", loc)
	}
	if res := c.Get("/account").Expect(t, http.StatusSeeOther); res.Header.Get("Location") != "/account/login" {
		t.Errorf("signed-out /account went to %q", res.Header.Get("Location"))
	}
	c.PostForm("/account/login", credentials("ada@example.com", "lovelace1815")).Expect(t, http.StatusSeeOther)
	c.Get("/account").Expect(t, http.StatusOK)
}

func TestSignInFailuresAllLookTheSame(t *testing.T) {
	s := newAccountServer(t)
	signUpAndIn(t, visitor(t, s), "grace@example.com", "hopper1906")

	c := visitor(t, s)
	wrong := c.PostForm("/account/login", credentials("grace@example.com", "hopper1907"))
	unknown := c.PostForm("/account/login", credentials("nobody@example.com", "hopper1906"))
	malformed := c.PostForm("/account/login", credentials("not-an-email", "hopper1906"))
	for name, r := range map[string]apptest.Response{"wrong password": wrong, "unknown email": unknown, "malformed email": malformed} {
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, badCredentials) {
			t.Errorf("%s: status %d, body lacks %q", name, r.StatusCode, badCredentials)
		}
	}
	// Apart from the email typed in, the two pages are the same, byte for byte.
	a := strings.ReplaceAll(wrong.Body, "grace@example.com", "EMAIL")
	b := strings.ReplaceAll(unknown.Body, "nobody@example.com", "EMAIL")
	if a != b {
		t.Errorf("a wrong password and an unknown email give different pages:\n%s\n---\n%s", a, b)
	}
	if strings.Contains(wrong.Body, "hopper1907") {
		t.Error("the password was sent back in the page")
	}
	if res := c.Get("/account"); res.StatusCode != http.StatusSeeOther {
		t.Error("a failed sign-in signed in")
	}
}

func TestDuplicateSignUpDoesNotRevealTheAccount(t *testing.T) {
	s := newAccountServer(t)
	signUpAndIn(t, visitor(t, s), "taken@example.com", "original-pw")

	first, again := visitor(t, s), visitor(t, s)
	fresh := first.PostForm("/account/signup", credentials("fresh@example.com", "some-password"))
	dup := again.PostForm("/account/signup", credentials("Taken@example.com", "some-password"))
	if fresh.StatusCode != dup.StatusCode || fresh.Header.Get("Location") != dup.Header.Get("Location") {
		t.Fatalf("new email: %d → %q; existing email: %d → %q", fresh.StatusCode, fresh.Header.Get("Location"),
			dup.StatusCode, dup.Header.Get("Location"))
	}
	p1 := withoutTokens(strings.ReplaceAll(first.Get("/account/login").Body, "fresh@example.com", "EMAIL"))
	p2 := withoutTokens(strings.ReplaceAll(again.Get("/account/login").Body, "taken@example.com", "EMAIL"))
	if p1 != p2 {
		t.Errorf("the next page differs:\n%s\n---\n%s", p1, p2)
	}
	if strings.Contains(strings.ToLower(dup.Body+p2), "already exists") || strings.Contains(strings.ToLower(dup.Body+p2), "taken") {
		t.Error("the answer says the email is taken")
	}

	// The existing account keeps its password; the sign-up's password does not open it.
	again.PostForm("/account/login", credentials("taken@example.com", "some-password")).Expect(t, http.StatusUnprocessableEntity)
	again.PostForm("/account/login", credentials("taken@example.com", "original-pw")).Expect(t, http.StatusSeeOther)
	var n int64
	s.App.DB().Model(&models.User{}).Where("email = ?", "taken@example.com").Count(&n)
	if n != 1 {
		t.Errorf("%d accounts for one email", n)
	}
}

func TestSignUpRefusesBadInput(t *testing.T) {
	s := newAccountServer(t)
	cases := []struct {
		name, email, password, msg string
	}{
		{"a password of 7 characters", "a@example.com", "1234567", "At least 8 characters."},
		{"a password of 129 characters", "a@example.com", strings.Repeat("p", 129), "Use at most 128 characters."},
		{"an empty password", "a@example.com", "", "Enter a password."},
		{"an email without a domain", "ada@", "long-enough", "Enter an email address like name@example.com."},
		{"an email with a name", "Ada <ada@example.com>", "long-enough", "Enter an email address like name@example.com."},
		{"an email of 255 characters", strings.Repeat("a", 243) + "@example.com", "long-enough", "Enter an email address like name@example.com."},
	}
	for _, tc := range cases {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			res := visitor(t, s).PostForm("/account/signup", credentials(tc.email, tc.password)).Expect(t, http.StatusUnprocessableEntity)
			for _, want := range []string{tc.msg, `class="form-errors"`, `class="field__error"`, `aria-invalid="true"`} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("page lacks %s", want)
				}
			}
		})
	}
	var n int64
	s.App.DB().Model(&models.User{}).Count(&n)
	if n != 0 {
		t.Errorf("%d accounts were created", n)
	}

	t.Run("a form without its CSRF token is refused", func(t *testing.T) {
		c := visitor(t, s)
		c.Get("/account/signup")
		form := credentials("csrf@example.com", "long-enough")
		form.Set("csrf_token", "forged")
		c.PostForm("/account/signup", form).Expect(t, http.StatusForbidden)
		c.Do(http.MethodPost, "/account/login", strings.NewReader(credentials("csrf@example.com", "long-enough").Encode()),
			http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}).Expect(t, http.StatusForbidden)
		s.App.DB().Model(&models.User{}).Where("email = ?", "csrf@example.com").Count(&n)
		if n != 0 {
			t.Error("the account was created")
		}
	})
}

func TestSignInRotatesTheSession(t *testing.T) {
	s := newAccountServer(t)
	signUpAndIn(t, visitor(t, s), "rota@example.com", "rotate-me-1")

	c := visitor(t, s)
	c.PostForm("/cart/items", addForm(productID(t, s, "canvas-tote"), "1")).Expect(t, http.StatusSeeOther)
	before := sessionCookie(t, s, c)
	c.PostForm("/account/login", credentials("rota@example.com", "rotate-me-1")).Expect(t, http.StatusSeeOther)
	after := sessionCookie(t, s, c)
	if before == nil || after == nil || before.Value == after.Value {
		t.Fatal("the session cookie did not change at sign-in")
	}
	if !strings.Contains(c.Get("/cart").Body, "Canvas Tote") {
		t.Error("the cart was lost at sign-in")
	}

	// Someone holding the cookie from before the sign-in is not signed in.
	old := visitor(t, s)
	res := old.Do(http.MethodGet, "/account", nil, http.Header{"Cookie": {"sf_session=" + before.Value}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account/login" {
		t.Errorf("the old cookie reached the account: %d", res.StatusCode)
	}

	// Signing out rotates it again and forgets the account and its cart.
	c.PostForm("/account/logout", url.Values{}).Expect(t, http.StatusSeeOther)
	if out := sessionCookie(t, s, c); out == nil || out.Value == after.Value {
		t.Error("the session cookie did not change at sign-out")
	}
	if !strings.Contains(c.Get("/cart").Body, "Your cart is empty") {
		t.Error("the account's cart stayed in the browser after signing out")
	}
}

func TestSignInAndSignUpAreRateLimitedPerIP(t *testing.T) {
	s := newAccountServer(t)
	c := visitor(t, s)
	for i := range 5 {
		if i%2 == 0 {
			c.PostForm("/account/login", credentials("x@example.com", "wrong-password")).Expect(t, http.StatusUnprocessableEntity)
		} else {
			c.PostForm("/account/signup", credentials("bad", "short")).Expect(t, http.StatusUnprocessableEntity)
		}
	}
	res := c.PostForm("/account/login", credentials("x@example.com", "wrong-password")).Expect(t, http.StatusTooManyRequests)
	if !strings.Contains(res.Body, "Too many attempts. Wait a minute and try again.") {
		t.Errorf("429 page:\n%s", res.Body)
	}
	if res.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	c.PostForm("/account/signup", credentials("y@example.com", "long-enough")).Expect(t, http.StatusTooManyRequests)
	c.Get("/account/login").Expect(t, http.StatusOK) // the forms themselves stay open

	// Another address is not held back.
	visitor(t, s).PostForm("/account/login", credentials("x@example.com", "wrong-password")).Expect(t, http.StatusUnprocessableEntity)
}

func TestGuestCartJoinsTheAccountAtSignIn(t *testing.T) {
	s := newAccountServer(t)
	mug, tote, headphones := productID(t, s, "stoneware-mug"), productID(t, s, "canvas-tote"), productID(t, s, "studio-headphones")

	t.Run("an account without a cart takes the guest cart", func(t *testing.T) {
		c := visitor(t, s)
		c.PostForm("/cart/items", addForm(mug, "2")).Expect(t, http.StatusSeeOther)
		signUpAndIn(t, c, "claim@example.com", "claim-password")
		if body := c.Get("/cart").Body; !strings.Contains(body, `data-testid="subtotal">$32.00`) {
			t.Errorf("cart after sign-in:\n%s", body)
		}
		u := userByEmail(t, s, "claim@example.com")
		var n int64
		s.App.DB().Table("carts").Where("user_id = ?", u.ID).Count(&n)
		if n != 1 {
			t.Errorf("the account has %d carts", n)
		}
	})

	t.Run("guest lines join the account's cart, capped by stock", func(t *testing.T) {
		phone := visitor(t, s)
		signUpAndIn(t, phone, "merge@example.com", "merge-password")
		phone.PostForm("/cart/items", addForm(headphones, "2")).Expect(t, http.StatusSeeOther)
		phone.PostForm("/cart/items", addForm(mug, "1")).Expect(t, http.StatusSeeOther)

		laptop := visitor(t, s)
		laptop.PostForm("/cart/items", addForm(headphones, "2")).Expect(t, http.StatusSeeOther)
		laptop.PostForm("/cart/items", addForm(tote, "1")).Expect(t, http.StatusSeeOther)
		laptop.PostForm("/account/login", credentials("merge@example.com", "merge-password")).Expect(t, http.StatusSeeOther)

		// 3 headphones (stock 3, not 4) $387 + 1 mug $16 + 1 tote $18 = $421.
		body := laptop.Get("/cart").Body
		if !strings.Contains(body, `data-testid="subtotal">$421.00`) || !strings.Contains(body, "lowered to what we have in stock") {
			t.Errorf("merged cart:\n%s", body)
		}
		if other := phone.Get("/cart").Body; !strings.Contains(other, `data-testid="subtotal">$421.00`) {
			t.Error("the other device does not see the merged cart")
		}
	})
}

func TestAccountListsOnlyTheShoppersOrders(t *testing.T) {
	s := newAccountServer(t)
	if res := visitor(t, s).Get("/account").Expect(t, http.StatusSeeOther); res.Header.Get("Location") != "/account/login" {
		t.Fatalf("anonymous /account went to %q", res.Header.Get("Location"))
	}

	c := visitor(t, s)
	signUpAndIn(t, c, "owner@example.com", "owner-password")
	signUpAndIn(t, visitor(t, s), "other@example.com", "other-password")
	owner, other := userByEmail(t, s, "owner@example.com"), userByEmail(t, s, "other@example.com")
	day := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	order := func(userID *string, number, status string, total int64, at time.Time) {
		o := models.Order{Number: number, UserID: userID, Email: "x@example.com", Currency: "usd",
			Subtotal: total, Total: total, Status: status, CreatedAt: at, UpdatedAt: at}
		if err := s.App.DB().Create(&o).Error; err != nil {
			t.Fatal(err)
		}
	}
	order(&owner.ID, "SF-OLDER", "paid", 2400, day)
	order(&owner.ID, "SF-NEWER", "payment_failed", 12345, day.AddDate(0, 1, 0))
	order(&other.ID, "SF-OTHER", "paid", 999, day)
	order(nil, "SF-GUEST", "paid", 999, day)

	body := c.Get("/account").Expect(t, http.StatusOK).Body
	newer, older := strings.Index(body, `href="/orders/SF-NEWER"`), strings.Index(body, `href="/orders/SF-OLDER"`)
	if newer < 0 || older < 0 || newer > older {
		t.Errorf("own orders missing or not newest first:\n%s", body)
	}
	for _, want := range []string{`class="status-badge status-badge--payment_failed"`, "Payment failed", "$123.45", `class="status-badge status-badge--paid"`, "$24.00"} {
		if !strings.Contains(body, want) {
			t.Errorf("account page lacks %s", want)
		}
	}
	if strings.Contains(body, "SF-OTHER") || strings.Contains(body, "SF-GUEST") {
		t.Error("the account page lists someone else's order")
	}
}

func TestADeletedAccountIsSignedOut(t *testing.T) {
	s := newAccountServer(t)
	c := visitor(t, s)
	signUpAndIn(t, c, "gone@example.com", "gone-password")
	s.App.DB().Where("email = ?", "gone@example.com").Delete(&models.User{})
	if res := c.Get("/account"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("status %d for a deleted account", res.StatusCode)
	}
}
