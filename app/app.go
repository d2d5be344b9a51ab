// Package app wires the shop together: settings, database, sessions, Stripe, routes and the HTTP server.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/app/checkout"
	"github.com/storefront/storefront/app/jobs"
	"github.com/storefront/storefront/app/mail"
	"github.com/storefront/storefront/app/orders"
	"github.com/storefront/storefront/app/payments"
	"github.com/storefront/storefront/app/refunds"
	"github.com/storefront/storefront/app/stripesim"
	"github.com/storefront/storefront/app/webhooks"
	"github.com/storefront/storefront/assets"
	"github.com/storefront/storefront/i18n"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views/admin"
)

// App is the whole shop: one value built by New and passed to every handler as the receiver.
type App struct {
	cfg      Config
	db       *models.DB
	log      *slog.Logger
	assets   *assets.Assets
	sessions *sessions.CookieStore
	metrics  *metrics
	catalog  catalogCache // active products, for the catalog and product pages (catalog_cache.go)
	echo     *echo.Echo
	sim      *stripesim.Sim // nil unless simulated
	pay      *payments.Client
	checkout *checkout.Service
	refunds  *refunds.Service

	inbox          *webhooks.Inbox
	webhookMetrics *webhooks.Metrics
	worker         *webhooks.Worker
	pruner         *webhooks.Pruner
	reconciler     *jobs.Reconciler
	mail           *mail.Worker // nil without SMTP_URL: emails stay in the outbox (admin_emails.go)
	mailCompose    mail.Composer

	// Background jobs (inbox worker, reconciler) run until Close.
	stopJobs context.CancelFunc
	jobs     sync.WaitGroup

	adminIdle atomic.Int64 // admin idle timeout in ns; 0 = the default (see adminIdleTimeout)

	knownCustomers sync.Map // Stripe Customer ids checked with Stripe by this process (customer.go)

	// Per-account sign-in limits (ratelimit.go), besides the per-client ones on the routes.
	shopperSignIns, adminSignIns *accountGuard
}

