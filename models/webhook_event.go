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
