package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/storefront/storefront/app/apptest"
)

// browseToCheckout adds a product through the product page and opens the checkout with the address filled in.
func browseToCheckout(t *testing.T, ctx context.Context, s *apptest.Server, slug string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/products/"+slug),
		chromedp.Click(chromedp.CSS(`.add-to-cart button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.cart-table`)),
		chromedp.Navigate(s.URL+"/checkout"),
		chromedp.WaitVisible(chromedp.CSS(`#sim-cardnumber`)),
	)
	if err != nil {
		t.Fatalf("to checkout: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`document.getElementById('email').value = ''`)); err != nil {
		t.Fatal(err) // a signed-in shopper's email is filled in already
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#email`), "jenny.rosen@example.com"),
		chromedp.SendKeys(chromedp.CSS(`#shipping-name`), "Jenny Rosen"),
		chromedp.SendKeys(chromedp.CSS(`#shipping-address-line1`), "1234 Main Street"),
		chromedp.SendKeys(chromedp.CSS(`#shipping-address-city`), "San Francisco"),
		chromedp.SendKeys(chromedp.CSS(`#shipping-address-state`), "CA"),
		chromedp.SendKeys(chromedp.CSS(`#shipping-address-postal-code`), "94111"),
	)
	if err != nil {
		t.Fatalf("to checkout: %v", err)
	}
}

// payWith types a card into the Payment Element and clicks Pay.
func payWith(t *testing.T, ctx context.Context, card string) {
	t.Helper()
	clear := `['#sim-cardnumber', '#sim-exp-date', '#sim-cvc', '#sim-postal'].forEach(s => document.querySelector(s).value = '')`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](clear)); err != nil {
		t.Fatalf("clear card: %v", err)
	}
	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#sim-cardnumber`), card),
		chromedp.SendKeys(chromedp.CSS(`#sim-exp-date`), "1231"),
		chromedp.SendKeys(chromedp.CSS(`#sim-cvc`), "123"),
		chromedp.SendKeys(chromedp.CSS(`#sim-postal`), "94111"),
		chromedp.Click(chromedp.CSS(`#submit`)),
	)
	if err != nil {
		t.Fatalf("pay: %v", err)
	}
}

func waitOrderStatus(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-testid=order-status]`))); err != nil {
		t.Fatalf("no order page: %v", err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid=order-status]`)))
		if err == nil && strings.TrimSpace(got) == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("order status %q, want %q (%v)", got, want, err)
		}
		time.Sleep(200 * time.Millisecond) // the page refreshes itself while the order settles
	}
}

func TestBrowserCheckoutPaysWith4242(t *testing.T) {
	s := apptest.New(t)
	ctx := apptest.Browser(t)
	browseToCheckout(t, ctx, s, "stoneware-mug")
	payWith(t, ctx, "4242424242424242")
	waitOrderStatus(t, ctx, "Paid")
}

func TestBrowserCheckoutThreeDSecureChallenge(t *testing.T) {
	s := apptest.New(t)
	ctx := apptest.Browser(t)
	browseToCheckout(t, ctx, s, "merino-beanie")
	payWith(t, ctx, "4000002500003155")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#sim-3ds-complete`)), chromedp.Click(chromedp.CSS(`#sim-3ds-complete`))); err != nil {
		t.Fatal(err)
	}
	waitOrderStatus(t, ctx, "Paid")
}

func TestBrowserCheckoutDeclineThenPayOnTheSameOrder(t *testing.T) {
	s := apptest.New(t)
	ctx := apptest.Browser(t)
	browseToCheckout(t, ctx, s, "cedar-candle")
	payWith(t, ctx, "4000000000000002")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#error-message:not(:empty)`))); err != nil {
		t.Fatal(err)
	}
	msg, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#error-message`)))
	if !strings.Contains(msg, "Your card was declined.") {
		t.Fatalf("error message %q", msg)
	}
	disabled, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('submit').disabled`))
	if disabled {
		t.Fatal("the pay button stayed disabled after a decline")
	}
	payWith(t, ctx, "4242424242424242")
	waitOrderStatus(t, ctx, "Paid")
	var orders int64
	s.App.DB().Table("orders").Count(&orders)
	if orders != 1 {
		t.Fatalf("%d orders, want the one order paid on the second try", orders)
	}
}

func TestBrowserDiscountChangesThePaymentElementAmount(t *testing.T) {
	s := apptest.New(t)
	ctx := apptest.Browser(t)
	browseToCheckout(t, ctx, s, "round-sunglasses") // 54.00, free shipping
	amount := func() string {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#payment-element [data-amount]').getAttribute('data-amount')`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := amount(); got != "5400" {
		t.Fatalf("amount before %s", got)
	}
	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#discount-code`), "WELCOME10"),
		chromedp.Click(chromedp.CSS(`#discount-form button`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=discount]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := amount(); got != "4860" {
		t.Fatalf("Payment Element amount after WELCOME10: %s", got)
	}
	if pay, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#pay-amount`))); pay != "$48.60" {
		t.Errorf("pay button shows %q", pay)
	}
	payWith(t, ctx, "4242424242424242")
	waitOrderStatus(t, ctx, "Paid")
}

