package stripesim

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"
)

// bankToken makes a ConfirmationToken for iDEAL or SEPA Debit with the test helper.
func (e *testEnv) bankToken(t *testing.T, typ, iban string) string {
	t.Helper()
	p := &stripe.TestHelpersConfirmationTokenCreateParams{ReturnURL: stripe.String("https://shop.test/checkout/complete"),
		PaymentMethodData: &stripe.TestHelpersConfirmationTokenCreatePaymentMethodDataParams{Type: stripe.String(typ),
			BillingDetails: &stripe.TestHelpersConfirmationTokenCreatePaymentMethodDataBillingDetailsParams{
				Name: stripe.String("Jenny Rosen"), Email: stripe.String("jenny@example.com")}}}
	if typ == "ideal" {
		p.PaymentMethodData.IDEAL = &stripe.TestHelpersConfirmationTokenCreatePaymentMethodDataIDEALParams{Bank: stripe.String("ing")}
	} else {
		p.PaymentMethodData.SEPADebit = &stripe.TestHelpersConfirmationTokenCreatePaymentMethodDataSEPADebitParams{IBAN: stripe.String(iban)}
	}
	tok, err := e.client.V1TestHelpersConfirmationTokens.Create(testCtx(t), p)
	if err != nil {
		t.Fatalf("token %s: %v", typ, err)
	}
	return tok.ID
}

func eurPI(p *stripe.PaymentIntentCreateParams) { p.Currency = stripe.String("eur") }

// iDEAL is a bank redirect: confirming answers requires_action with
// next_action.redirect_to_url; the bank sends the shopper back to
// return_url with payment_intent, payment_intent_client_secret and
// redirect_status. It is offered for EUR only.
// https://docs.stripe.com/payments/ideal/accept-a-payment
// https://docs.stripe.com/payments/bank-redirects
func TestIdealRedirect(t *testing.T) {
	e := newTestEnv(t, Config{})
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	answerBank := func(t *testing.T, pi *stripe.PaymentIntent, outcome string) url.Values {
		t.Helper()
		u := pi.NextAction.RedirectToURL.URL
		if !strings.HasPrefix(u, e.sim.cfg.BasePath+"/bank/"+pi.ID) {
			t.Fatalf("redirect url %q", u)
		}
		page, err := http.Get(e.base + u)
		if err != nil || page.StatusCode != 200 {
			t.Fatalf("bank page: %v %v", err, page)
		}
		page.Body.Close()
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, e.base+u,
			strings.NewReader(url.Values{"client_secret": {pi.ClientSecret}, "outcome": {outcome}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := noFollow.Do(req)
		if err != nil || resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("bank answer: %v %v", err, resp)
		}
		resp.Body.Close()
		back, _ := url.Parse(resp.Header.Get("Location"))
		if back.Host != "shop.test" || back.Path != "/checkout/complete" {
			t.Fatalf("returned to %s", back)
		}
		return back.Query()
	}
	for _, tc := range []struct{ outcome, redirect, status string }{
		{"authorize", "succeeded", "succeeded"}, {"fail", "failed", "requires_payment_method"}} {
		t.Run(tc.outcome, func(t *testing.T) {
			pi, err := e.createPI(t, e.bankToken(t, "ideal", ""), eurPI)
			if err != nil || pi.Status != stripe.PaymentIntentStatusRequiresAction ||
				pi.NextAction.Type != "redirect_to_url" || pi.NextAction.RedirectToURL.ReturnURL != "https://shop.test/checkout/complete" {
				t.Fatalf("confirm: %v %+v", err, pi)
			}
			q := answerBank(t, pi, tc.outcome)
			if q.Get("payment_intent") != pi.ID || q.Get("payment_intent_client_secret") != pi.ClientSecret ||
				q.Get("redirect_status") != tc.redirect {
				t.Fatalf("return query %v", q)
			}
			got, err := e.client.V1PaymentIntents.Retrieve(testCtx(t), pi.ID, nil)
			if err != nil || string(got.Status) != tc.status {
				t.Fatalf("after the bank: %v %s", err, got.Status)
			}
		})
	}
	t.Run("not offered in USD", func(t *testing.T) {
		_, err := e.createPI(t, e.bankToken(t, "ideal", ""), nil)
		if se := stripeErr(t, err); se.Code != stripe.ErrorCodePaymentIntentInvalidParameter {
			t.Fatalf("got %s", se.Code)
		}
	})
}

// SEPA Debit is a delayed-notification method: the PaymentIntent is
// processing first, then succeeded or requires_payment_method, with
// payment_intent.processing and then .succeeded / .payment_failed. Test
// IBANs AT61 1904 3002 3457 3201 (succeeds), AT86 1904 3002 3547 3202 (fails).
// https://docs.stripe.com/payments/sepa-debit/accept-a-payment
// https://docs.stripe.com/testing#sepa-direct-debit
func TestSepaDebitSettlesLater(t *testing.T) {
	e := newTestEnv(t, Config{})
	e.sim.SetFaults(Faults{ProcessingDelay: 50 * time.Millisecond})
	for _, tc := range []struct{ iban, final, event string }{
		{"AT611904300234573201", "succeeded", "payment_intent.succeeded"},
		{"AT861904300235473202", "requires_payment_method", "payment_intent.payment_failed"},
	} {
		t.Run(tc.iban, func(t *testing.T) {
			pi, err := e.createPI(t, e.bankToken(t, "sepa_debit", tc.iban), eurPI)
			if err != nil || pi.Status != stripe.PaymentIntentStatusProcessing {
				t.Fatalf("confirm: %v %v", err, pi)
			}
			deadline := time.Now().Add(5 * time.Second)
			for pi.Status == stripe.PaymentIntentStatusProcessing && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
				pi, _ = e.client.V1PaymentIntents.Retrieve(testCtx(t), pi.ID, nil)
			}
			if string(pi.Status) != tc.final {
				t.Fatalf("settled %s", pi.Status)
			}
			seen := map[string]bool{}
			for ev, err := range e.client.V1Events.List(testCtx(t), &stripe.EventListParams{}) {
				if err != nil {
					t.Fatal(err)
				}
				if ev.Data.Object["id"] == pi.ID {
					seen[string(ev.Type)] = true
				}
			}
			if !seen["payment_intent.processing"] || !seen[tc.event] {
				t.Fatalf("events %v", seen)
			}
		})
	}
	t.Run("an invalid IBAN is refused", func(t *testing.T) {
		_, err := e.client.V1TestHelpersConfirmationTokens.Create(testCtx(t), &stripe.TestHelpersConfirmationTokenCreateParams{
			PaymentMethodData: &stripe.TestHelpersConfirmationTokenCreatePaymentMethodDataParams{Type: stripe.String("sepa_debit"),
				SEPADebit: &stripe.TestHelpersConfirmationTokenCreatePaymentMethodDataSEPADebitParams{IBAN: stripe.String("AT611904300234573200")}}})
		if se := stripeErr(t, err); se.HTTPStatusCode != 400 {
			t.Fatalf("got %v", se)
		}
	})
}
