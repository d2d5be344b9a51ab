package stripesim

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
)

// receiver is a webhook endpoint for tests: it verifies signatures with
// stripe-go and records what arrived.
type receiver struct {
	t      *testing.T
	secret string
	srv    *httptest.Server

	mu       sync.Mutex
	events   []stripe.Event // verified deliveries in arrival order
	attempts map[string]int // by event id
	failFor  int            // answer 500 to the first failFor attempts of each event
}

func newReceiver(t *testing.T, secret string, failFor int) *receiver {
	r := &receiver{t: t, secret: secret, attempts: map[string]int{}, failFor: failFor}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		ev, err := webhook.ConstructEvent(body, req.Header.Get("Stripe-Signature"), r.secret)
		if err != nil {
			t.Errorf("signature rejected: %v", err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.attempts[ev.ID]++
		if r.attempts[ev.ID] <= r.failFor {
			http.Error(w, "try later", http.StatusInternalServerError)
			return
		}
		r.events = append(r.events, ev)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) got() []stripe.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]stripe.Event(nil), r.events...)
}

// pay runs n successful payments and waits for their webhooks.
func (e *testEnv) payAndWait(t *testing.T, n int) []string {
	t.Helper()
	var ids []string
	for range n {
		pi, err := e.createPI(t, e.token(t, "pm_card_visa", nil), nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, pi.ID)
	}
	if err := e.sim.WaitWebhooks(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestWebhooksAreSignedAndDelivered(t *testing.T) {
	r := newReceiver(t, "whsec_test", 0)
	e := newTestEnv(t, Config{WebhookSecret: "whsec_test", WebhookURL: r.srv.URL})
	ids := e.payAndWait(t, 1)
	got := r.got()
	if len(got) != 1 || got[0].Type != "payment_intent.succeeded" {
		t.Fatalf("got %d events: %+v", len(got), got)
	}
	ev := got[0]
	if ev.APIVersion != stripe.APIVersion || ev.Data.Object["id"] != ids[0] || ev.Request.ID == "" || ev.Livemode {
		t.Errorf("event %+v", ev)
	}
	t.Run("events can be listed and retrieved", func(t *testing.T) {
		ctx := testCtx(t)
		var types []string
		for ev, err := range e.client.V1Events.List(ctx, &stripe.EventListParams{}) {
			if err != nil {
				t.Fatal(err)
			}
			types = append(types, string(ev.Type))
		}
		want := []string{"payment_intent.succeeded", "charge.succeeded", "payment_intent.created"}
		if len(types) != len(want) {
			t.Fatalf("types %v", types)
		}
		for i := range want {
			if types[i] != want[i] {
				t.Fatalf("newest first: %v", types)
			}
		}
		n := 0
		for _, err := range e.client.V1Events.List(ctx, &stripe.EventListParams{Type: stripe.String("charge.*")}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != 1 {
			t.Errorf("charge.* matched %d", n)
		}
		one, err := e.client.V1Events.Retrieve(ctx, ev.ID, nil)
		if err != nil || one.ID != ev.ID || one.PendingWebhooks != 1 {
			t.Fatalf("retrieve: %+v %v", one, err)
		}
	})
	t.Run("the configured endpoint is listed", func(t *testing.T) {
		for we, err := range e.client.V1WebhookEndpoints.List(testCtx(t), nil) {
			if err != nil || we.URL != r.srv.URL || we.Status != "enabled" || we.APIVersion != stripe.APIVersion ||
				len(we.EnabledEvents) != len(handledEvents()) {
				t.Fatalf("%+v %v", we, err)
			}
		}
	})
	t.Run("a wrong secret is rejected by stripe-go", func(t *testing.T) {
		payload := []byte(`{"id":"evt_1","object":"event","api_version":"` + stripe.APIVersion + `"}`)
		header := signPayload(payload, "whsec_other", time.Now())
		if _, err := webhook.ConstructEvent(payload, header, "whsec_test"); err == nil {
			t.Fatal("accepted a payload signed with another secret")
		}
	})
}

func TestWebhookDeliveryRetriesUntil2xx(t *testing.T) {
	r := newReceiver(t, "whsec_simulator", 2)
	e := newTestEnv(t, Config{WebhookURL: r.srv.URL})
	e.payAndWait(t, 1)
	got := r.got()
	if len(got) != 1 {
		t.Fatalf("delivered %d", len(got))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.attempts[got[0].ID] != 3 {
		t.Fatalf("attempts %d, want 3", r.attempts[got[0].ID])
	}
}

func TestWebhookFaults(t *testing.T) {
	t.Run("duplicate sends the same event id twice", func(t *testing.T) {
		r := newReceiver(t, "whsec_simulator", 0)
		e := newTestEnv(t, Config{WebhookURL: r.srv.URL})
		e.sim.SetFaults(Faults{WebhookDuplicateRate: 1})
		e.payAndWait(t, 1)
		got := r.got()
		if len(got) != 2 || got[0].ID != got[1].ID {
			t.Fatalf("got %d events", len(got))
		}
	})
	t.Run("drop never sends, but the event is still listed", func(t *testing.T) {
		r := newReceiver(t, "whsec_simulator", 0)
		e := newTestEnv(t, Config{WebhookURL: r.srv.URL})
		e.sim.SetFaults(Faults{WebhookDropRate: 1})
		e.payAndWait(t, 1)
		if got := r.got(); len(got) != 0 {
			t.Fatalf("got %d events", len(got))
		}
		for ev, err := range e.client.V1Events.List(testCtx(t), &stripe.EventListParams{Type: stripe.String("payment_intent.succeeded")}) {
			if err != nil || ev == nil {
				t.Fatal(err)
			}
			return
		}
		t.Fatal("dropped event not listed")
	})
	t.Run("delay holds deliveries back", func(t *testing.T) {
		r := newReceiver(t, "whsec_simulator", 0)
		e := newTestEnv(t, Config{WebhookURL: r.srv.URL})
		e.sim.SetFaults(Faults{WebhookDelay: 300 * time.Millisecond})
		if _, err := e.createPI(t, e.token(t, "pm_card_visa", nil), nil); err != nil {
			t.Fatal(err)
		}
		if got := r.got(); len(got) != 0 {
			t.Fatal("delivered before the delay")
		}
		if err := e.sim.WaitWebhooks(testCtx(t)); err != nil || len(r.got()) != 1 {
			t.Fatalf("after the delay: %v %d", err, len(r.got()))
		}
	})
	t.Run("reorder shuffles a batch", func(t *testing.T) {
		r := newReceiver(t, "whsec_simulator", 0)
		e := newTestEnv(t, Config{WebhookURL: r.srv.URL})
		e.sim.SetFaults(Faults{WebhookReorder: true, Seed: 3})
		ids := e.payAndWait(t, 6)
		got := r.got()
		if len(got) != 6 {
			t.Fatalf("delivered %d", len(got))
		}
		inOrder := true
		for i, ev := range got {
			if ev.Data.Object["id"] != ids[i] {
				inOrder = false
			}
		}
		if inOrder {
			t.Fatal("six events arrived in order despite reorder")
		}
	})
}

func TestDisputes(t *testing.T) {
	r := newReceiver(t, "whsec_simulator", 0)
	e := newTestEnv(t, Config{WebhookURL: r.srv.URL})
	pi, err := e.createPI(t, e.token(t, "pm_card_createDispute", nil), nil)
	if err != nil || pi.Status != stripe.PaymentIntentStatusSucceeded {
		t.Fatalf("%v %v", pi, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		ch, err := e.client.V1Charges.Retrieve(testCtx(t), pi.LatestCharge.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if ch.Disputed {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := e.sim.CloseDispute(pi.ID, "lost"); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.WaitWebhooks(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, ev := range r.got() {
		types = append(types, string(ev.Type))
	}
	want := []string{"payment_intent.succeeded", "charge.dispute.created", "charge.dispute.closed"}
	if len(types) != 3 || types[1] != want[1] || types[2] != want[2] {
		t.Fatalf("events %v, want %v", types, want)
	}
	t.Run("TriggerDispute opens one on demand and refunds are then refused", func(t *testing.T) {
		pi2, _ := e.createPI(t, e.token(t, "pm_card_visa", nil), nil)
		if err := e.sim.TriggerDispute(pi2.ID); err != nil {
			t.Fatal(err)
		}
		_, err := e.client.V1Refunds.Create(testCtx(t), &stripe.RefundCreateParams{PaymentIntent: stripe.String(pi2.ID)})
		if se := stripeErr(t, err); se.Code != stripe.ErrorCodeChargeDisputed {
			t.Fatalf("%+v", se)
		}
	})
}

func TestCloseStopsEverything(t *testing.T) {
	before := runtime.NumGoroutine()
	sim := New(Config{WebhookURL: "http://127.0.0.1:1/unreachable"})
	base, err := sim.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(base, sim.cfg.SecretKey, 0)
	p := &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(1000), Currency: stripe.String("usd"), Confirm: stripe.Bool(true),
		PaymentMethod: stripe.String("pm_card_createDispute"), ReturnURL: stripe.String("https://x.test")}
	if _, err := c.V1PaymentIntents.Create(testCtx(t), p); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- sim.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return while a webhook was retrying")
	}
	if err := sim.WaitWebhooks(testCtx(t)); err != nil {
		t.Fatalf("pending deliveries after Close: %v", err)
	}
	// Connections the client kept alive end once the server is gone.
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before; {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines after Close, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
