package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/storefront/storefront/models"
)

const adminUsage = `usage: storefront admin create --email EMAIL

Creates the admin with that email, or sets a new password for it (and lifts a lock).
The password is read from standard input, never from the command line:
prompted for (without echo) on a terminal, else the first line, e.g.
  printf '%s\n' "$PASSWORD" | storefront admin create --email owner@example.com
`

// runAdmin runs `storefront admin …`.
func runAdmin(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		io.WriteString(stdout, adminUsage)
		if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			return nil
		}
		return fmt.Errorf("admin: unknown command %q", args[0])
	}
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "the admin's email")
	if err := fs.Parse(args[1:]); err != nil {
		io.WriteString(stdout, adminUsage)
		return fmt.Errorf("admin create: %w", err)
	}
	if fs.NArg() > 0 {
		// Not echoed: it may well be the password.
		return errors.New("admin create: unexpected argument; the password is read from standard input, not the command line")
	}
	if *email == "" {
		io.WriteString(stdout, adminUsage)
		return errors.New("admin create: --email is required")
	}
	addr, err := models.NormalizeEmail(*email)
	if err != nil {
		return fmt.Errorf("admin create: --email %q: %w", *email, err)
	}
	password, err := readPassword(stdin, stdout)
	if err != nil {
		return fmt.Errorf("admin create: %w", err)
	}
	if password == "" {
		return errors.New("admin create: empty password; send it on standard input")
	}
	if err := models.ValidateAdminPassword(password); err != nil {
		return fmt.Errorf("admin create: %w", err)
	}

	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	db, _, err := openMigrated(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	created, err := models.UpsertAdmin(ctx, db.DB, addr, password)
	if err != nil {
		return fmt.Errorf("admin create: %w", err)
	}
	if created {
		fmt.Fprintf(stdout, "created admin %s\n", addr)
	} else {
		fmt.Fprintf(stdout, "updated admin %s\n", addr)
	}
	return nil
}

// readPassword prompts twice without echo when stdin is a terminal; otherwise it reads the first line.
func readPassword(stdin io.Reader, stdout io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(stdout, "Password (at least %d characters): ", models.AdminMinPasswordLength)
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(stdout, "Repeat the password: ")
		again, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(first) != string(again) {
			return "", errors.New("the two passwords differ")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
