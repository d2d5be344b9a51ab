package app_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stripe/stripe-go/v82"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/app/stripesim"
	"github.com/storefront/storefront/models"
)

// shopper fills a cart with the given slugs (one each) and opens the checkout page.
func shopper(t *testing.T, s *apptest.Server, slugs ...string) *apptest.Client {
	t.Helper()
	c := s.Client(t)
	for _, slug := range slugs {
		c.PostForm("/cart/items", addForm(productID(t, s, slug), "1")).Expect(t, http.StatusSeeOther)
	}
	c.Get("/checkout").Expect(t, http.StatusOK)
	return c
}

type confirmReply struct {
	Status       string `json:"status"`
	ClientSecret string `json:"client_secret"`
	OrderNumber  string `json:"order_number"`
	NextURL      string `json:"next_url"`
	Message      string `json:"message"`
	Error        *struct {
		Type        string            `json:"type"`
		Code        string            `json:"code"`
		DeclineCode string            `json:"decline_code"`
		Message     string            `json:"message"`
		Fields      map[string]string `json:"fields"`
	} `json:"error"`
}

func confirmBody(token string) map[string]any {
	return map[string]any{
		"confirmation_token_id": token,
		"email":                 "jenny.rosen@example.com",
		"shipping": map[string]any{"name": "Jenny Rosen", "address": map[string]any{
			"line1": "1234 Main Street", "city": "San Francisco", "state": "CA", "postal_code": "94111", "country": "US"}},
	}
}

func confirm(t *testing.T, c *apptest.Client, body any) (apptest.Response, confirmReply) {
	t.Helper()
	res := c.PostJSON("/checkout/confirm", body)
	var r confirmReply
	res.DecodeJSON(t, &r)
	return res, r
}

func orderByNumber(t *testing.T, s *apptest.Server, number string) models.Order {
	t.Helper()
	o, err := models.OrderByNumber(t.Context(), s.App.DB().DB, number)
	if err != nil {
		t.Fatalf("order %q: %v", number, err)
	}
	return o
}

func stock(t *testing.T, s *apptest.Server, slug string) int64 {
	t.Helper()
	p, err := models.ProductBySlug(t.Context(), s.App.DB().DB, slug)
	if err != nil {
		t.Fatal(err)
	}
	return p.Stock
}

func TestCheckoutPageShowsTheServersAmountAndTheForm(t *testing.T) {
	s := apptest.New(t)
	c := shopper(t, s, "stoneware-mug", "canvas-tote") // 16 + 18 = 34, + 5 shipping
	body := c.Get("/checkout").Expect(t, http.StatusOK).Body
	for _, want := range []string{
		`id="checkout-config" type="application/json">`, `"amount":3900`, `"currency":"usd"`,
		`"publishableKey":"pk_test_simulator"`, `"confirmUrl":"/checkout/confirm"`, `id="payment-element"`,
		`id="error-message"`, `aria-live="polite"`, `autocomplete="email"`, `autocomplete="address-line1"`,
		`autocomplete="address-level2"`, `autocomplete="postal-code"`, `autocomplete="country"`, `name="code"`,
		`src="/__stripe/js/v3/stripe.js"`, `data-testid="total">$39.00`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("checkout page lacks %s", want)
		}
	}
	t.Run("an empty cart goes back to the cart with a message", func(t *testing.T) {
		res := s.Client(t).Get("/checkout").Expect(t, http.StatusSeeOther)
		if res.Header.Get("Location") != "/cart" {
			t.Errorf("redirect to %s", res.Header.Get("Location"))
		}
	})
}

