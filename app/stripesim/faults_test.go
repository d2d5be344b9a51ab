package stripesim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"
)

func TestFaultsFailServerCalls(t *testing.T) {
	e := newTestEnv(t, Config{})
	tests := []struct {
		kind   string
		status int
		typ    stripe.ErrorType
		code   stripe.ErrorCode
	}{
		{FaultAPIError, 500, stripe.ErrorTypeAPI, ""},
		{FaultRateLimit, 429, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeRateLimit},
		{FaultLockTimeout, 429, stripe.ErrorTypeInvalidRequest, stripe.ErrorCodeLockTimeout},
	}
	for _, tc := range tests {
		t.Run(tc.kind, func(t *testing.T) {
			e.sim.SetFaults(Faults{FailNext: 1, FailKind: tc.kind})
			_, err := e.client.V1Customers.Create(testCtx(t), &stripe.CustomerCreateParams{})
			se := stripeErr(t, err)
			if se.HTTPStatusCode != tc.status || se.Type != tc.typ || se.Code != tc.code {
				t.Fatalf("got %d %s %s", se.HTTPStatusCode, se.Type, se.Code)
			}
			if _, err := e.client.V1Customers.Create(testCtx(t), &stripe.CustomerCreateParams{}); err != nil {
				t.Fatalf("the call after FailNext ran out: %v", err)
			}
		})
	}
	t.Run("faults spare the publishable-key calls of Stripe.js", func(t *testing.T) {
		e.sim.SetFaults(Faults{FailRate: 1})
		t.Cleanup(func() { e.sim.SetFaults(Faults{}) })
		status, body := e.raw(t, http.MethodGet, "/v1/elements/sessions", e.sim.cfg.PublishableKey, nil)
		if status != 200 {
			t.Fatalf("status %d %s", status, body)
		}
	})
	t.Run("disconnect is a network error, and a retry with the same key replays what was done", func(t *testing.T) {
		e.sim.SetFaults(Faults{FailNext: 1, FailKind: FaultDisconnect})
		p := &stripe.CustomerCreateParams{Email: stripe.String("d@example.com")}
		p.SetIdempotencyKey("cust-d")
		_, err := e.client.V1Customers.Create(testCtx(t), p)
		var se *stripe.Error
		if err == nil || errors.As(err, &se) {
			t.Fatalf("want a network error, got %v", err)
		}
		cus, err := e.client.V1Customers.Create(testCtx(t), p)
		if err != nil || cus.LastResponse.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retry: %v", err)
		}
	})
	t.Run("stripe-go retries a disconnect by itself", func(t *testing.T) {
		e.sim.SetFaults(Faults{FailNext: 1, FailKind: FaultDisconnect})
		c := newClient(e.base, e.sim.cfg.SecretKey, 2)
		if _, err := c.V1Customers.Create(testCtx(t), &stripe.CustomerCreateParams{}); err != nil {
			t.Fatalf("with retries: %v", err)
		}
	})
	t.Run("latency delays calls", func(t *testing.T) {
		e.sim.SetFaults(Faults{Latency: 150 * time.Millisecond})
		t.Cleanup(func() { e.sim.SetFaults(Faults{}) })
		start := time.Now()
		if _, err := e.client.V1Customers.Create(testCtx(t), &stripe.CustomerCreateParams{}); err != nil {
			t.Fatal(err)
		}
		if time.Since(start) < 150*time.Millisecond {
			t.Errorf("answered in %v", time.Since(start))
		}
	})
	t.Run("timeout holds the answer past the client's deadline", func(t *testing.T) {
		e.sim.SetFaults(Faults{FailNext: 1, FailKind: FaultTimeout})
		c := stripe.NewClient(e.sim.cfg.SecretKey, stripe.WithBackends(stripe.NewBackendsWithConfig(&stripe.BackendConfig{
			URL: stripe.String(e.base), MaxNetworkRetries: stripe.Int64(0), HTTPClient: &http.Client{Timeout: 200 * time.Millisecond},
			LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull}})))
		if _, err := c.V1Customers.Create(testCtx(t), &stripe.CustomerCreateParams{}); err == nil {
			t.Fatal("want a timeout")
		}
	})
	t.Run("a seeded fail rate is deterministic", func(t *testing.T) {
		run := func() []bool {
			e.sim.SetFaults(Faults{FailRate: 0.5, Seed: 42})
			var out []bool
			for range 12 {
				_, err := e.client.V1Customers.Create(testCtx(t), &stripe.CustomerCreateParams{})
				out = append(out, err != nil)
			}
			return out
		}
		a, b := run(), run()
		e.sim.SetFaults(Faults{})
		fails := 0
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("runs differ: %v vs %v", a, b)
			}
			if a[i] {
				fails++
			}
		}
		if fails == 0 || fails == len(a) {
			t.Errorf("fail rate 0.5 failed %d of %d", fails, len(a))
		}
	})
}

func TestControlEndpoint(t *testing.T) {
	e := newTestEnv(t, Config{})
	control := e.base + "/__stripe/__control"
	post := func(path, body string) (int, string) {
		resp, err := http.Post(control+path, "application/json", bytes.NewBufferString(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := post("/faults", `{"latency_ms":5,"fail_next":2,"fail_kind":"rate_limit","fail_rate":0,"seed":7,
		"webhook_delay_ms":20,"webhook_duplicate_rate":0.5,"webhook_drop_rate":0.1,"webhook_reorder":true}`)
	if status != 200 {
		t.Fatalf("set: %d %s", status, body)
	}
	want := Faults{Latency: 5 * time.Millisecond, FailNext: 2, FailKind: FaultRateLimit, Seed: 7,
		WebhookDelay: 20 * time.Millisecond, WebhookDuplicateRate: 0.5, WebhookDropRate: 0.1, WebhookReorder: true}
	if got := e.sim.currentFaults(); got != want {
		t.Fatalf("faults = %+v, want %+v", got, want)
	}
	resp, err := http.Get(control + "/faults")
	if err != nil {
		t.Fatal(err)
	}
	var got Faults
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || got != want {
		t.Fatalf("GET faults = %+v %v", got, err)
	}
	resp.Body.Close()
	_, err = e.client.V1Customers.Create(testCtx(t), &stripe.CustomerCreateParams{})
	if se := stripeErr(t, err); se.HTTPStatusCode != 429 {
		t.Fatalf("fault not applied: %+v", se)
	}
	if status, body := post("/faults", `{"fail_kind":"explode"}`); status != 400 {
		t.Errorf("bad kind accepted: %d %s", status, body)
	}
	if status, _ := post("/reset", ``); status != 200 || e.sim.currentFaults() != (Faults{}) {
		t.Errorf("reset: %d %+v", status, e.sim.currentFaults())
	}
	_ = url.Values{}
}
