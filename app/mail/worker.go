package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/storefront/storefront/models"
)

// Worker sends the outbox. Several workers (one per app instance) may share a database: each claims due emails
// with a lease (ClaimOutbox: SKIP LOCKED on PostgreSQL), so an email goes to one worker at a time; a lease left by
// a crashed worker expires and the email is sent after all.
type Worker struct {
	DB      *gorm.DB
	Sender  Sender
	Compose Composer
	Log     *slog.Logger
	ID      string        // this instance, for leases
	Poll    time.Duration // how often due emails are looked for without a wake-up
	Lease   time.Duration // how long a claimed email is this worker's
	// RetryBase is the wait before the second attempt; it doubles up to RetryMax.
	RetryBase, RetryMax time.Duration
	wake                chan struct{}
}

// NewWorker builds a worker; Run starts it.
func NewWorker(db *gorm.DB, sender Sender, c Composer, log *slog.Logger, id string) *Worker {
	return &Worker{DB: db, Sender: sender, Compose: c, Log: log, ID: id, Poll: 2 * time.Second, Lease: 2 * time.Minute,
		RetryBase: 15 * time.Second, RetryMax: time.Hour, wake: make(chan struct{}, 1)}
}

// Wake asks the worker to look for due emails now.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run sends due emails until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	for {
		if _, err := w.Drain(ctx); err != nil && ctx.Err() == nil {
			w.Log.ErrorContext(ctx, "email worker", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.wake:
		}
	}
}

// Drain sends every email due now and reports how many it sent.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	sent := 0
	for {
		now := time.Now().UTC()
		batch, err := models.ClaimOutbox(ctx, w.DB, w.ID, now, now.Add(w.Lease), 10)
		if err != nil || len(batch) == 0 {
			return sent, err
		}
		for _, e := range batch {
			ok, err := w.send(ctx, e)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
	}
}

// send delivers one claimed email and records the outcome: sent, retried later with backoff, or failed for good.
func (w *Worker) send(ctx context.Context, e models.OutboxEmail) (bool, error) {
	err := w.deliver(ctx, e)
	if ctx.Err() != nil {
		return false, ctx.Err() // shutting down: the lease expires and another start sends it
	}
	now := time.Now().UTC()
	up := map[string]any{"attempts": e.Attempts + 1}
	var perm *PermanentError
	switch {
	case err == nil:
		up["status"], up["sent_at"], up["last_error"] = models.OutboxSent, now, nil
		w.Log.InfoContext(ctx, "email sent", "email", e.ID, "kind", e.Kind, "order_id", e.OrderID, "attempt", e.Attempts+1)
	case errors.As(err, &perm):
		up["status"], up["last_error"] = models.OutboxFailed, oneLine(err)
		w.Log.ErrorContext(ctx, "email failed for good", "email", e.ID, "kind", e.Kind, "order_id", e.OrderID, "err", oneLine(err))
	default:
		wait := w.backoff(e.Attempts)
		up["last_error"], up["next_attempt_at"] = oneLine(err), now.Add(wait)
		w.Log.WarnContext(ctx, "email will be retried", "email", e.ID, "kind", e.Kind, "attempt", e.Attempts+1, "in", wait.String(), "err", oneLine(err))
	}
	if _, ferr := models.FinishOutbox(ctx, w.DB, e, w.ID, up); ferr != nil {
		return false, ferr
	}
	return err == nil, nil
}

func (w *Worker) deliver(ctx context.Context, e models.OutboxEmail) error {
	o, err := models.OrderByID(ctx, w.DB, e.OrderID)
	if errors.Is(err, models.ErrNotFound) {
		return permanent(fmt.Errorf("order %s is gone", e.OrderID))
	}
	if err != nil {
		return fmt.Errorf("load order: %w", err)
	}
	r, err := w.Compose.Render(ctx, o, e)
	if err != nil {
		return permanent(err)
	}
	sendCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return w.Sender.Send(sendCtx, e.ID+"@storefront", r)
}

// backoff is the wait after attempt n+1 failed: RetryBase doubling, at most RetryMax. Temporary failures are
// retried for as long as they last.
func (w *Worker) backoff(attempts int) time.Duration {
	d := w.RetryBase << min(attempts, 20)
	if d <= 0 || d > w.RetryMax {
		return w.RetryMax
	}
	return d
}

// oneLine keeps an SMTP error readable in the admin's table (multi-line replies joined).
func oneLine(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 500 {
		s = s[:500] + "…"
	}
	return s
}
