package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/storefront/storefront/app"
	"github.com/storefront/storefront/app/stripesim"
)

// runStripeSim runs the offline Stripe simulator on its own port, with its try-it page at /__stripe/.
func runStripeSim(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("stripe-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	port := fs.Int("port", 12111, "port to listen on (all interfaces)")
	hook := fs.String("webhook-url", "", "where to deliver signed webhook events (e.g. http://localhost:4242/webhooks/stripe)")
	secret := fs.String("webhook-secret", "whsec_simulator", "secret the events are signed with")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sim := stripesim.New(stripesim.Config{
		SecretKey: app.SimSecretKey, PublishableKey: app.SimPublishableKey, WebhookSecret: *secret,
		WebhookURL: *hook, BasePath: app.SimBasePath, Logger: slog.New(slog.NewTextHandler(stderr, nil)),
	})
	if _, err := sim.Listen(fmt.Sprintf("0.0.0.0:%d", *port)); err != nil {
		return fmt.Errorf("stripe-sim: %w", err)
	}
	defer sim.Close()
	fmt.Fprintf(stdout, "Stripe simulator: try it at http://localhost:%d%s/ (STRIPE_API_BASE=http://localhost:%d)\n", *port, app.SimBasePath, *port)
	fmt.Fprintf(stdout, "keys: %s / %s; webhooks signed with %s\n", app.SimSecretKey, app.SimPublishableKey, *secret)
	<-ctx.Done()
	return nil
}

// runReconcile settles stuck orders once and prints what it did.
func runReconcile(ctx context.Context, cfg app.Config, log *slog.Logger, stdout io.Writer) error {
	if cfg.Simulated {
		fmt.Fprintln(stdout, "note: the simulator keeps its state in the serving process; this run sees a fresh simulator")
	}
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := a.Reconciler().RunOnce(ctx)
	if err != nil {
		return err
	}
	if _, err := a.Worker().Drain(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "recovered %d events, checked %d stuck orders, settled %d, abandoned %d, errors %d\n",
		rep.Recovered, rep.Checked, rep.Settled, rep.Abandoned, rep.Errors)
	return nil
}
