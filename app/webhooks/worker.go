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
// claimed with a conditional UPDATE and a short lease, so one worker applies it, and the transaction that applies
// it holds it (HoldWebhookEvents) so that no other worker applies it at the same time. A lease left by a worker
// that died runs out within seconds and the event is applied by another worker or after restart; a lease left by
// this worker's own failed batch (the database went away) is taken up again at the next poll.
type Worker struct {
	DB      *gorm.DB
	Log     *slog.Logger
	Metrics *Metrics
	Apply   *Applier
	ID      string        // this instance, for leases
	Poll    time.Duration // how often due events are looked for without a wake-up
	Lease   time.Duration // how long a claim keeps other workers away; renewed when the batch starts
	Batch   int           // events claimed and applied per transaction
	// Now is the worker's clock (tests set it).
	Now  func() time.Time
	wake chan struct{}
}

// DefaultLease is the lease of a claim: short, so that events claimed by a process that died are applied
// seconds later; safe however long a batch runs, since the applying transaction holds its events.
const DefaultLease = 3 * time.Second

// NewWorker builds a worker; Run starts it.
func NewWorker(db *gorm.DB, log *slog.Logger, m *Metrics, apply *Applier, id string) *Worker {
	return &Worker{DB: db, Log: log, Metrics: m, Apply: apply, ID: id, Poll: time.Second, Lease: DefaultLease, Batch: 100,
		Now: func() time.Time { return time.Now().UTC() }, wake: make(chan struct{}, 1)}
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
		now := w.Now()
		evs, err := models.ClaimDueWebhookEvents(ctx, w.DB, w.ID, now, now.Add(w.Lease), w.Batch)
		if err != nil || len(evs) == 0 {
			return n, err // none due, or none left for us: other workers have them
		}
		if err := w.process(ctx, evs); err != nil {
			return n, err
		}
		n += len(evs)
	}
}

func (w *Worker) due(ctx context.Context) ([]string, error) {
	return models.DueWebhookEvents(ctx, w.DB, w.ID, w.Now(), w.Batch)
}

// claim takes a lease, in one statement, on those of ids that are still due and free, and returns them, oldest
// first. (One statement per batch rather than one per event: a burst of events is drained at several thousand
// a second, not at the pace of two SQLite commits per event.)
func (w *Worker) claim(ctx context.Context, ids []string) ([]models.WebhookEvent, error) {
	now := w.Now()
	return models.ClaimWebhookEvents(ctx, w.DB, ids, w.ID, now, now.Add(w.Lease))
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
		ids := make([]string, len(evs))
		for i, ev := range evs {
			ids[i] = ev.ID
		}
		held, err := models.HoldWebhookEvents(ctx, tx, ids, w.ID, w.Now().Add(w.Lease))
		if err != nil {
			return err
		}
		ours := make(map[string]bool, len(held))
		for _, id := range held {
			ours[id] = true
		}
		applier := *w.Apply
		applier.DB = tx
		done := map[string][]string{} // outcome → events applied with it, recorded in one statement each
		for _, ev := range evs {
			if !ours[ev.ID] {
				continue // another worker took it over after our lease ran out
			}
			outcome, up, c := w.apply(ctx, &applier, ev)
			count = append(count, c)
			if up == nil {
				done[outcome] = append(done[outcome], ev.ID)
				continue
			}
			if err := models.RecordWebhookOutcome(ctx, tx, ev.ID, w.ID, *up); err != nil {
				return err
			}
		}
		now := w.Now()
		for outcome, ids := range done {
			if err := models.RecordWebhookEventsApplied(ctx, tx, ids, w.ID, outcome, now); err != nil {
				return err
			}
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

// apply applies one event. It returns its outcome (applied or ignored) with a nil record when it was applied,
// else the record of the attempt (retried later with backoff, or failed for good after MaxAttempts); and the
// metrics to count once it is committed.
func (w *Worker) apply(ctx context.Context, applier *Applier, ev models.WebhookEvent) (string, *models.WebhookOutcome, func()) {
	outcome, applyErr := applier.Apply(ctx, ev)
	now := w.Now()
	if applyErr == nil {
		return outcome, nil, func() {
			w.Metrics.applied.WithLabelValues(outcome).Inc()
			w.Metrics.lag.Observe(time.Now().UTC().Sub(ev.ReceivedAt).Seconds())
		}
	}
	up := &models.WebhookOutcome{Attempts: ev.Attempts + 1, LastError: applyErr.Error()}
	if ev.Attempts+1 >= MaxAttempts {
		up.Status = models.InboxFailed
		w.Log.ErrorContext(ctx, "webhook event failed for good", "event", ev.ID, "event_type", ev.Type, "attempts", ev.Attempts+1, "err", applyErr)
		return "", up, w.Metrics.failed.Inc
	}
	up.NextAttemptAt = now.Add(backoff(ev.Attempts))
	level := slog.LevelWarn
	if errors.Is(applyErr, ErrOrderNotYet) {
		level = slog.LevelInfo
	}
	w.Log.Log(ctx, level, "webhook event will be retried", "event", ev.ID, "event_type", ev.Type, "attempt", ev.Attempts+1, "err", applyErr)
	return "", up, w.Metrics.retried.Inc
}

// backoff is the wait before attempt n+1: 250 ms doubling, at most 2 hours.
func backoff(attempts int) time.Duration {
	d := 250 * time.Millisecond << min(attempts, 15)
	return min(d, 2*time.Hour)
}
