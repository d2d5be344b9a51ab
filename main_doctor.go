package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"time"

	"github.com/stripe/stripe-go/v82"

	"github.com/storefront/storefront/app"
	"github.com/storefront/storefront/app/doctor"
	"github.com/storefront/storefront/app/payments"
	"github.com/storefront/storefront/app/stripesim"
	"github.com/storefront/storefront/app/webhooks"
	"github.com/storefront/storefront/migrations"
	"github.com/storefront/storefront/models"
)

// errNotReady makes `storefront doctor` exit non-zero after printing its checklist.
var errNotReady = errors.New("not ready for live payments")

// runDoctor prints the go-live checklist for the current settings (and Stripe, when keys are set).
func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the checks as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, cfgErr := loadConfig()
	in := doctor.Inputs{ConfigError: cfgErr, HandledEvents: webhooks.Handled, RepoDir: "."}
	if cfgErr == nil {
		in.SecretKey, in.PublishableKey, in.WebhookSecret = cfg.StripeSecretKey, cfg.StripePublishableKey, cfg.StripeWebhookSecret
		in.BaseURL, in.Simulated, in.Live = cfg.BaseURL, cfg.Simulated, cfg.Live
		in.SessionSecretSet = !cfg.SessionSecretGenerated
		sc, stop, err := doctorStripe(cfg)
		if err != nil {
			return err
		}
		defer stop()
		in.Stripe = sc
		db, err := models.Open(ctx, cfg.DatabaseURL)
		if err == nil {
			defer db.Close()
			in.MigrationsPending = func(ctx context.Context) (bool, error) {
				sqlDB, err := db.DB.DB()
				if err != nil {
					return false, err
				}
				return migrations.Pending(ctx, sqlDB, db.Dialect)
			}
			in.VersionMismatches = func(ctx context.Context) (int64, *time.Time, error) {
				h, err := models.WebhookInboxHealth(ctx, db.DB)
				return h.VersionMismatch, h.LastMismatchedAt, err
			}
		} else {
			in.MigrationsPending = func(context.Context) (bool, error) { return false, err }
		}
	}
	checks := doctor.Run(ctx, in)
	if err := doctor.Print(stdout, checks, *asJSON); err != nil {
		return err
	}
	if doctor.Failed(checks) {
		return errNotReady
	}
	return nil
}

// doctorStripe is the Stripe client doctor talks to: Stripe (or STRIPE_API_BASE), or a simulator that knows
// the shop's webhook endpoint when no keys are set.
func doctorStripe(cfg app.Config) (*stripe.Client, func(), error) {
	base := cfg.StripeAPIBase
	stop := func() {}
	if cfg.Simulated {
		sim := stripesim.New(stripesim.Config{SecretKey: cfg.StripeSecretKey, PublishableKey: cfg.StripePublishableKey,
			WebhookSecret: cfg.StripeWebhookSecret, WebhookURL: cfg.BaseURL + "/webhooks/stripe", BasePath: app.SimBasePath})
		var err error
		if base, err = sim.Listen("127.0.0.1:0"); err != nil {
			return nil, stop, err
		}
		stop = func() { sim.Close() }
	}
	logger := app.NewLogger(cfg, os.Stderr)
	return payments.New(payments.Options{SecretKey: cfg.StripeSecretKey, APIBase: base, Timeout: cfg.StripeTimeout}, logger).Stripe(), stop, nil
}
