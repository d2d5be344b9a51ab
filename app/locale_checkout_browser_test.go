package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/i18n"
)

// TestBrowserCheckoutInGerman pays in German through the stand-in Payment Element: its labels, its validation
// message and Stripe's decline come in German, the pay button and the order page too, and nothing sticks out
// at 1280 and 390 px. With LOCALE_SCREENSHOTS=dir it saves each page there.
func TestBrowserCheckoutInGerman(t *testing.T) {
	s := apptest.New(t)
	ctx := apptest.Browser(t)
	de := i18n.For(i18n.German)
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	// shows fails unless the element of sel shows want, visible (a box, and the topmost element at its centre).
	shows := func(page, sel, want string) {
		t.Helper()
		assertVisible(t, ctx, page, sel)
		if got := text(sel); !strings.Contains(got, want) {
			t.Errorf("%s: %s shows %q, want %q", page, sel, got, want)
		}
	}
	shots := os.Getenv("LOCALE_SCREENSHOTS")
	fits := func(name string) {
		t.Helper()
		for _, w := range []struct {
			name          string
			width, height int64
		}{{"desktop", 1280, 1600}, {"phone", 390, 1600}} {
			do(chromedp.EmulateViewport(w.width, w.height))
			got, err := chromedp.Run(ctx, chromedp.Evaluate[string](overflowJS))
			if err != nil {
				t.Fatal(err)
			}
			if got != "" {
				t.Errorf("%s at %d px: sticks out:\n%s", name, w.width, got)
			}
			if shots != "" {
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(shots, name+"-"+w.name+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		do(chromedp.EmulateViewport(1280, 1600))
	}

	do(chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`.locale-picker`)),
		chromedp.SetValue(chromedp.CSS(`#locale-select`), "de"),
		chromedp.Click(chromedp.CSS(`.locale-picker button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="de"] .product-grid`)))
	browseToCheckout(t, ctx, s, "stoneware-mug")

	shows("checkout", `label[for="sim-cardnumber"]`, de.T("sim.card_number"))
	shows("checkout", `label[for="sim-exp-date"]`, de.T("sim.expiry"))
	shows("checkout", `#payment-element .sim-pe-hint`, de.T("sim.hint"))
	shows("checkout", `#submit`, de.T("checkout.pay_button"))
	shows("checkout", `h1`, de.T("checkout.title"))
	fits("checkout")

	// The stand-in's own validation, in German.
	do(chromedp.Click(chromedp.CSS(`#submit`)), chromedp.WaitVisible(chromedp.CSS(`#error-message:not(:empty)`)))
	shows("checkout", `#error-message`, de.T("sim.validation.incomplete_number"))

	// A decline: Stripe's message, asked for in German by the shop's server.
	payWith(t, ctx, "4000000000000002")
	deadline := time.Now().Add(15 * time.Second)
	for text("#error-message") != de.T("sim.decline.generic_decline") {
		if time.Now().After(deadline) {
			t.Fatalf("decline message %q, want %q", text("#error-message"), de.T("sim.decline.generic_decline"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	shows("checkout after a decline", `#error-message`, de.T("sim.decline.generic_decline"))
	fits("checkout-declined")

	payWith(t, ctx, "4242424242424242")
	waitOrderStatus(t, ctx, de.T("status.paid"))
	shows("order", `h1`, de.T("order.headline.thanks"))
	shows("order", `[data-testid=order-status]`, de.T("status.paid"))
	shows("order", `.order-summary .summary-row--total`, de.T("order.total"))
	fits("order")
}