func TestCheckoutPaysWithASucceedingCard(t *testing.T) {
	s := apptest.New(t)
	before := stock(t, s, "stoneware-mug")
	c := shopper(t, s, "stoneware-mug")
	res, r := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
	res.Expect(t, http.StatusOK)
	if r.Status != "succeeded" || r.OrderNumber == "" || r.NextURL != "/orders/"+r.OrderNumber {
		t.Fatalf("reply %+v", r)
	}
	o := orderByNumber(t, s, r.OrderNumber)
	if o.Status != models.StatusPaid || o.Total != 2100 || o.PaymentIntentID == nil || o.StockState != models.StockCommitted {
		t.Fatalf("order %+v", o)
	}
	if got := stock(t, s, "stoneware-mug"); got != before-1 {
		t.Errorf("stock %d, want %d", got, before-1)
	}
	if !strings.Contains(c.Get("/cart").Body, "Your cart is empty") {
		t.Error("the cart was not emptied after payment")
	}
	page := c.Get(r.NextURL).Expect(t, http.StatusOK).Body
	if !strings.Contains(page, `data-testid="order-status">Paid`) || !strings.Contains(page, "$21.00") {
		t.Errorf("order page: %s", page)
	}
	t.Run("the order page of an unknown number is a 404", func(t *testing.T) {
		c.Get("/orders/SF-0000-0000-0000-0000").Expect(t, http.StatusNotFound)
	})
}

func TestCheckoutIgnoresAmountsSentByTheBrowser(t *testing.T) {
	s := apptest.New(t)
	c := shopper(t, s, "everyday-sneakers") // 89.00, free shipping
	body := confirmBody(s.Token(t, "4242424242424242"))
	body["amount"], body["currency"], body["total"], body["price"] = 1, "jpy", 1, 1
	_, r := confirm(t, c, body)
	o := orderByNumber(t, s, r.OrderNumber)
	if o.Total != 8900 || o.Currency != "usd" || o.Status != models.StatusPaid {
		t.Fatalf("order charged %d %s (%s)", o.Total, o.Currency, o.Status)
	}
}

func TestCheckoutDeclinesShowStripesMessageAndAllowARetryOnTheSamePaymentIntent(t *testing.T) {
	cards := []struct {
		number, code, decline, message string
	}{
		{"4000000000000002", "card_declined", "generic_decline", "Your card was declined."},
		{"4000000000009995", "card_declined", "insufficient_funds", "Your card has insufficient funds."},
		{"4000000000000069", "expired_card", "expired_card", "Your card has expired."},
		{"4000000000000127", "incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."},
		{"4000000000000119", "processing_error", "processing_error", "An error occurred while processing your card. Try again in a little bit."},
		{"4100000000000019", "card_declined", "fraudulent", "Your card was declined."}, // kept, not shown
	}
	s := apptest.New(t)
	for _, card := range cards {
		t.Run(card.number, func(t *testing.T) {
			c := shopper(t, s, "cedar-candle")
			res, r := confirm(t, c, confirmBody(s.Token(t, card.number)))
			res.Expect(t, http.StatusPaymentRequired)
			if r.Error == nil || r.Error.Type != "card_error" || r.Error.Code != card.code || r.Error.DeclineCode != shownDecline(card.decline) || r.Error.Message != card.message {
				t.Fatalf("error %+v", r.Error)
			}
			var o models.Order
			s.App.DB().Preload("Items").Where("email = ?", "jenny.rosen@example.com").Order("created_at DESC").Take(&o)
			if o.Status != models.StatusPaymentFailed || o.LastDeclineCode == nil || *o.LastDeclineCode != card.decline {
				t.Fatalf("order after decline: %s decline=%v", o.Status, o.LastDeclineCode)
			}
			firstPI := *o.PaymentIntentID

			res, r = confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
			res.Expect(t, http.StatusOK)
			o = orderByNumber(t, s, r.OrderNumber)
			if o.Status != models.StatusPaid || *o.PaymentIntentID != firstPI {
				t.Fatalf("retry: status %s, PaymentIntent %s (first %s)", o.Status, *o.PaymentIntentID, firstPI)
			}
		})
	}
}

