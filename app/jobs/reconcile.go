// Package jobs holds the shop's background work: the reconciler that settles orders whose webhooks never
// came and gives back the stock of abandoned checkouts.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/storefront/storefront/app/checkout"
	"github.com/storefront/storefront/app/orders"
	"github.com/storefront/storefront/app/payments"
	"github.com/storefront/storefront/app/webhooks"
	"github.com/storefront/storefront/models"
)

// Reconciler re-reads from Stripe the orders that look stuck, so a lost webhook loses nothing.
type Reconciler struct {
	DB       *gorm.DB
	Checkout *checkout.Service
	Pay      *payments.Client
	Inbox    *webhooks.Inbox
	Log      *slog.Logger
	// Lookback is how far back Stripe's event list is read for webhooks that never arrived.
	Lookback time.Duration
	// StuckAfter is how long an order may wait in pending/requires_action/processing before it is re-read.
	StuckAfter time.Duration
	// AbandonAfter is how long an unpaid checkout keeps its stock reserved.
	AbandonAfter time.Duration
	Now          func() time.Time
}

// batchSize is how many stuck or abandoned orders one pass handles at most; the next pass takes the rest.
const batchSize = 500

// Report says what one pass did.
type Report struct {
	Recovered, Checked, Settled, Abandoned, Errors int
}

func (r *Reconciler) now() time.Time {
	if r.Now != nil {
		return r.Now().UTC()
	}
	return time.Now().UTC()
}

// Run reconciles every interval until ctx ends.
func (r *Reconciler) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rep, err := r.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			r.Log.ErrorContext(ctx, "reconcile", "err", err)
		} else if rep.Recovered+rep.Settled+rep.Abandoned+rep.Errors > 0 {
			r.Log.InfoContext(ctx, "reconciled", "recovered_events", rep.Recovered, "checked", rep.Checked, "settled", rep.Settled, "abandoned", rep.Abandoned, "errors", rep.Errors)
		}
	}
}

// RunOnce recovers missed webhooks from Stripe's event list, settles stuck orders from their PaymentIntents,
// then cancels abandoned checkouts and releases their stock.
func (r *Reconciler) RunOnce(ctx context.Context) (Report, error) {
	var rep Report
	if r.Inbox != nil && r.Lookback > 0 {
		evs, err := r.Pay.RecentEvents(ctx, r.now().Add(-r.Lookback), webhooks.Handled)
		if err != nil {
			rep.Errors++
		}
		for _, ev := range evs {
			added, err := r.Inbox.StoreFetched(ctx, ev)
			if err != nil {
				return rep, err
			}
			if added {
				rep.Recovered++
			}
		}
	}
	stuck, err := models.StuckOrders(ctx, r.DB, r.now().Add(-r.StuckAfter), batchSize)
	if err != nil {
		return rep, err
	}
	for _, o := range stuck {
		rep.Checked++
		after, err := r.Checkout.Settle(ctx, o.ID, orders.SourceReconciler)
		if err != nil {
			rep.Errors++
			r.Log.WarnContext(ctx, "reconcile order", "order", o.Number, "err", err)
			continue
		}
		if after.Status != o.Status {
			rep.Settled++
		}
	}
	abandoned, err := models.AbandonedOrders(ctx, r.DB, r.now().Add(-r.AbandonAfter), batchSize)
	if err != nil {
		return rep, err
	}
	for _, o := range abandoned {
		if err := r.abandon(ctx, o); err != nil {
			rep.Errors++
			r.Log.WarnContext(ctx, "abandon order", "order", o.Number, "err", err)
			continue
		}
		rep.Abandoned++
	}
	return rep, nil
}

// abandon cancels an unpaid checkout's PaymentIntent at Stripe (so it can never be paid later) and the order.
func (r *Reconciler) abandon(ctx context.Context, o models.Order) error {
	if o.PaymentIntentID != nil {
		_, err := r.Pay.Cancel(ctx, *o.PaymentIntentID, o.Number, "abandoned")
		if err != nil {
			// It may have been paid meanwhile (cancel is refused then): read what Stripe says instead.
			_, serr := r.Checkout.Settle(ctx, o.ID, orders.SourceReconciler)
			if serr != nil {
				return fmt.Errorf("cancel payment intent: %w", err)
			}
			return nil
		}
		_, _, err = orders.Apply(ctx, r.DB, o.ID, orders.Change{Event: orders.Event{Kind: orders.PICanceled, Created: r.Pay.StripeNow().Unix(), Authoritative: true},
			Source: orders.SourceReconciler, Detail: "checkout abandoned; payment intent canceled"})
		return err
	}
	_, _, err := orders.Apply(ctx, r.DB, o.ID, orders.Change{Event: orders.Event{Kind: orders.PICanceled, Created: r.Pay.StripeNow().Unix(), Authoritative: true},
		Source: orders.SourceReconciler, Detail: "checkout abandoned before any payment"})
	return err
}
