package app_test

import (
	"encoding/json"

	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

// event builds a Stripe event body around an object.
func event(id, typ string, created int64, object map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{
		"id": id, "object": "event", "type": typ, "api_version": stripe.APIVersion, "created": created,
		"livemode": false, "pending_webhooks": 1, "data": map[string]any{"object": object},
	})
	return b
}

func inboxRow(t *testing.T, s *apptest.Server, id string) (models.WebhookEvent, bool) {
	t.Helper()
	var ev models.WebhookEvent
	err := s.App.DB().Where("id = ?", id).Limit(1).Find(&ev).Error
	if err != nil {
		t.Fatal(err)
	}
	return ev, ev.ID != ""
}

func TestWebhooksFromStripeSettleAThreeDSecureOrderWithoutTheReturnPage(t *testing.T) {
	s := apptest.New(t)
	c := shopper(t, s, "steel-bottle")
	_, r := confirm(t, c, confirmBody(s.Token(t, "4000002760003184")))
	o := orderByNumber(t, s, r.OrderNumber)
	// The shopper completes the challenge but closes the tab: only the webhook tells us.
	s.Authenticate(t, *o.PaymentIntentID, r.ClientSecret, "complete")
	s.Settle(t)
	o = orderByNumber(t, s, r.OrderNumber)
	if o.Status != models.StatusPaid || o.StockState != models.StockCommitted {
		t.Fatalf("order %s stock %s", o.Status, o.StockState)
	}
	evs, _ := models.OrderEvents(t.Context(), s.App.DB().DB, o.ID)
	var fromWebhook bool
	for _, e := range evs {
		if e.Source == "webhook" && e.ToStatus == models.StatusPaid && e.StripeEventID != nil {
			fromWebhook = true
		}
	}
	if !fromWebhook {
		t.Errorf("the timeline has no paid event from a webhook: %+v", evs)
	}
}

func TestWebhookEndpointRefusesWhatItCannotTrust(t *testing.T) {
	s := apptest.New(t)
	payload := event("evt_refused_1", "payment_intent.succeeded", time.Now().Unix(), map[string]any{"id": "pi_x", "object": "payment_intent"})

	t.Run("a bad signature is 400 and nothing is stored", func(t *testing.T) {
		body, sig := s.SignedEvent(payload, time.Now())
		res := s.PostRawEvent(t, body, strings.Replace(sig, "v1=", "v1=00", 1))
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d", res.StatusCode)
		}
		if _, ok := inboxRow(t, s, "evt_refused_1"); ok {
			t.Fatal("stored")
		}
	})
	t.Run("a missing signature is 400", func(t *testing.T) {
		if res := s.PostRawEvent(t, payload, ""); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d", res.StatusCode)
		}
	})
	t.Run("an old timestamp is 400", func(t *testing.T) {
		body, sig := s.SignedEvent(payload, time.Now().Add(-time.Hour))
		if res := s.PostRawEvent(t, body, sig); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d", res.StatusCode)
		}
	})
	t.Run("another API release train is refused, logged with the fix and counted", func(t *testing.T) {
		b, _ := json.Marshal(map[string]any{"id": "evt_old_version", "object": "event", "type": "payment_intent.succeeded",
			"api_version": "2024-06-20", "created": time.Now().Unix(), "data": map[string]any{"object": map[string]any{"id": "pi_x"}}})
		if res := s.PostEvent(t, b); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d", res.StatusCode)
		}
		if _, ok := inboxRow(t, s, "evt_old_version"); ok {
			t.Fatal("stored")
		}
		h, err := models.WebhookInboxHealth(t.Context(), s.App.DB().DB)
		if err != nil || h.VersionMismatch != 1 {
			t.Fatalf("mismatches %d (%v)", h.VersionMismatch, err)
		}
		if !strings.Contains(s.Logs.String(), "set the webhook endpoint's API version to "+stripe.APIVersion) {
			t.Error("no log line telling how to fix the endpoint's version")
		}
	})
	t.Run("an oversized body is 413", func(t *testing.T) {
		big := event("evt_big", "payment_intent.succeeded", time.Now().Unix(), map[string]any{"pad": strings.Repeat("x", 70<<10)})
		if res := s.PostEvent(t, big); res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d", res.StatusCode)
		}
	})
	t.Run("an unknown event type is acknowledged and ignored", func(t *testing.T) {
		if res := s.PostEvent(t, event("evt_unknown_type", "customer.created", time.Now().Unix(), map[string]any{"id": "cus_1"})); res.StatusCode != http.StatusOK {
			t.Fatalf("status %d", res.StatusCode)
		}
		s.WaitInbox(t)
		if row, _ := inboxRow(t, s, "evt_unknown_type"); row.Status != models.InboxIgnored {
			t.Fatalf("inbox status %q", row.Status)
		}
	})
	t.Run("an event for a PaymentIntent the shop never made is acknowledged and ignored", func(t *testing.T) {
		res := s.PostEvent(t, event("evt_foreign_pi", "payment_intent.succeeded", time.Now().Unix(),
			map[string]any{"id": "pi_foreign", "object": "payment_intent", "status": "succeeded", "metadata": map[string]any{}}))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d", res.StatusCode)
		}
		s.WaitInbox(t)
		if row, _ := inboxRow(t, s, "evt_foreign_pi"); row.Status != models.InboxIgnored {
			t.Fatalf("inbox status %q", row.Status)
		}
	})
}

