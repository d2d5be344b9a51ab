package stripesim

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"
)

// Stripe stamps objects and events with its own clock, and signs webhooks
// with its own timestamp, which the receiver compares with its clock
// (default tolerance five minutes). A shop must order events by Stripe's
// data, never by its own clock against Stripe's.
// https://docs.stripe.com/webhooks#verify-manually
func TestClockSkewMovesStripesClock(t *testing.T) {
	sigs := make(chan string, 16)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		sigs <- r.Header.Get("Stripe-Signature")
	}))
	t.Cleanup(hook.Close)
	e := newTestEnv(t, Config{WebhookURL: hook.URL})
	for _, skew := range []time.Duration{-10 * time.Minute, 7 * time.Minute} {
		t.Run(skew.String(), func(t *testing.T) {
			e.sim.SetFaults(Faults{ClockSkew: skew})
			t.Cleanup(func() { e.sim.SetFaults(Faults{}) })
			pi, err := e.createPI(t, e.token(t, "pm_card_visa", nil), nil)
			if err != nil {
				t.Fatal(err)
			}
			want := time.Now().Add(skew).Unix()
			near := func(got int64) bool { return got >= want-5 && got <= want+5 }
			if !near(pi.Created) {
				t.Errorf("PaymentIntent created %d, want about %d", pi.Created, want)
			}
			for ev, err := range e.client.V1Events.List(testCtx(t), &stripe.EventListParams{Type: stripe.String("payment_intent.succeeded")}) {
				if err != nil {
					t.Fatal(err)
				}
				if ev.Data.Object["id"] == pi.ID && !near(ev.Created) {
					t.Errorf("event created %d, want about %d", ev.Created, want)
				}
			}
			select {
			case sig := <-sigs:
				ts, _ := strconv.ParseInt(strings.TrimPrefix(strings.Split(sig, ",")[0], "t="), 10, 64)
				if !near(ts) {
					t.Errorf("signature timestamp %d, want about %d", ts, want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("no webhook delivered")
			}
			if err := e.sim.WaitWebhooks(testCtx(t)); err != nil {
				t.Fatal(err)
			}
			for len(sigs) > 0 {
				<-sigs
			}
		})
	}
}
