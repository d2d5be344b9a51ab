package app_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/storefront/storefront/app/apptest"
)

// TestBrowserLanguagePicker switches the footer's picker to Deutsch on the cart page, without any script,
// and reads the German page it comes back to.
func TestBrowserLanguagePicker(t *testing.T) {
	s := apptest.New(t)
	ctx := apptest.Browser(t)

	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/cart"),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] .locale-picker`)),
		chromedp.SetValue(chromedp.CSS(`#locale-select`), "de"),
		chromedp.Click(chromedp.CSS(`.locale-picker button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="de"] h1`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	text := func(sel string) string {
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if loc != s.URL+"/cart" {
		t.Errorf("the picker went to %s, want back to the cart", loc)
	}
	if h1, empty, nav := text("h1"), text(".empty-state"), text(".site-nav"); h1 != "Ihr Warenkorb" ||
		!strings.Contains(empty, "Ihr Warenkorb ist leer.") || !strings.Contains(nav, "Anmelden") {
		t.Errorf("not German: h1 %q, %q, nav %q", h1, empty, nav)
	}
	selected, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#locale-select`)))
	if err != nil {
		t.Fatal(err)
	}
	if selected != "de" {
		t.Errorf("the picker shows %q, want de", selected)
	}
	// The choice stays for the next page.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.site-nav a[href="/"]`)), chromedp.WaitVisible(chromedp.CSS(`.product-grid`))); err != nil {
		t.Fatal(err)
	}
	if btn := text(".product-card__form button"); btn != "In den Warenkorb" {
		t.Errorf("catalog button %q, want In den Warenkorb", btn)
	}
}
