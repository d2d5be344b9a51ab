package app_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/storefront/storefront/app/apptest"
)

func TestBrowserSignUpAndSeeTheAccount(t *testing.T) {
	s := apptest.New(t)
	ctx := apptest.Browser(t)

	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/"),
		chromedp.Click(chromedp.CSS(`.site-nav a[href="/account"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/account/signup"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/account/signup"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/account/signup"]`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "Browser.Shopper@example.com"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "a browser password"),
		chromedp.Click(chromedp.CSS(`form[action="/account/signup"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/account/login"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	prefilled, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#email`)))
	if err != nil {
		t.Fatal(err)
	}
	if prefilled != "browser.shopper@example.com" {
		t.Errorf("sign-in email prefilled with %q", prefilled)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#password`), "a browser password"),
		chromedp.Click(chromedp.CSS(`form[action="/account/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/account/logout"]`)),
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
	title, lead, nav := text(`h1`), text(`.page-lead`), text(`.site-nav`)
	if title != "Your account" || !strings.Contains(lead, "browser.shopper@example.com") || !strings.Contains(nav, "Account") {
		t.Errorf("account page: title %q, lead %q, nav %q", title, lead, nav)
	}
}
