package stripesim

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stripe/stripe-go/v82"
)

// findChromium returns a Chromium binary, or skips (fails with CI=true).
func findChromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium not found (install the chromium package)")
	}
	t.Log("NOTICE: skipping browser test: Chromium not found (apt-get install chromium)")
	t.SkipNow()
	return ""
}

// newBrowser starts headless Chromium for the test.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(findChromium(t)), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1200, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// Bound the test, but not the first run: its context owns the browser.
	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel)
	return tctx
}

// js runs a JavaScript statement in the page.
func js(stmt string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool]("(function(){"+stmt+"; return true})()")(ctx, t)
		return err
	})
}

// waitJS waits until a JavaScript expression is truthy.
func waitJS(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second))(ctx, t); err != nil {
			return fmt.Errorf("wait for %s: %w", expr, err)
		}
		return nil
	})
}

// resultText reads the try-it page's result line.
func resultText(ctx context.Context, t *testing.T) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS("#result")))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fillCard types a card into the Payment Element.
func fillCard(number string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.SendKeys(chromedp.CSS("#sim-cardnumber"), number),
		chromedp.SendKeys(chromedp.CSS("#sim-exp-date"), "1234"),
		chromedp.SendKeys(chromedp.CSS("#sim-cvc"), "123"),
		chromedp.SendKeys(chromedp.CSS("#sim-postal"), "12345"),
	)
}

const resultSettled = `document.querySelector('#result').textContent !== '' && !document.querySelector('#submit').disabled`

func TestStandInStripeJSInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newTestEnv(t, Config{})
	page := e.base + e.sim.cfg.BasePath + "/"
	browser := newBrowser(t)
	open := func(t *testing.T) {
		t.Helper()
		if err := chromedp.Do(browser, chromedp.Navigate(page), waitJS(`document.body.dataset.ready === 'true'`)); err != nil {
			t.Fatalf("open page: %v", err)
		}
	}
	pay := func(t *testing.T) string {
		t.Helper()
		if err := chromedp.Do(browser, chromedp.Click(chromedp.CSS("#submit")), waitJS(resultSettled)); err != nil {
			t.Fatalf("pay: %v", err)
		}
		return resultText(browser, t)
	}

	t.Run("an incomplete card is a validation error, a complete one pays the updated amount", func(t *testing.T) {
		open(t)
		if got := pay(t); got != "Your card number is incomplete." {
			t.Fatalf("result %q", got)
		}
		err := chromedp.Do(browser,
			chromedp.SetValue(chromedp.CSS("#amount"), "3100"),
			js(`document.getElementById('amount').dispatchEvent(new Event('change'))`),
			waitJS(`document.querySelector('.sim-pe').dataset.amount === '3100'`),
			fillCard("4242424242424242"))
		if err != nil {
			t.Fatal(err)
		}
		got := pay(t)
		if !strings.HasSuffix(got, ": succeeded") {
			t.Fatalf("result %q", got)
		}
		pi, err := e.client.V1PaymentIntents.Retrieve(testCtx(t), strings.Fields(got)[1][:len(strings.Fields(got)[1])-1], nil)
		if err != nil || pi.Amount != 3100 || pi.Shipping == nil || pi.Shipping.Name != "Jenny Rosen" {
			t.Fatalf("payment intent %+v %v", pi, err)
		}
	})

	for _, tc := range []struct{ button, want string }{
		{"#sim-3ds-complete", ": succeeded"},
		{"#sim-3ds-fail", "We are unable to authenticate your payment method"},
	} {
		t.Run("3-D Secure "+tc.button, func(t *testing.T) {
			open(t)
			err := chromedp.Do(browser, fillCard("4000002760003184"), chromedp.Click(chromedp.CSS("#submit")),
				chromedp.WaitVisible(chromedp.CSS(tc.button)), chromedp.Click(chromedp.CSS(tc.button)),
				waitJS(resultSettled))
			if err != nil {
				t.Fatal(err)
			}
			if got := resultText(browser, t); !strings.Contains(got, tc.want) {
				t.Fatalf("result %q, want %q", got, tc.want)
			}
		})
	}

	t.Run("a saved card is shown to its shopper only and can be removed", func(t *testing.T) {
		open(t)
		shopper := func(name string) chromedp.Action[chromedp.Void] {
			return chromedp.Steps(
				js(`document.body.removeAttribute('data-ready');
					document.getElementById('shopper').value = '`+name+`';
					document.getElementById('shopper').dispatchEvent(new Event('change'))`),
				waitJS(`document.body.dataset.ready === 'true'`),
			)
		}
		saved := `document.querySelectorAll('input[name=sim-payment-choice][value^=pm_]').length`
		err := chromedp.Do(browser, shopper("alice"), fillCard("4242424242424242"),
			chromedp.Click(chromedp.CSS("#sim-save")))
		if err != nil {
			t.Fatal(err)
		}
		if got := pay(t); !strings.HasSuffix(got, ": succeeded") {
			t.Fatalf("result %q", got)
		}
		if err := chromedp.Do(browser, waitJS(saved+` === 1`)); err != nil {
			t.Fatal(err)
		}
		label, err := chromedp.Run(browser, chromedp.TextContent(chromedp.CSS(".sim-pe-saved .sim-pe-title")))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(label, "Visa •••• 4242, exp 12/34") {
			t.Errorf("saved card label %q", label)
		}
		if err := chromedp.Do(browser, shopper("bob")); err != nil {
			t.Fatal(err)
		}
		bobSees, err := chromedp.Run(browser, chromedp.Evaluate[int](saved))
		if err != nil {
			t.Fatal(err)
		}
		if bobSees != 0 {
			t.Fatalf("bob sees %d saved cards", bobSees)
		}
		err = chromedp.Do(browser, shopper("alice"), waitJS(saved+` === 1`),
			chromedp.Click(chromedp.CSS(".sim-pe-remove")), waitJS(saved+` === 0`))
		if err != nil {
			t.Fatal(err)
		}
		e.sim.mu.Lock()
		alice := e.sim.demoCustomer("alice")
		e.sim.mu.Unlock()
		for pm, err := range e.client.V1Customers.ListPaymentMethods(testCtx(t), &stripe.CustomerListPaymentMethodsParams{
			Customer: stripe.String(alice)}) {
			t.Errorf("alice still has %v %v", pm, err)
		}
	})
}
