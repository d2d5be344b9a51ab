package webhooks

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/stripe/stripe-go/v82"

	"github.com/storefront/storefront/models"
)

// testClock is a worker clock that moves only when the test says so.
type testClock struct{ now time.Time }

func (c *testClock) Now() time.Time          { return c.now }
func (c *testClock) Advance(d time.Duration) { c.now = c.now.Add(d) }

// leaseInbox stores n events of PaymentIntents the shop did not make (applied as "ignored") in a fresh SQLite
// inbox, and returns two workers on it that share one clock, set a minute after the events were received.
func leaseInbox(t *testing.T, n int) (a, b *Worker, clock *testClock, db *models.DB) {
	t.Helper()
	ctx := t.Context()
	db, err := models.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "inbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for i := range n {
		id := fmt.Sprintf("evt_lease_%d", i)
		payload, _ := json.Marshal(map[string]any{"id": id, "object": "event", "type": "payment_intent.succeeded",
			"api_version": stripe.APIVersion, "created": now.Unix() + int64(i),
			"data": map[string]any{"object": map[string]any{"id": fmt.Sprintf("pi_elsewhere_%d", i), "object": "payment_intent"}}})
		if _, err := models.StoreWebhookEvent(ctx, db.DB, &models.WebhookEvent{ID: id, Type: "payment_intent.succeeded",
			APIVersion: stripe.APIVersion, Created: now.Unix() + int64(i), Payload: string(payload), Status: models.InboxPending,
			NextAttemptAt: now, ReceivedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	clock = &testClock{now: now.Add(time.Minute)}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	newWorker := func(id string) *Worker {
		w := NewWorker(db.DB, log, NewMetrics(nil), &Applier{DB: db.DB, Log: log}, id)
		w.Now = clock.Now
		return w
	}
	return newWorker("a"), newWorker("b"), clock, db
}

func claimDue(t *testing.T, w *Worker) []models.WebhookEvent {
	t.Helper()
	ids, err := w.due(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) == 0 {
		return nil
	}
	evs, err := w.claim(t.Context(), ids)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func appliedBy(w *Worker) int {
	var m dto.Metric
	if err := w.Metrics.applied.WithLabelValues(models.InboxIgnored).Write(&m); err != nil {
		panic(err)
	}
	return int(m.GetCounter().GetValue())
}

func TestALeaseKeepsOtherWorkersAwayOnlyUntilItRunsOut(t *testing.T) {
	a, b, clock, db := leaseInbox(t, 3)
	if got := claimDue(t, a); len(got) != 3 {
		t.Fatalf("worker a claimed %d events, want 3", len(got))
	}
	clock.Advance(a.Lease - time.Millisecond)
	if got := claimDue(t, b); len(got) != 0 {
		t.Fatalf("worker b claimed %d events leased to a", len(got))
	}
	clock.Advance(2 * time.Millisecond) // a's lease has run out: a died, or stalls
	taken := claimDue(t, b)
	if len(taken) != 3 {
		t.Fatalf("worker b claimed %d events after a's lease ran out, want 3", len(taken))
	}
	if err := b.process(t.Context(), taken); err != nil {
		t.Fatal(err)
	}
	var rows []models.WebhookEvent
	db.Order("id").Find(&rows)
	for _, r := range rows {
		if r.Status != models.InboxIgnored || r.Attempts != 1 || r.LockedBy != nil {
			t.Errorf("%s: status %s, attempts %d, locked by %v", r.ID, r.Status, r.Attempts, r.LockedBy)
		}
	}
	if appliedBy(a) != 0 || appliedBy(b) != 3 {
		t.Errorf("applied by a %d, by b %d; want 0 and 3", appliedBy(a), appliedBy(b))
	}
}

func TestAWorkerWhoseLeaseWasTakenOverAppliesNothing(t *testing.T) {
	a, b, clock, db := leaseInbox(t, 3)
	stale := claimDue(t, a)
	clock.Advance(a.Lease + time.Millisecond)
	taken := claimDue(t, b)
	// a wakes up after its lease ran out and b took the events over: a's batch must leave them to b.
	if err := a.process(t.Context(), stale); err != nil {
		t.Fatal(err)
	}
	var pending int64
	db.Model(&models.WebhookEvent{}).Where("status = ? AND locked_by = ?", models.InboxPending, "b").Count(&pending)
	if pending != 3 || appliedBy(a) != 0 {
		t.Fatalf("after a's stale batch: %d events still leased to b (want 3), %d applied by a (want 0)", pending, appliedBy(a))
	}
	if err := b.process(t.Context(), taken); err != nil {
		t.Fatal(err)
	}
	if appliedBy(b) != 3 {
		t.Fatalf("applied by b: %d, want 3", appliedBy(b))
	}
}

func TestAWorkerTakesUpItsOwnLeasesLeftByAFailedBatchAtOnce(t *testing.T) {
	a, b, clock, _ := leaseInbox(t, 3)
	claimDue(t, a) // claimed, then the batch failed (the database went away) before anything was applied
	clock.Advance(time.Second)
	if got := claimDue(t, b); len(got) != 0 {
		t.Fatalf("worker b claimed %d events still leased to a", len(got))
	}
	n, err := a.Drain(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 || appliedBy(a) != 3 {
		t.Fatalf("worker a drained %d and applied %d of its own leased events, want 3", n, appliedBy(a))
	}
}

func TestAClaimIsLeasedForTheDefaultLeaseFromTheWorkersClock(t *testing.T) {
	a, _, clock, db := leaseInbox(t, 1)
	claimDue(t, a)
	var row models.WebhookEvent
	db.First(&row)
	if row.LockedBy == nil || *row.LockedBy != "a" || row.LockedUntil == nil || !row.LockedUntil.Equal(clock.Now().Add(DefaultLease)) {
		t.Fatalf("lease %v until %v, want a until %v", row.LockedBy, row.LockedUntil, clock.Now().Add(DefaultLease))
	}
	if DefaultLease > 4*time.Second {
		t.Fatalf("DefaultLease %v: events of a dead worker would wait longer than a few seconds", DefaultLease)
	}
}