func TestWebhookDuplicatesAreAcknowledgedAndAppliedOnce(t *testing.T) {
	s := apptest.New(t, apptest.Options{Env: map[string]string{"STRIPE_WEBHOOK_SECRET": "whsec_test_duplicates"}})
	o := placeOrder(t, s)
	payload := event("evt_dup_1", "charge.refunded", time.Now().Unix(), map[string]any{
		"id": "ch_dup", "object": "charge", "payment_intent": *o.PaymentIntentID, "amount": o.Total, "amount_refunded": 500, "refunded": false})
	for range 3 {
		if res := s.PostEvent(t, payload); res.StatusCode != http.StatusOK {
			t.Fatalf("status %d", res.StatusCode)
		}
	}
	s.WaitInbox(t)
	o = orderByNumber(t, s, o.Number)
	if o.Status != models.StatusPartiallyRefunded || o.RefundedAmount != 500 {
		t.Fatalf("order %s refunded %d", o.Status, o.RefundedAmount)
	}
	var n int64
	s.App.DB().Model(&models.OrderEvent{}).Where("stripe_event_id = ?", "evt_dup_1").Count(&n)
	if n != 1 {
		t.Fatalf("applied %d times", n)
	}
}

func TestWebhookForAnOrderNotYetCommittedIsRetriedNotDropped(t *testing.T) {
	s := apptest.New(t)
	id := models.NewID()
	payload := event("evt_early", "payment_intent.succeeded", time.Now().Unix(), map[string]any{
		"id": "pi_early", "object": "payment_intent", "status": "succeeded", "metadata": map[string]any{"order_id": id}})
	if res := s.PostEvent(t, payload); res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	s.WaitInbox(t)
	row, _ := inboxRow(t, s, "evt_early")
	if row.Status != models.InboxPending || row.Attempts < 1 || row.LastError == nil {
		t.Fatalf("inbox row %+v", row)
	}
	// The checkout commits its order now.
	pid := productID(t, s, "canvas-tote")
	o := models.Order{ID: id, Email: "a@example.com", Currency: "usd", Subtotal: 1800, Total: 2300, Status: models.StatusPending,
		StockState: models.StockReserved, Items: []models.OrderItem{{ProductID: pid, Name: "Canvas Tote", UnitPrice: 1800, Quantity: 1}}}
	if err := s.App.DB().Create(&o).Error; err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		s.App.Worker().Drain(t.Context())
		if row, _ := inboxRow(t, s, "evt_early"); row.Status == models.InboxApplied {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	got, _ := models.OrderByID(t.Context(), s.App.DB().DB, id)
	if got.Status != models.StatusPaid || got.PaymentIntentID == nil || *got.PaymentIntentID != "pi_early" {
		t.Fatalf("order %s pi %v", got.Status, got.PaymentIntentID)
	}
}

func TestAnEventStoredButNotAppliedBeforeACrashIsAppliedAfterRestart(t *testing.T) {
	dbURL := apptest.DatabaseURL(t)
	env := map[string]string{"DATABASE_URL": dbURL, "STRIPE_WEBHOOK_SECRET": "whsec_restart", "SESSION_SECRET": strings.Repeat("r", 40)}
	first := apptest.New(t, apptest.Options{Env: env})
	o := placeOrder(t, first)
	// What a crash between storing and applying leaves: a pending row with a lease of a worker that died.
	past := time.Now().Add(-time.Minute).UTC()
	dead := "dead-worker"
	row := models.WebhookEvent{ID: "evt_before_crash", Type: "charge.refunded", APIVersion: stripe.APIVersion, Created: time.Now().Unix(),
		Payload: string(event("evt_before_crash", "charge.refunded", time.Now().Unix(), map[string]any{
			"id": "ch_x", "object": "charge", "payment_intent": *o.PaymentIntentID, "amount": o.Total, "amount_refunded": o.Total, "refunded": true})),
		Status: models.InboxPending, NextAttemptAt: past, LockedBy: &dead, LockedUntil: &past, ReceivedAt: past}
	first.Close()
	first.App.Close()
	second := apptest.New(t, apptest.Options{Env: env})
	if err := second.App.DB().Create(&row).Error; err != nil {
		t.Fatal(err)
	}
	second.App.Worker().Wake()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if got := orderByNumber(t, second, o.Number); got.Status == models.StatusRefunded {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the stored event was not applied after restart: %s", orderByNumber(t, second, o.Number).Status)
}

// placeOrder pays one order with 4242 and returns it.
func placeOrder(t *testing.T, s *apptest.Server) models.Order {
	t.Helper()
	c := shopper(t, s, "canvas-tote")
	_, r := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
	if r.Status != "succeeded" {
		t.Fatalf("pay: %+v", r)
	}
	return orderByNumber(t, s, r.OrderNumber)
}
