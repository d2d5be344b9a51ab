package models

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Leases on inbox events. A worker claims due events by writing its name and a short expiry on them; the lease
// only says who should apply an event next. Who may apply it is decided inside the worker's transaction by
// HoldWebhookEvents, whose row locks (PostgreSQL) or write lock (SQLite) keep a second worker out until the
// outcome is committed, however long the batch takes.

// leaseFree is the condition of events a worker may claim: not leased, leased by a worker whose lease has run
// out, or leased by this worker itself (left over from a batch that failed, e.g. while the database was away:
// the worker applies its events one batch at a time, so a lease of its own is never in use).
const leaseFree = "(locked_until IS NULL OR locked_until < ? OR locked_by = ?)"

// DueWebhookEvents lists up to limit ids of pending events due at now that owner may claim, oldest first.
func DueWebhookEvents(ctx context.Context, db *gorm.DB, owner string, now time.Time, limit int) ([]string, error) {
	var ids []string
	err := db.WithContext(ctx).Model(&WebhookEvent{}).
		Where("status = ? AND next_attempt_at <= ? AND "+leaseFree, InboxPending, now, now, owner).
		Order("created, id").Limit(limit).Pluck("id", &ids).Error
	return ids, err
}

// ClaimWebhookEvents leases to owner, until until, those of ids that are still pending and free at now, in one
// statement, and returns the claimed events, oldest first.
func ClaimWebhookEvents(ctx context.Context, db *gorm.DB, ids []string, owner string, now, until time.Time) ([]WebhookEvent, error) {
	err := db.WithContext(ctx).Model(&WebhookEvent{}).
		Where("id IN ? AND status = ? AND "+leaseFree, ids, InboxPending, now, owner).
		Updates(map[string]any{"locked_by": owner, "locked_until": until}).Error
	if err != nil {
		return nil, err
	}
	var evs []WebhookEvent
	err = db.WithContext(ctx).Where("id IN ? AND status = ? AND locked_by = ?", ids, InboxPending, owner).
		Order("created, id").Find(&evs).Error
	return evs, err
}

// HoldWebhookEvents, inside the transaction that applies the events, renews owner's lease on ids until until
// and returns those still pending and leased to owner: the others were taken by a worker that found this lease
// expired, or were applied by it meanwhile, and must be left alone. On PostgreSQL the UPDATE locks the rows it
// renews until the transaction ends; another worker's claim waits for them and then sees the outcome.
func HoldWebhookEvents(ctx context.Context, tx *gorm.DB, ids []string, owner string, until time.Time) ([]string, error) {
	res := tx.WithContext(ctx).Model(&WebhookEvent{}).
		Where("id IN ? AND status = ? AND locked_by = ?", ids, InboxPending, owner).
		Update("locked_until", until)
	if res.Error != nil {
		return nil, res.Error
	}
	if int(res.RowsAffected) == len(ids) {
		return ids, nil // all of them: the usual case, one statement
	}
	var held []string
	err := tx.WithContext(ctx).Model(&WebhookEvent{}).
		Where("id IN ? AND status = ? AND locked_by = ?", ids, InboxPending, owner).Pluck("id", &held).Error
	return held, err
}

// RecordWebhookEventsApplied marks the events of ids leased to owner as applied with outcome status at now, in
// one statement (the worker's common case: a batch applied without error).
func RecordWebhookEventsApplied(ctx context.Context, tx *gorm.DB, ids []string, owner, status string, now time.Time) error {
	return tx.WithContext(ctx).Model(&WebhookEvent{}).Where("id IN ? AND locked_by = ?", ids, owner).
		Updates(map[string]any{"status": status, "applied_at": now, "last_error": nil,
			"attempts": gorm.Expr("attempts + 1"), "locked_by": nil, "locked_until": nil}).Error
}

// PruneWebhookEvents deletes up to limit applied or ignored events applied before cutoff, oldest first, and
// reports how many it deleted. Pending and failed events are kept, and so is every order's timeline (its
// order events stay when their inbox event goes).
func PruneWebhookEvents(ctx context.Context, db *gorm.DB, cutoff time.Time, limit int) (int64, error) {
	oldest := db.Model(&WebhookEvent{}).Select("id").
		Where("status IN ? AND applied_at < ?", []string{InboxApplied, InboxIgnored}, cutoff).
		Order("applied_at").Limit(limit)
	res := db.WithContext(ctx).Where("id IN (?)", oldest).Delete(&WebhookEvent{})
	return res.RowsAffected, res.Error
}

// StoreWebhookEvents writes new events to the inbox in one statement and one transaction (the inbox's group
// commit) and returns the ids of those stored; the others were there already (duplicates). The ids must be
// distinct.
func StoreWebhookEvents(ctx context.Context, db *gorm.DB, evs []*WebhookEvent) (map[string]bool, error) {
	var sql strings.Builder
	sql.WriteString("INSERT INTO webhook_events (id, type, api_version, created, payload, status, attempts, next_attempt_at, received_at) VALUES ")
	args := make([]any, 0, 9*len(evs))
	for i, ev := range evs {
		if i > 0 {
			sql.WriteString(", ")
		}
		sql.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, ev.ID, ev.Type, ev.APIVersion, ev.Created, ev.Payload, ev.Status, ev.Attempts, ev.NextAttemptAt, ev.ReceivedAt)
	}
	sql.WriteString(" ON CONFLICT (id) DO NOTHING RETURNING id")
	var ids []string
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return tx.Raw(sql.String(), args...).Scan(&ids).Error
	})
	if err != nil {
		return nil, err
	}
	stored := make(map[string]bool, len(ids))
	for _, id := range ids {
		stored[id] = true
	}
	return stored, nil
}

// ClaimDueWebhookEvents leases to owner, until until, up to limit pending events due at now that owner may
// claim, and returns them oldest first. On PostgreSQL it is one statement that skips the rows another worker's
// transaction holds (FOR UPDATE SKIP LOCKED), so that two instances apply different events side by side
// instead of queueing on each other's batch; on SQLite (one writer anyway) it lists, then claims.
func ClaimDueWebhookEvents(ctx context.Context, db *gorm.DB, owner string, now, until time.Time, limit int) ([]WebhookEvent, error) {
	if db.Dialector.Name() != "postgres" {
		ids, err := DueWebhookEvents(ctx, db, owner, now, limit)
		if err != nil || len(ids) == 0 {
			return nil, err
		}
		return ClaimWebhookEvents(ctx, db, ids, owner, now, until)
	}
	var evs []WebhookEvent
	err := db.WithContext(ctx).Raw(`UPDATE webhook_events SET locked_by = ?, locked_until = ?
		WHERE id IN (SELECT id FROM webhook_events WHERE status = ? AND next_attempt_at <= ? AND `+leaseFree+`
			ORDER BY created, id LIMIT ? FOR UPDATE SKIP LOCKED)
		RETURNING *`, owner, until, InboxPending, now, now, owner, limit).Scan(&evs).Error
	slices.SortFunc(evs, func(a, b WebhookEvent) int {
		if a.Created != b.Created {
			return cmp.Compare(a.Created, b.Created)
		}
		return strings.Compare(a.ID, b.ID)
	})
	return evs, err
}
