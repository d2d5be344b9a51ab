package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"

	"github.com/storefront/storefront/app"
	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/app/stripesim"
	"github.com/storefront/storefront/models"
)

// retrieveIntent reads a PaymentIntent from Stripe (the simulator).
func retrieveIntent(t *testing.T, s *apptest.Server, id string) *stripe.PaymentIntent {
	t.Helper()
	pi, err := s.App.Payments().Stripe().V1PaymentIntents.Retrieve(t.Context(), id, nil)
	if err != nil {
		t.Fatal(err)
	}
	return pi
}

// After a decline the shopper changes the cart; the call that would bring the PaymentIntent to the new total
// fails. Nothing is confirmed at the old amount and the order keeps its lines and total until Stripe holds the
// new one; the next Pay aligns and pays the new total.
func TestARetryNeverConfirmsTheAmountOfAnEarlierAttempt(t *testing.T) {
	s := apptest.New(t)
	c := shopper(t, s, "stoneware-mug") // 16 + 5 shipping
	res, r := confirm(t, c, confirmBody(s.Token(t, "4000000000000002")))
	res.Expect(t, http.StatusPaymentRequired)
	first := orderByNumber(t, s, r.OrderNumber)
	c.PostForm("/cart/items", addForm(productID(t, s, "canvas-tote"), "1")).Expect(t, http.StatusSeeOther) // + 18

	s.App.Simulator().SetFaults(stripesim.Faults{FailNext: 1, FailKind: "api_error"})
	res, r = confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
	res.Expect(t, http.StatusServiceUnavailable)
	if r.Error == nil || !strings.Contains(r.Error.Message, "press Pay again") {
		t.Fatalf("reply %s", res.Body)
	}
	o := orderByNumber(t, s, first.Number)
	if o.Total != first.Total || len(o.Items) != 1 || o.Status != models.StatusPaymentFailed {
		t.Fatalf("the order changed before Stripe held the new amount: total %d, %d lines, %s", o.Total, len(o.Items), o.Status)
	}
	if pi := retrieveIntent(t, s, *o.PaymentIntentID); pi.Status == stripe.PaymentIntentStatusSucceeded {
		t.Fatalf("confirmed at %d", pi.Amount)
	}

	res, r = confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
	res.Expect(t, http.StatusOK)
	o = orderByNumber(t, s, first.Number)
	pi := retrieveIntent(t, s, *o.PaymentIntentID)
	if r.Status != "succeeded" || o.Status != models.StatusPaid || o.Total != 3900 || pi.AmountReceived != 3900 {
		t.Fatalf("reply %s, order %s total %d, Stripe received %d", r.Status, o.Status, o.Total, pi.AmountReceived)
	}
}