func TestCheckoutThreeDSecure(t *testing.T) {
	s := apptest.New(t)
	for _, card := range []string{"4000002500003155", "4000002760003184"} {
		t.Run(card+" completed", func(t *testing.T) {
			c := shopper(t, s, "merino-beanie")
			_, r := confirm(t, c, confirmBody(s.Token(t, card)))
			if r.Status != "requires_action" || !strings.Contains(r.ClientSecret, "_secret_") {
				t.Fatalf("reply %+v", r)
			}
			o := orderByNumber(t, s, r.OrderNumber)
			if o.Status != models.StatusRequiresAction {
				t.Fatalf("order %s", o.Status)
			}
			s.Authenticate(t, *o.PaymentIntentID, r.ClientSecret, "complete")
			res := c.Get(r.NextURL).Expect(t, http.StatusSeeOther)
			if res.Header.Get("Location") != "/orders/"+r.OrderNumber {
				t.Fatalf("return page redirects to %s", res.Header.Get("Location"))
			}
			if o := orderByNumber(t, s, r.OrderNumber); o.Status != models.StatusPaid {
				t.Fatalf("after the challenge: %s", o.Status)
			}
		})
	}
	t.Run("failed, then paid with another card", func(t *testing.T) {
		c := shopper(t, s, "merino-beanie")
		_, r := confirm(t, c, confirmBody(s.Token(t, "4000002500003155")))
		o := orderByNumber(t, s, r.OrderNumber)
		s.Authenticate(t, *o.PaymentIntentID, r.ClientSecret, "fail")
		c.Get(r.NextURL).Expect(t, http.StatusSeeOther)
		if o := orderByNumber(t, s, r.OrderNumber); o.Status != models.StatusPaymentFailed {
			t.Fatalf("after a failed challenge: %s", o.Status)
		}
		_, r2 := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
		if r2.OrderNumber != r.OrderNumber || r2.Status != "succeeded" {
			t.Fatalf("retry %+v", r2)
		}
	})
	t.Run("another browser cannot use the return page", func(t *testing.T) {
		c := shopper(t, s, "merino-beanie")
		_, r := confirm(t, c, confirmBody(s.Token(t, "4000002500003155")))
		s.Client(t).Get(r.NextURL).Expect(t, http.StatusNotFound)
	})
}

func TestCheckoutWhenStripeFailsTheOrderIsProcessingAndSettlesWithoutASecondCharge(t *testing.T) {
	// stripe-go retries network failures twice itself (same idempotency key), so those fail three times.
	for kind, times := range map[string]int{"api_error": 1, "disconnect": 3, "timeout": 3} {
		t.Run(kind, func(t *testing.T) {
			s := apptest.New(t)
			before := stock(t, s, "desk-planter")
			c := shopper(t, s, "desk-planter")
			// Webhooks dropped: the next Pay must settle the unknown attempt by itself.
			s.App.Simulator().SetFaults(stripesim.Faults{FailNext: times, FailKind: kind, WebhookDropRate: 1})
			res, r := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
			res.Expect(t, http.StatusOK)
			if r.Status != "processing" || !strings.Contains(r.Message, "confirming your payment") {
				t.Fatalf("reply %+v", r)
			}
			o := orderByNumber(t, s, r.OrderNumber)
			if o.Status != models.StatusProcessing || o.AttemptState != models.AttemptUnknown {
				t.Fatalf("order %s attempt %s", o.Status, o.AttemptState)
			}
			// Paying again first settles the unknown attempt: a replay with its idempotency key recovers an answer
			// that was lost on the way back.
			_, r2 := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
			o = orderByNumber(t, s, r.OrderNumber)
			if r2.OrderNumber != r.OrderNumber {
				t.Fatalf("a second order was made")
			}
			if kind != "api_error" {
				if o.Status != models.StatusPaid {
					t.Fatalf("after replay: %s", o.Status)
				}
				assertOnePaymentIntent(t, s, o.ID)
				return
			}
			// Stripe stores the 500 under the key and replays it for 24 hours, and its search lags: until search
			// has caught up the order stays processing and nothing new is sent.
			if o.Status != models.StatusProcessing || r2.Status != "processing" || o.Attempt != 1 {
				t.Fatalf("before search caught up: %s (reply %s), attempt %d", o.Status, r2.Status, o.Attempt)
			}
			// Once search has caught up and shows no PaymentIntent, the attempt made nothing: the next Pay (well
			// within two minutes) starts a new attempt with a new key and pays.
			s.Advance(s.App.Config().SearchCatchUp)
			_, r3 := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
			o = orderByNumber(t, s, r.OrderNumber)
			if r3.OrderNumber != r.OrderNumber || r3.Status != "succeeded" || o.Status != models.StatusPaid || o.Attempt != 2 {
				t.Fatalf("after search caught up: reply %+v, order %s attempt %d", r3, o.Status, o.Attempt)
			}
			assertOnePaymentIntent(t, s, o.ID)
			if got := stock(t, s, "desk-planter"); got != before-1 {
				t.Errorf("stock %d, want %d", got, before-1)
			}
		})
	}
}

