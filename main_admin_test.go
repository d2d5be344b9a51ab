package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

func TestAdminCreate(t *testing.T) {
	dbURL := apptest.DatabaseURL(t)
	t.Setenv("DATABASE_URL", dbURL)
	ctx := context.Background()
	create := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := runAdmin(ctx, append([]string{"create"}, args...), strings.NewReader(stdin), &out)
		return out.String(), err
	}
	signIn := func(email, password string) error {
		db, err := models.Open(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		_, err = models.AuthenticateAdmin(ctx, db.DB, email, password, "cli-test", time.Now())
		return err
	}

	out, err := create("a-long-password-1\n", "--email", "Owner@Example.com")
	if err != nil || !strings.Contains(out, "created admin owner@example.com") {
		t.Fatalf("create: %q %v", out, err)
	}
	if err := signIn("owner@example.com", "a-long-password-1"); err != nil {
		t.Fatalf("sign in with the new admin: %v", err)
	}
	if strings.Contains(out, "a-long-password-1") {
		t.Error("the password was printed")
	}

	out, err = create("another-password-2\r\n", "--email=owner@example.com")
	if err != nil || !strings.Contains(out, "updated admin owner@example.com") {
		t.Fatalf("update: %q %v", out, err)
	}
	if err := signIn("owner@example.com", "another-password-2"); err != nil {
		t.Errorf("new password: %v", err)
	}
	if err := signIn("owner@example.com", "a-long-password-1"); !errors.Is(err, models.ErrBadCredentials) {
		t.Errorf("old password: %v", err)
	}

	for _, tc := range []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"an empty password", "\n", []string{"--email", "x@example.com"}, "empty password"},
		{"no input at all", "", []string{"--email", "x@example.com"}, "empty password"},
		{"a password of 11 characters", "elevenchars\n", []string{"--email", "x@example.com"}, "at least 12 characters"},
		{"a password on the command line", "", []string{"--email", "x@example.com", "--password", "a-long-password-1"}, "not defined"},
		{"a password as an argument", "", []string{"--email", "x@example.com", "a-long-password-1"}, "standard input"},
		{"no email", "a-long-password-1\n", nil, "--email is required"},
		{"a bad email", "a-long-password-1\n", []string{"--email", "nope"}, "email address"},
	} {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			_, err := create(tc.stdin, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "a-long-password-1") {
				t.Error("the error repeats the password")
			}
		})
	}
	if err := signIn("x@example.com", "a-long-password-1"); !errors.Is(err, models.ErrBadCredentials) {
		t.Error("a refused command created an admin")
	}

	t.Run("an unknown subcommand is refused with the usage", func(t *testing.T) {
		var out bytes.Buffer
		err := runAdmin(ctx, []string{"delete"}, strings.NewReader(""), &out)
		if err == nil || !strings.Contains(out.String(), "usage: storefront admin create") {
			t.Errorf("%v %q", err, out.String())
		}
	})
}
