package models_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/storefront/storefront/models"
)

// benchOrders is how many orders the admin list benchmark loads: a busy shop's few years.
const benchOrders = 1_000_000

var (
	benchOnce sync.Once
	benchDir  string
	benchDB   *models.DB
	benchErr  error
)

// TestMain removes the benchmark's database (built at most once per process) after every test and benchmark.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchDB != nil {
		benchDB.Close()
	}
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchOrderStatuses spreads statuses roughly as a live shop has them (out of 100).
var benchOrderStatuses = func() []string {
	var out []string
	for status, n := range map[string]int{
		models.StatusPaid: 70, models.StatusPaymentFailed: 10, models.StatusRefunded: 5, models.StatusPartiallyRefunded: 5,
		models.StatusCanceled: 4, models.StatusPending: 3, models.StatusProcessing: 1, models.StatusRequiresAction: 1,
		models.StatusDisputed: 1,
	} {
		for range n {
			out = append(out, status)
		}
	}
	slices.Sort(out)
	return out
}()

// openBenchDB builds a migrated SQLite database with benchOrders orders, once per process, and opens it as the
// app does. The load is one transaction of multi-row INSERTs with the journal and fsync off and the orders
// indexes built afterwards (faster than keeping them up to date row by row); the result is the real schema.
func openBenchDB(b *testing.B) *models.DB {
	b.Helper()
	benchOnce.Do(func() {
		start := time.Now()
		ctx := context.Background()
		if benchDir, benchErr = os.MkdirTemp("", "storefront-bench-"); benchErr != nil {
			return
		}
		url := "sqlite://" + filepath.Join(benchDir, "orders.db")
		var db *models.DB
		if db, benchErr = models.Open(ctx, url); benchErr != nil {
			return
		}
		_, benchErr = db.Migrate(ctx)
		db.Close()
		if benchErr != nil {
			return
		}
		if benchErr = loadBenchOrders(ctx, filepath.Join(benchDir, "orders.db")); benchErr != nil {
			return
		}
		benchDB, benchErr = models.Open(ctx, url)
		b.Logf("loaded %d orders in %s", benchOrders, time.Since(start).Round(time.Millisecond))
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDB
}

func loadBenchOrders(ctx context.Context, path string) error {
	raw, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=OFF&_synchronous=OFF&_cache_size=-262144")
	if err != nil {
		return err
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	// The orders indexes (not the UNIQUE constraints' own) are dropped for the load and made again after it.
	var indexes []string
	rows, err := raw.QueryContext(ctx, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'orders' AND sql IS NOT NULL")
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return err
		}
		names, indexes = append(names, name), append(indexes, def)
	}
	rows.Close()
	for _, name := range names {
		if _, err := raw.ExecContext(ctx, "DROP INDEX "+name); err != nil {
			return err
		}
	}
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	const cols = "id, number, email, currency, subtotal, discount, shipping, total, status, payment_intent_id, refunded_amount, paid_at, created_at, updated_at"
	const perRow = 14
	const batch = 2000 // 28,000 parameters per statement, under SQLite's 32,766
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", perRow), ",") + ")"
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO orders ("+cols+") VALUES "+strings.TrimSuffix(strings.Repeat(row+",", batch), ","))
	if err != nil {
		return err
	}
	defer stmt.Close()
	rng := mrand.New(mrand.NewPCG(1, 2))
	newest := time.Now().UTC().Add(-time.Minute)
	args := make([]any, 0, batch*perRow)
	for i := range benchOrders {
		// One order a minute or so, going back about two years.
		at := newest.Add(-time.Duration(i)*63*time.Second - time.Duration(rng.IntN(1e9))).Truncate(time.Microsecond)
		status := benchOrderStatuses[rng.IntN(len(benchOrderStatuses))]
		subtotal := int64(1000 + rng.IntN(20000))
		var paidAt, pi any
		var refunded int64
		switch status {
		case models.StatusPaid, models.StatusRefunded, models.StatusPartiallyRefunded, models.StatusDisputed:
			paidAt = at.Add(2 * time.Second)
		}
		if status != models.StatusPending {
			pi = "pi_bench_" + fmt.Sprint(i)
		}
		switch status {
		case models.StatusRefunded:
			refunded = subtotal + 500
		case models.StatusPartiallyRefunded:
			refunded = subtotal / 2
		}
		id := ulid.MustNew(ulid.Timestamp(at), rand.Reader).String()
		args = append(args, id, models.NewOrderNumber(), fmt.Sprintf("customer%06d@example.com", rng.IntN(200_000)), "usd",
			subtotal, 0, 500, subtotal+500, status, pi, refunded, paidAt, at, at)
		if len(args) == cap(args) {
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return fmt.Errorf("insert orders: %w", err)
			}
			args = args[:0]
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	for _, def := range indexes {
		if _, err := raw.ExecContext(ctx, def); err != nil {
			return fmt.Errorf("create index: %w", err)
		}
	}
	_, err = raw.ExecContext(ctx, "ANALYZE")
	return err
}

// BenchmarkAdminOrdersList measures the admin's orders list on a million orders: the first page, a page filtered
// by status, a page deep in the list (through its cursor) and an email search. Run it with
// go test -run '^$' -bench AdminOrdersList -benchmem ./models/
func BenchmarkAdminOrdersList(b *testing.B) {
	db := openBenchDB(b)
	ctx := context.Background()
	// The cursor of the middle of the list, and an email that has orders.
	var mid models.Order
	if err := db.Order("created_at DESC, id DESC").Offset(benchOrders / 2).Take(&mid).Error; err != nil {
		b.Fatal(err)
	}
	deep := models.CursorAfter(mid)
	cases := []struct {
		name   string
		filter models.OrderFilter
	}{
		{"first_page", models.OrderFilter{}},
		{"status_page", models.OrderFilter{Status: models.StatusPaymentFailed}},
		{"status_page_after_cursor", models.OrderFilter{Status: models.StatusRefunded, After: &deep}},
		{"deep_page", models.OrderFilter{After: &deep}},
		{"email", models.OrderFilter{Query: mid.Email}},
		{"email_prefix", models.OrderFilter{Query: mid.Email[:12]}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			var took []time.Duration
			rows := 0
			for b.Loop() {
				start := time.Now()
				page, err := models.ListOrders(ctx, db.DB, tc.filter)
				if err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
				rows = len(page.Orders)
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
			b.ReportMetric(float64(rows), "rows")
		})
	}
}
