package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/storefront/storefront/app"
)

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
