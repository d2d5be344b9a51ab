package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// wiredIntoViews turns on TestEveryKeyIsUsed. Stage 1 builds the catalogs before the templates and handlers
// use them; the lead flips this to true when stage 2 has wired every page, script and email.
const wiredIntoViews = true

// dynamicPrefixes are ids built at run time ("status." + o.Status): a key under one counts as used when the
// prefix itself appears in the code.
var dynamicPrefixes = []string{"status.", "error.title.", "country.", "sim.validation.", "sim.decline."}

func testCatalog(t *testing.T) *catalog {
	t.Helper()
	c, err := parseCatalog(localeFiles)
	if err != nil {
		t.Fatalf("catalogs do not load: %v", err)
	}
	return c
}

func TestCatalogsLoad(t *testing.T) {
	if err := Load(); err != nil {
		t.Fatal(err)
	}
	if n := len(Keys()); n < 250 {
		t.Errorf("only %d keys in the English catalog", n)
	}
}

func TestEveryLocaleHasEveryKey(t *testing.T) {
	c := testCatalog(t)
	for _, l := range Supported[1:] {
		var missing, extra []string
		for id := range c.messages[Default] {
			if _, ok := c.messages[l][id]; !ok {
				missing = append(missing, id)
			}
		}
		for id := range c.messages[l] {
			if _, ok := c.messages[Default][id]; !ok {
				extra = append(extra, id)
			}
		}
		sort.Strings(missing)
		sort.Strings(extra)
		if len(missing) > 0 {
			t.Errorf("locales/%s.toml lacks %d keys of en.toml: %s", l, len(missing), strings.Join(missing, ", "))
		}
		if len(extra) > 0 {
			t.Errorf("locales/%s.toml has %d keys that en.toml does not (renamed or removed?): %s", l, len(extra), strings.Join(extra, ", "))
		}
	}
}

var placeholder = regexp.MustCompile(`\{\{-?\s*\.([A-Za-z0-9_]+)\s*-?\}\}`)

// placeholders are the {{.Names}} a message uses in any of its plural forms.
func placeholders(m *goi18n.Message) []string {
	set := map[string]bool{}
	for _, form := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
		for _, p := range placeholder.FindAllStringSubmatch(form, -1) {
			set[p[1]] = true
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func TestPlaceholdersAreTheSameInEveryLocale(t *testing.T) {
	c := testCatalog(t)
	for id, en := range c.messages[Default] {
		want := strings.Join(placeholders(en), ",")
		for _, l := range Supported[1:] {
			m, ok := c.messages[l][id]
			if !ok {
				continue // reported by TestEveryLocaleHasEveryKey
			}
			if got := strings.Join(placeholders(m), ","); got != want {
				t.Errorf("%s in %s uses placeholders {%s}, en uses {%s}", id, l, got, want)
			}
		}
	}
}

func TestMessagesAreWellFormed(t *testing.T) {
	c := testCatalog(t)
	for _, l := range Supported {
		for id, m := range c.messages[l] {
			for _, form := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
				if strings.Count(form, "{{") != strings.Count(form, "}}") {
					t.Errorf("%s in %s has unbalanced braces: %q", id, l, form)
				}
				// Messages are text: templ escapes them, so markup would show as it is.
				if strings.ContainsAny(form, "<>") {
					t.Errorf("%s in %s holds markup: %q", id, l, form)
				}
				if form != strings.TrimSpace(form) {
					t.Errorf("%s in %s starts or ends with a space: %q", id, l, form)
				}
			}
			if m.Other == "" {
				t.Errorf("%s in %s is empty", id, l)
			}
		}
	}
}

// TestPluralForms checks that plural messages carry the forms each language's CLDR rules use: one and other
// in English, German and French; other only in Indonesian, which does not inflect for number.
func TestPluralForms(t *testing.T) {
	c := testCatalog(t)
	forms := func(m *goi18n.Message) string {
		var f []string
		for name, v := range map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many} {
			if v != "" {
				f = append(f, name)
			}
		}
		sort.Strings(f)
		return strings.Join(append(f, "other"), ",")
	}
	for id, en := range c.messages[Default] {
		if en.One == "" {
			continue // not a plural message
		}
		want := map[Locale]string{English: "one,other", German: "one,other", French: "one,other", Indonesian: "other"}
		for l, w := range want {
			if m, ok := c.messages[l][id]; ok && forms(m) != w {
				t.Errorf("plural %s in %s has forms %s, want %s", id, l, forms(m), w)
			}
		}
	}
}

