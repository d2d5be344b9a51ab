// Package payments is the one place that speaks to Stripe: it builds PaymentIntent, Customer, CustomerSession
// and Refund params, sets idempotency keys, retries what may be retried, and maps Stripe's errors to outcomes.
package payments

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v82"
)

// Client wraps the stripe-go client with the shop's policies.
type Client struct {
	sc    *stripe.Client
	log   *slog.Logger
	clock *stripeClock
	// customerKeys moves an account's Customer create to a new idempotency key after a failure.
	customerKeys customerKeys
	// requireCVC creates PaymentIntents that require a saved card's CVC again (Options.RequireCVCRecollection).
	requireCVC bool
	// RateLimitRetries is how many times a rate-limited call is retried (with the same idempotency key).
	RateLimitRetries int
	// Backoff is the first wait before a retry; it doubles each time, with jitter.
	Backoff time.Duration
}

// Options configure the Stripe client.
type Options struct {
	SecretKey string
	APIBase   string        // "" = Stripe's
	Timeout   time.Duration // per HTTP request to Stripe
	// RequireCVCRecollection creates PaymentIntents with payment_method_options[card][require_cvc_recollection]:
	// a saved card then pays only with its CVC collected again.
	RequireCVCRecollection bool
}

// New builds the Stripe client: a pinned API version (stripe-go's), our own HTTP timeout, stripe-go's network
// retries (same idempotency key), and stripe-go's own logging off (we log every error ourselves, without secrets).
func New(opts Options, log *slog.Logger) *Client {
	if opts.Timeout == 0 {
		opts.Timeout = 30 * time.Second
	}
	clock := &stripeClock{next: http.DefaultTransport, now: time.Now}
	cfg := &stripe.BackendConfig{
		HTTPClient:        &http.Client{Timeout: opts.Timeout, Transport: clock},
		MaxNetworkRetries: stripe.Int64(2),
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull},
	}
	if opts.APIBase != "" {
		cfg.URL = stripe.String(opts.APIBase)
	}
	sc := stripe.NewClient(opts.SecretKey, stripe.WithBackends(stripe.NewBackendsWithConfig(cfg)))
	return &Client{sc: sc, log: log, clock: clock, RateLimitRetries: 3, Backoff: 250 * time.Millisecond,
		requireCVC: opts.RequireCVCRecollection}
}

// StripeNow is Stripe's clock as its latest answer showed it (its Date header): the time a PaymentIntent read
// from the API is ordered by among Stripe's events.
func (c *Client) StripeNow() time.Time { return c.clock.Now() }

// Stripe exposes the underlying client for reads that need no policy (doctor, admin links).
func (c *Client) Stripe() *stripe.Client { return c.sc }
