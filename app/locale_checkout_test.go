package app_test

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/i18n"
	"github.com/storefront/storefront/models"
)

var checkoutConfigRe = regexp.MustCompile(`(?s)<script[^>]*id="checkout-config"[^>]*>(.*?)</script>`)

// checkoutConfig is the page's checkout-config JSON block.
func checkoutConfig(t *testing.T, page string) (cfg struct {
	Locale   string            `json:"locale"`
	Messages map[string]string `json:"messages"`
}) {
	t.Helper()
	m := checkoutConfigRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no checkout-config on the page")
	}
	if err := json.Unmarshal([]byte(m[1]), &cfg); err != nil {
		t.Fatalf("checkout-config: %v\n%s", err, m[1])
	}
	return cfg
}

// speaks checks a page in locale l: <html lang> and no English message of the catalog left on it.
func speaks(t *testing.T, s *apptest.Server, l i18n.Locale, page string) {
	t.Helper()
	if got := langOf(page); got != l.String() {
		t.Errorf("<html lang=%q>, want %q", got, l)
	}
	if l == i18n.English {
		return
	}
	// The shopper's own address is theirs, in their words.
	for _, own := range []string{"1234 Main Street", "San Francisco", "Jenny Rosen"} {
		page = strings.ReplaceAll(page, own, "…")
	}
	if left := englishLeftovers(t, s, l, page); len(left) > 0 {
		t.Errorf("English left on the page: %q\n%s", left, strings.Join(visibleText(page), " | "))
	}
}

// TestCheckoutAndOrderPagesSpeakTheShoppersLanguage renders the checkout page with items, the checkout's JSON
// errors and the order page in each status a shopper sees, in each locale.
func TestCheckoutAndOrderPagesSpeakTheShoppersLanguage(t *testing.T) {
	s := newAccountServer(t)
	statuses := []struct {
		status  string
		updates map[string]any
	}{
		{models.StatusPaid, nil},
		{models.StatusProcessing, map[string]any{"status": models.StatusProcessing}},
		{models.StatusRequiresAction, map[string]any{"status": models.StatusRequiresAction}},
		{models.StatusNeedsReview, map[string]any{"status": models.StatusNeedsReview, "review_reason": "amount_received 100 differs"}},
		{"payment_failed (no payment made)", map[string]any{"status": models.StatusPaymentFailed, "last_error_type": "api_error",
			"last_error_message": "The payment could not be completed. Please try again."}},
		{"shipped", map[string]any{"fulfillment_status": models.FulfillmentShipped, "carrier": "DHL", "tracking_number": "JJD000390007"}},
	}
	for _, l := range i18n.Supported {
		t.Run(l.Name(), func(t *testing.T) {
			c := inLocale(t, s, l)
			c.PostForm("/cart/items", addForm(productID(t, s, "stoneware-mug"), "2")).Expect(t, http.StatusSeeOther)
			page := c.Get("/checkout").Expect(t, http.StatusOK).Body
			t.Run("checkout page", func(t *testing.T) {
				speaks(t, s, l, page)
				cfg := checkoutConfig(t, page)
				if cfg.Locale != l.String() {
					t.Errorf("checkout-config locale %q, want %q", cfg.Locale, l)
				}
				if want := i18n.For(l).Messages("js.")["js.error_generic"]; cfg.Messages["js.error_generic"] != want || want == "" {
					t.Errorf("checkout-config messages: %q, want %q", cfg.Messages["js.error_generic"], want)
				}
			})
			t.Run("form errors", func(t *testing.T) {
				body := confirmBody(s.Token(t, "4242424242424242"))
				body["email"] = "not an email"
				res, r := confirm(t, c, body)
				res.Expect(t, http.StatusUnprocessableEntity)
				lz := i18n.For(l)
				if r.Error == nil || r.Error.Message != lz.T("checkout.error.check_fields") || r.Error.Fields["email"] != lz.T("checkout.error.email_invalid") {
					t.Errorf("error %+v", r.Error)
				}
			})
			t.Run("a decline in Stripe's words in the shopper's language", func(t *testing.T) {
				res, r := confirm(t, c, confirmBody(s.Token(t, "4000000000009995")))
				res.Expect(t, http.StatusPaymentRequired)
				if want := i18n.For(l).T("sim.decline.insufficient_funds"); r.Error == nil || r.Error.Message != want {
					t.Errorf("decline %+v, want %q", r.Error, want)
				}
				page := c.Get("/orders/"+r.OrderNumber).Expect(t, http.StatusOK).Body
				speaks(t, s, l, page)
				if !strings.Contains(html.UnescapeString(page), i18n.For(l).T("sim.decline.insufficient_funds")) {
					t.Errorf("the order page does not say why the payment failed")
				}
			})
			_, r := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
			if r.Status != "succeeded" {
				t.Fatalf("pay: %+v", r)
			}
			s.Settle(t)
			o := orderByNumber(t, s, r.OrderNumber)
			if o.Locale != l.String() {
				t.Errorf("order locale %q, want %q", o.Locale, l)
			}
			for _, st := range statuses {
				t.Run("order "+st.status, func(t *testing.T) {
					if st.updates != nil {
						if err := s.App.DB().DB.Model(&models.Order{}).Where("id = ?", o.ID).Updates(st.updates).Error; err != nil {
							t.Fatal(err)
						}
					}
					page := c.Get("/orders/"+o.Number).Expect(t, http.StatusOK).Body
					speaks(t, s, l, page)
				})
			}
		})
	}
}

// TestGermanCheckoutGetsAGermanOrderAndEmail: the locale the shopper paid in is stored on the order, and the
// confirmation email goes out in it.
func TestGermanCheckoutGetsAGermanOrderAndEmail(t *testing.T) {
	srv := startSMTP(t, false)
	s := newMailServer(t, srv)
	c := inLocale(t, s, i18n.German)
	c.PostForm("/cart/items", addForm(productID(t, s, "canvas-tote"), "1")).Expect(t, http.StatusSeeOther)
	c.Get("/checkout").Expect(t, http.StatusOK)
	_, r := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
	if r.Status != "succeeded" {
		t.Fatalf("pay: %+v", r)
	}
	s.Settle(t)
	o := orderByNumber(t, s, r.OrderNumber)
	if o.Locale != "de" || o.Status != models.StatusPaid {
		t.Fatalf("order locale %q status %s, want de and paid", o.Locale, o.Status)
	}
	es := outbox(t, s)
	if len(es) != 1 || es[0].Kind != models.EmailOrderConfirmation {
		t.Fatalf("outbox %+v", es)
	}
	mails := waitMail(t, s, srv, 1)
	if want := "Ihre Bestellung " + o.Number + " ist bestätigt"; mails[0].Subject != want {
		t.Errorf("subject %q, want %q", mails[0].Subject, want)
	}
	if !strings.Contains(mails[0].Text, "Wir haben Ihre Zahlung über 23,00\u00a0$") {
		t.Errorf("the email is not German:\n%s", mails[0].Text)
	}
}
