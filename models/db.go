// Package models holds the GORM models of the shop and the queries that read and write them.
package models

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pressly/goose/v3"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/storefront/storefront/migrations"
)

// ErrNotFound is returned when a looked-up record does not exist.
var ErrNotFound = errors.New("not found")

// DB is an open database together with the engine it runs on.
type DB struct {
	*gorm.DB
	Dialect goose.Dialect
}

// Open connects to DATABASE_URL: "sqlite://PATH" (WAL, busy timeout, foreign keys) or "postgres://…".
func Open(ctx context.Context, databaseURL string) (*DB, error) {
	cfg := &gorm.Config{
		Logger:                 logger.Discard,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		SkipDefaultTransaction: true,
		TranslateError:         true,
	}
	var (
		g       *gorm.DB
		dialect goose.Dialect
		err     error
	)
	switch {
	case strings.HasPrefix(databaseURL, "sqlite://"):
		path := strings.TrimPrefix(databaseURL, "sqlite://")
		if path == "" {
			return nil, errors.New("DATABASE_URL: sqlite:// needs a file path, e.g. sqlite://storefront.db")
		}
		q := url.Values{}
		q.Set("_journal_mode", "WAL")
		q.Set("_busy_timeout", "10000")
		q.Set("_foreign_keys", "on")
		q.Set("_synchronous", "NORMAL")
		q.Set("_txlock", "immediate")
		g, err = gorm.Open(sqlite.Open("file:"+path+"?"+q.Encode()), cfg)
		dialect = goose.DialectSQLite3
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		g, err = gorm.Open(postgres.Open(databaseURL), cfg)
		dialect = goose.DialectPostgres
	default:
		return nil, errors.New("DATABASE_URL: use sqlite://PATH or postgres://USER:PASS@HOST/DB")
	}
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if dialect == goose.DialectSQLite3 {
		// One writer at a time is what SQLite allows; a small pool keeps readers concurrent under WAL, and the
		// write gate queues this process's writers in Go (sqlite_writes.go).
		sqlDB.SetMaxOpenConns(8)
		gateWrites(g, sqlDB)
	} else {
		sqlDB.SetMaxOpenConns(20)
	}
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("reach database: %w", err)
	}
	return &DB{DB: g, Dialect: dialect}, nil
}

// Migrate applies pending migrations and returns the schema version.
func (db *DB) Migrate(ctx context.Context) (int64, error) {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return 0, err
	}
	return migrations.Up(ctx, sqlDB, db.Dialect)
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close closes the connection pool.
func (db *DB) Close() error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// IsPostgres reports whether the database is PostgreSQL.
func (db *DB) IsPostgres() bool { return db.Dialect == goose.DialectPostgres }

// queryable reports whether s can be used as a query value on every engine: PostgreSQL refuses NUL bytes
// and invalid UTF-8 with an error, so such input is simply not found.
func queryable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}