// Money that arrives at another amount than the order's (here: the PaymentIntent changed behind the shop's
// back) puts the order in needs_review with a reason, never plain paid; the admin sees the filter, the badge
// and review_reason in JSON.
func TestMoneyAtAnotherAmountNeedsReview(t *testing.T) {
	s := newAdminServer(t)
	c := shopper(t, s, "stoneware-mug")
	_, r := confirm(t, c, confirmBody(s.Token(t, "4000000000000002")))
	o := orderByNumber(t, s, r.OrderNumber)
	sc := s.App.Payments().Stripe()
	if _, err := sc.V1PaymentIntents.Update(t.Context(), *o.PaymentIntentID, &stripe.PaymentIntentUpdateParams{Amount: stripe.Int64(1000)}); err != nil {
		t.Fatal(err)
	}
	tok, err := sc.V1TestHelpersConfirmationTokens.Create(t.Context(), &stripe.TestHelpersConfirmationTokenCreateParams{PaymentMethod: stripe.String("pm_card_visa")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.V1PaymentIntents.Confirm(t.Context(), *o.PaymentIntentID, &stripe.PaymentIntentConfirmParams{ConfirmationToken: stripe.String(tok.ID)}); err != nil {
		t.Fatal(err)
	}
	s.Settle(t)
	o = orderByNumber(t, s, r.OrderNumber)
	if o.Status != models.StatusNeedsReview || o.ReviewReason == nil || !strings.Contains(*o.ReviewReason, "1000 usd") {
		t.Fatalf("order %s reason %v", o.Status, o.ReviewReason)
	}
	admin := signedInAdmin(t, s)
	list := admin.Get("/admin/orders?status=needs_review").Expect(t, http.StatusOK).Body
	if !strings.Contains(list, o.Number) || !strings.Contains(list, "status-badge--needs_review") {
		t.Errorf("the admin list lacks the order or its badge")
	}
	page := admin.Get("/admin/orders/"+o.ID).Expect(t, http.StatusOK).Body
	if !strings.Contains(page, `data-testid="review-reason"`) {
		t.Errorf("the order page does not say why it needs review")
	}
	api := admin.Get("/admin/api/orders?status=needs_review").Expect(t, http.StatusOK).Body
	if !strings.Contains(api, `"review_reason":"Stripe received 1000 usd`) {
		t.Errorf("JSON: %s", api)
	}
}

// The pay button showed one total, the cart now has another (changed in another tab): 409 amount_changed with
// the new amount and summary, and nothing sent to Stripe; paying with the new total works.
func TestConfirmAtAStaleAmountIsRefusedWithTheNewOne(t *testing.T) {
	s := apptest.New(t)
	c := shopper(t, s, "stoneware-mug") // 21.00 with shipping
	c.PostForm("/cart/items", addForm(productID(t, s, "canvas-tote"), "1")).Expect(t, http.StatusSeeOther)
	body := confirmBody(s.Token(t, "4242424242424242"))
	body["expected_amount"] = 2100
	res := c.PostJSON("/checkout/confirm", body).Expect(t, http.StatusConflict)
	var reply struct {
		Error struct {
			Type, Code, Message string
		} `json:"error"`
		Amount      int64  `json:"amount"`
		Currency    string `json:"currency"`
		SummaryHTML string `json:"summary_html"`
	}
	res.DecodeJSON(t, &reply)
	if reply.Error.Type != "invalid_request_error" || reply.Error.Code != "amount_changed" || reply.Amount != 3900 ||
		reply.Currency != "usd" || !strings.Contains(reply.SummaryHTML, "$39.00") || !strings.Contains(reply.Error.Message, "$39.00") {
		t.Fatalf("reply %s", res.Body)
	}
	var orders int64
	s.App.DB().Model(&models.Order{}).Count(&orders)
	if n := len(listIntents(t, s)); n != 0 || orders != 0 {
		t.Fatalf("%d PaymentIntents and %d orders after a stale amount", n, orders)
	}
	body["expected_amount"] = 3900
	res, r := confirm(t, c, body)
	res.Expect(t, http.StatusOK)
	if r.Status != "succeeded" {
		t.Fatalf("reply %+v", r)
	}
}

func listIntents(t *testing.T, s *apptest.Server) []*stripe.PaymentIntent {
	t.Helper()
	var out []*stripe.PaymentIntent
	for pi, err := range s.App.Payments().Stripe().V1PaymentIntents.List(t.Context(), &stripe.PaymentIntentListParams{}) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pi)
	}
	return out
}