func TestCheckoutRetriesRateLimitsWithTheSameIdempotencyKey(t *testing.T) {
	s := apptest.New(t)
	c := shopper(t, s, "desk-planter")
	s.App.Simulator().SetFaults(stripesim.Faults{FailNext: 2, FailKind: "rate_limit"})
	res, r := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
	res.Expect(t, http.StatusOK)
	if r.Status != "succeeded" {
		t.Fatalf("reply %+v", r)
	}
	assertOnePaymentIntent(t, s, orderByNumber(t, s, r.OrderNumber).ID)
}

func TestCheckoutBusyWhenRateLimitsPersist(t *testing.T) {
	s := apptest.New(t)
	c := shopper(t, s, "desk-planter")
	s.App.Simulator().SetFaults(stripesim.Faults{FailNext: 10, FailKind: "rate_limit"})
	res, r := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
	res.Expect(t, http.StatusServiceUnavailable)
	if r.Error == nil || !strings.Contains(r.Error.Message, "busy") {
		t.Fatalf("reply %+v", r)
	}
	var o models.Order
	s.App.DB().Take(&o)
	if o.Status != models.StatusPending || o.AttemptState != models.AttemptIdle {
		t.Fatalf("order %s attempt %s", o.Status, o.AttemptState)
	}
}

func TestCheckoutRefusesBadInput(t *testing.T) {
	s := apptest.New(t)
	c := shopper(t, s, "canvas-tote")
	good := func() map[string]any { return confirmBody(s.Token(t, "4242424242424242")) }
	cases := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"JSON that is not JSON", `{"confirmation_token_id": `, http.StatusBadRequest, ""},
		{"an invalid email", func() any { b := good(); b["email"] = "not-an-email"; return b }(), http.StatusUnprocessableEntity, "email"},
		{"a missing address", func() any { b := good(); b["shipping"] = map[string]any{"name": "J"}; return b }(), http.StatusUnprocessableEntity, "shipping[address][line1]"},
		{"an unknown country", func() any {
			b := good()
			b["shipping"].(map[string]any)["address"].(map[string]any)["country"] = "XX"
			return b
		}(), http.StatusUnprocessableEntity, "shipping[address][country]"},
		{"a missing token", func() any { b := good(); delete(b, "confirmation_token_id"); return b }(), http.StatusUnprocessableEntity, "confirmation_token_id"},
		{"a forged token", func() any { b := good(); b["confirmation_token_id"] = "ctoken_doesnotexist"; return b }(), http.StatusUnprocessableEntity, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name+" is refused without a charge", func(t *testing.T) {
			res, r := confirm(t, c, tc.body)
			res.Expect(t, tc.status)
			if r.Error == nil || r.Error.Message == "" {
				t.Fatalf("no error message: %s", res.Body)
			}
			if tc.field != "" && r.Error.Fields[tc.field] == "" {
				t.Errorf("no error for %s: %+v", tc.field, r.Error.Fields)
			}
			var paid int64
			s.App.DB().Model(&models.Order{}).Where("status = ?", models.StatusPaid).Count(&paid)
			if paid != 0 {
				t.Fatal("an order was paid")
			}
		})
	}
	t.Run("a used token is refused", func(t *testing.T) {
		tok := s.Token(t, "4000000000000002")
		confirm(t, c, confirmBody(tok))
		res, r := confirm(t, c, confirmBody(tok))
		res.Expect(t, http.StatusUnprocessableEntity)
		if r.Error == nil || !strings.Contains(r.Error.Message, "enter them again") {
			t.Fatalf("reply %s", res.Body)
		}
	})
	t.Run("an empty cart is refused", func(t *testing.T) {
		e := s.Client(t)
		e.Get("/")
		res, _ := confirm(t, e, good())
		res.Expect(t, http.StatusUnprocessableEntity)
	})
	t.Run("a missing CSRF token is refused", func(t *testing.T) {
		res := c.Do(http.MethodPost, "/checkout/confirm", strings.NewReader(`{}`), http.Header{"Content-Type": {"application/json"}})
		if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d", res.StatusCode)
		}
	})
}

