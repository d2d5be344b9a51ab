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
	if existing.ID != "" { // a new password: whoever signed in with the old one is signed out, locks are lifted
		if err := RevokeAdminSessions(ctx, db, existing.ID); err != nil {
			return false, err
		}
		if err := db.Where("admin_id = ?", existing.ID).Delete(&adminSignInFailure{}).Error; err != nil {
			return false, fmt.Errorf("lift admin locks: %w", err)
		}
	}
	return existing.ID == "", nil
}

// CreateAdminIfMissing creates the admin with this email unless one exists; an existing admin's password and
// lock are left alone. It reports whether the admin was created. Several instances may run it at once at start.
func CreateAdminIfMissing(ctx context.Context, db *gorm.DB, email, password string) (created bool, err error) {
	email, err = NormalizeEmail(email)
	if err != nil {
		return false, err
	}
	if err := ValidateAdminPassword(password); err != nil {
		return false, err
	}
	if exists, err := AdminExists(ctx, db, email); err != nil || exists {
		return false, err // no password hashing on every restart
	}
	hash, err := HashPassword(password)
	if err != nil {
		return false, err
	}
	res := db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "email"}}, DoNothing: true}).
		Create(&Admin{Email: email, PasswordHash: hash})
	if res.Error != nil {
		return false, fmt.Errorf("save admin: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// AnyAdmin reports whether at least one admin exists.
func AnyAdmin(ctx context.Context, db *gorm.DB) (bool, error) { return AdminExists(ctx, db, "") }

// AdminExists reports whether the admin with this (normalized) email exists; "" asks for any admin.
func AdminExists(ctx context.Context, db *gorm.DB, email string) (bool, error) {
	q := db.WithContext(ctx).Select("id")
	if email != "" {
		q = q.Where("email = ?", email)
	}
	var a Admin
	err := q.Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look for an admin: %w", err)
	}
	return true, nil
}

// AuthenticateAdmin returns the admin with this email and password, signing in from source (the client: an
// IPv4 address or an IPv6 /64). Every failure is ErrBadCredentials, or ErrAdminLocked while the account is
// locked for that source; both cost one password check. After AdminMaxFailedLogins consecutive failures from
// one source the account is locked for AdminLockDuration for that source only, in the database, so every app
// instance agrees, and a stranger who keeps guessing never locks the real admin out from elsewhere.
func AuthenticateAdmin(ctx context.Context, db *gorm.DB, email, password, source string, now time.Time) (Admin, error) {
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
	if len(source) > 64 || !queryable(source) {
		source = "unknown"
	}
	var f adminSignInFailure
	err = db.Where("admin_id = ? AND source = ?", a.ID, source).Take(&f).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return Admin{}, fmt.Errorf("load failed sign-ins: %w", err)
	}
	if f.LockedUntil != nil && now.Before(*f.LockedUntil) {
		spendPasswordCheck(password)
		return Admin{}, ErrAdminLocked
	}
	ok, err := CheckPassword(a.PasswordHash, password)
	if err != nil {
		return Admin{}, fmt.Errorf("check password of admin %s: %w", a.ID, err)
	}
	if !ok {
		if err := recordAdminFailure(db, a.ID, source, now); err != nil {
			return Admin{}, err
		}
		return Admin{}, ErrBadCredentials
	}
	if f.AdminID != "" {
		if err := db.Where("admin_id = ? AND source = ?", a.ID, source).Delete(&adminSignInFailure{}).Error; err != nil {
			return Admin{}, fmt.Errorf("reset failed sign-ins: %w", err)
		}
	}
	return a, nil
}

// adminSignInFailure counts an admin's failed sign-ins from one source.
type adminSignInFailure struct {
	AdminID      string `gorm:"primaryKey"`
	Source       string `gorm:"primaryKey"`
	FailedLogins int
	LockedUntil  *time.Time
	UpdatedAt    time.Time
}

func (adminSignInFailure) TableName() string { return "admin_sign_in_failures" }

// AdminLockedUntil is when the admin's lock for source ends (nil: not locked).
func AdminLockedUntil(ctx context.Context, db *gorm.DB, adminID, source string) (*time.Time, error) {
	var f adminSignInFailure
	err := db.WithContext(ctx).Where("admin_id = ? AND source = ?", adminID, source).Take(&f).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return f.LockedUntil, err
}

// recordAdminFailure counts a failed sign-in from source in one statement (concurrent failures all count) and
// locks the account for that source at the limit, starting the count again for after the lock.
func recordAdminFailure(db *gorm.DB, id, source string, now time.Time) error {
	err := db.Exec(`INSERT INTO admin_sign_in_failures (admin_id, source, failed_logins, locked_until, updated_at)
		VALUES (?, ?, 1, NULL, ?)
		ON CONFLICT (admin_id, source) DO UPDATE SET
		locked_until = CASE WHEN admin_sign_in_failures.failed_logins + 1 >= ? THEN ? ELSE admin_sign_in_failures.locked_until END,
		failed_logins = CASE WHEN admin_sign_in_failures.failed_logins + 1 >= ? THEN 0 ELSE admin_sign_in_failures.failed_logins + 1 END,
		updated_at = ?`,
		id, source, now,
		AdminMaxFailedLogins, now.Add(AdminLockDuration), AdminMaxFailedLogins, now).Error
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
