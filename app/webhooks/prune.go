package webhooks

import (
	"context"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/storefront/storefront/models"
)

// Pruner deletes applied and ignored inbox events once they are older than the retention, so the inbox does
// not grow with every event ever received. It runs beside the worker, never in a request: each batch is one
// short DELETE of at most Batch rows, with a pause between batches so that webhook acknowledgements and the
// worker (on SQLite, the one writer) get their turn. Failed events and the orders' timelines are kept.
type Pruner struct {
	DB        *gorm.DB
	Log       *slog.Logger
	Retention time.Duration
	Every     time.Duration // how often to look for old events
	Batch     int           // events per DELETE
	Pause     time.Duration // between two batches
	Now       func() time.Time
}

// NewPruner builds a pruner with the usual pace: every 10 minutes, 500 events per batch, 50 ms apart.
func NewPruner(db *gorm.DB, log *slog.Logger, retention time.Duration) *Pruner {
	return &Pruner{DB: db, Log: log, Retention: retention, Every: 10 * time.Minute, Batch: 500, Pause: 50 * time.Millisecond,
		Now: func() time.Time { return time.Now().UTC() }}
}

// Run prunes until ctx ends: once a minute after the start, then every Every.
func (p *Pruner) Run(ctx context.Context) {
	t := time.NewTimer(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n, err := p.Prune(ctx); err != nil && ctx.Err() == nil {
			p.Log.ErrorContext(ctx, "prune webhook inbox", "err", err, "deleted", n)
		} else if n > 0 {
			p.Log.InfoContext(ctx, "pruned webhook inbox", "deleted", n, "retention", p.Retention.String())
		}
		t.Reset(p.Every)
	}
}

// Prune deletes every applied or ignored event older than the retention, batch by batch, and reports how many.
func (p *Pruner) Prune(ctx context.Context) (int64, error) {
	cutoff := p.Now().Add(-p.Retention)
	var total int64
	for {
		n, err := models.PruneWebhookEvents(ctx, p.DB, cutoff, p.Batch)
		total += n
		if err != nil || n < int64(p.Batch) {
			return total, err
		}
		select {
		case <-ctx.Done():
			return total, ctx.Err()
		case <-time.After(p.Pause):
		}
	}
}
