package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Admin sign-in rules.
const (
	AdminMinPasswordLength = 12
	AdminMaxFailedLogins   = 5                // consecutive failures that lock the account
	AdminLockDuration      = 15 * time.Minute // how long a locked account refuses every password
)

// Admin errors. ErrAdminLocked is for logs only: people see ErrBadCredentials' message either way.
var (
	ErrAdminPasswordTooShort = fmt.Errorf("the admin password needs at least %d characters", AdminMinPasswordLength)
	ErrAdminLocked           = errors.New("admin account locked after too many failed sign-ins")
)

// Admin is a member of the shop's staff; admins are separate from shopper accounts.
type Admin struct {
	ID           string `gorm:"primaryKey"`
	Email        string
	PasswordHash string
	FailedLogins int
	LockedUntil  *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// BeforeCreate gives a new admin their id.
func (a *Admin) BeforeCreate(*gorm.DB) error {
	if a.ID == "" {
		a.ID = NewID()
	}
	return nil
}

// LockedAt reports whether the account refuses sign-ins at time now.
func (a Admin) LockedAt(now time.Time) bool {
	return a.LockedUntil != nil && now.Before(*a.LockedUntil)
}

// ValidateAdminPassword checks an admin password's length: AdminMinPasswordLength to MaxPasswordLength characters.
func ValidateAdminPassword(password string) error {
	switch n := passwordLength(password); {
	case n < AdminMinPasswordLength:
		return ErrAdminPasswordTooShort
	case n > MaxPasswordLength:
		return ErrPasswordTooLong
	}
	return nil
}

// UpsertAdmin creates the admin with this email, or sets the password of the existing one and lifts any
// lock. It reports whether the admin was created. Several instances may run it at once at start.
func UpsertAdmin(ctx context.Context, db *gorm.DB, email, password string) (created bool, err error) {
	email, err = NormalizeEmail(email)
	if err != nil {
		return false, err
	}
	if err := ValidateAdminPassword(password); err != nil {
		return false, err
	}
	db = db.WithContext(ctx)
	var existing Admin
	err = db.Where("email = ?", email).Take(&existing).Error
	switch {
	case err == nil:
		// Leave an unchanged password alone: restarts with ADMIN_PASSWORD set write nothing.
		if ok, _ := CheckPassword(existing.PasswordHash, password); ok {
			return false, nil
		}
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return false, fmt.Errorf("load admin: %w", err)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return false, err
	}
	a := Admin{Email: email, PasswordHash: hash}
	err = db.Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "email"}},
		DoUpdates: clause.Assignments(map[string]any{
			"password_hash": hash, "failed_logins": 0, "locked_until": nil, "updated_at": time.Now().UTC(),
		}),
	}).Create(&a).Error
	if err != nil {
		return false, fmt.Errorf("save admin: %w", err)
	}
	if existing.ID != "" { // a new password: whoever signed in with the old one is signed out
		if err := RevokeAdminSessions(ctx, db, existing.ID); err != nil {
			return false, err
		}
	}
	return existing.ID == "", nil
}

// AuthenticateAdmin returns the admin with this email and password. Every failure is ErrBadCredentials,
// or ErrAdminLocked while the account is locked; both cost one password check. After
// AdminMaxFailedLogins consecutive failures the account is locked for AdminLockDuration, in the
// database, so every app instance agrees.
func AuthenticateAdmin(ctx context.Context, db *gorm.DB, email, password string, now time.Time) (Admin, error) {
	now = now.UTC()
	if passwordLength(password) > MaxPasswordLength {
		return Admin{}, ErrBadCredentials
	}
	db = db.WithContext(ctx)
	var a Admin
	email, err := NormalizeEmail(email)
	if err == nil {
		err = db.Where("email = ?", email).Take(&a).Error
	}
	switch {
	case err == nil:
	case errors.Is(err, ErrInvalidEmail), errors.Is(err, gorm.ErrRecordNotFound):
		spendPasswordCheck(password)
		return Admin{}, ErrBadCredentials
	default:
		return Admin{}, fmt.Errorf("load admin: %w", err)
	}
	if a.LockedAt(now) {
		spendPasswordCheck(password)
		return Admin{}, ErrAdminLocked
	}
	ok, err := CheckPassword(a.PasswordHash, password)
	if err != nil {
		return Admin{}, fmt.Errorf("check password of admin %s: %w", a.ID, err)
	}
	if !ok {
		if err := recordAdminFailure(db, a.ID, now); err != nil {
			return Admin{}, err
		}
		return Admin{}, ErrBadCredentials
	}
	if a.FailedLogins != 0 || a.LockedUntil != nil {
		err := db.Model(&Admin{}).Where("id = ?", a.ID).
			Updates(map[string]any{"failed_logins": 0, "locked_until": nil, "updated_at": now}).Error
		if err != nil {
			return Admin{}, fmt.Errorf("reset failed sign-ins: %w", err)
		}
	}
	return a, nil
}

// recordAdminFailure counts a failed sign-in in one statement (concurrent failures all count) and
// locks the account at the limit, starting the count again for after the lock.
func recordAdminFailure(db *gorm.DB, id string, now time.Time) error {
	err := db.Exec(`UPDATE admins SET
		locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END,
		failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0 ELSE failed_logins + 1 END,
		updated_at = ?
		WHERE id = ?`,
		AdminMaxFailedLogins, now.Add(AdminLockDuration), AdminMaxFailedLogins, now, id).Error
	if err != nil {
		return fmt.Errorf("count failed sign-in: %w", err)
	}
	return nil
}

// AdminByID loads an admin.
func AdminByID(ctx context.Context, db *gorm.DB, id string) (Admin, error) {
	var a Admin
	if !ValidID(id) {
		return a, ErrNotFound
	}
	err := db.WithContext(ctx).Where("id = ?", id).Take(&a).Error
	return a, notFound(err)
}
