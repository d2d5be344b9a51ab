package webhooks

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/storefront/storefront/models"
)

// MaxAttempts is how often an event is tried before it is marked failed (about a day of backoff).
const MaxAttempts = 16

// Worker applies inbox events. Several workers (one per app instance) may share a database: an event is
// claimed with a conditional UPDATE and a lease, so one worker applies it; a lease left by a crashed worker
// expires and the event is applied after restart.
type Worker struct {
	DB      *gorm.DB
	Log     *slog.Logger
	Metrics *Metrics
	Apply   *Applier
	ID      string        // this instance, for leases
	Poll    time.Duration // how often due events are looked for without a wake-up
	Lease   time.Duration
	wake    chan struct{}
}

// NewWorker builds a worker; Run starts it.
func NewWorker(db *gorm.DB, log *slog.Logger, m *Metrics, apply *Applier, id string) *Worker {
	return &Worker{DB: db, Log: log, Metrics: m, Apply: apply, ID: id, Poll: time.Second, Lease: time.Minute,
		wake: make(chan struct{}, 1)}
}

// Wake asks the worker to look for due events now.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run applies due events until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	for {
		if _, err := w.Drain(ctx); err != nil && ctx.Err() == nil {
			w.Log.ErrorContext(ctx, "webhook worker", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.wake:
		}
	}
}

// Drain applies every event due now and reports how many it handled.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	n := 0
	for {
		batch, err := w.due(ctx)
		if err != nil || len(batch) == 0 {
			return n, err
		}
		evs, err := w.claim(ctx, batch)
		if err != nil || len(evs) == 0 {
			return n, err // none left for us: another worker has them
		}
		if err := w.process(ctx, evs); err != nil {
			return n, err
		}
		n += len(evs)
	}
}

func (w *Worker) due(ctx context.Context) ([]string, error) {
	return models.DueWebhookEventIDs(ctx, w.DB, time.Now().UTC(), 100)
}

// claim takes a lease, in one statement, on those of ids that are still due and not leased by another worker,
// and returns them, oldest first. (One statement per batch rather than one per event: a burst of events is
// drained at several thousand a second, not at the pace of two SQLite commits per event.)
func (w *Worker) claim(ctx context.Context, ids []string) ([]models.WebhookEvent, error) {
	now := time.Now().UTC()
	return models.LeaseWebhookEvents(ctx, w.DB, ids, w.ID, now, now.Add(w.Lease))
}

// process applies the claimed events one by one, in order, and records each outcome, all in one transaction:
// an event's order change and its inbox status are committed together, and a burst of events costs one commit
// per batch, not two or three per event. (Each order change is a savepoint inside it: one that fails is undone
// alone and its event retried.) Should the batch fail as a whole (on PostgreSQL, a deadlock with another
// instance's batch over the same orders, or a statement that aborts the transaction), its events are applied
// again one transaction each, so that none holds back the others.
func (w *Worker) process(ctx context.Context, evs []models.WebhookEvent) error {
	err := w.processTx(ctx, evs)
	if err == nil || len(evs) == 1 || ctx.Err() != nil {
		return err
	}
	w.Log.WarnContext(ctx, "webhook batch failed; applying its events one by one", "events", len(evs), "err", err)
	for _, ev := range evs {
		if err := w.processTx(ctx, []models.WebhookEvent{ev}); err != nil {
			return err
		}
	}
	return nil
}

func (w *Worker) processTx(ctx context.Context, evs []models.WebhookEvent) error {
	var count []func()
	err := w.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		count = count[:0]
		applier := *w.Apply
		applier.DB = tx
		for _, ev := range evs {
			out, c := w.apply(ctx, &applier, ev)
			if err := models.RecordWebhookOutcome(ctx, tx, ev.ID, w.ID, out); err != nil {
				return err
			}
			count = append(count, c)
		}
		return nil
	})
	if err == nil {
		for _, c := range count { // metrics count what was committed
			c()
		}
	}
	return err
}

// apply applies one event and returns its outcome to record (applied or ignored, retried later with backoff,
// or failed for good after MaxAttempts) and the metrics to count once it is committed.
func (w *Worker) apply(ctx context.Context, applier *Applier, ev models.WebhookEvent) (models.WebhookOutcome, func()) {
	outcome, applyErr := applier.Apply(ctx, ev)
	now := time.Now().UTC()
	up := models.WebhookOutcome{Attempts: ev.Attempts + 1}
	switch {
	case applyErr == nil:
		up.Status, up.AppliedAt = outcome, now
		return up, func() {
			w.Metrics.applied.WithLabelValues(outcome).Inc()
			w.Metrics.lag.Observe(now.Sub(ev.ReceivedAt).Seconds())
		}
	case ev.Attempts+1 >= MaxAttempts:
		up.Status, up.LastError = models.InboxFailed, applyErr.Error()
		w.Log.ErrorContext(ctx, "webhook event failed for good", "event", ev.ID, "event_type", ev.Type, "attempts", ev.Attempts+1, "err", applyErr)
		return up, w.Metrics.failed.Inc
	default:
		up.LastError, up.NextAttemptAt = applyErr.Error(), now.Add(backoff(ev.Attempts))
		level := slog.LevelWarn
		if errors.Is(applyErr, ErrOrderNotYet) {
			level = slog.LevelInfo
		}
		w.Log.Log(ctx, level, "webhook event will be retried", "event", ev.ID, "event_type", ev.Type, "attempt", ev.Attempts+1, "err", applyErr)
		return up, w.Metrics.retried.Inc
	}
}

// backoff is the wait before attempt n+1: 250 ms doubling, at most 2 hours.
func backoff(attempts int) time.Duration {
	d := 250 * time.Millisecond << min(attempts, 15)
	return min(d, 2*time.Hour)
}
