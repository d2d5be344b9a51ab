// Package stripesim is an offline stand-in for the slice of Stripe that the
// storefront uses: PaymentIntents confirmed on the server with
// ConfirmationTokens, customers and saved cards, CustomerSessions, refunds,
// disputes and signed webhooks, plus a stand-in Stripe.js. It answers in
// Stripe's own JSON shapes so that stripe-go decodes its responses unchanged.
package stripesim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures a simulator; zero values take the documented defaults.
type Config struct {
	SecretKey      string        // accepted secret key; default "sk_test_simulator"
	PublishableKey string        // accepted publishable key; default "pk_test_simulator"
	WebhookSecret  string        // signs events; default "whsec_simulator"
	WebhookURL     string        // where events are POSTed; "" = none until SetWebhookURL
	BasePath       string        // URL prefix of everything served; default "/__stripe"
	Latency        time.Duration // added to every API call
	Logger         *slog.Logger  // nil = discard
}

// Sim is one simulated Stripe account held in memory.
type Sim struct {
	cfg Config
	log *slog.Logger

	mu sync.Mutex // guards st
	st *store

	table  []route // the REST endpoints
	idem   *idempotencyStore
	faults *faultState
	hooks  *webhookQueue

	closing context.Context // done once Close is called
	stop    context.CancelFunc
	bgMu    sync.Mutex     // guards bgDone and calls to bg.Add
	bgDone  bool           // set by Close; no goroutine starts after it
	bg      sync.WaitGroup // listener, timers and delivery goroutines

	lnMu sync.Mutex
	srv  *http.Server

	now    func() time.Time // clock; tests may move it
	offset atomic.Int64     // Advance's total, in nanoseconds
}

// New returns a simulator with cfg's defaults filled in.
func New(cfg Config) *Sim {
	if cfg.SecretKey == "" {
		cfg.SecretKey = "sk_test_simulator"
	}
	if cfg.PublishableKey == "" {
		cfg.PublishableKey = "pk_test_simulator"
	}
	if cfg.WebhookSecret == "" {
		cfg.WebhookSecret = "whsec_simulator"
	}
	if cfg.BasePath == "" {
		cfg.BasePath = "/__stripe"
	}
	cfg.BasePath = "/" + strings.Trim(cfg.BasePath, "/")
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Sim{
		cfg:     cfg,
		log:     logger,
		st:      newStore(),
		idem:    newIdempotencyStore(),
		faults:  newFaultState(),
		closing: ctx,
		stop:    cancel,
	}
	// The clock runs ClockSkew ahead of (or behind) the machine's.
	s.now = func() time.Time {
		return time.Now().Add(s.currentFaults().ClockSkew + time.Duration(s.offset.Load()))
	}
	s.hooks = newWebhookQueue(s, cfg.WebhookURL)
	s.table = s.routes()
	return s
}

// Listen serves the simulator on its own listener at addr (e.g.
// "127.0.0.1:0") and returns the API base to give stripe-go as
// BackendConfig.URL. The base has no path: stripe-go v82 rejects responses
// whose URL path does not start with /v1, so the listener answers /v1/...
// at its root as well as everything under BasePath.
func (s *Sim) Listen(addr string) (string, error) {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	if s.srv != nil {
		return "", errors.New("stripesim: already listening")
	}
	if s.closing.Err() != nil {
		return "", errors.New("stripesim: closed")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("listen on %s: %w", addr, err)
	}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serveRoot), ReadHeaderTimeout: 10 * time.Second}
	srv := s.srv
	if !s.goBackground(func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("stripe simulator stopped serving", "err", err)
		}
	}) {
		_ = ln.Close()
		return "", errors.New("stripesim: closed")
	}
	return "http://" + ln.Addr().String(), nil
}

// serveRoot maps root /v1/... paths (what stripe-go sends) under BasePath.
func (s *Sim) serveRoot(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/v1" || strings.HasPrefix(r.URL.Path, "/v1/") {
		r2 := r.Clone(r.Context())
		r2.URL.Path = s.cfg.BasePath + r.URL.Path
		r2.URL.RawPath = ""
		r = r2
	} else if r.URL.Path == "/" {
		http.Redirect(w, r, s.cfg.BasePath+"/", http.StatusFound)
		return
	}
	s.ServeHTTP(w, r)
}

// Close stops the listener, pending timers and webhook delivery.
func (s *Sim) Close() error {
	s.stop()
	s.lnMu.Lock()
	srv := s.srv
	s.lnMu.Unlock()
	var err error
	if srv != nil {
		err = srv.Close()
	}
	s.bgMu.Lock()
	s.bgDone = true
	s.bgMu.Unlock()
	s.bg.Wait()
	s.hooks.client.CloseIdleConnections()
	if err != nil {
		return fmt.Errorf("close simulator listener: %w", err)
	}
	return nil
}

// Config returns the configuration in force, defaults filled in (the keys
// to give stripe-go and Stripe(), the webhook secret to verify events with).
func (s *Sim) Config() Config {
	c := s.cfg
	c.WebhookURL = s.hooks.url()
	return c
}

// SetWebhookURL sets where events are delivered; "" stops delivery.
func (s *Sim) SetWebhookURL(u string) { s.hooks.setURL(u) }

// Advance moves the simulator's clock forward by d (on top of ClockSkew, and kept when faults change), so a
// test can let search catch up, tokens and idempotency keys expire, without sleeping.
func (s *Sim) Advance(d time.Duration) { s.offset.Add(int64(d)) }

// JSURL returns the path of the stand-in Stripe.js, relative to the host.
func (s *Sim) JSURL() string { return s.cfg.BasePath + "/js/v3/stripe.js" }

// WaitWebhooks blocks until every queued delivery was made or given up.
func (s *Sim) WaitWebhooks(ctx context.Context) error { return s.hooks.wait(ctx) }

// sleep waits d, or less if ctx ends or the simulator closes.
func (s *Sim) sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	case <-s.closing.Done():
	}
}

// goBackground runs f in a goroutine that Close waits for; it reports
// false, without running f, once the simulator is closed.
func (s *Sim) goBackground(f func()) bool {
	s.bgMu.Lock()
	defer s.bgMu.Unlock()
	if s.bgDone {
		return false
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		f()
	}()
	return true
}

// after runs f once d has passed, unless the simulator closes first.
func (s *Sim) after(d time.Duration, f func()) {
	s.goBackground(func() {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			f()
		case <-s.closing.Done():
		}
	})
}
