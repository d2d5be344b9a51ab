package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/storefront/storefront/app/apptest"
)

// postLocale sends the language picker's form with extra headers.
func postLocale(c *apptest.Client, form url.Values, h http.Header) apptest.Response {
	if _, ok := form["csrf_token"]; !ok {
		if c.CSRF == "" {
			c.Get("/")
		}
		form.Set("csrf_token", c.CSRF)
	}
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(http.MethodPost, "/locale", strings.NewReader(form.Encode()), h)
}

func localeCookie(res apptest.Response) *http.Cookie {
	for _, ck := range res.Cookies() {
		if ck.Name == "locale" {
			return ck
		}
	}
	return nil
}

func TestLocalePicker(t *testing.T) {
	s := apptest.New(t)

	t.Run("sets the locale cookie for a year and goes back to the page", func(t *testing.T) {
		c := s.Client(t)
		res := postLocale(c, url.Values{"locale": {"de"}, "return_to": {"/products/stoneware-mug?ref=footer"}}, nil).
			Expect(t, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/products/stoneware-mug?ref=footer" {
			t.Errorf("Location %q, want the page the picker was on", loc)
		}
		ck := localeCookie(res)
		if ck == nil {
			t.Fatalf("no locale cookie in %q", res.Header.Values("Set-Cookie"))
		}
		if ck.Value != "de" || ck.Path != "/" || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.MaxAge != 365*24*3600 {
			t.Errorf("cookie %+v: want de, Path=/, HttpOnly, SameSite=Lax, Max-Age one year", ck)
		}
		u, _ := url.Parse(s.URL)
		var inJar string
		for _, ck := range c.HTTP.Jar.Cookies(u) {
			if ck.Name == "locale" {
				inJar = ck.Value
			}
		}
		if inJar != "de" {
			t.Errorf("the browser keeps locale=%q, want de", inJar)
		}
	})

	t.Run("accepts every supported locale in any case", func(t *testing.T) {
		for _, l := range []string{"en", "fr", "ID", " de "} {
			res := postLocale(s.Client(t), url.Values{"locale": {l}, "return_to": {"/cart"}}, nil).Expect(t, http.StatusSeeOther)
			if ck := localeCookie(res); ck == nil || ck.Value != strings.ToLower(strings.TrimSpace(l)) {
				t.Errorf("locale %q: cookie %v", l, ck)
			}
		}
	})

	t.Run("never sends the shopper to another site", func(t *testing.T) {
		c := s.Client(t)
		for _, rt := range []string{
			"//evil.example/", "https://evil.example/", "http://evil.example", "/\\evil.example", "\\\\evil.example",
			"/\\/evil.example", "javascript:alert(1)", "evil.example", "", "/cart\r\nSet-Cookie: x=1", "\t//evil.example",
		} {
			res := postLocale(c, url.Values{"locale": {"fr"}, "return_to": {rt}}, nil).Expect(t, http.StatusSeeOther)
			if loc := res.Header.Get("Location"); loc != "/" {
				t.Errorf("return_to %q redirected to %q, want /", rt, loc)
			}
		}
	})

	t.Run("refuses an unknown locale in the shopper's language", func(t *testing.T) {
		res := postLocale(s.Client(t), url.Values{"locale": {"es"}, "return_to": {"/"}}, http.Header{"Accept-Language": {"fr-FR"}}).
			Expect(t, http.StatusBadRequest)
		if localeCookie(res) != nil {
			t.Error("an unknown locale set the cookie")
		}
		if !strings.Contains(res.Body, "Choisissez l") {
			t.Errorf("the refusal is not in French:\n%s", res.Body)
		}
	})

	t.Run("is protected against cross-site forms", func(t *testing.T) {
		res := postLocale(s.Client(t), url.Values{"locale": {"de"}, "return_to": {"/"}, "csrf_token": {"forged"}}, nil).
			Expect(t, http.StatusForbidden)
		if localeCookie(res) != nil {
			t.Error("a forged form set the cookie")
		}
	})
}
