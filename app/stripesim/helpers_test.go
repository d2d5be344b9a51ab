package stripesim

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"
)

// testEnv is a running simulator with a stripe-go client pointed at it.
type testEnv struct {
	sim    *Sim
	base   string // API base returned by Listen
	client *stripe.Client
}

// newTestEnv starts a simulator on a free port and closes it at cleanup.
func newTestEnv(t *testing.T, cfg Config) *testEnv {
	t.Helper()
	sim := New(cfg)
	base, err := sim.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() {
		if err := sim.Close(); err != nil {
			t.Errorf("close simulator: %v", err)
		}
	})
	return &testEnv{sim: sim, base: base, client: newClient(base, sim.cfg.SecretKey, 0)}
}

// newClient is a stripe-go client for base with retries.
func newClient(base, key string, retries int64) *stripe.Client {
	return stripe.NewClient(key, stripe.WithBackends(stripe.NewBackendsWithConfig(&stripe.BackendConfig{
		URL: stripe.String(base), MaxNetworkRetries: stripe.Int64(retries),
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull},
	})))
}

// ctx is a test context with a deadline.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// token makes a ConfirmationToken for a Stripe test PaymentMethod or saved card.
func (e *testEnv) token(t *testing.T, pm string, mod func(*stripe.TestHelpersConfirmationTokenCreateParams)) string {
	t.Helper()
	p := &stripe.TestHelpersConfirmationTokenCreateParams{
		PaymentMethod: stripe.String(pm), ReturnURL: stripe.String("https://shop.test/checkout/complete"),
	}
	if mod != nil {
		mod(p)
	}
	tok, err := e.client.V1TestHelpersConfirmationTokens.Create(testCtx(t), p)
	if err != nil {
		t.Fatalf("create confirmation token for %s: %v", pm, err)
	}
	return tok.ID
}

// browserToken makes a ConfirmationToken from raw card fields with the
// publishable key, as the stand-in Stripe.js does.
func (e *testEnv) browserToken(t *testing.T, vals url.Values) (int, string) {
	t.Helper()
	status, body := e.raw(t, http.MethodPost, "/v1/confirmation_tokens", e.sim.cfg.PublishableKey, vals)
	return status, body
}

// raw sends a form request with key and returns status and body.
func (e *testEnv) raw(t *testing.T, method, path, key string, vals url.Values) (int, string) {
	t.Helper()
	var body *strings.Reader
	u := e.base + path
	if method == http.MethodGet {
		u += "?" + vals.Encode()
		body = strings.NewReader("")
	} else {
		body = strings.NewReader(vals.Encode())
	}
	req, err := http.NewRequestWithContext(testCtx(t), method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, b.String()
}

// stripeErr unwraps a *stripe.Error or fails.
func stripeErr(t *testing.T, err error) *stripe.Error {
	t.Helper()
	var se *stripe.Error
	if !errors.As(err, &se) {
		t.Fatalf("want *stripe.Error, got %T %v", err, err)
	}
	return se
}

// createPI creates and confirms a PaymentIntent with a token.
func (e *testEnv) createPI(t *testing.T, tok string, mod func(*stripe.PaymentIntentCreateParams)) (*stripe.PaymentIntent, error) {
	t.Helper()
	p := &stripe.PaymentIntentCreateParams{
		Amount: stripe.Int64(2500), Currency: stripe.String("usd"), Confirm: stripe.Bool(true),
		ConfirmationToken:       stripe.String(tok),
		AutomaticPaymentMethods: &stripe.PaymentIntentCreateAutomaticPaymentMethodsParams{Enabled: stripe.Bool(true)},
	}
	if mod != nil {
		mod(p)
	}
	return e.client.V1PaymentIntents.Create(testCtx(t), p)
}