// New opens the database, applies migrations, seeds the demo catalog when empty and builds the routes.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	if err := i18n.Load(); err != nil {
		return nil, err // a broken catalog would show message ids to shoppers
	}
	db, err := models.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	a, err := newWithDB(ctx, cfg, log, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

func newWithDB(ctx context.Context, cfg Config, log *slog.Logger, db *models.DB) (*App, error) {
	if cfg.OnDatabase != nil {
		cfg.OnDatabase(db.DB)
	}
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	if n, err := models.SeedDemoCatalog(ctx, db.DB); err != nil {
		return nil, fmt.Errorf("seed demo catalog: %w", err)
	} else if n > 0 {
		log.Info("seeded demo catalog", "products", n)
	}
	if cfg.AdminEmail != "" {
		// Only a missing admin is created: a restart never undoes `admin create` or lifts a lock.
		created, err := models.CreateAdminIfMissing(ctx, db.DB, cfg.AdminEmail, cfg.AdminPassword)
		if err != nil {
			return nil, fmt.Errorf("ADMIN_EMAIL: %w", err)
		}
		if created {
			log.Info("admin from ADMIN_EMAIL created")
		} else {
			log.Info("admin from ADMIN_EMAIL exists; ADMIN_PASSWORD is applied only when creating it (change it with: storefront admin create)")
		}
	}
	as, err := assets.New()
	if cfg.AssetsDir != "" {
		as, err = assets.FromDir(cfg.AssetsDir)
		if err != nil {
			return nil, fmt.Errorf("ASSETS_DIR: %w", err)
		}
		log.Info("serving assets from disk, not the binary (ASSETS_DIR)", "dir", cfg.AssetsDir)
	}
	if err != nil {
		return nil, fmt.Errorf("load assets: %w", err)
	}
	a := &App{
		cfg:      cfg,
		db:       db,
		log:      log,
		assets:   as,
		sessions: newSessionStore(cfg),
		metrics:  newMetrics(),

		shopperSignIns: newAccountGuard(signInFailuresPerMinute, signInFailuresBurst),
		adminSignIns:   newAccountGuard(signInFailuresPerMinute, signInFailuresBurst),
	}
	apiBase := cfg.StripeAPIBase
	if cfg.Simulated {
		a.sim = stripesim.New(stripesim.Config{
			SecretKey: cfg.StripeSecretKey, PublishableKey: cfg.StripePublishableKey,
			WebhookSecret: cfg.StripeWebhookSecret, BasePath: SimBasePath, Logger: log.With("component", "stripesim"),
		})
		if apiBase, err = a.sim.Listen("127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("start Stripe simulator: %w", err)
		}
	}
	if cfg.StripeWebhookSecret == "" {
		log.Warn("STRIPE_WEBHOOK_SECRET is unset: every webhook is refused until it is set", "fix", webhooks.FixNoSecret)
	}
	a.pay = payments.New(payments.Options{SecretKey: cfg.StripeSecretKey, APIBase: apiBase, Timeout: cfg.StripeTimeout,
		RequireCVCRecollection: cfg.RequireCVCRecollection}, log)
	a.checkout = &checkout.Service{
		DB: db.DB, Pay: a.pay, Currency: cfg.Currency, BaseURL: cfg.BaseURL, Log: log,
		Shipping:        orders.Shipping{Flat: cfg.ShippingFlat, FreeOver: cfg.FreeShippingOver},
		InFlightTimeout: cfg.InFlightTimeout, SearchCatchUp: cfg.SearchCatchUp, Now: cfg.Now,
		ConfirmBudget: cfg.ConfirmBudget, MaxHeldUnits: cfg.MaxHeldUnits,
	}
	a.refunds = &refunds.Service{DB: db.DB, Pay: a.pay, Log: log, StatusLabel: admin.StatusLabel}
	a.webhookMetrics = webhooks.NewMetrics(a.metrics.reg)
	a.worker = webhooks.NewWorker(db.DB, log.With("component", "webhooks"), a.webhookMetrics,
		&webhooks.Applier{DB: db.DB, Log: log.With("component", "webhooks"), Refunder: a.pay}, instanceID())
	a.pruner = webhooks.NewPruner(db.DB, log.With("component", "webhooks"), cfg.InboxRetention)
	a.inbox = &webhooks.Inbox{DB: db.DB, Secret: cfg.StripeWebhookSecret, Log: log, Metrics: a.webhookMetrics, Wake: a.worker.Wake}
	a.reconciler = &jobs.Reconciler{DB: db.DB, Checkout: a.checkout, Pay: a.pay, Inbox: a.inbox, Log: log.With("component", "reconciler"),
		Lookback: 72 * time.Hour, StuckAfter: cfg.StuckAfter, AbandonAfter: cfg.AbandonAfter, Now: cfg.Now}
	if err := a.setUpMail(); err != nil {
		return nil, err
	}
	a.echo = a.newEcho()
	a.startJobs()
	return a, nil
}

// startJobs runs the inbox worker, the inbox pruner and the reconciler in the background until Close.
func (a *App) startJobs() {
	ctx, cancel := context.WithCancel(context.Background())
	a.stopJobs = cancel
	a.jobs.Add(3)
	go func() {
		defer a.jobs.Done()
		a.worker.Run(ctx)
	}()
	go func() {
		defer a.jobs.Done()
		a.pruner.Run(ctx)
	}()
	go func() {
		defer a.jobs.Done()
		a.reconciler.Run(ctx, a.cfg.ReconcileInterval)
	}()
	a.startMail(ctx)
}

// Reconciler settles stuck orders from Stripe (also `storefront reconcile`).
func (a *App) Reconciler() *jobs.Reconciler { return a.reconciler }

// Worker is the webhook inbox worker (tests drain it).
func (a *App) Worker() *webhooks.Worker { return a.worker }

// instanceID names this process in inbox leases.
func instanceID() string {
	host, _ := os.Hostname()
	return host + "-" + randomHex(4)
}

// Listening tells the app the address it serves on, so the simulator knows where to deliver webhooks.
func (a *App) Listening(baseURL string) {
	if a.sim != nil {
		a.sim.SetWebhookURL(baseURL + "/webhooks/stripe")
	}
}

// Payments is the app's Stripe client.
func (a *App) Payments() *payments.Client { return a.pay }

// Simulator is the built-in Stripe simulator, or nil with real keys (tests drive its faults).
func (a *App) Simulator() *stripesim.Sim { return a.sim }

// Handler is the shop as an http.Handler (used by tests and by Serve).
func (a *App) Handler() http.Handler { return a.echo }

// DB is the app's database (tests and subcommands use it).
func (a *App) DB() *models.DB { return a.db }

// Config is the app's validated settings.
func (a *App) Config() Config { return a.cfg }

// Serve listens on ln until ctx is done, then lets in-flight requests finish (up to 20 s).
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	handler := http.Handler(a.echo)
	if a.cfg.BehindTemplProxy {
		handler = uncompressed(handler)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      a.cfg.WriteTimeout(),
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok {
		a.Listening(fmt.Sprintf("http://127.0.0.1:%d", tcp.Port))
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.log.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// uncompressed asks for identity responses: templ's reload proxy (v0.3.977) closes its output before flushing the
// gzip stream it re-encodes, so a streamed gzip page would reach the browser empty.
func uncompressed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del("Accept-Encoding")
		next.ServeHTTP(w, r)
	})
}

// Close releases what New opened.
func (a *App) Close() error {
	if a.stopJobs != nil {
		a.stopJobs()
		a.jobs.Wait()
	}
	if a.sim != nil {
		a.sim.Close()
	}
	return a.db.Close()
}

// Checkout is the checkout service (tests settle orders through it).
func (a *App) Checkout() *checkout.Service { return a.checkout }