// A second PaymentIntent of an order succeeds after the order was paid by its own (an attempt settled as
// "made nothing" while Stripe's search lagged, say): it is refunded in full at once, shown on the order's
// timeline and counted on the dashboard; the order stays paid by its own PaymentIntent.
func TestASecondPaymentIntentThatSucceedsIsRefundedAtOnce(t *testing.T) {
	s := newAdminServer(t)
	o := placeOrder(t, s)
	s.Settle(t)
	sc := s.App.Payments().Stripe()
	tok, err := sc.V1TestHelpersConfirmationTokens.Create(t.Context(), &stripe.TestHelpersConfirmationTokenCreateParams{PaymentMethod: stripe.String("pm_card_visa")})
	if err != nil {
		t.Fatal(err)
	}
	p := &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(o.Total), Currency: stripe.String("usd"), Confirm: stripe.Bool(true),
		ConfirmationToken: stripe.String(tok.ID), AutomaticPaymentMethods: &stripe.PaymentIntentCreateAutomaticPaymentMethodsParams{Enabled: stripe.Bool(true), AllowRedirects: stripe.String("never")}}
	p.AddMetadata("order_id", o.ID)
	extra, err := sc.V1PaymentIntents.Create(t.Context(), p)
	if err != nil || extra.Status != stripe.PaymentIntentStatusSucceeded {
		t.Fatalf("extra PaymentIntent: %v %v", extra, err)
	}
	s.Settle(t)
	s.Settle(t) // the refund's own events
	pa := &stripe.PaymentIntentRetrieveParams{}
	pa.AddExpand("latest_charge")
	got, err := sc.V1PaymentIntents.Retrieve(t.Context(), extra.ID, pa)
	if err != nil || got.LatestCharge.AmountRefunded != o.Total {
		t.Fatalf("the extra PaymentIntent is not refunded in full: %+v %v", got.LatestCharge, err)
	}
	after := reload(t, s, o)
	if after.Status != models.StatusPaid || *after.PaymentIntentID != *o.PaymentIntentID || after.RefundedAmount != 0 {
		t.Fatalf("order %s PaymentIntent %s refunded %d", after.Status, *after.PaymentIntentID, after.RefundedAmount)
	}
	evs, _ := models.OrderEvents(t.Context(), s.App.DB().DB, o.ID)
	n := 0
	for _, ev := range evs {
		if ev.Kind == "payment_intent.extra_refunded" && strings.Contains(ev.Detail, extra.ID) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d timeline entries for the extra PaymentIntent", n)
	}
	var inbox []models.WebhookEvent
	s.App.DB().Where("status = ?", models.InboxPending).Find(&inbox)
	if len(inbox) != 0 {
		t.Errorf("%d events wait in the inbox (the extra's charge events must not be retried forever)", len(inbox))
	}
	page := signedInAdmin(t, s).Get("/admin").Expect(t, http.StatusOK).Body
	if !strings.Contains(page, `data-testid="stat-extra-refunded">1<`) {
		t.Errorf("the dashboard does not count the extra payment")
	}
}

// 3-D Secure finished while the browser was away (it died before the redirect): Pay pressed again answers 200
// succeeded with the order page, whether the webhook came first or not, and charges nothing more.
func TestPayAgainAfterThreeDSecureSucceededElsewhere(t *testing.T) {
	for _, webhookFirst := range []bool{false, true} {
		name := "before the webhook"
		if webhookFirst {
			name = "after the webhook"
		}
		t.Run(name, func(t *testing.T) {
			s := apptest.New(t)
			c := shopper(t, s, "merino-beanie")
			if !webhookFirst {
				s.App.Simulator().SetFaults(stripesim.Faults{WebhookDropRate: 1})
			}
			_, r := confirm(t, c, confirmBody(s.Token(t, "4000002500003155")))
			o := orderByNumber(t, s, r.OrderNumber)
			s.Authenticate(t, *o.PaymentIntentID, r.ClientSecret, "complete")
			s.Settle(t)
			res, r2 := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
			res.Expect(t, http.StatusOK)
			if r2.Status != "succeeded" || r2.NextURL != "/orders/"+r.OrderNumber {
				t.Fatalf("reply %s", res.Body)
			}
			if o := orderByNumber(t, s, r.OrderNumber); o.Status != models.StatusPaid {
				t.Fatalf("order %s", o.Status)
			}
			if n := len(listIntents(t, s)); n != 1 {
				t.Fatalf("%d PaymentIntents", n)
			}
		})
	}
}

