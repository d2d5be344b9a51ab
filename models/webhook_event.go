package models

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Inbox statuses of a webhook event.
const (
	InboxPending = "pending"
	InboxApplied = "applied"
	InboxIgnored = "ignored" // a type the shop does not handle
	InboxFailed  = "failed"  // gave up after the last attempt
)

// WebhookEvent is a Stripe event in the durable inbox.
type WebhookEvent struct {
	ID            string `gorm:"primaryKey"`
	Type          string
	APIVersion    string `gorm:"column:api_version"`
	Created       int64
	Payload       string
	Status        string
	Attempts      int
	LastError     *string
	NextAttemptAt time.Time
	LockedBy      *string
	LockedUntil   *time.Time
	ReceivedAt    time.Time
	AppliedAt     *time.Time
}

// WebhookRejection is an event refused before the inbox.
type WebhookRejection struct {
	ID         string `gorm:"primaryKey"`
	Reason     string
	EventID    string
	EventType  string
	APIVersion string `gorm:"column:api_version"`
	ReceivedAt time.Time
}

// BeforeCreate gives a rejection its id.
func (r *WebhookRejection) BeforeCreate(*gorm.DB) error {
	if r.ID == "" {
		r.ID = NewID()
	}
	return nil
}

// StoreWebhookEvent writes an event to the inbox once; it reports false for a duplicate.
func StoreWebhookEvent(ctx context.Context, db *gorm.DB, ev *WebhookEvent) (bool, error) {
	res := db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(ev)
	return res.RowsAffected == 1, res.Error
}

// InboxHealth summarises the inbox for admins, doctor and metrics.
type InboxHealth struct {
	Pending          int64
	Failed           int64
	OldestPending    *time.Time
	VersionMismatch  int64
	LastMismatchedAt *time.Time
}

// WebhookInboxHealth reads the inbox's health.
func WebhookInboxHealth(ctx context.Context, db *gorm.DB) (InboxHealth, error) {
	var h InboxHealth
	q := db.WithContext(ctx)
	if err := q.Model(&WebhookEvent{}).Where("status = ?", InboxPending).Count(&h.Pending).Error; err != nil {
		return h, err
	}
	if err := q.Model(&WebhookEvent{}).Where("status = ?", InboxFailed).Count(&h.Failed).Error; err != nil {
		return h, err
	}
	var oldest WebhookEvent
	if err := q.Where("status = ?", InboxPending).Order("received_at").Limit(1).Find(&oldest).Error; err != nil {
		return h, err
	}
	if oldest.ID != "" {
		h.OldestPending = &oldest.ReceivedAt
	}
	if err := q.Model(&WebhookRejection{}).Where("reason = ?", "api_version").Count(&h.VersionMismatch).Error; err != nil {
		return h, err
	}
	var last WebhookRejection
	if err := q.Where("reason = ?", "api_version").Order("received_at DESC").Limit(1).Find(&last).Error; err != nil {
		return h, err
	}
	if last.ID != "" {
		h.LastMismatchedAt = &last.ReceivedAt
	}
	return h, nil
}

// RecordWebhookRejection keeps an event refused before the inbox, for the admin and doctor.
func RecordWebhookRejection(ctx context.Context, db *gorm.DB, r *WebhookRejection) error {
	return db.WithContext(ctx).Create(r).Error
}

// DueWebhookEventIDs lists up to limit pending events whose next attempt is due at now and that no worker
// holds a lease on, oldest first.
func DueWebhookEventIDs(ctx context.Context, db *gorm.DB, now time.Time, limit int) ([]string, error) {
	var ids []string
	err := db.WithContext(ctx).Model(&WebhookEvent{}).
		Where("status = ? AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until < ?)", InboxPending, now, now).
		Order("created, id").Limit(limit).Pluck("id", &ids).Error
	return ids, err
}

// LeaseWebhookEvents takes a lease for worker until the given time, in one statement, on those of ids that are
// still pending and not leased by another worker, and returns them, oldest first.
func LeaseWebhookEvents(ctx context.Context, db *gorm.DB, ids []string, worker string, now, until time.Time) ([]WebhookEvent, error) {
	err := db.WithContext(ctx).Model(&WebhookEvent{}).
		Where("id IN ? AND status = ? AND (locked_until IS NULL OR locked_until < ?)", ids, InboxPending, now).
		Updates(map[string]any{"locked_by": worker, "locked_until": until}).Error
	if err != nil {
		return nil, err
	}
	var evs []WebhookEvent
	err = db.WithContext(ctx).Where("id IN ? AND status = ? AND locked_by = ?", ids, InboxPending, worker).
		Order("created, id").Find(&evs).Error
	return evs, err
}

// WebhookOutcome is the result of one attempt to apply an inbox event.
type WebhookOutcome struct {
	Attempts      int       // attempts so far, this one included
	Status        string    // the new inbox status; "" leaves it pending
	LastError     string    // "" clears it
	AppliedAt     time.Time // zero leaves it unset
	NextAttemptAt time.Time // zero leaves it as it is
}

// RecordWebhookOutcome stores an attempt's outcome on an event leased by worker and gives up the lease.
func RecordWebhookOutcome(ctx context.Context, db *gorm.DB, eventID, worker string, out WebhookOutcome) error {
	up := map[string]any{"attempts": out.Attempts, "locked_by": nil, "locked_until": nil, "last_error": nil}
	if out.Status != "" {
		up["status"] = out.Status
	}
	if out.LastError != "" {
		up["last_error"] = out.LastError
	}
	if !out.AppliedAt.IsZero() {
		up["applied_at"] = out.AppliedAt
	}
	if !out.NextAttemptAt.IsZero() {
		up["next_attempt_at"] = out.NextAttemptAt
	}
	return db.WithContext(ctx).Model(&WebhookEvent{}).Where("id = ? AND locked_by = ?", eventID, worker).Updates(up).Error
}

// RecordWebhookRejectionOnce records a refused event unless that event was already refused for that reason (the
// reconciler reads the same events on every pass); it reports whether it is new.
func RecordWebhookRejectionOnce(ctx context.Context, db *gorm.DB, r *WebhookRejection) (bool, error) {
	var n int64
	if err := db.WithContext(ctx).Model(&WebhookRejection{}).Where("event_id = ? AND reason = ?", r.EventID, r.Reason).Count(&n).Error; err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	return true, RecordWebhookRejection(ctx, db, r)
}