func TestPluralRules(t *testing.T) {
	tests := []struct {
		locale Locale
		count  int
		want   string
	}{
		{English, 0, "0 items in cart"},
		{English, 1, "1 item in cart"},
		{English, 2, "2 items in cart"},
		{German, 1, "1 Artikel im Warenkorb"},
		{German, 0, "0 Artikel im Warenkorb"},
		// French: CLDR puts 0 and 1 in "one".
		{French, 0, "0 article dans le panier"},
		{French, 1, "1 article dans le panier"},
		{French, 2, "2 articles dans le panier"},
		// Indonesian: one form for every count.
		{Indonesian, 1, "1 barang di keranjang"},
		{Indonesian, 5, "5 barang di keranjang"},
		// The count is formatted for the locale.
		{German, 1500, "1.500 Artikel im Warenkorb"},
		{English, 1500, "1,500 items in cart"},
	}
	for _, tt := range tests {
		if got := For(tt.locale).N("layout.cart_count_label", tt.count); got != tt.want {
			t.Errorf("%s N(%d) = %q, want %q", tt.locale, tt.count, got, tt.want)
		}
	}
	if got := For(French).N("account.password_hint", 1); got != "1 caractère minimum." {
		t.Errorf("fr one = %q", got)
	}
	if got := For(French).N("account.password_hint", 8); got != "8 caractères minimum." {
		t.Errorf("fr other = %q", got)
	}
}