// Reloading the checkout while the order waits for 3-D Secure offers to finish it (the PaymentIntent's client
// secret in the page's config); the order page sends the shopper there.
func TestCheckoutReloadOffersToFinishAuthentication(t *testing.T) {
	s := apptest.New(t)
	c := shopper(t, s, "merino-beanie")
	_, r := confirm(t, c, confirmBody(s.Token(t, "4000002500003155")))
	page := c.Get("/checkout").Expect(t, http.StatusOK).Body
	if !strings.Contains(page, `"pendingAction":{"clientSecret":"`+r.ClientSecret+`"`) {
		t.Fatalf("the checkout page offers no way to finish the authentication")
	}
	if !strings.Contains(c.Get(r.NextURL).Body+c.Get("/orders/"+r.OrderNumber).Body, `data-testid="finish-authentication"`) {
		t.Fatalf("the order page offers no way to finish the authentication")
	}
	// Another method on the same PaymentIntent.
	res, r2 := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
	res.Expect(t, http.StatusOK)
	if r2.Status != "succeeded" || len(listIntents(t, s)) != 1 {
		t.Fatalf("reply %s", res.Body)
	}
}

// Stripe's clock runs four minutes behind the shop's (within the webhook signature tolerance). A confirm's answer is lost (the outcome is unknown), then
// Stripe's genuine webhook says the payment waits for 3-D Secure: the order follows it, because nothing stamped
// with the shop's clock stands in the way; and a read stamped with Stripe's clock orders right too.
func TestOrderingUsesStripesClockNotTheShops(t *testing.T) {
	s := apptest.New(t)
	c := shopper(t, s, "merino-beanie")
	s.App.Simulator().SetFaults(stripesim.Faults{ClockSkew: -4 * time.Minute, FailNext: 3, FailKind: "disconnect"})
	_, r := confirm(t, c, confirmBody(s.Token(t, "4000002500003155")))
	if r.Status != "processing" {
		t.Fatalf("reply %+v", r)
	}
	s.Settle(t)
	o := orderByNumber(t, s, r.OrderNumber)
	if o.Status != models.StatusRequiresAction {
		t.Fatalf("after Stripe's requires_action webhook the order is %s", o.Status)
	}
	// Settle from Stripe (the return page), then the challenge fails: the late webhook still applies.
	s.App.Simulator().SetFaults(stripesim.Faults{ClockSkew: -4 * time.Minute, WebhookDelay: 300 * time.Millisecond})
	if _, err := s.App.Checkout().Settle(t.Context(), o.ID, "app"); err != nil {
		t.Fatal(err)
	}
	pi := retrieveIntent(t, s, *o.PaymentIntentID)
	s.Authenticate(t, pi.ID, pi.ClientSecret, "fail")
	s.Settle(t)
	if o := orderByNumber(t, s, r.OrderNumber); o.Status != models.StatusPaymentFailed {
		t.Fatalf("after the failed challenge the order is %s", o.Status)
	}
}

