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
		progress := false
		for _, id := range batch {
			ok, err := w.claim(ctx, id)
			if err != nil {
				return n, err
			}
			if !ok {
				continue // another worker has it
			}
			progress = true
			if err := w.process(ctx, id); err != nil {
				return n, err
			}
			n++
		}
		if !progress {
			return n, nil
		}
	}
}

func (w *Worker) due(ctx context.Context) ([]string, error) {
	now := time.Now().UTC()
	var ids []string
	err := w.DB.WithContext(ctx).Model(&models.WebhookEvent{}).
		Where("status = ? AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until < ?)", models.InboxPending, now, now).
		Order("created, id").Limit(100).Pluck("id", &ids).Error
	return ids, err
}

// claim takes a lease on an event; false when another worker holds it or it is no longer due.
func (w *Worker) claim(ctx context.Context, id string) (bool, error) {
	now := time.Now().UTC()
	res := w.DB.WithContext(ctx).Model(&models.WebhookEvent{}).
		Where("id = ? AND status = ? AND (locked_until IS NULL OR locked_until < ?)", id, models.InboxPending, now).
		Updates(map[string]any{"locked_by": w.ID, "locked_until": now.Add(w.Lease)})
	return res.RowsAffected == 1, res.Error
}

func (w *Worker) process(ctx context.Context, id string) error {
	var ev models.WebhookEvent
	if err := w.DB.WithContext(ctx).Where("id = ?", id).Take(&ev).Error; err != nil {
		return err
	}
	outcome, applyErr := w.Apply.Apply(ctx, ev)
	now := time.Now().UTC()
	up := map[string]any{"attempts": ev.Attempts + 1, "locked_by": nil, "locked_until": nil}
	switch {
	case applyErr == nil:
		up["status"], up["applied_at"], up["last_error"] = outcome, now, nil
		w.Metrics.applied.WithLabelValues(outcome).Inc()
		w.Metrics.lag.Observe(now.Sub(ev.ReceivedAt).Seconds())
	case ev.Attempts+1 >= MaxAttempts:
		up["status"], up["last_error"] = models.InboxFailed, applyErr.Error()
		w.Metrics.failed.Inc()
		w.Log.ErrorContext(ctx, "webhook event failed for good", "event", ev.ID, "event_type", ev.Type, "attempts", ev.Attempts+1, "err", applyErr)
	default:
		up["last_error"], up["next_attempt_at"] = applyErr.Error(), now.Add(backoff(ev.Attempts))
		w.Metrics.retried.Inc()
		level := slog.LevelWarn
		if errors.Is(applyErr, ErrOrderNotYet) {
			level = slog.LevelInfo
		}
		w.Log.Log(ctx, level, "webhook event will be retried", "event", ev.ID, "event_type", ev.Type, "attempt", ev.Attempts+1, "err", applyErr)
	}
	return w.DB.WithContext(ctx).Model(&models.WebhookEvent{}).Where("id = ? AND locked_by = ?", id, w.ID).Updates(up).Error
}

// backoff is the wait before attempt n+1: 250 ms doubling, at most 2 hours.
func backoff(attempts int) time.Duration {
	d := 250 * time.Millisecond << min(attempts, 15)
	return min(d, 2*time.Hour)
}
