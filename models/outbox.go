package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Kinds of the shop's emails.
const (
	EmailOrderConfirmation = "order_confirmation" // the order became paid
	EmailShipped           = "shipped"            // an admin marked it shipped
	EmailRefund            = "refund"             // Stripe confirmed a refund (one per refund)
)

// Outbox statuses.
const (
	OutboxPending = "pending" // waiting to be sent (or held: no SMTP_URL)
	OutboxSent    = "sent"
	OutboxFailed  = "failed" // given up: the server refused it for good, or too many attempts
)

// OutboxEmail is one email the shop owes a customer, queued in the transaction of the change that causes it.
type OutboxEmail struct {
	ID            string `gorm:"primaryKey"`
	OrderID       string
	Kind          string
	Ref           string // the Stripe refund id of a refund email; "" otherwise
	Recipient     string
	Amount        int64 // refund emails: the amount refunded
	Status        string
	Attempts      int
	LastError     *string
	NextAttemptAt time.Time
	LockedBy      *string
	LockedUntil   *time.Time
	CreatedAt     time.Time
	SentAt        *time.Time
}

// TableName is the outbox table.
func (OutboxEmail) TableName() string { return "outbox_emails" }

// BeforeCreate gives a new email its id and makes it due now.
func (e *OutboxEmail) BeforeCreate(*gorm.DB) error {
	if e.ID == "" {
		e.ID = NewID()
	}
	if e.Status == "" {
		e.Status = OutboxPending
	}
	if e.NextAttemptAt.IsZero() {
		e.NextAttemptAt = time.Now().UTC()
	}
	return nil
}

// QueueEmail adds an email to the outbox, inside the caller's transaction. An email with the same (order, kind,
// ref) is never queued twice: it reports false then.
func QueueEmail(ctx context.Context, tx *gorm.DB, e OutboxEmail) (bool, error) {
	res := tx.WithContext(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "order_id"}, {Name: "kind"}, {Name: "ref"}}, DoNothing: true,
	}).Create(&e)
	if res.Error != nil {
		return false, fmt.Errorf("queue %s email: %w", e.Kind, res.Error)
	}
	return res.RowsAffected > 0, nil
}

// OutboxEmailByID loads one email of the outbox.
func OutboxEmailByID(ctx context.Context, db *gorm.DB, id string) (OutboxEmail, error) {
	var e OutboxEmail
	if !ValidID(id) {
		return e, ErrNotFound
	}
	err := db.WithContext(ctx).Where("id = ?", id).Take(&e).Error
	return e, notFound(err)
}

// OutboxEntry is an email of the outbox with its order's number, for the admin's list.
type OutboxEntry struct {
	OutboxEmail
	OrderNumber string
}

// ListOutbox lists the newest emails of the outbox (at most limit), with their order numbers; status "" is any.
func ListOutbox(ctx context.Context, db *gorm.DB, status string, limit int) ([]OutboxEntry, error) {
	var rows []OutboxEntry
	q := db.WithContext(ctx).Table("outbox_emails AS e").Select("e.*, o.number AS order_number").
		Joins("JOIN orders o ON o.id = e.order_id")
	if status != "" {
		q = q.Where("e.status = ?", status)
	}
	err := q.Order("e.created_at DESC, e.id DESC").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	return rows, nil
}

// OutboxCounts counts the outbox's emails by status.
func OutboxCounts(ctx context.Context, db *gorm.DB) (map[string]int64, error) {
	var rows []struct {
		Status string
		N      int64
	}
	err := db.WithContext(ctx).Model(&OutboxEmail{}).Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("count outbox: %w", err)
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// ClaimOutbox leases up to limit due emails to worker `by` until `until`, and returns them oldest first. On
// PostgreSQL the due rows are read with FOR UPDATE SKIP LOCKED, so instances claiming at once take different
// rows and never wait on each other; SQLite runs one writing transaction at a time. A lease left by a crashed
// worker expires, and its emails are claimed again.
func ClaimOutbox(ctx context.Context, db *gorm.DB, by string, now, until time.Time, limit int) ([]OutboxEmail, error) {
	var claimed []OutboxEmail
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		q := tx.Model(&OutboxEmail{}).
			Where("status = ? AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until < ?)", OutboxPending, now, now).
			Order("next_attempt_at, id").Limit(limit)
		if tx.Dialector.Name() == "postgres" {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		if err := q.Find(&claimed).Error; err != nil || len(claimed) == 0 {
			return err
		}
		ids := make([]string, len(claimed))
		for i, e := range claimed {
			ids[i] = e.ID
		}
		return tx.Model(&OutboxEmail{}).Where("id IN ?", ids).
			Updates(map[string]any{"locked_by": by, "locked_until": until}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	return claimed, nil
}

// FinishOutbox records the outcome of a send by the worker holding the lease: sent, retried at next with the
// error, or failed for good. It reports false when the lease was lost (another worker took the email over).
func FinishOutbox(ctx context.Context, db *gorm.DB, e OutboxEmail, by string, up map[string]any) (bool, error) {
	up["locked_by"], up["locked_until"] = nil, nil
	res := db.WithContext(ctx).Model(&OutboxEmail{}).Where("id = ? AND locked_by = ?", e.ID, by).Updates(up)
	if res.Error != nil {
		return false, fmt.Errorf("record email outcome: %w", res.Error)
	}
	return res.RowsAffected > 0, nil
}

// RetryOutboxEmail puts a failed email back in the queue, due now (an admin asked for it).
func RetryOutboxEmail(ctx context.Context, db *gorm.DB, id string) error {
	return db.WithContext(ctx).Model(&OutboxEmail{}).Where("id = ? AND status = ?", id, OutboxFailed).
		Updates(map[string]any{"status": OutboxPending, "attempts": 0, "next_attempt_at": time.Now().UTC()}).Error
}

// EmailsForOrder lists an order's emails, oldest first.
func EmailsForOrder(ctx context.Context, db *gorm.DB, orderID string) ([]OutboxEmail, error) {
	var es []OutboxEmail
	err := db.WithContext(ctx).Where("order_id = ?", orderID).Order("created_at, id").Find(&es).Error
	return es, err
}
