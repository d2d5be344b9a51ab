// Package app wires the shop together: settings, database, sessions, Stripe, routes and the HTTP server.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/assets"
	"github.com/storefront/storefront/models"
)

// App is the whole shop: one value built by New and passed to every handler as the receiver.
type App struct {
	cfg      Config
	db       *models.DB
	log      *slog.Logger
	assets   *assets.Assets
	sessions *sessions.CookieStore
	metrics  *metrics
	echo     *echo.Echo
}

// New opens the database, applies migrations, seeds the demo catalog when empty and builds the routes.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
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
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	if n, err := models.SeedDemoCatalog(ctx, db.DB); err != nil {
		return nil, fmt.Errorf("seed demo catalog: %w", err)
	} else if n > 0 {
		log.Info("seeded demo catalog", "products", n)
	}
	as, err := assets.New()
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
	}
	a.echo = a.newEcho()
	return a, nil
}

// Handler is the shop as an http.Handler (used by tests and by Serve).
func (a *App) Handler() http.Handler { return a.echo }

// DB is the app's database (tests and subcommands use it).
func (a *App) DB() *models.DB { return a.db }

// Config is the app's validated settings.
func (a *App) Config() Config { return a.cfg }

// Serve listens on ln until ctx is done, then lets in-flight requests finish (up to 20 s).
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.echo,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
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

// Close releases what New opened.
func (a *App) Close() error {
	return a.db.Close()
}
