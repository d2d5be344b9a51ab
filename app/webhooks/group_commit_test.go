package webhooks

import (
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storefront/storefront/models"
)

func TestConcurrentDeliveriesAreStoredTogetherAndEachEventOnce(t *testing.T) {
	ctx := t.Context()
	db, err := models.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "inbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var g groupCommit
	const events, copies = 150, 3 // every event delivered three times at once, as Stripe's retries may
	var stored, duplicates atomic.Int64
	var wg sync.WaitGroup
	for i := range events * copies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			now := time.Now().UTC()
			row := &models.WebhookEvent{ID: fmt.Sprintf("evt_group_%d", i%events), Type: "payment_intent.succeeded",
				Payload: "{}", Status: models.InboxPending, NextAttemptAt: now, ReceivedAt: now}
			ok, err := g.store(db.DB, row)
			switch {
			case err != nil:
				t.Error(err)
			case ok:
				stored.Add(1)
			default:
				duplicates.Add(1)
			}
		}()
	}
	wg.Wait()
	var rows int64
	db.Model(&models.WebhookEvent{}).Count(&rows)
	if stored.Load() != events || duplicates.Load() != events*(copies-1) || rows != events {
		t.Fatalf("stored %d, duplicates %d, rows %d; want %d, %d, %d", stored.Load(), duplicates.Load(), rows,
			events, events*(copies-1), events)
	}
}
