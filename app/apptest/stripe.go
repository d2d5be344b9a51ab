package apptest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/storefront/storefront/app"
	"github.com/storefront/storefront/models"
)

// Token makes a ConfirmationToken for a test card the way the stand-in Stripe.js does in the browser
// (publishable key, raw card fields sent to the simulator, never to the shop).
func (s *Server) Token(t testing.TB, card string) string {
	t.Helper()
	form := url.Values{
		"payment_method_data[type]":                                  {"card"},
		"payment_method_data[card][number]":                          {card},
		"payment_method_data[card][exp_month]":                       {"12"},
		"payment_method_data[card][exp_year]":                        {"2031"},
		"payment_method_data[card][cvc]":                             {"123"},
		"payment_method_data[billing_details][address][postal_code]": {"94111"},
		"return_url": {s.URL + "/checkout/complete"},
	}
	var tok struct{ ID string }
	s.simPost(t, "/v1/confirmation_tokens", form, &tok)
	return tok.ID
}

// Authenticate answers the simulated 3-D Secure challenge of a PaymentIntent: "complete" or "fail".
func (s *Server) Authenticate(t testing.TB, paymentIntent, clientSecret, outcome string) {
	t.Helper()
	s.simPost(t, "/v1/payment_intents/"+paymentIntent+"/authenticate",
		url.Values{"client_secret": {clientSecret}, "outcome": {outcome}}, nil)
}

func (s *Server) simPost(t testing.TB, path string, form url.Values, out any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL+app.SimBasePath+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+app.SimPublishableKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("simulator %s: %v", path, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("simulator %s: %d %s", path, res.StatusCode, body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("simulator %s: %v", path, err)
		}
	}
}

// WaitWebhooks waits until the simulator has delivered every webhook it queued (or given up on them).
func (s *Server) WaitWebhooks(t testing.TB) {
	t.Helper()
	sim := s.App.Simulator()
	if sim == nil {
		return
	}
	ctx, cancel := contextWithTimeout(20 * time.Second)
	defer cancel()
	if err := sim.WaitWebhooks(ctx); err != nil {
		t.Fatalf("webhooks not delivered: %v", err)
	}
}

// SignedEvent signs an event body like Stripe does, with the app's webhook secret.
func (s *Server) SignedEvent(payload []byte, at time.Time) (body []byte, signature string) {
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{
		Payload: payload, Secret: s.App.Config().StripeWebhookSecret, Timestamp: at})
	return sp.Payload, sp.Header
}

// PostEvent delivers a signed event to POST /webhooks/stripe.
func (s *Server) PostEvent(t testing.TB, payload []byte) *http.Response {
	t.Helper()
	body, sig := s.SignedEvent(payload, time.Now())
	return s.PostRawEvent(t, body, sig)
}

// PostRawEvent delivers a body with any Stripe-Signature header.
func (s *Server) PostRawEvent(t testing.TB, body []byte, signature string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/webhooks/stripe", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set("Stripe-Signature", signature)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post event: %v", err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// Settle waits for the simulator's webhooks and then for the inbox.
func (s *Server) Settle(t testing.TB) {
	t.Helper()
	s.WaitWebhooks(t)
	s.WaitInbox(t)
}

// WaitInbox applies every due inbox event and waits until no worker (the app's background one included)
// is still applying one. Events waiting for a later retry are left alone.
func (s *Server) WaitInbox(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := s.App.Worker().Drain(t.Context()); err != nil {
			t.Fatalf("drain inbox: %v", err)
		}
		now := time.Now().UTC()
		var busy int64
		err := s.App.DB().Model(&models.WebhookEvent{}).
			Where("status = ? AND (locked_until > ? OR (next_attempt_at <= ? AND locked_until IS NULL))", models.InboxPending, now, now).
			Count(&busy).Error
		if err != nil {
			t.Fatalf("inbox: %v", err)
		}
		if busy == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d inbox events still being applied", busy)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
