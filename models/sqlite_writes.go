package models

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"gorm.io/gorm"
)

// SQLite lets one connection write at a time. When several want to, the ones that lose wait in SQLite's busy
// handler, which sleeps 1, 2, 5, 10, 15, 20, 25… ms between tries: a write that holds the lock for 0.1 ms makes
// the others sleep for milliseconds, and under load requests wait for sleeps rather than for each other (p99s of
// hundreds of ms, and SQLITE_BUSY once the 10 s busy timeout passes). The gate below queues this process's
// writers in Go instead: one transaction or write statement at a time, and the next one starts the moment the
// previous one ends. Reads are not gated: under WAL they run beside the writer. (PostgreSQL is not gated.)

// gateWaitMax is how long a writer waits at the gate before it goes on to SQLite's own busy handling (which then
// waits up to its 10 s busy timeout): a code path that writes outside a transaction it holds stalls, it does
// not deadlock.
const gateWaitMax = 10 * time.Second

// gateWrites makes every transaction and write statement of a SQLite database pass the gate. Open calls it once,
// before the database is shared between goroutines. (Two handles on one file have two gates: between them,
// SQLite's own busy handling decides.)
func gateWrites(g *gorm.DB, sqlDB *sql.DB) {
	pool := &gatedPool{db: sqlDB, gate: make(chan struct{}, 1)}
	g.ConnPool = pool
	g.Statement.ConnPool = pool
}

// gatedPool is the connection pool GORM uses: *sql.DB with the write gate in front.
type gatedPool struct {
	db   *sql.DB
	gate chan struct{}
}

// enter waits for the gate; the returned function leaves it (a no-op when the wait gave up after gateWaitMax).
func (p *gatedPool) enter(ctx context.Context) (leave func(), err error) {
	t := time.NewTimer(gateWaitMax)
	defer t.Stop()
	select {
	case p.gate <- struct{}{}:
		var once sync.Once
		return func() { once.Do(func() { <-p.gate }) }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		return func() {}, nil
	}
}

func (p *gatedPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.db.PrepareContext(ctx, query)
}

func (p *gatedPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	leave, err := p.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	return p.db.ExecContext(ctx, query, args...)
}

// QueryContext and QueryRowContext are not gated: they are reads. (A write with RETURNING would run as a query
// and take SQLite's own busy handling; GORM does not make such statements for our models, whose ids are ours.)
func (p *gatedPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.db.QueryContext(ctx, query, args...)
}

func (p *gatedPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.db.QueryRowContext(ctx, query, args...)
}

// BeginTx starts a transaction inside the gate: with _txlock=immediate every SQLite transaction takes the write
// lock at BEGIN, so every transaction is a writer. The gate is left at Commit or Rollback.
func (p *gatedPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	leave, err := p.enter(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := p.db.BeginTx(ctx, opts)
	if err != nil {
		leave()
		return nil, err
	}
	return &gatedTx{Tx: tx, db: p.db, leave: leave}, nil
}

// GetDBConn lets GORM's DB() find the *sql.DB (migrations, ping, close).
func (p *gatedPool) GetDBConn() (*sql.DB, error) { return p.db, nil }

// Ping lets GORM check the connection through the pool.
func (p *gatedPool) Ping() error { return p.db.Ping() }

// gatedTx is a transaction that holds the gate until it ends.
type gatedTx struct {
	*sql.Tx
	db    *sql.DB
	leave func()
}

func (t *gatedTx) Commit() error {
	defer t.leave()
	return t.Tx.Commit()
}

func (t *gatedTx) Rollback() error {
	defer t.leave()
	return t.Tx.Rollback()
}

// GetDBConn lets GORM's DB() find the *sql.DB inside a transaction.
func (t *gatedTx) GetDBConn() (*sql.DB, error) { return t.db, nil }
