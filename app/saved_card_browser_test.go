package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/storefront/storefront/app/apptest"
)

// signUpInBrowser creates an account through the forms and signs in.
func signUpInBrowser(t *testing.T, ctx context.Context, s *apptest.Server, email, password string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/account/signup"),
		chromedp.SendKeys(chromedp.CSS(`#email`), email),
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Click(chromedp.CSS(`form[action="/account/signup"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/account/login"]`)),
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Click(chromedp.CSS(`form[action="/account/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/account/logout"]`)),
	)
	if err != nil {
		t.Fatalf("sign up: %v", err)
	}
}

func savedCards(t *testing.T, ctx context.Context) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#payment-element .sim-pe-saved').length`))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A returning shopper pays with a saved card in two clicks; nobody else sees it; it can be removed.
func TestBrowserSavedCardForTheReturningShopperOnly(t *testing.T) {
	s := apptest.New(t)
	ctx := apptest.Browser(t)
	signUpInBrowser(t, ctx, s, "returning@example.com", "returning password")

	browseToCheckout(t, ctx, s, "canvas-tote")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#sim-save`)), chromedp.Click(chromedp.CSS(`#sim-save`))); err != nil {
		t.Fatalf("no save checkbox for a signed-in shopper: %v", err)
	}
	payWith(t, ctx, "4242424242424242")
	waitOrderStatus(t, ctx, "Paid")

	// The next checkout shows the saved card; paying with it is: pick it, Pay.
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/products/cedar-candle"),
		chromedp.Click(chromedp.CSS(`.add-to-cart button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.cart-table`)),
		chromedp.Navigate(s.URL+"/checkout"),
		chromedp.WaitVisible(chromedp.CSS(`#payment-element .sim-pe-saved`)),
	)
	if err != nil {
		t.Fatalf("saved card not shown: %v", err)
	}
	label, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#payment-element .sim-pe-saved .sim-pe-title`)))
	if !strings.Contains(label, "4242") {
		t.Fatalf("saved card label %q", label)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#shipping-name`), "Jenny Rosen"),
		chromedp.SendKeys(chromedp.CSS(`#shipping-address-line1`), "1234 Main Street"),
		chromedp.SendKeys(chromedp.CSS(`#shipping-address-city`), "San Francisco"),
		chromedp.SendKeys(chromedp.CSS(`#shipping-address-postal-code`), "94111"),
		chromedp.Click(chromedp.CSS(`#payment-element .sim-pe-saved input[type=radio]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	// Picking the saved card is detected (the element's change event): the button names the card.
	if pay, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#pay-amount`))); !strings.Contains(pay, "Visa •••• 4242") {
		t.Errorf("pay button %q does not name the saved card", pay)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#submit`))); err != nil {
		t.Fatal(err)
	}
	waitOrderStatus(t, ctx, "Paid")

	// Another shopper, in another browser, never sees it.
	other := apptest.Browser(t)
	signUpInBrowser(t, other, s, "someone.else@example.com", "another password")
	browseToCheckout(t, other, s, "canvas-tote")
	time.Sleep(300 * time.Millisecond) // the element has loaded its (empty) saved list by now
	if n := savedCards(t, other); n != 0 {
		t.Fatalf("another shopper sees %d saved cards", n)
	}

	// Removing it works.
	err = chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/products/cedar-candle"),
		chromedp.Click(chromedp.CSS(`.add-to-cart button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.cart-table`)),
		chromedp.Navigate(s.URL+"/checkout"),
		chromedp.WaitVisible(chromedp.CSS(`#payment-element .sim-pe-remove`)),
		chromedp.Click(chromedp.CSS(`#payment-element .sim-pe-remove`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for savedCards(t, ctx) != 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+"/checkout"), chromedp.WaitVisible(chromedp.CSS(`#sim-cardnumber`))); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if n := savedCards(t, ctx); n != 0 {
		t.Fatalf("%d saved cards after removing", n)
	}
}
