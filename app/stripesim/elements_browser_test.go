package stripesim

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stripe/stripe-go/v82"
)

// elementsPage is a shop page that mounts the stand-in Payment Element
// with an amount and currency, the way the storefront's checkout does.
const elementsPage = `<!doctype html><html><body><form id="f"><div id="payment-element"></div></form>
<script src="%s"></script><script>
window.stripe = Stripe('%s');
window.elements = stripe.elements({mode: 'payment', amount: 1234, currency: 'eur', paymentMethodCreation: 'manual'});
elements.create('payment', {layout: {type: 'accordion'}}).mount('#payment-element');
window.makeToken = function () {
  window.tokenResult = null;
  elements.submit().then(function (r) {
    if (r.error) { window.tokenResult = {error: r.error.message}; return; }
    return stripe.createConfirmationToken({elements: elements, params: {return_url: location.origin + '/return'}})
      .then(function (t) { window.tokenResult = t.error ? {error: t.error.message} : {id: t.confirmationToken.id}; });
  });
};
</script></body></html>`

// The stand-in Payment Element shows the amount and currency it was given
// and updated with, lists iDEAL (bank redirect) and SEPA Debit (delayed
// notification) beside the card for EUR, and its token carries the
// currency, which confirm checks against the PaymentIntent.
// handleNextAction redirects for redirect_to_url and errors on a
// PaymentIntent that is not requires_action, as Stripe.js documents.
// https://docs.stripe.com/js/elements_object/update
// https://docs.stripe.com/js/payment_intents/handle_next_action
// https://docs.stripe.com/payments/accept-a-payment-deferred
func TestStandInElementsAmountsAndMethods(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newTestEnv(t, Config{})
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/return" {
			fmt.Fprintf(w, "<p id=returned>%s</p>", r.URL.Query().Get("redirect_status"))
			return
		}
		fmt.Fprintf(w, elementsPage, e.base+e.sim.JSURL(), e.sim.cfg.PublishableKey)
	}))
	t.Cleanup(shop.Close)
	browser := newBrowser(t)
	token := func(t *testing.T) string {
		t.Helper()
		var id string
		err := chromedp.Do(browser, js(`makeToken()`), waitJS(`!!window.tokenResult`))
		if err == nil {
			id, err = chromedp.Run(browser, chromedp.Evaluate[string](`tokenResult.id || ('ERR ' + tokenResult.error)`))
		}
		if err != nil || strings.HasPrefix(id, "ERR") {
			t.Fatalf("token: %v %s", err, id)
		}
		return id
	}
	open := func(t *testing.T) {
		t.Helper()
		if err := chromedp.Do(browser, chromedp.Navigate(shop.URL), waitJS(`!!document.querySelector('.sim-pe-amount')`)); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("shows the amount and offers iDEAL and SEPA Debit for EUR only", func(t *testing.T) {
		open(t)
		amount, err := chromedp.Run(browser, chromedp.TextContent(chromedp.CSS(".sim-pe-amount")))
		if err != nil || !strings.Contains(amount, "12.34") || !strings.Contains(amount, "€") {
			t.Fatalf("amount %q %v", amount, err)
		}
		err = chromedp.Do(browser, waitJS(`!!(document.querySelector('[data-method=ideal]') && document.querySelector('[data-method=sepa_debit]'))`),
			js(`elements.update({amount: 5000, currency: 'usd'})`),
			waitJS(`!document.querySelector('[data-method=ideal]') && document.querySelector('.sim-pe-amount').textContent.indexOf('50.00') >= 0`),
			js(`elements.update({currency: 'eur'})`), waitJS(`!!document.querySelector('[data-method=sepa_debit]')`))
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a token from EUR Elements cannot confirm a USD PaymentIntent", func(t *testing.T) {
		open(t)
		if err := chromedp.Do(browser, fillCard("4242424242424242")); err != nil {
			t.Fatal(err)
		}
		_, err := e.createPI(t, token(t), nil)
		if se := stripeErr(t, err); se.HTTPStatusCode != 400 || !strings.Contains(se.Msg, "currency") {
			t.Fatalf("got %v", se)
		}
	})
	t.Run("SEPA Debit confirms to processing", func(t *testing.T) {
		open(t)
		err := chromedp.Do(browser, chromedp.Click(chromedp.CSS(`input[value=sepa_debit]`)),
			chromedp.SendKeys(chromedp.CSS("#sim-sepa-name"), "Jenny Rosen"),
			chromedp.SendKeys(chromedp.CSS("#sim-sepa-email"), "jenny@example.com"),
			chromedp.SendKeys(chromedp.CSS("#sim-sepa-iban"), "AT61 1904 3002 3457 3201"))
		if err != nil {
			t.Fatal(err)
		}
		pi, err := e.createPI(t, token(t), eurPI)
		if err != nil || pi.Status != stripe.PaymentIntentStatusProcessing {
			t.Fatalf("%v %v", pi, err)
		}
	})
	t.Run("iDEAL: handleNextAction goes to the bank and back to return_url", func(t *testing.T) {
		open(t)
		err := chromedp.Do(browser, chromedp.Click(chromedp.CSS(`input[value=ideal]`)),
			chromedp.SetValue(chromedp.CSS("#sim-ideal-bank"), "ing"))
		if err != nil {
			t.Fatal(err)
		}
		pi, err := e.createPI(t, token(t), eurPI)
		if err != nil || pi.Status != stripe.PaymentIntentStatusRequiresAction {
			t.Fatalf("%v %v", pi, err)
		}
		err = chromedp.Do(browser, js(`stripe.handleNextAction({clientSecret: '`+pi.ClientSecret+`'})`),
			chromedp.WaitVisible(chromedp.CSS("#sim-bank-authorize")), chromedp.Click(chromedp.CSS("#sim-bank-authorize")),
			chromedp.WaitVisible(chromedp.CSS("#returned")))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := chromedp.Run(browser, chromedp.TextContent(chromedp.CSS("#returned"))); got != "succeeded" {
			t.Fatalf("redirect_status %q", got)
		}
		t.Run("handleNextAction on a succeeded PaymentIntent is an error", func(t *testing.T) {
			open(t)
			code, err := chromedp.Run(browser, chromedp.Evaluate[string](`stripe.handleNextAction({clientSecret: '`+pi.ClientSecret+`'})
				.then(function (r) { return r.error ? r.error.code : 'no error'; })`, chromedp.EvalAwaitPromise))
			if err != nil || code != "payment_intent_unexpected_state" {
				t.Fatalf("got %q %v", code, err)
			}
		})
	})
}