// The shopper closes the tab while Stripe works: the confirm finishes its bookkeeping anyway (the order is paid
// and no attempt is left in flight), and the server's write timeout outlasts the longest confirm.
func TestConfirmFinishesWhenTheShopperLeaves(t *testing.T) {
	s := apptest.New(t)
	c := shopper(t, s, "desk-planter")
	s.App.Simulator().SetFaults(stripesim.Faults{Latency: 800 * time.Millisecond, WebhookDropRate: 1}) // only the answer tells
	tab := *c.HTTP                                                                                     // the same cookies, a browser that gives up after 300 ms
	tab.Timeout = 300 * time.Millisecond
	func() {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/checkout/confirm", strings.NewReader(jsonBody(t, confirmBody(s.Token(t, "4242424242424242")))))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", c.CSRF)
		if res, err := tab.Do(req); err == nil {
			res.Body.Close()
			t.Fatal("the request was expected to be abandoned")
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var o models.Order
		s.App.DB().Take(&o)
		if o.Status == models.StatusPaid && o.AttemptState == models.AttemptIdle {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("order %s, attempt %s after the shopper left", o.Status, o.AttemptState)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if cfg := s.App.Config(); cfg.WriteTimeout() <= cfg.ConfirmBudget || cfg.ConfirmBudget < 3*cfg.StripeTimeout {
		t.Errorf("write timeout %v, confirm budget %v, Stripe timeout %v", cfg.WriteTimeout(), cfg.ConfirmBudget, cfg.StripeTimeout)
	}
}

func jsonBody(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A guest is declined, signs in and pays again: the retry on the same PaymentIntent carries the shopper's
// Customer (so their saved cards can pay it), as the first attempt would have.
func TestARetryAfterSigningInCarriesTheCustomer(t *testing.T) {
	s := newAccountServer(t)
	c := visitor(t, s)
	c.PostForm("/cart/items", addForm(productID(t, s, "canvas-tote"), "1")).Expect(t, http.StatusSeeOther)
	c.Get("/checkout")
	_, r := confirm(t, c, confirmBody(s.Token(t, "4000000000000002")))
	signUpAndIn(t, c, "erin@example.com", "erin password 1")
	c.Get("/checkout")
	res, r2 := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
	res.Expect(t, http.StatusOK)
	o := orderByNumber(t, s, r.OrderNumber)
	u := userByEmail(t, s, "erin@example.com")
	cus, err := models.StripeCustomerFor(t.Context(), s.App.DB().DB, u.ID, models.StripeModeSimulator)
	if err != nil {
		t.Fatal(err)
	}
	pi := retrieveIntent(t, s, *o.PaymentIntentID)
	if r2.OrderNumber != r.OrderNumber || cus == "" || pi.Customer == nil || pi.Customer.ID != cus {
		t.Fatalf("reply %+v, PaymentIntent customer %v, account's %q", r2, pi.Customer, cus)
	}
}

// Events recovered through the Events API keep the API version they were made with: one of another release
// train is refused as a webhook would be (and recorded once), never applied.
func TestRecoveredEventsPassTheAPIVersionCheck(t *testing.T) {
	s := apptest.New(t)
	c := shopper(t, s, "desk-planter")
	s.App.Simulator().SetFaults(stripesim.Faults{WebhookDropRate: 1, EventAPIVersion: "2024-06-20.acacia"})
	confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
	rec := s.App.Reconciler()
	for range 2 {
		if _, err := rec.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	s.WaitInbox(t)
	var stored, refused int64
	s.App.DB().Model(&models.WebhookEvent{}).Count(&stored)
	s.App.DB().Model(&models.WebhookRejection{}).Where("reason = ?", "api_version").Count(&refused)
	if stored != 0 || refused == 0 {
		t.Fatalf("%d acacia events stored, %d refusals recorded", stored, refused)
	}
	var perEvent []int64
	s.App.DB().Model(&models.WebhookRejection{}).Select("COUNT(*)").Group("event_id").Find(&perEvent)
	for _, n := range perEvent {
		if n != 1 {
			t.Fatalf("a refused event was recorded %d times", n)
		}
	}
}

// Inventory lock-up without a card: an attempt Stripe refuses gives its stock back at once; one client (many
// fresh cookies) holds a bounded number of units; an unpaid order's stock goes back after ABANDON_AFTER.
func TestStockIsNotHeldByAttemptsThatMadeNothing(t *testing.T) {
	s := apptest.New(t, apptest.Options{Env: map[string]string{"ABANDON_AFTER": "30m"}, Tune: func(c *app.Config) { c.MaxHeldUnits = 5 }})
	before := stock(t, s, "studio-headphones")
	t.Run("a token Stripe refuses holds nothing", func(t *testing.T) {
		c := shopper(t, s, "studio-headphones")
		res, _ := confirm(t, c, confirmBody("ctoken_doesnotexist"))
		res.Expect(t, http.StatusUnprocessableEntity)
		if got := stock(t, s, "studio-headphones"); got != before {
			t.Fatalf("stock %d after a refused token, want %d", got, before)
		}
		res, r := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
		res.Expect(t, http.StatusOK)
		if r.Status != "succeeded" || stock(t, s, "studio-headphones") != before-1 {
			t.Fatalf("then paying: %+v, stock %d", r, stock(t, s, "studio-headphones"))
		}
	})
	t.Run("one client holds at most a bounded number of units", func(t *testing.T) {
		for i := range 3 { // 2 units each, left waiting for 3-D Secure, each from a fresh cookie
			c := s.Client(t)
			c.PostForm("/cart/items", addForm(productID(t, s, "merino-beanie"), "2")).Expect(t, http.StatusSeeOther)
			c.Get("/checkout")
			res, r := confirm(t, c, confirmBody(s.Token(t, "4000002500003155")))
			if i < 2 && r.Status != "requires_action" {
				t.Fatalf("checkout %d: %s", i, res.Body)
			}
			if i == 2 && (res.StatusCode != http.StatusConflict || r.Error == nil || r.Error.Code != "too_many_reserved") {
				t.Fatalf("the third hold of 2 units (limit 5): %s", res.Body)
			}
		}
	})
	t.Run("an unpaid order's stock goes back after ABANDON_AFTER", func(t *testing.T) {
		if s.App.Config().AbandonAfter != 30*time.Minute {
			t.Fatalf("ABANDON_AFTER %v", s.App.Config().AbandonAfter)
		}
		held := stock(t, s, "merino-beanie")
		s.Advance(31 * time.Minute)
		if _, err := s.App.Reconciler().RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := stock(t, s, "merino-beanie"); got != held+4 {
			t.Fatalf("stock %d after ABANDON_AFTER, want %d", got, held+4)
		}
	})
}

// Stripe's minimum charge per currency is the shop's too (not only JPY and GBP): a HUF shop refuses a total
// below HUF 175.00 before calling Stripe. A code that leaves less than the minimum (a 100 % code with free
// shipping) is refused: the shop's choice, documented in the README.
func TestPerCurrencyMinimumsAndFreeOrders(t *testing.T) {
	t.Run("HUF 175.00", func(t *testing.T) {
		s := apptest.New(t, apptest.Options{Env: map[string]string{"CURRENCY": "huf"}})
		c := shopper(t, s, "stoneware-mug") // 1600 + 500 minor units, below 17500
		res, r := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
		res.Expect(t, http.StatusUnprocessableEntity)
		if r.Error == nil || r.Error.Code != "amount_too_small" || len(listIntents(t, s)) != 0 {
			t.Fatalf("reply %s", res.Body)
		}
	})
	t.Run("a 100 % code is refused", func(t *testing.T) {
		s := apptest.New(t)
		s.App.DB().Create(&models.Discount{ID: models.NewID(), Code: "FREE100", Kind: models.DiscountPercent, PercentOff: 100, Active: true})
		c := shopper(t, s, "everyday-sneakers") // 89.00, free shipping
		res := c.PostJSON("/checkout/discount", map[string]string{"code": "FREE100"})
		res.Expect(t, http.StatusUnprocessableEntity)
		if !strings.Contains(res.Body, "smallest amount we can charge") {
			t.Fatalf("reply %s", res.Body)
		}
	})
}

// A banking app opens the return URL in the default browser, without the shop's session: with the
// PaymentIntent's client secret (Stripe's redirect carries it) it shows the order; without it, or with another
// one, it does not.
func TestReturnURLInAnotherBrowser(t *testing.T) {
	s := apptest.New(t)
	c := shopper(t, s, "merino-beanie")
	_, r := confirm(t, c, confirmBody(s.Token(t, "4000002500003155")))
	o := orderByNumber(t, s, r.OrderNumber)
	s.Authenticate(t, *o.PaymentIntentID, r.ClientSecret, "complete")
	other := s.Client(t)
	base := "/checkout/complete?payment_intent=" + *o.PaymentIntentID
	other.Get(base).Expect(t, http.StatusNotFound)
	other.Get(base+"&payment_intent_client_secret="+*o.PaymentIntentID+"_secret_forged").Expect(t, http.StatusNotFound)
	res := other.Get(base+"&payment_intent_client_secret="+r.ClientSecret+"&redirect_status=succeeded").Expect(t, http.StatusSeeOther)
	if res.Header.Get("Location") != "/orders/"+r.OrderNumber {
		t.Fatalf("to %s", res.Header.Get("Location"))
	}
	if !strings.Contains(other.Get("/orders/"+r.OrderNumber).Body, `data-testid="order-status">Paid`) {
		t.Fatal("the order page does not show it paid")
	}
}
