package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/storefront/storefront/models"
)

// startupResult is part 5: from starting the process to the first 200 of /readyz, migrations applied.
type startupResult struct {
	empty, million []time.Duration
	orders         int
	dbNote         string // how the large database was had: generated now (how long) or cached
	err            error
}

// runStartup starts the binary several times on an empty database (every migration and the demo catalog run)
// and on a copy of a database with cfg.orders orders (at the current schema: nothing pending).
func runStartup(ctx context.Context, bin string, cfg config) startupResult {
	r := startupResult{orders: cfg.orders}
	for range cfg.startRuns {
		c, err := startChild(ctx, bin, childOptions{})
		if err != nil {
			r.err = err
			return r
		}
		r.empty = append(r.empty, c.ready)
		c.stop()
	}
	if cfg.orders == 0 {
		return r
	}
	cached, note, err := largeDatabase(ctx, bin, cfg.orders)
	if err != nil {
		r.err = fmt.Errorf("make the %d-order database: %w", cfg.orders, err)
		return r
	}
	r.dbNote = note
	for range cfg.startRuns {
		dir, err := os.MkdirTemp("", "storefront-loadtest-db-")
		if err != nil {
			r.err = err
			return r
		}
		db := filepath.Join(dir, "storefront.db")
		if err := copyFile(cached, db); err != nil {
			r.err = err
			return r
		}
		c, err := startChild(ctx, bin, childOptions{dbPath: db})
		if err != nil {
			r.err = err
			return r
		}
		r.million = append(r.million, c.ready)
		c.stop()
		os.RemoveAll(dir)
	}
	return r
}

// largeDatabase returns a SQLite file with n orders at the current schema. It is made once and kept in the
// system's temporary directory, named by the migrations it was made with (a schema change makes a new one).
func largeDatabase(ctx context.Context, bin string, n int) (path, note string, err error) {
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(files) == 0 {
		return "", "", fmt.Errorf("run the load test from the repository's root (no migrations/*.sql here)")
	}
	slices.Sort(files)
	h := sha256.New()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", "", err
		}
		h.Write(b)
	}
	dir := filepath.Join(os.TempDir(), "storefront-bench")
	path = filepath.Join(dir, fmt.Sprintf("orders-%d-%s.db", n, hex.EncodeToString(h.Sum(nil))[:10]))
	if _, err := os.Stat(path); err == nil {
		return path, "cached at " + path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	start := time.Now()
	tmp := path + ".tmp"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	for _, cmd := range []string{"migrate", "seed"} {
		c := exec.CommandContext(ctx, bin, cmd)
		c.Dir = dir
		c.Env = append(os.Environ(), "DATABASE_URL=sqlite://"+tmp)
		if out, err := c.CombinedOutput(); err != nil {
			return "", "", fmt.Errorf("storefront %s: %v: %s", cmd, err, out)
		}
	}
	if err := insertOrders(ctx, tmp, n); err != nil {
		return "", "", err
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", "", err
	}
	return path, fmt.Sprintf("generated in %.0f s into %s", time.Since(start).Seconds(), path), nil
}

// orderColumns are the columns the generator fills; the others keep their defaults.
var orderColumns = []string{"id", "number", "user_id", "email", "shipping_name", "shipping_line1", "shipping_city",
	"shipping_state", "shipping_postal", "shipping_country", "currency", "subtotal", "discount", "shipping", "total",
	"status", "payment_intent_id", "charge_id", "attempt", "attempt_amount", "stock_state", "refunded_amount",
	"paid_at", "created_at", "updated_at"}

// insertOrders adds n orders spread over the last two years, in one transaction of multi-row INSERTs.
// Statuses are spread like a real shop's (mostly paid). Orders only: no lines, no timelines.
func insertOrders(ctx context.Context, path string, n int) error {
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=OFF&_busy_timeout=10000")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	const rowsPerInsert = 400 // × 25 columns: under SQLite's 32,766 variables
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(orderColumns)), ",") + ")"
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO orders ("+strings.Join(orderColumns, ",")+") VALUES "+
		strings.TrimSuffix(strings.Repeat(row+",", rowsPerInsert), ","))
	if err != nil {
		return err
	}
	defer stmt.Close()
	rng := mrand.New(mrand.NewPCG(1, 2))
	now := time.Now().UTC()
	span := 730 * 24 * time.Hour
	args := make([]any, 0, rowsPerInsert*len(orderColumns))
	for i := range n {
		// Oldest first, the newest four days ago: outside the reconciler's look-back, so a start does no work on them.
		created := now.Add(-96*time.Hour - span + time.Duration(float64(span)*float64(i)/float64(n)))
		id := ulid.MustNew(ulid.Timestamp(created), rand.Reader).String()
		sub := int64(1200 + rng.IntN(40)*700)
		ship := int64(500)
		if sub >= 5000 {
			ship = 0
		}
		status, refunded, attempt := pickStatus(rng), int64(0), 1
		var pi, charge, paidAt any
		switch status {
		case models.StatusPending:
			attempt = 0
		default:
			pi = "pi_gen_" + id
		}
		switch status {
		case models.StatusPaid, models.StatusRefunded, models.StatusPartiallyRefunded, models.StatusDisputed:
			charge, paidAt = "ch_gen_"+id, created.Add(2*time.Second)
		}
		switch status {
		case models.StatusRefunded:
			refunded = sub + ship
		case models.StatusPartiallyRefunded:
			refunded = sub / 2
		}
		stock := map[string]string{models.StatusPending: models.StockNone, models.StatusPaymentFailed: models.StockReleased,
			models.StatusCanceled: models.StockReleased}[status]
		if stock == "" {
			stock = models.StockCommitted
		}
		var user any
		if rng.IntN(3) == 0 {
			user = ulid.MustNew(ulid.Timestamp(created), rand.Reader).String()
		}
		args = append(args, id, models.NewOrderNumber(), user, fmt.Sprintf("shopper%06d@example.com", rng.IntN(200_000)),
			"Jenny Rosen", "1234 Main Street", "San Francisco", "CA", "94111", "US", "usd",
			sub, 0, ship, sub+ship, status, pi, charge, attempt, sub+ship, stock, refunded, paidAt, created, created.Add(3*time.Second))
		if len(args) == cap(args) {
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return fmt.Errorf("insert orders: %w", err)
			}
			args = args[:0]
		}
	}
	if len(args) > 0 { // the rest, one row at a time
		one, err := tx.PrepareContext(ctx, "INSERT INTO orders ("+strings.Join(orderColumns, ",")+") VALUES "+row)
		if err != nil {
			return err
		}
		defer one.Close()
		for i := 0; i < len(args); i += len(orderColumns) {
			if _, err := one.ExecContext(ctx, args[i:i+len(orderColumns)]...); err != nil {
				return fmt.Errorf("insert orders: %w", err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return err
	}
	return nil
}

// pickStatus draws an order status: 80 % paid, the rest spread over the other outcomes.
func pickStatus(rng *mrand.Rand) string {
	weights := []struct {
		status string
		share  float64
	}{
		{models.StatusPaid, 0.80}, {models.StatusCanceled, 0.07}, {models.StatusPaymentFailed, 0.05},
		{models.StatusRefunded, 0.04}, {models.StatusPartiallyRefunded, 0.02}, {models.StatusDisputed, 0.005},
		{models.StatusProcessing, 0.005}, {models.StatusRequiresAction, 0.005}, {models.StatusPending, math.Inf(1)},
	}
	x := rng.Float64()
	for _, w := range weights {
		if x < w.share {
			return w.status
		}
		x -= w.share
	}
	return models.StatusPaid
}