// The checkout runs under the shop's Content-Security-Policy: the browser reports no violation.
func TestBrowserCheckoutRunsUnderTheContentSecurityPolicy(t *testing.T) {
	s := apptest.New(t)
	ctx := apptest.Browser(t)
	browseToCheckout(t, ctx, s, "dot-grid-notebook")
	// An inline script must be blocked (and reported): proof that the policy is on and reports work.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`(() => { const s = document.createElement('script'); s.textContent = 'window.inlineRan = true'; document.body.appendChild(s); })()`)); err != nil {
		t.Fatal(err)
	}
	ran, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.inlineRan === true`))
	if ran {
		t.Fatal("an inline script ran: the CSP is not applied")
	}
	payWith(t, ctx, "4000002760003184")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#sim-3ds-complete`)), chromedp.Click(chromedp.CSS(`#sim-3ds-complete`))); err != nil {
		t.Fatal(err)
	}
	waitOrderStatus(t, ctx, "Paid")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(s.Logs.String(), `"csp violation"`) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	var violations []string
	for _, line := range strings.Split(s.Logs.String(), "\n") {
		if strings.Contains(line, `"csp violation"`) {
			violations = append(violations, line)
		}
	}
	if len(violations) != 1 || !strings.Contains(violations[0], "script-src") {
		t.Fatalf("want exactly the one planted inline-script violation, got %d:\n%s", len(violations), strings.Join(violations, "\n"))
	}
}

// A price changes while the checkout page is open: Pay gets 409 amount_changed, the script shows the new total in
// the summary, the button and the Payment Element, says why, and the next Pay charges the new total.
func TestBrowserCheckoutShowsAChangedTotalAndWaitsForPay(t *testing.T) {
	s := apptest.New(t)
	ctx := apptest.Browser(t)
	browseToCheckout(t, ctx, s, "stoneware-mug") // 16.00 + 5.00 shipping
	s.App.DB().Table("products").Where("slug = ?", "stoneware-mug").Update("price", 2000)
	payWith(t, ctx, "4242424242424242")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#error-message:not(:empty)`))); err != nil {
		t.Fatal(err)
	}
	msg, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#error-message`)))
	amount, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#payment-element [data-amount]').getAttribute('data-amount')`))
	total, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid=total]`)))
	button, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#pay-amount`)))
	disabled, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('submit').disabled`))
	if !strings.Contains(msg, "$25.00") || amount != "2500" || !strings.Contains(total, "$25.00") || !strings.Contains(button, "$25.00") || disabled {
		t.Fatalf("message %q, element amount %s, total %q, button %q, disabled %v", msg, amount, total, button, disabled)
	}
	if n := len(listIntents(t, s)); n != 0 {
		t.Fatalf("%d PaymentIntents after a stale amount", n)
	}
	payWith(t, ctx, "4242424242424242")
	waitOrderStatus(t, ctx, "Paid")
	if pis := listIntents(t, s); len(pis) != 1 || pis[0].AmountReceived != 2500 {
		t.Fatalf("PaymentIntents %d", len(pis))
	}
}

// The browser left the 3-D Secure challenge; reopening the checkout offers to finish it, and finishing it pays.
func TestBrowserReloadFinishesThreeDSecure(t *testing.T) {
	s := apptest.New(t)
	ctx := apptest.Browser(t)
	browseToCheckout(t, ctx, s, "merino-beanie")
	payWith(t, ctx, "4000002500003155")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#sim-3ds-complete`))); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/checkout"),
		chromedp.WaitVisible(chromedp.CSS(`#finish-authentication`)),
		chromedp.Click(chromedp.CSS(`#finish-authentication`)),
		chromedp.WaitVisible(chromedp.CSS(`#sim-3ds-complete`)),
		chromedp.Click(chromedp.CSS(`#sim-3ds-complete`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitOrderStatus(t, ctx, "Paid")
}
