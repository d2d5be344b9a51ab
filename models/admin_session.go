package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// ErrAdminSessionExpired is an admin session that was idle for too long (it is deleted on the way).
var ErrAdminSessionExpired = errors.New("admin session idle for too long")

// adminSeenEvery is how stale last_seen_at may get before a request writes it again (one write per
// minute of activity, not one per request).
const adminSeenEvery = time.Minute

// AdminSession is a signed-in admin on the server. The cookie holds the token; the table its hash.
type AdminSession struct {
	TokenHash  string `gorm:"primaryKey"`
	AdminID    string
	CreatedAt  time.Time
	LastSeenAt time.Time
}

func hashAdminToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateAdminSession starts a session for the admin and returns its token (256 random bits) for the cookie.
// Sessions idle for longer than idle are swept on the way.
func CreateAdminSession(ctx context.Context, db *gorm.DB, adminID string, idle time.Duration, now time.Time) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("admin session token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	now = now.UTC()
	db = db.WithContext(ctx)
	if err := db.Where("last_seen_at < ?", now.Add(-idle)).Delete(&AdminSession{}).Error; err != nil {
		return "", fmt.Errorf("sweep admin sessions: %w", err)
	}
	s := AdminSession{TokenHash: hashAdminToken(token), AdminID: adminID, CreatedAt: now, LastSeenAt: now}
	if err := db.Create(&s).Error; err != nil {
		return "", fmt.Errorf("save admin session: %w", err)
	}
	return token, nil
}

// AdminBySession returns the admin of a session token and moves its idle clock. ErrNotFound: no such session
// (never made, signed out, revoked, or its admin removed); ErrAdminSessionExpired: idle for idle or longer.
func AdminBySession(ctx context.Context, db *gorm.DB, token string, idle time.Duration, now time.Time) (Admin, error) {
	if token == "" || len(token) > 100 {
		return Admin{}, ErrNotFound
	}
	now = now.UTC()
	db = db.WithContext(ctx)
	var s AdminSession
	if err := db.Where("token_hash = ?", hashAdminToken(token)).Take(&s).Error; err != nil {
		return Admin{}, notFound(err)
	}
	if now.Sub(s.LastSeenAt) >= idle {
		if err := db.Delete(&s).Error; err != nil {
			return Admin{}, fmt.Errorf("end idle admin session: %w", err)
		}
		return Admin{}, ErrAdminSessionExpired
	}
	a, err := AdminByID(ctx, db, s.AdminID)
	if err != nil {
		return Admin{}, err
	}
	if now.Sub(s.LastSeenAt) >= adminSeenEvery || idle <= adminSeenEvery {
		if err := db.Model(&s).Update("last_seen_at", now).Error; err != nil {
			return Admin{}, fmt.Errorf("refresh admin session: %w", err)
		}
	}
	return a, nil
}

// RevokeAdminSession ends one session (sign-out).
func RevokeAdminSession(ctx context.Context, db *gorm.DB, token string) error {
	if token == "" {
		return nil
	}
	err := db.WithContext(ctx).Where("token_hash = ?", hashAdminToken(token)).Delete(&AdminSession{}).Error
	if err != nil {
		return fmt.Errorf("revoke admin session: %w", err)
	}
	return nil
}

// RevokeAdminSessions ends every session of an admin (a new password).
func RevokeAdminSessions(ctx context.Context, db *gorm.DB, adminID string) error {
	if err := db.WithContext(ctx).Where("admin_id = ?", adminID).Delete(&AdminSession{}).Error; err != nil {
		return fmt.Errorf("revoke admin sessions: %w", err)
	}
	return nil
}