func TestTwoConcurrentConfirmsOfOneCartMakeOneOrderAndOnePaymentIntent(t *testing.T) {
	s := apptest.New(t)
	c := shopper(t, s, "round-sunglasses")
	tokens := []string{s.Token(t, "4242424242424242"), s.Token(t, "4242424242424242")}
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := c.PostJSON("/checkout/confirm", confirmBody(tokens[i]))
			statuses[i] = res.StatusCode
		}()
	}
	wg.Wait()
	var orders []models.Order
	s.App.DB().Find(&orders)
	if len(orders) != 1 {
		t.Fatalf("%d orders, want 1 (statuses %v)", len(orders), statuses)
	}
	assertOnePaymentIntent(t, s, orders[0].ID)
	if orders[0].Status != models.StatusPaid {
		t.Errorf("order %s", orders[0].Status)
	}
}

func TestTwoShoppersRacingForTheLastUnit(t *testing.T) {
	s := apptest.New(t)
	s.App.DB().Model(&models.Product{}).Where("slug = ?", "studio-headphones").Update("stock", 1)
	a, b := shopper(t, s, "studio-headphones"), shopper(t, s, "studio-headphones")
	ta, tb := s.Token(t, "4242424242424242"), s.Token(t, "4242424242424242")
	var wg sync.WaitGroup
	results := make([]confirmReply, 2)
	codes := make([]int, 2)
	for i, c := range []*apptest.Client{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok := ta
			if i == 1 {
				tok = tb
			}
			res := c.PostJSON("/checkout/confirm", confirmBody(tok))
			codes[i] = res.StatusCode
			res.DecodeJSON(t, &results[i])
		}()
	}
	wg.Wait()
	won, lost := 0, 0
	for i := range 2 {
		switch {
		case codes[i] == http.StatusOK && results[i].Status == "succeeded":
			won++
		case codes[i] == http.StatusConflict && strings.Contains(results[i].Error.Message, "out of stock"):
			lost++
		}
	}
	if won != 1 || lost != 1 {
		t.Fatalf("codes %v replies %+v", codes, results)
	}
	if got := stock(t, s, "studio-headphones"); got != 0 {
		t.Errorf("stock %d, want 0", got)
	}
	var pis int64
	s.App.DB().Model(&models.Order{}).Where("payment_intent_id IS NOT NULL").Count(&pis)
	if pis != 1 {
		t.Errorf("%d PaymentIntents, want 1: the loser must not reach Stripe", pis)
	}
}

// assertOnePaymentIntent checks with Stripe (the simulator) that exactly one PaymentIntent exists for the order.
// It lists rather than searches: Stripe's search lags behind writes, its list does not.
func assertOnePaymentIntent(t *testing.T, s *apptest.Server, orderID string) {
	t.Helper()
	if n := countPaymentIntents(t, s, orderID); n != 1 {
		t.Fatalf("Stripe holds %d PaymentIntents for the order, want 1", n)
	}
}

// shownDecline is the decline code the browser gets: none for the codes that help card testers.
func shownDecline(code string) string {
	if models.HidesDeclineReason(code) {
		return ""
	}
	return code
}

// countPaymentIntents counts the PaymentIntents Stripe holds for an order (metadata order_id).
func countPaymentIntents(t *testing.T, s *apptest.Server, orderID string) int {
	t.Helper()
	n := 0
	for pi, err := range s.App.Payments().Stripe().V1PaymentIntents.List(t.Context(), &stripe.PaymentIntentListParams{}) {
		if err != nil {
			t.Fatal(err)
		}
		if pi.Metadata["order_id"] == orderID {
			n++
		}
	}
	return n
}
