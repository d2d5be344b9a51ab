package webhooks

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/storefront/storefront/models"
)

func TestPruningDeletesOnlyAppliedEventsOlderThanTheRetentionInBatches(t *testing.T) {
	ctx := t.Context()
	db, err := models.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "inbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	old, recent := now.Add(-31*24*time.Hour), now.Add(-29*24*time.Hour)
	add := func(id, status string, received time.Time, applied *time.Time) {
		t.Helper()
		ev := models.WebhookEvent{ID: id, Type: "payment_intent.succeeded", Created: received.Unix(), Payload: "{}",
			Status: status, NextAttemptAt: received, ReceivedAt: received, AppliedAt: applied}
		if err := db.Create(&ev).Error; err != nil {
			t.Fatal(err)
		}
	}
	for i := range 7 {
		add(fmt.Sprintf("evt_old_applied_%d", i), models.InboxApplied, old, &old)
	}
	add("evt_old_ignored", models.InboxIgnored, old, &old)
	add("evt_old_failed", models.InboxFailed, old, nil)
	add("evt_old_pending", models.InboxPending, old, nil)
	add("evt_recent_applied", models.InboxApplied, recent, &recent)

	p := NewPruner(db.DB, slog.New(slog.NewTextHandler(io.Discard, nil)), 30*24*time.Hour)
	p.Now, p.Batch, p.Pause = func() time.Time { return now }, 3, 0
	n, err := p.Prune(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 8 {
		t.Errorf("pruned %d events, want the 8 applied or ignored before the retention", n)
	}
	var kept []string
	db.Model(&models.WebhookEvent{}).Order("id").Pluck("id", &kept)
	want := []string{"evt_old_failed", "evt_old_pending", "evt_recent_applied"}
	if fmt.Sprint(kept) != fmt.Sprint(want) {
		t.Errorf("kept %v, want %v", kept, want)
	}
}
