package app_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/i18n"
	"github.com/storefront/storefront/models"
)

// sameInEnglish are words of the English catalog that are also right in another language: a page in that
// language may show them. Anything else of the English catalog on a German, French or Indonesian page is a
// leftover.
var sameInEnglish = map[i18n.Locale][]string{
	i18n.German:     {"Shop", "Status", "Storefront"},
	i18n.French:     {"Total", "Date", "Storefront", "Hong Kong"},
	i18n.Indonesian: {"Total", "Subtotal", "Status", "Email", "Checkout", "Storefront", "Hong Kong"},
}

// englishFragments are the literal parts of every English message (placeholders cut out), of at least four
// letters: what would show if a string were not translated.
func englishFragments() []string {
	placeholder := regexp.MustCompile(`\{\{[^}]*\}\}`)
	set := map[string]bool{}
	for _, m := range i18n.For(i18n.English).Messages("") {
		for _, part := range placeholder.Split(m, -1) {
			for _, line := range strings.Split(part, "\n") {
				line = strings.Trim(line, " ,.:;·—–-?!()/")
				if utf8.RuneCountInString(line) >= 4 && strings.IndexFunc(line, unicode.IsLetter) >= 0 {
					set[line] = true
				}
			}
		}
	}
	out := make([]string, 0, len(set))
	for f := range set {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

var (
	scriptOrStyle = regexp.MustCompile(`(?is)<(script|style)\b.*?</(script|style)>`)
	shownAttr     = regexp.MustCompile(`\b(aria-label|alt|placeholder|title|data-label)="([^"]*)"`)
	tag           = regexp.MustCompile(`<[^>]*>`)
)

// visibleText is what a page shows or reads out: its text nodes and its labelling attributes, one per line.
func visibleText(page string) []string {
	page = scriptOrStyle.ReplaceAllString(page, "\n")
	var out []string
	for _, m := range shownAttr.FindAllStringSubmatch(page, -1) {
		out = append(out, html.UnescapeString(m[2]))
	}
	for _, t := range tag.Split(page, -1) {
		if t = strings.TrimSpace(html.UnescapeString(t)); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// containsWord reports whether s holds w with no letter on either side.
func containsWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		before, _ := utf8.DecodeLastRuneInString(s[:start])
		after, _ := utf8.DecodeRuneInString(s[end:])
		if !unicode.IsLetter(before) && !unicode.IsLetter(after) {
			return true
		}
		i = end
	}
}

// englishLeftovers lists the English catalog's fragments a page in locale l shows, outside product data.
func englishLeftovers(t *testing.T, s *apptest.Server, l i18n.Locale, page string) []string {
	t.Helper()
	products, err := models.ActiveProducts(t.Context(), s.App.DB().DB)
	if err != nil {
		t.Fatal(err)
	}
	var productData []string
	for _, p := range products {
		productData = append(productData, p.Name, p.Description)
	}
	sort.Slice(productData, func(i, j int) bool { return len(productData[i]) > len(productData[j]) })
	allowed := map[string]bool{}
	for _, w := range sameInEnglish[l] {
		allowed[w] = true
	}
	all := strings.Join(visibleText(page), "\n")
	for _, d := range productData {
		if d != "" {
			all = strings.ReplaceAll(all, d, "…") // product data is the shop's own, in its own language
		}
	}
	var found []string
	for _, f := range englishFragments() {
		if !allowed[f] && containsWord(all, f) {
			found = append(found, f)
		}
	}
	return found
}

func TestEnglishLeftoversAreFound(t *testing.T) {
	s := apptest.New(t)
	page := `<html lang="de"><title>Warenkorb</title><p>Ihr Warenkorb</p><p>Your cart is empty.</p>` +
		`<button aria-label="Remove Stoneware Mug">Entfernen</button><td>Status</td><td>Total</td><p>Hand-glazed 350 ml mug, dishwasher and microwave safe.</p>`
	got := strings.Join(englishLeftovers(t, s, i18n.German, page), ",")
	if got != "Remove,Total,Your cart,Your cart is empty" {
		t.Errorf("leftovers %q: want the untranslated message, the label around a product name and Total (not German), "+
			"not Status (the same in German) nor the product's description", got)
	}
}

var htmlLang = regexp.MustCompile(`<html lang="([^"]*)">`)

func langOf(page string) string {
	if m := htmlLang.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return ""
}

// inLocale is a new browser (with an address of its own) that chose locale l with the language picker.
func inLocale(t *testing.T, s *apptest.Server, l i18n.Locale) *apptest.Client {
	t.Helper()
	c := visitor(t, s)
	c.Get("/")
	c.PostForm("/locale", url.Values{"locale": {l.String()}, "return_to": {"/"}}).Expect(t, http.StatusSeeOther)
	return c
}

// TestEveryPageSpeaksTheShoppersLanguage renders each shopper page in each locale: <html lang> is the locale,
// and no English message of the catalog is left on a page in another language.
func TestEveryPageSpeaksTheShoppersLanguage(t *testing.T) {
	s := newAccountServer(t)
	mug := productID(t, s, "stoneware-mug")
	pages := []struct {
		name   string
		status int
		visit  func(c *apptest.Client) apptest.Response
	}{
		{"catalog", http.StatusOK, func(c *apptest.Client) apptest.Response { return c.Get("/") }},
		{"product", http.StatusOK, func(c *apptest.Client) apptest.Response { return c.Get("/products/stoneware-mug") }},
		{"product with a form error", http.StatusUnprocessableEntity, func(c *apptest.Client) apptest.Response {
			return c.PostForm("/cart/items", addForm(mug, "0"))
		}},
		{"empty cart", http.StatusOK, func(c *apptest.Client) apptest.Response { return c.Get("/cart") }},
		{"cart with items and the flash", http.StatusOK, func(c *apptest.Client) apptest.Response {
			c.PostForm("/cart/items", addForm(mug, "2")).Expect(t, http.StatusSeeOther)
			c.PostForm("/cart/items", addForm(productID(t, s, "canvas-tote"), "1")).Expect(t, http.StatusSeeOther)
			return c.Get("/cart")
		}},
		{"cart refusing a quantity", http.StatusUnprocessableEntity, func(c *apptest.Client) apptest.Response {
			c.PostForm("/cart/items", addForm(mug, "1")).Expect(t, http.StatusSeeOther)
			return c.PostForm("/cart/items", addForm(mug, "99"))
		}},
		{"sign-in", http.StatusOK, func(c *apptest.Client) apptest.Response { return c.Get("/account/login") }},
		{"sign-in failed", http.StatusUnprocessableEntity, func(c *apptest.Client) apptest.Response {
			return c.PostForm("/account/login", credentials("nobody@example.com", "wrong password"))
		}},
		{"sign-up", http.StatusOK, func(c *apptest.Client) apptest.Response { return c.Get("/account/signup") }},
		{"sign-up with errors", http.StatusUnprocessableEntity, func(c *apptest.Client) apptest.Response {
			return c.PostForm("/account/signup", credentials("not-an-email", "short"))
		}},
		{"account", http.StatusOK, func(c *apptest.Client) apptest.Response {
			signUpAndIn(t, c, "jenny.rosen@example.com", "correct horse battery")
			return c.Get("/account")
		}},
		{"page not found", http.StatusNotFound, func(c *apptest.Client) apptest.Response { return c.Get("/no-such-page") }},
		{"product not found", http.StatusNotFound, func(c *apptest.Client) apptest.Response { return c.Get("/products/no-such-product") }},
	}
	for _, l := range i18n.Supported {
		for _, pg := range pages {
			t.Run(pg.name+" in "+l.Name(), func(t *testing.T) {
				res := pg.visit(inLocale(t, s, l)).Expect(t, pg.status)
				if got := langOf(res.Body); got != l.String() {
					t.Errorf("<html lang=%q>, want %q", got, l)
				}
				if vary := strings.Join(res.Header.Values("Vary"), ","); !strings.Contains(vary, "Accept-Language") || !strings.Contains(vary, "Cookie") {
					t.Errorf("Vary: %q, want Accept-Language and Cookie", vary)
				}
				if l == i18n.English {
					return
				}
				if left := englishLeftovers(t, s, l, res.Body); len(left) > 0 {
					t.Errorf("English left on the page: %q\n%s", left, strings.Join(visibleText(res.Body), " | "))
				}
			})
		}
	}
}

// TestAccountPageWithAnOrderInGerman shows the order list's date, status and total formatted in German.
func TestAccountPageWithAnOrderInGerman(t *testing.T) {
	s := newAccountServer(t)
	c := inLocale(t, s, i18n.German)
	signUpAndIn(t, c, "jenny.rosen@example.com", "correct horse battery")
	c.PostForm("/cart/items", addForm(productID(t, s, "canvas-tote"), "1")).Expect(t, http.StatusSeeOther)
	c.Get("/checkout").Expect(t, http.StatusOK)
	if _, r := confirm(t, c, confirmBody(s.Token(t, "4242424242424242"))); r.Status != "succeeded" {
		t.Fatalf("pay: %+v", r)
	}
	s.Settle(t)
	page := c.Get("/account").Expect(t, http.StatusOK).Body
	text := strings.Join(visibleText(page), "\n")
	for _, want := range []string{"Bezahlt", "Noch nicht versandt", "Ihre Bestellungen"} {
		if !strings.Contains(text, want) {
			t.Errorf("the account page lacks %q:\n%s", want, text)
		}
	}
	if !regexp.MustCompile(`\d+\. [A-ZÄÖÜ][a-zä]+ \d{4}`).MatchString(text) {
		t.Errorf("no German long date on the account page:\n%s", text)
	}
	if !regexp.MustCompile(`\d+,\d\d[\s\x{a0}]\$`).MatchString(text) {
		t.Errorf("no German price (24,00 $) on the account page:\n%s", text)
	}
	if left := englishLeftovers(t, s, i18n.German, page); len(left) > 0 {
		t.Errorf("English left on the page: %q", left)
	}
}

// TestPickerRoundTrip is the language picker as a browser uses it: the footer's form, then the same page in
// German, then back to English.
func TestPickerRoundTrip(t *testing.T) {
	s := apptest.New(t)
	c := s.Client(t)
	page := c.Get("/products/stoneware-mug?ref=mail").Expect(t, http.StatusOK).Body
	for _, want := range []string{`action="/locale"`, `name="return_to" value="/products/stoneware-mug?ref=mail"`, `<select class="locale-picker__select" id="locale-select" name="locale">`,
		`<option value="de" lang="de">Deutsch</option>`, `<option value="en" lang="en" selected>English</option>`} {
		if !strings.Contains(html.UnescapeString(page), want) {
			t.Errorf("the picker lacks %s", want)
		}
	}
	res := c.PostForm("/locale", url.Values{"locale": {"de"}, "return_to": {"/products/stoneware-mug?ref=mail"}}).Expect(t, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/products/stoneware-mug?ref=mail" {
		t.Fatalf("back to %q", loc)
	}
	page = c.Get(res.Header.Get("Location")).Expect(t, http.StatusOK).Body
	if langOf(page) != "de" || !strings.Contains(page, "In den Warenkorb") || !strings.Contains(page, `<option value="de" lang="de" selected>`) {
		t.Errorf("the page after choosing Deutsch is not German:\n%s", page)
	}
	c.PostForm("/locale", url.Values{"locale": {"en"}, "return_to": {"/cart"}}).Expect(t, http.StatusSeeOther)
	if page := c.Get("/cart").Expect(t, http.StatusOK).Body; langOf(page) != "en" || !strings.Contains(page, "Your cart is empty.") {
		t.Errorf("back in English: lang %q", langOf(page))
	}
}

// TestAcceptLanguageOverHTTP: without the picker's cookie, the browser's languages choose; the cookie wins.
func TestAcceptLanguageOverHTTP(t *testing.T) {
	s := apptest.New(t)
	tests := []struct {
		header, want, text string
	}{
		{"de-AT,de;q=0.9,en;q=0.5", "de", "Ihr Warenkorb ist leer."},
		{"fr-CA", "fr", "Votre panier est vide."},
		{"es-ES,id;q=0.8", "id", "Keranjang Anda kosong."},
		{"ja, en;q=0.1", "en", "Your cart is empty."},
		{"", "en", "Your cart is empty."},
		{"*", "en", "Your cart is empty."},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			res := s.Client(t).Do(http.MethodGet, "/cart", nil, http.Header{"Accept-Language": {tt.header}}).Expect(t, http.StatusOK)
			if langOf(res.Body) != tt.want || !strings.Contains(html.UnescapeString(res.Body), tt.text) {
				t.Errorf("lang %q, want %q with %q", langOf(res.Body), tt.want, tt.text)
			}
		})
	}
	t.Run("the picker's choice wins over the header", func(t *testing.T) {
		c := s.Client(t)
		c.Get("/")
		c.PostForm("/locale", url.Values{"locale": {"fr"}}).Expect(t, http.StatusSeeOther)
		res := c.Do(http.MethodGet, "/", nil, http.Header{"Accept-Language": {"de"}}).Expect(t, http.StatusOK)
		if langOf(res.Body) != "fr" {
			t.Errorf("lang %q, want fr", langOf(res.Body))
		}
	})
	t.Run("prices follow the locale", func(t *testing.T) {
		res := s.Client(t).Do(http.MethodGet, "/products/stoneware-mug", nil, http.Header{"Accept-Language": {"de"}}).Expect(t, http.StatusOK)
		if !strings.Contains(res.Body, "16,00\u00a0$") {
			t.Errorf("no German price in:\n%s", res.Body)
		}
	})
	t.Run("first-time visitors each get their language from the cached pages", func(t *testing.T) {
		// The catalog and product pages of visitors without a session come from a per-snapshot cache: one
		// visitor's language must never be served to the next.
		for _, path := range []string{"/", "/products/stoneware-mug"} {
			for _, lang := range []string{"de", "en", "fr", "id", "de"} {
				res := s.Client(t).Do(http.MethodGet, path, nil, http.Header{"Accept-Language": {lang}}).Expect(t, http.StatusOK)
				if got := langOf(res.Body); got != lang {
					t.Errorf("%s for a first-time visitor asking %q came in %q", path, lang, got)
				}
				if vary := strings.Join(res.Header.Values("Vary"), ","); !strings.Contains(vary, "Accept-Language") {
					t.Errorf("%s: Vary %q lacks Accept-Language", path, vary)
				}
			}
		}
	})
	t.Run("the admin's pages stay in English", func(t *testing.T) {
		res := s.Client(t).Do(http.MethodGet, "/admin/login", nil, http.Header{"Accept-Language": {"de"}}).Expect(t, http.StatusOK)
		if langOf(res.Body) != "en" {
			t.Errorf("admin sign-in in %q", langOf(res.Body))
		}
	})
}
