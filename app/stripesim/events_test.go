package stripesim

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stripe/stripe-go/v82"
)

// Events are rendered with the API version in force when they were created:
// "When fetching events from the API, you can't control the API version
// used for the event object"; a request's Stripe-Version does not re-render
// them. EventAPIVersion sets the version of new events.
// https://docs.stripe.com/api/events/object#event_object-api_version
// https://docs.stripe.com/webhooks/versioning
func TestEventsKeepTheirAPIVersion(t *testing.T) {
	e := newTestEnv(t, Config{})
	const old = "2024-06-20"
	e.sim.SetFaults(Faults{EventAPIVersion: old})
	if _, err := e.client.V1Customers.Create(testCtx(t), &stripe.CustomerCreateParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.createPI(t, e.token(t, "pm_card_visa", nil), nil); err != nil {
		t.Fatal(err)
	}
	e.sim.SetFaults(Faults{})
	if _, err := e.createPI(t, e.token(t, "pm_card_visa", nil), nil); err != nil {
		t.Fatal(err)
	}
	versions := map[string]int{}
	for ev, err := range e.client.V1Events.List(testCtx(t), &stripe.EventListParams{Type: stripe.String("payment_intent.succeeded")}) {
		if err != nil {
			t.Fatal(err)
		}
		versions[ev.APIVersion]++
		got, err := e.client.V1Events.Retrieve(testCtx(t), ev.ID, nil)
		if err != nil || got.APIVersion != ev.APIVersion {
			t.Fatalf("retrieve %s: %v, version %q want %q", ev.ID, err, got.APIVersion, ev.APIVersion)
		}
	}
	if versions[old] != 1 || versions[stripe.APIVersion] != 1 {
		t.Fatalf("versions %v, want one event of each", versions)
	}
	t.Run("another Stripe-Version header does not re-render them", func(t *testing.T) {
		req, _ := http.NewRequestWithContext(testCtx(t), http.MethodGet, e.base+"/v1/events?"+url.Values{"limit": {"100"}}.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+e.sim.cfg.SecretKey)
		req.Header.Set("Stripe-Version", "2025-09-30.clover")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 1<<16)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		if !strings.Contains(b.String(), `"api_version": "`+old+`"`) || strings.Contains(b.String(), "clover") {
			t.Fatalf("events re-rendered for the request's version")
		}
	})
}
