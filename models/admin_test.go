package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/storefront/storefront/models"
)

// src is the client address the model tests sign in from.
const src = "192.0.2.1"

func TestUpsertAdmin(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)

	created, err := models.UpsertAdmin(ctx, db, "Owner@Example.com", "first-password-1")
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	if _, err := models.AuthenticateAdmin(ctx, db, "owner@example.com", "first-password-1", src, time.Now()); err != nil {
		t.Fatalf("sign in after create: %v", err)
	}
	t.Run("the same password again writes nothing", func(t *testing.T) {
		var before models.Admin
		db.Where("email = ?", "owner@example.com").Take(&before)
		created, err := models.UpsertAdmin(ctx, db, "owner@example.com", "first-password-1")
		var after models.Admin
		db.Where("email = ?", "owner@example.com").Take(&after)
		if err != nil || created || after.PasswordHash != before.PasswordHash {
			t.Fatalf("created=%v err=%v, hash changed=%v", created, err, after.PasswordHash != before.PasswordHash)
		}
	})
	t.Run("a new password replaces the old one and lifts a lock", func(t *testing.T) {
		for range models.AdminMaxFailedLogins {
			models.AuthenticateAdmin(ctx, db, "owner@example.com", "wrong", src, time.Now())
		}
		created, err := models.UpsertAdmin(ctx, db, "OWNER@example.com", "second-password-2")
		if err != nil || created {
			t.Fatalf("update: %v %v", created, err)
		}
		if _, err := models.AuthenticateAdmin(ctx, db, "owner@example.com", "second-password-2", src, time.Now()); err != nil {
			t.Errorf("new password: %v", err)
		}
		if _, err := models.AuthenticateAdmin(ctx, db, "owner@example.com", "first-password-1", src, time.Now()); !errors.Is(err, models.ErrBadCredentials) {
			t.Errorf("old password: %v", err)
		}
		var n int64
		db.Model(&models.Admin{}).Count(&n)
		if n != 1 {
			t.Errorf("%d admins, want 1", n)
		}
	})
	t.Run("bad input is refused", func(t *testing.T) {
		if _, err := models.UpsertAdmin(ctx, db, "x@example.com", "short-pw"); !errors.Is(err, models.ErrAdminPasswordTooShort) {
			t.Errorf("short password: %v", err)
		}
		if _, err := models.UpsertAdmin(ctx, db, "not-an-email", "long-enough-password"); !errors.Is(err, models.ErrInvalidEmail) {
			t.Errorf("bad email: %v", err)
		}
	})
}

func TestAdminLockout(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	const email, pw = "staff@example.com", "staff-password-1"
	if _, err := models.UpsertAdmin(ctx, db, email, pw); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	var adminID string
	db.Model(&models.Admin{}).Where("email = ?", email).Pluck("id", &adminID)
	type failures struct {
		FailedLogins int
		LockedUntil  *time.Time
	}
	state := func(source string) failures {
		var f failures
		db.Table("admin_sign_in_failures").Where("admin_id = ? AND source = ?", adminID, source).Take(&f)
		return f
	}

	t.Run("a success resets the count of failures", func(t *testing.T) {
		for range 3 {
			if _, err := models.AuthenticateAdmin(ctx, db, email, "wrong", src, now); !errors.Is(err, models.ErrBadCredentials) {
				t.Fatal(err)
			}
		}
		if got := state(src).FailedLogins; got != 3 {
			t.Fatalf("failed_logins = %d, want 3", got)
		}
		if _, err := models.AuthenticateAdmin(ctx, db, email, pw, src, now); err != nil {
			t.Fatal(err)
		}
		if got := state(src).FailedLogins; got != 0 {
			t.Fatalf("failed_logins = %d after success", got)
		}
	})

	t.Run("five failures in a row lock the account for 15 minutes", func(t *testing.T) {
		for i := range models.AdminMaxFailedLogins {
			if _, err := models.AuthenticateAdmin(ctx, db, email, "wrong", src, now); !errors.Is(err, models.ErrBadCredentials) {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		a := state(src)
		if a.LockedUntil == nil || !a.LockedUntil.Equal(now.Add(models.AdminLockDuration)) {
			t.Fatalf("locked_until = %v, want %v", a.LockedUntil, now.Add(models.AdminLockDuration))
		}
		if _, err := models.AuthenticateAdmin(ctx, db, email, pw, src, now.Add(14*time.Minute)); !errors.Is(err, models.ErrAdminLocked) {
			t.Fatalf("right password while locked: %v", err)
		}
		if _, err := models.AuthenticateAdmin(ctx, db, email, pw, src, now.Add(16*time.Minute)); err != nil {
			t.Fatalf("right password after the lock: %v", err)
		}
		if a := state(src); a.LockedUntil != nil || a.FailedLogins != 0 {
			t.Errorf("lock not lifted: %+v", a)
		}
	})

	t.Run("the lock holds for the failing source only", func(t *testing.T) {
		const stranger, owner = "203.0.113.9", "2001:db8:1:2::/64"
		for range models.AdminMaxFailedLogins {
			models.AuthenticateAdmin(ctx, db, email, "wrong", stranger, now)
		}
		if _, err := models.AuthenticateAdmin(ctx, db, email, pw, stranger, now); !errors.Is(err, models.ErrAdminLocked) {
			t.Fatalf("the stranger's source: %v", err)
		}
		if _, err := models.AuthenticateAdmin(ctx, db, email, pw, owner, now); err != nil {
			t.Fatalf("the admin from another source: %v", err)
		}
	})

	t.Run("an unknown email is refused like a wrong password", func(t *testing.T) {
		if _, err := models.AuthenticateAdmin(ctx, db, "nobody@example.com", pw, src, now); !errors.Is(err, models.ErrBadCredentials) {
			t.Fatal(err)
		}
	})
}
