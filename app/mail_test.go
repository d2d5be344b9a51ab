package app_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

// newMailServer is a shop with an admin that sends its emails through the test's SMTP server.
func newMailServer(t *testing.T, smtpSrv *smtpServer) *apptest.Server {
	t.Helper()
	env := map[string]string{"TRUSTED_PROXIES": "127.0.0.1/32", "ADMIN_EMAIL": adminEmail, "ADMIN_PASSWORD": adminPassword,
		"ADMIN_API_TOKEN": apiToken}
	opts := apptest.Options{Env: env}
	if smtpSrv != nil {
		for k, v := range smtpSrv.Env() {
			env[k] = v
		}
		opts.Tune = smtpSrv.Tune
	}
	return apptest.New(t, opts)
}

// waitMail drains the outbox until the server holds want messages, then checks no more arrive.
func waitMail(t *testing.T, s *apptest.Server, srv *smtpServer, want int) []receivedMail {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for len(srv.Received()) < want {
		if _, err := s.App.Mailer().Drain(t.Context()); err != nil {
			t.Fatalf("drain outbox: %v", err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d emails received, want %d; outbox: %+v", len(srv.Received()), want, outbox(t, s))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := s.App.Mailer().Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	got := srv.Received()
	if len(got) != want {
		t.Fatalf("%d emails received, want exactly %d", len(got), want)
	}
	return got
}

func outbox(t *testing.T, s *apptest.Server) []models.OutboxEmail {
	t.Helper()
	var es []models.OutboxEmail
	if err := s.App.DB().Order("created_at, id").Find(&es).Error; err != nil {
		t.Fatal(err)
	}
	return es
}

// replayEvents delivers again every stored Stripe event of an order's PaymentIntent: once with its own id (the
// inbox drops it) and twice under new ids (as if Stripe had sent other events with the same object), so each
// event reaches the shop three times and is applied three times.
func replayEvents(t *testing.T, s *apptest.Server, o models.Order, types ...string) {
	t.Helper()
	var evs []models.WebhookEvent
	s.App.DB().Where("type IN ?", types).Find(&evs)
	n := 0
	for _, ev := range evs {
		if o.PaymentIntentID == nil || !strings.Contains(ev.Payload, *o.PaymentIntentID) {
			continue
		}
		n++
		for i := range 3 {
			payload := []byte(ev.Payload)
			if i > 0 {
				var m map[string]any
				if err := json.Unmarshal(payload, &m); err != nil {
					t.Fatal(err)
				}
				m["id"] = ev.ID + "_again" + string(rune('0'+i))
				payload, _ = json.Marshal(m)
			}
			if res := s.PostEvent(t, payload); res.StatusCode != http.StatusOK {
				t.Fatalf("replay %s: %d", ev.Type, res.StatusCode)
			}
		}
	}
	if n == 0 {
		t.Fatalf("no %v event stored for order %s", types, o.Number)
	}
	s.WaitInbox(t)
}

func mailsTo(ms []receivedMail, subjectPart string) []receivedMail {
	var out []receivedMail
	for _, m := range ms {
		if strings.Contains(m.Subject, subjectPart) {
			out = append(out, m)
		}
	}
	return out
}

// assertNothingSecret fails when an email shows a Stripe id, a key or a client secret.
func assertNothingSecret(t *testing.T, m receivedMail) {
	t.Helper()
	for _, secret := range []string{"pi_", "ch_", "sk_", "_secret_", "whsec_", "cus_", "re_"} {
		if strings.Contains(m.Text, secret) || strings.Contains(m.HTML, secret) {
			t.Errorf("email %q shows %q:\n%s", m.Subject, secret, m.Text)
		}
	}
}

func TestEmailOneConfirmationPerPaidOrderUnderTriplicateWebhooks(t *testing.T) {
	srv := startSMTP(t, false) // smtp:// with STARTTLS and AUTH PLAIN
	s := newMailServer(t, srv)
	a, b := placeOrder(t, s), placeOrder(t, s)
	s.Settle(t)
	for _, o := range []models.Order{a, b} {
		replayEvents(t, s, reload(t, s, o), "payment_intent.succeeded")
	}
	got := waitMail(t, s, srv, 2)
	for _, o := range []models.Order{a, b} {
		ms := mailsTo(got, o.Number)
		if len(ms) != 1 {
			t.Fatalf("order %s: %d emails, want one confirmation", o.Number, len(ms))
		}
		m := ms[0]
		if m.Subject != "Your order "+o.Number+" is confirmed" {
			t.Errorf("subject %q", m.Subject)
		}
		if m.To != "jenny.rosen@example.com" || !m.Authenticated || !strings.Contains(m.Header.Get("From"), "shop@localhost") {
			t.Errorf("envelope to=%q authenticated=%v from=%q", m.To, m.Authenticated, m.Header.Get("From"))
		}
		link := s.URL + "/orders/" + o.Number
		if !strings.Contains(m.Text, link) || !strings.Contains(m.HTML, `href="`+link+`"`) {
			t.Errorf("no link to %s in:\n%s", link, m.Text)
		}
		if !strings.Contains(m.Text, "Canvas Tote") || !strings.Contains(m.HTML, "Canvas Tote") || !strings.Contains(m.Text, "Total: $") {
			t.Errorf("items or total missing:\n%s", m.Text)
		}
		assertNothingSecret(t, m)
	}
	for _, e := range outbox(t, s) {
		if e.Status != models.OutboxSent || e.Attempts != 1 || e.SentAt == nil {
			t.Errorf("outbox row %+v, want sent on the first attempt", e)
		}
	}
}

func TestEmailShippedAndRefundsOverImplicitTLS(t *testing.T) {
	srv := startSMTP(t, true) // smtps://
	s := newMailServer(t, srv)
	o := placeOrder(t, s)
	s.Settle(t)
	waitMail(t, s, srv, 1)
	admin := signedInAdmin(t, s)

	ship := url.Values{"carrier": {"UPS"}, "tracking_number": {"1Z999AA10123456784"}}
	admin.Get("/admin/orders/" + o.ID)
	admin.PostForm("/admin/orders/"+o.ID+"/ship", ship).Expect(t, http.StatusSeeOther)
	admin.PostForm("/admin/orders/"+o.ID+"/ship", ship).Expect(t, http.StatusSeeOther) // a double submit
	got := waitMail(t, s, srv, 2)
	shipped := mailsTo(got, "has shipped")
	if len(shipped) != 1 || shipped[0].Subject != "Your order "+o.Number+" has shipped" {
		t.Fatalf("shipped emails: %+v", shipped)
	}
	m := shipped[0]
	if !strings.Contains(m.Text, "with UPS.") || !strings.Contains(m.Text, "1Z999AA10123456784") ||
		!strings.Contains(m.HTML, "https://www.ups.com/track?tracknum=1Z999AA10123456784") {
		t.Errorf("shipped email:\n%s\n%s", m.Text, m.HTML)
	}
	assertNothingSecret(t, m)

	admin.PostForm("/admin/orders/"+o.ID+"/refund", refundForm(t, admin, o.ID, "5.00")).Expect(t, http.StatusSeeOther)
	s.Settle(t)
	replayEvents(t, s, reload(t, s, o), "charge.refunded")
	got = waitMail(t, s, srv, 3)
	refunds := mailsTo(got, "Refund for")
	if len(refunds) != 1 || refunds[0].Subject != "Refund for your order "+o.Number {
		t.Fatalf("refund emails: %+v", refunds)
	}
	if !strings.Contains(refunds[0].Text, "We have refunded $5.00") || !strings.Contains(refunds[0].Text, s.URL+"/orders/"+o.Number) {
		t.Errorf("refund email:\n%s", refunds[0].Text)
	}
	assertNothingSecret(t, refunds[0])

	// A second refund is a second email, keyed by its own refund id.
	admin.PostForm("/admin/orders/"+o.ID+"/refund", refundForm(t, admin, o.ID, "")).Expect(t, http.StatusSeeOther)
	s.Settle(t)
	got = waitMail(t, s, srv, 4)
	if r := mailsTo(got, "Refund for"); len(r) != 2 {
		t.Fatalf("refund emails after the second refund: %d", len(r))
	}
	var refs []string
	for _, e := range outbox(t, s) {
		if e.Kind == models.EmailRefund {
			refs = append(refs, e.Ref)
		}
	}
	for _, r := range refundsOf(t, s, o.ID) {
		if !strings.Contains(strings.Join(refs, " "), r.StripeRefundID) {
			t.Errorf("no refund email keyed by %s: %v", r.StripeRefundID, refs)
		}
	}
}

func TestEmailSMTPOutageDelaysThenDelivers(t *testing.T) {
	srv := startSMTP(t, false)
	s := newMailServer(t, srv)
	srv.Stop()
	o := placeOrder(t, s)
	s.Settle(t)
	// Attempts fail while the server is down: the email stays queued with the error, never failed.
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.App.Mailer().Drain(t.Context())
		es := outbox(t, s)
		if len(es) == 1 && es[0].Attempts >= 2 {
			if es[0].Status != models.OutboxPending || es[0].LastError == nil {
				t.Fatalf("during the outage: %+v", es[0])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no retries during the outage: %+v", es)
		}
		time.Sleep(30 * time.Millisecond)
	}
	admin := signedInAdmin(t, s)
	page := admin.Get("/admin/emails").Expect(t, http.StatusOK).Body
	if !strings.Contains(page, "Retrying") || !strings.Contains(page, o.Number) {
		t.Errorf("the outbox page does not show the retrying email")
	}
	srv.Start()
	got := waitMail(t, s, srv, 1)
	if got[0].Subject != "Your order "+o.Number+" is confirmed" {
		t.Errorf("after the outage: %q", got[0].Subject)
	}
	if es := outbox(t, s); es[0].Status != models.OutboxSent {
		t.Errorf("after the outage: %+v", es[0])
	}
}

func TestEmailRefusedForGoodIsShownToTheAdmin(t *testing.T) {
	srv := startSMTP(t, false)
	srv.Refuse("jenny.rosen@example.com")
	s := newMailServer(t, srv)
	o := placeOrder(t, s)
	s.Settle(t)
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.App.Mailer().Drain(t.Context())
		if es := outbox(t, s); len(es) == 1 && es[0].Status == models.OutboxFailed {
			if es[0].LastError == nil || !strings.Contains(*es[0].LastError, "550") {
				t.Errorf("last error %v", es[0].LastError)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not failed: %+v", outbox(t, s))
		}
		time.Sleep(30 * time.Millisecond)
	}
	admin := signedInAdmin(t, s)
	dash := admin.Get("/admin").Expect(t, http.StatusOK).Body
	if !strings.Contains(dash, `data-testid="stat-emails-failed">1<`) {
		t.Errorf("dashboard does not count the failed email")
	}
	list := admin.Get("/admin/emails?status=failed").Expect(t, http.StatusOK).Body
	if !strings.Contains(list, o.Number) || !strings.Contains(list, "no such mailbox") {
		t.Errorf("failed email not listed with its error")
	}
	// Sent again by the admin once the address works.
	srv.Refuse("")
	e := outbox(t, s)[0]
	admin.PostForm("/admin/emails/"+e.ID+"/retry", url.Values{}).Expect(t, http.StatusSeeOther)
	waitMail(t, s, srv, 1)
}

func TestEmailWithoutSMTPStaysInTheOutboxForTheAdmin(t *testing.T) {
	s := newMailServer(t, nil)
	if s.App.Mailer() != nil {
		t.Fatal("a mail worker runs without SMTP_URL")
	}
	if !strings.Contains(s.Logs.String(), "/admin/emails") {
		t.Errorf("the start log does not say where emails are")
	}
	o := placeOrder(t, s)
	s.Settle(t)
	es := outbox(t, s)
	if len(es) != 1 || es[0].Kind != models.EmailOrderConfirmation || es[0].Status != models.OutboxPending {
		t.Fatalf("outbox %+v", es)
	}
	visitor(t, s).Get("/admin/emails").Expect(t, http.StatusSeeOther) // shoppers are sent to sign in
	admin := signedInAdmin(t, s)
	list := admin.Get("/admin/emails").Expect(t, http.StatusOK).Body
	for _, want := range []string{"SMTP_URL is not set", o.Number, "Held (no SMTP_URL)", "/admin/emails/" + es[0].ID} {
		if !strings.Contains(list, want) {
			t.Errorf("outbox page lacks %q", want)
		}
	}
	page := admin.Get("/admin/emails/"+es[0].ID).Expect(t, http.StatusOK)
	if !strings.Contains(page.Body, "Your order "+o.Number+" is confirmed") || !strings.Contains(page.Body, s.URL+"/orders/"+o.Number) {
		t.Errorf("email page lacks the subject or the link")
	}
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-src 'self'") {
		t.Errorf("the preview frame is not allowed: %s", csp)
	}
	html := admin.Get("/admin/emails/"+es[0].ID+"/html").Expect(t, http.StatusOK)
	if !strings.Contains(html.Body, "Thank you for your order") || !strings.Contains(html.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("HTML preview: %s", html.Header.Get("Content-Security-Policy"))
	}
	admin.Get("/admin/emails/"+models.NewID()).Expect(t, http.StatusNotFound)
}

func TestShipRefusesUnpaidOrdersAndChecksTheForm(t *testing.T) {
	s := newMailServer(t, nil)
	unpaid := seedOrders(t, s, time.Now(), 1, func(_ int, o *models.Order) { o.Status = models.StatusPending })[0]
	paid, buyer := placeOrderAndBuyer(t, s)
	admin := signedInAdmin(t, s)
	admin.Get("/admin/orders/" + unpaid.ID)
	ship := url.Values{"carrier": {"FedEx"}, "tracking_number": {"794698570890"}}

	res := admin.PostForm("/admin/orders/"+unpaid.ID+"/ship", ship).Expect(t, http.StatusUnprocessableEntity)
	if !strings.Contains(res.Body, "Only paid or partially refunded orders can be shipped. This order is pending.") {
		t.Errorf("refusal not shown")
	}
	res = admin.PostForm("/admin/orders/"+paid.ID+"/ship", url.Values{"carrier": {" "}, "tracking_number": {""}}).
		Expect(t, http.StatusUnprocessableEntity)
	if !strings.Contains(res.Body, "Enter the carrier") || !strings.Contains(res.Body, "Enter the tracking number") {
		t.Errorf("field errors not shown")
	}
	if got := reload(t, s, unpaid); got.FulfillmentStatus != models.FulfillmentUnfulfilled {
		t.Errorf("unpaid order: %q", got.FulfillmentStatus)
	}

	dash := admin.Get("/admin").Body
	if !strings.Contains(dash, `data-testid="stat-to-ship">1<`) {
		t.Errorf("dashboard: no paid order to ship counted")
	}
	toShip := admin.Get("/admin/orders?fulfillment=to_ship").Body
	if !strings.Contains(toShip, paid.Number) || strings.Contains(toShip, unpaid.Number) {
		t.Errorf("to_ship filter")
	}
	admin.Get("/admin/orders?fulfillment=lost").Expect(t, http.StatusBadRequest)

	admin.PostForm("/admin/orders/"+paid.ID+"/ship", ship).Expect(t, http.StatusSeeOther)
	again := admin.PostForm("/admin/orders/"+paid.ID+"/ship", url.Values{"carrier": {"DHL"}, "tracking_number": {"1"}}).
		Expect(t, http.StatusSeeOther)
	page := admin.Get(again.Header.Get("Location")).Body
	if !strings.Contains(page, "already marked as shipped") || !strings.Contains(page, "https://www.fedex.com/fedextrack/?trknbr=794698570890") {
		t.Errorf("second submit: not told, or tracking link missing")
	}
	o := reload(t, s, paid)
	if o.FulfillmentStatus != models.FulfillmentShipped || o.Carrier != "FedEx" || o.TrackingNumber != "794698570890" || o.ShippedAt == nil {
		t.Errorf("shipped order %+v", o)
	}
	var shippedEvents int64
	s.App.DB().Model(&models.OrderEvent{}).Where("order_id = ? AND kind = ?", o.ID, models.KindShipped).Count(&shippedEvents)
	if n := len(outbox(t, s)); n != 2 || shippedEvents != 1 {
		t.Errorf("%d emails (want confirmation + shipped), %d shipped events", n, shippedEvents)
	}

	// The JSON API and the CSV carry the fulfillment.
	api := s.Client(t)
	res = api.Do(http.MethodGet, "/admin/api/orders/"+o.ID, nil, http.Header{"Authorization": {"Bearer " + apiToken}}).Expect(t, http.StatusOK)
	var got map[string]any
	res.DecodeJSON(t, &got)
	if got["fulfillment_status"] != "shipped" || got["carrier"] != "FedEx" || got["tracking_number"] != "794698570890" || got["shipped_at"] == nil {
		t.Errorf("API order: %v", got)
	}
	res = api.Do(http.MethodGet, "/admin/api/orders?fulfillment=unfulfilled", nil, http.Header{"Authorization": {"Bearer " + apiToken}}).Expect(t, http.StatusOK)
	if strings.Contains(res.Body, o.Number) || !strings.Contains(res.Body, `"fulfillment_status":"unfulfilled"`) || !strings.Contains(res.Body, `"carrier":null`) {
		t.Errorf("API list filtered by fulfillment: %s", res.Body)
	}
	csv := admin.Get("/admin/orders.csv?fulfillment=shipped").Expect(t, http.StatusOK).Body
	if !strings.Contains(csv, "fulfillment_status,carrier,tracking_number,shipped_at") || !strings.Contains(csv, ",shipped,FedEx,794698570890,") ||
		strings.Contains(csv, unpaid.Number) {
		t.Errorf("CSV:\n%s", csv)
	}

	// The shopper's order page shows the parcel with a link to FedEx.
	shopperPage := buyer.Get("/orders/"+o.Number).Expect(t, http.StatusOK).Body
	if !strings.Contains(shopperPage, `data-testid="shipment"`) || !strings.Contains(shopperPage, "https://www.fedex.com/fedextrack/?trknbr=794698570890") {
		t.Errorf("order page lacks the shipment")
	}
}

func TestShippedOrderOnTheShoppersAccountPage(t *testing.T) {
	s := newMailServer(t, nil)
	c := visitor(t, s)
	signUpAndIn(t, c, "sam@example.com", "correct-horse-battery")
	c.PostForm("/cart/items", addForm(productID(t, s, "canvas-tote"), "1")).Expect(t, http.StatusSeeOther)
	c.Get("/checkout").Expect(t, http.StatusOK)
	body := confirmBody(s.Token(t, "4242424242424242"))
	body["email"] = "sam@example.com"
	_, r := confirm(t, c, body)
	o := orderByNumber(t, s, r.OrderNumber)
	if _, _, err := models.MarkShipped(t.Context(), s.App.DB().DB, o.ID, models.ShipInput{Carrier: "USPS", TrackingNumber: "9400 1000 0000 0000 0000 00"}, ""); err != nil {
		t.Fatal(err)
	}
	page := c.Get("/account").Expect(t, http.StatusOK).Body
	if !strings.Contains(page, "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400+1000+0000+0000+0000+00") {
		t.Errorf("account page lacks the tracking link")
	}
}

// TestAdminPagesHaveTheAdminHeader: the admin is not a shopper; no "Sign in" or cart in its header.
func TestAdminPagesHaveTheAdminHeader(t *testing.T) {
	s := newMailServer(t, nil)
	admin := signedInAdmin(t, s)
	for _, path := range []string{"/admin", "/admin/orders", "/admin/emails"} {
		page := admin.Get(path).Expect(t, http.StatusOK).Body
		header := page[strings.Index(page, `<header`):strings.Index(page, `</header>`)]
		if strings.Contains(header, "Sign in") || strings.Contains(header, "/cart") || !strings.Contains(header, "View shop") {
			t.Errorf("%s header: %s", path, header)
		}
	}
	if strings.Contains(s.Client(t).Get("/").Body, "View shop") {
		t.Error("the shop shows the admin header")
	}
}

// TestEmailGoesOutInTheOrdersLanguage: an order placed in German gets its emails in German, whatever language
// the admin's browser speaks; an order without a locale (placed before the shop spoke others) is English.
func TestEmailGoesOutInTheOrdersLanguage(t *testing.T) {
	s := newMailServer(t, nil) // without SMTP_URL the email waits in the outbox, rendered when viewed
	o := placeOrder(t, s)
	s.Settle(t)
	if o.Locale != "en" {
		t.Errorf("an order placed without a language has locale %q, want the column's default en", o.Locale)
	}
	// Checkout stores the shopper's locale on the order (localeOf); here as it would.
	if err := s.App.DB().DB.Model(&models.Order{}).Where("id = ?", o.ID).Update("locale", "de").Error; err != nil {
		t.Fatal(err)
	}
	es := outbox(t, s)
	if len(es) != 1 {
		t.Fatalf("outbox %+v", es)
	}
	admin := signedInAdmin(t, s)
	french := http.Header{"Accept-Language": {"fr"}} // the admin's own language plays no part
	page := admin.Do(http.MethodGet, "/admin/emails/"+es[0].ID, nil, french).Expect(t, http.StatusOK).Body
	for _, want := range []string{"Ihre Bestellung " + o.Number + " ist bestätigt", "Guten Tag Jenny Rosen,", "Zwischensumme", "Gesamt"} {
		if !strings.Contains(html.UnescapeString(page), want) {
			t.Errorf("the German email lacks %q:\n%s", want, page)
		}
	}
	body := admin.Do(http.MethodGet, "/admin/emails/"+es[0].ID+"/html", nil, french).Expect(t, http.StatusOK).Body
	if !strings.Contains(body, `<html lang="de">`) || !strings.Contains(html.UnescapeString(body), "Vielen Dank für Ihre Bestellung") {
		t.Errorf("the HTML body is not German:\n%s", body)
	}
}
