// Package migrations holds the versioned SQL schema, embedded into the binary and applied with goose.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"

	"github.com/pressly/goose/v3"
)

//go:embed *.sql
var files embed.FS

// Dialect names the goose dialect for a database engine ("sqlite3" or "postgres").
type Dialect = goose.Dialect

// Up applies every pending migration and returns the version the database is at.
func Up(ctx context.Context, db *sql.DB, dialect goose.Dialect) (int64, error) {
	p, err := provider(db, dialect)
	if err != nil {
		return 0, err
	}
	if _, err := p.Up(ctx); err != nil {
		return 0, fmt.Errorf("apply migrations: %w", err)
	}
	return p.GetDBVersion(ctx)
}

// Pending reports whether migrations remain to be applied (used by readiness checks and doctor).
func Pending(ctx context.Context, db *sql.DB, dialect goose.Dialect) (bool, error) {
	p, err := provider(db, dialect)
	if err != nil {
		return false, err
	}
	return p.HasPending(ctx)
}

func provider(db *sql.DB, dialect goose.Dialect) (*goose.Provider, error) {
	p, err := goose.NewProvider(dialect, db, files)
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, nil
}