func TestLocalizerT(t *testing.T) {
	de := For(German)
	t.Run("fills placeholders from pairs", func(t *testing.T) {
		if got := de.T("order.number", "Number", "SF-7Q2"); got != "Bestellung SF-7Q2" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("fills placeholders from a map", func(t *testing.T) {
		got := For(French).T("email.refund.body", map[string]any{"Amount": "24,00 $US", "Number": "SF-1"})
		if got != "Nous avons remboursé 24,00 $US pour la commande SF-1 sur votre moyen de paiement d'origine." {
			t.Errorf("got %q", got)
		}
	})
	t.Run("fills placeholders from a struct", func(t *testing.T) {
		got := For(Indonesian).T("email.order_confirmation.subject", struct{ Number string }{"SF-9"})
		if got != "Pesanan SF-9 Anda sudah dikonfirmasi" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("the zero Localizer speaks English", func(t *testing.T) {
		var zero Localizer
		if got := zero.T("cart.empty"); got != "Your cart is empty." {
			t.Errorf("got %q", got)
		}
		if zero.Locale() != English {
			t.Errorf("zero locale %q", zero.Locale())
		}
	})
	t.Run("an unsupported locale speaks English", func(t *testing.T) {
		if got := For("xx").T("cart.empty"); got != "Your cart is empty." {
			t.Errorf("got %q", got)
		}
	})
	t.Run("Has tells a known id from an unknown one", func(t *testing.T) {
		if !de.Has("error.title.404") || de.Has("error.title.418") {
			t.Error("Has is wrong")
		}
	})
	t.Run("an unknown id shows the id", func(t *testing.T) {
		if got := de.T("no.such.key"); got != "no.such.key" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("bad data never panics", func(t *testing.T) {
		for _, data := range [][]any{nil, {"Number"}, {42, nil, "x"}, {nil}, {[]int{1}}, {map[string]any(nil)}} {
			_ = de.T("order.number", data...)
			_ = de.N("shop.stock_low", -3, data...)
		}
		_ = de.N("cart.empty", 2) // not a plural message
	})
}

func TestFallbackToEnglish(t *testing.T) {
	files := fstest.MapFS{
		"locales/en.toml": {Data: []byte("[cart]\nempty = \"Your cart is empty.\"\nsubtotal = \"Subtotal\"\n")},
		"locales/de.toml": {Data: []byte("[cart]\nsubtotal = \"Zwischensumme\"\n")},
		"locales/fr.toml": {Data: []byte("")},
		"locales/id.toml": {Data: []byte("")},
	}
	c, err := parseCatalog(files)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.localize(German, "cart.subtotal", nil, nil); got != "Zwischensumme" {
		t.Errorf("German message: %q", got)
	}
	if got := c.localize(German, "cart.empty", nil, nil); got != "Your cart is empty." {
		t.Errorf("missing in German should fall back to English, got %q", got)
	}
	if got := c.localize(French, "cart.gone", nil, nil); got != "cart.gone" {
		t.Errorf("missing everywhere should give the id, got %q", got)
	}
	if _, err := parseCatalog(fstest.MapFS{"locales/en.toml": {Data: []byte("x = ")}}); err == nil {
		t.Error("a broken catalog loaded without an error")
	}
}

func TestMessagesForTheScript(t *testing.T) {
	js := For(German).Messages("js.")
	if got := js["js.discount_applied"]; got != "Rabattcode {{.Code}} wurde eingelöst." {
		t.Errorf("js.discount_applied = %q: the script fills the placeholder, so it must stay", got)
	}
	for id := range js {
		if !strings.HasPrefix(id, "js.") {
			t.Errorf("%s is not a script message", id)
		}
	}
	if len(js) != len(For(English).Messages("js.")) {
		t.Errorf("German has %d script messages, English %d", len(js), len(For(English).Messages("js.")))
	}
}

// TestEveryKeyIsUsed fails on a key that no template, handler, script or email uses. Until stage 2 wires the
// catalogs in, it is skipped (wiredIntoViews).
func TestEveryKeyIsUsed(t *testing.T) {
	if !wiredIntoViews {
		t.Skip("stage 2: the views do not use the catalogs yet (wiredIntoViews is false)")
	}
	var code strings.Builder
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "locales", "bin":
				return filepath.SkipDir
			}
			return nil
		}
		ext := filepath.Ext(path)
		if ext != ".go" && ext != ".templ" && ext != ".js" {
			return nil
		}
		if strings.HasSuffix(path, "_test.go") {
			return nil // a key a test names is not a key a shopper sees
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		code.Write(b)
		code.WriteByte('\n')
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	src := code.String()
	quoted := func(s string) bool {
		return strings.Contains(src, `"`+s+`"`) || strings.Contains(src, `'`+s+`'`) || strings.Contains(src, "`"+s+"`")
	}
	var unused []string
	for _, id := range Keys() {
		used := quoted(id)
		for _, p := range dynamicPrefixes {
			if strings.HasPrefix(id, p) && quoted(p) {
				used = true
			}
		}
		if !used {
			unused = append(unused, id)
		}
	}
	if len(unused) > 0 {
		t.Errorf("%d keys are in the catalogs but used nowhere (remove them, or use them): %s", len(unused), strings.Join(unused, ", "))
	}
}

// TestConcurrentUse runs the Localizer from many goroutines, as request handlers do (go test -race).
func TestConcurrentUse(t *testing.T) {
	done := make(chan bool)
	for i := 0; i < 8; i++ {
		go func(l Locale) {
			lz := For(l)
			for j := 0; j < 50; j++ {
				_ = lz.T("order.number", "Number", j)
				_ = lz.N("layout.cart_count_label", j)
				_ = lz.Money(int64(j), "usd")
				_ = lz.Messages("js.")
			}
			done <- true
		}(Supported[i%len(Supported)])
	}
	for i := 0; i < 8; i++ {
		<-done
	}
}
