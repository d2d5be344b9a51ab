package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

// TestBrowserAdminSignsInFindsAnOrderAndRefundsIt drives the admin in Chromium: sign in, the dashboard, the
// orders list, an order's page, a partial refund through the form, and the catalog pages. With
// ADMIN_SCREENSHOTS=dir it saves a full-page screenshot of each page there (for looking at the design).
func TestBrowserAdminSignsInFindsAnOrderAndRefundsIt(t *testing.T) {
	s := newAdminServer(t)
	ctx := apptest.Browser(t)
	seedOrders(t, s, time.Now().Add(-2*time.Hour), 55, func(i int, o *models.Order) {
		o.Status = models.Statuses[i%len(models.Statuses)]
	})
	declined := shopper(t, s, "cedar-candle")
	confirm(t, declined, confirmBody(s.Token(t, "4000000000009995")))
	o := placeOrder(t, s)
	s.Settle(t)

	shots := os.Getenv("ADMIN_SCREENSHOTS")
	shot := func(name string) {
		t.Helper()
		if shots == "" {
			return
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644); err != nil {
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
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}

	do(chromedp.Navigate(s.URL+"/admin/orders"),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/admin/login"]`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), adminEmail),
		chromedp.SendKeys(chromedp.CSS(`#password`), adminPassword),
		chromedp.Click(chromedp.CSS(`form[action="/admin/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table[data-testid="orders"]`)))
	if h := text("h1"); h != "Orders" {
		t.Fatalf("after sign-in: %q", h)
	}
	shot("orders")

	do(chromedp.SendKeys(chromedp.CSS(`#f-q`), strings.ToLower(o.Number)),
		chromedp.Click(chromedp.CSS(`form.toolbar button[type=submit]`)))
	// The unfiltered list shows the order too: wait for the search's page before touching its links.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err == nil && strings.Contains(loc, "q=") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the search did not load: %q %v", loc, err)
		}
	}
	do(chromedp.WaitVisible(chromedp.CSS(`table[data-testid="orders"] a[href="/admin/orders/`+o.ID+`"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/admin/orders/`+o.ID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/admin/orders/`+o.ID+`/refund"]`)))
	if status := text(`[data-testid="order-status"]`); status != "Paid" {
		t.Fatalf("order status %q", status)
	}
	do(chromedp.SendKeys(chromedp.CSS(`#f-amount`), "5.00"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/orders/`+o.ID+`/refund"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)))
	if flash := text(".flash"); !strings.Contains(flash, "Refund of $5.00 sent to Stripe.") {
		t.Fatalf("after the refund: %q", flash)
	}
	s.Settle(t)
	do(chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid="timeline"]`)))
	if status := text(`[data-testid="order-status"]`); status != "Partially refunded" {
		t.Errorf("after the webhook: %q", status)
	}
	shot("order")

	var failed models.Order
	s.App.DB().Where("status = ?", models.StatusPaymentFailed).Where("payment_intent_id IS NOT NULL AND last_error_message IS NOT NULL").Take(&failed)
	do(chromedp.Navigate(s.URL+"/admin/orders/"+failed.ID), chromedp.WaitVisible(chromedp.CSS(`[data-testid="last-error"]`)))
	if e := text(`[data-testid="last-error"]`); !strings.Contains(e, "insufficient_funds") {
		t.Errorf("last error %q", e)
	}
	shot("order-failed")

	do(chromedp.Navigate(s.URL+"/admin"), chromedp.WaitVisible(chromedp.CSS(`.stat-grid`)))
	if n := text(`[data-testid="stat-orders-today"]`); n != "1" {
		t.Errorf("paid orders today: %q", n)
	}
	shot("dashboard")

	do(chromedp.Navigate(s.URL+"/admin/products"), chromedp.WaitVisible(chromedp.CSS(`table[data-testid="products"]`)))
	shot("products")
	do(chromedp.Navigate(s.URL+"/admin/products/new"),
		chromedp.SendKeys(chromedp.CSS(`#f-name`), "Linen Apron"),
		chromedp.SendKeys(chromedp.CSS(`#f-slug`), "Linen Apron"),
		chromedp.SendKeys(chromedp.CSS(`#f-price`), "-3"),
		chromedp.Click(chromedp.CSS(`form[enctype="multipart/form-data"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.form-errors`)))
	if errs := text(".form-errors"); !strings.Contains(errs, "single hyphens") || !strings.Contains(errs, "above zero") {
		t.Errorf("form errors %q", errs)
	}
	shot("product-errors")

	do(chromedp.Navigate(s.URL+"/admin/discounts"), chromedp.WaitVisible(chromedp.CSS(`table[data-testid="discounts"]`)))
	shot("discounts")
	var welcome models.Discount
	s.App.DB().Where("code = ?", "WELCOME10").Take(&welcome)
	do(chromedp.Navigate(s.URL+"/admin/discounts/"+welcome.ID+"/edit"), chromedp.WaitVisible(chromedp.CSS(`#f-percent-off`)))
	shot("discount-edit")
}
