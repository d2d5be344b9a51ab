package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

// visibleJS scrolls an element into view and reports "ok" when it has a box and is what the browser shows at
// its centre (not covered, not clipped away): content present in the DOM but hidden by CSS fails.
const visibleJS = `(function (sel) {
	const el = document.querySelector(sel);
	if (!el) return 'missing';
	el.scrollIntoView({block: 'center', inline: 'center'});
	const r = el.getBoundingClientRect();
	if (r.width <= 0 || r.height <= 0) return 'zero box ' + r.width + 'x' + r.height;
	const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
	if (!hit) return 'nothing at its centre';
	if (hit !== el && !el.contains(hit)) return 'covered by ' + hit.outerHTML.slice(0, 120);
	return 'ok';
})(%q)`

// assertVisible fails unless every selector's element is visible on the current page.
func assertVisible(t *testing.T, ctx context.Context, page string, sels ...string) {
	t.Helper()
	for _, sel := range sels {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](strings.Replace(visibleJS, "%q", jsString(sel), 1)))
		if err != nil {
			t.Fatalf("%s: %s: %v", page, sel, err)
		}
		if got != "ok" {
			t.Errorf("%s: %s is not visible: %s", page, sel, got)
		}
	}
}

func jsString(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

// TestBrowserShipFormAndVisiblePages: a shopper pays after a decline; the admin sees the order (items visible, the
// decline shown as an earlier attempt, no shopper header), ships it with the form, and the shopper sees the
// parcel. Key content is asserted visible at desktop and phone widths on the checkout, the order page and the
// admin order page.
func TestBrowserShipFormAndVisiblePages(t *testing.T) {
	s := newMailServer(t, nil)
	ctx := apptest.Browser(t)
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return strings.TrimSpace(got)
	}

	checkoutKeys := []string{"#email", "#shipping-name", "#payment-element", "#submit", ".order-summary"}
	orderKeys := []string{"[data-testid=order-status]", ".order-items li", "[data-testid=total]"}
	adminKeys := []string{"[data-testid=order-status]", ".admin-table tbody tr td", "[data-testid=amounts]", "[data-testid=shipping]", "[data-testid=timeline]"}

	browseToCheckout(t, ctx, s, "canvas-tote")
	assertVisible(t, ctx, "checkout at 1280", checkoutKeys...)
	payWith(t, ctx, "4000000000009995") // insufficient funds, then a good card
	do(chromedp.WaitVisible(chromedp.CSS(`#error-message:not(:empty)`)))
	payWith(t, ctx, "4242424242424242")
	waitOrderStatus(t, ctx, "Paid")
	orderURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	assertVisible(t, ctx, "order page at 1280", orderKeys...)
	s.Settle(t)

	number := orderURL[strings.LastIndex(orderURL, "/")+1:]
	o := orderByNumber(t, s, number)
	if o.LastErrorMessage == nil {
		t.Fatalf("the paid order keeps no earlier error: %+v", o)
	}
	do(chromedp.Navigate(s.URL+"/admin/orders/"+o.ID),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/admin/login"]`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), adminEmail),
		chromedp.SendKeys(chromedp.CSS(`#password`), adminPassword),
		chromedp.Click(chromedp.CSS(`form[action="/admin/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=ship-form]`)))
	assertVisible(t, ctx, "admin order at 1280", append(adminKeys, "[data-testid=ship-form] button[type=submit]", "[data-testid=earlier-error]")...)
	if got := text(".admin-table tbody"); !strings.Contains(got, "Canvas Tote") {
		t.Errorf("items table: %q", got)
	}
	if header := text(".site-header"); strings.Contains(header, "Sign in") || strings.Contains(header, "Cart") {
		t.Errorf("admin header shows the shopper's links: %q", header)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid=last-error]').length`)); n != 0 {
		t.Error(`a paid order shows its earlier decline as "Last payment error"`)
	}

	do(chromedp.SendKeys(chromedp.CSS(`#f-carrier`), "DHL"),
		chromedp.SendKeys(chromedp.CSS(`#f-tracking-number`), "JD014600003828"),
		chromedp.Click(chromedp.CSS(`[data-testid=ship-form] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=shipped]`)))
	if flash := text(".flash"); !strings.Contains(flash, "Marked as shipped with DHL") {
		t.Errorf("flash %q", flash)
	}
	assertVisible(t, ctx, "admin order shipped", "[data-testid=shipped] a[href*='dhl.com']", "[data-testid=order-emails]")
	if got := reload(t, s, o); got.FulfillmentStatus != models.FulfillmentShipped || got.TrackingNumber != "JD014600003828" {
		t.Errorf("order after the form: %+v", got)
	}

	do(chromedp.Navigate(orderURL), chromedp.WaitVisible(chromedp.CSS(`[data-testid=shipment]`)))
	assertVisible(t, ctx, "order page shipped", "[data-testid=tracking-number]", "[data-testid=tracking-link]")

	// A phone.
	do(chromedp.EmulateViewport(390, 844))
	do(chromedp.Navigate(s.URL+"/admin/orders/"+o.ID), chromedp.WaitVisible(chromedp.CSS(`[data-testid=shipped]`)))
	assertVisible(t, ctx, "admin order at 390", adminKeys...)
	do(chromedp.Navigate(orderURL), chromedp.WaitVisible(chromedp.CSS(`[data-testid=shipment]`)))
	assertVisible(t, ctx, "order page at 390", append(orderKeys, "[data-testid=tracking-link]")...)
	browseToCheckout(t, ctx, s, "stoneware-mug")
	time.Sleep(100 * time.Millisecond) // the Payment Element lays out after mounting
	assertVisible(t, ctx, "checkout at 390", checkoutKeys...)
}
