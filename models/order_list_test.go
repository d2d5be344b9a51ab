package models_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/storefront/storefront/models"
)

// seedListOrders stores n orders over a few days, with statuses, emails and created_at ties spread among them.
func seedListOrders(t *testing.T, db *gorm.DB, n int) {
	t.Helper()
	base := time.Date(2025, 6, 15, 18, 30, 0, 0, time.UTC)
	emails := []string{"ada@example.com", "Ada.Lovelace@Example.com", "bob@example.org", "bobby@example.org", "carol@example.net"}
	orders := make([]models.Order, 0, n)
	for i := range n {
		at := base.Add(-time.Duration(i/3) * 37 * time.Minute) // three orders per instant
		orders = append(orders, models.Order{
			Email: emails[i%len(emails)], Currency: "usd", Subtotal: int64(100 * i), Total: int64(100*i + 500), Shipping: 500,
			Status: models.Statuses[i%len(models.Statuses)], CreatedAt: at, UpdatedAt: at,
		})
	}
	if err := db.CreateInBatches(orders, 100).Error; err != nil {
		t.Fatal(err)
	}
}

// expected filters and sorts every order in Go: the reference the query must match.
func expected(t *testing.T, db *gorm.DB, keep func(models.Order) bool) []string {
	t.Helper()
	var all []models.Order
	if err := db.Find(&all).Error; err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(all, func(a, b models.Order) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	var ids []string
	for _, o := range all {
		if keep(o) {
			ids = append(ids, o.ID)
		}
	}
	return ids
}

// walk reads every page of a filter and returns the ids in order.
func walk(t *testing.T, db *gorm.DB, f models.OrderFilter) []string {
	t.Helper()
	var ids []string
	for pages := 0; ; pages++ {
		page, err := models.ListOrders(context.Background(), db, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Orders {
			ids = append(ids, o.ID)
		}
		if page.Next == nil {
			return ids
		}
		if pages > 1000 {
			t.Fatal("pagination does not end")
		}
		// The cursor goes through its text form, as it does through a URL.
		cur, err := models.ParseOrderCursor(page.Next.String())
		if err != nil {
			t.Fatal(err)
		}
		f.After = &cur
	}
}

func TestListOrdersMatchesTheFilterOnEveryPage(t *testing.T) {
	db := openDB(t)
	seedListOrders(t, db, 240)
	day := time.Date(2025, 6, 14, 0, 0, 0, 0, time.UTC)
	var some models.Order
	db.Order("id").Offset(17).Take(&some)
	cases := []struct {
		name   string
		filter models.OrderFilter
		keep   func(models.Order) bool
	}{
		{"everything", models.OrderFilter{}, func(models.Order) bool { return true }},
		{"one status", models.OrderFilter{Status: models.StatusPaid}, func(o models.Order) bool { return o.Status == models.StatusPaid }},
		{"a day", models.OrderFilter{From: day, Before: day.AddDate(0, 0, 1)}, func(o models.Order) bool {
			return !o.CreatedAt.Before(day) && o.CreatedAt.Before(day.AddDate(0, 0, 1))
		}},
		{"status and a day", models.OrderFilter{Status: models.StatusRefunded, From: day, Before: day.AddDate(0, 0, 1)}, func(o models.Order) bool {
			return o.Status == models.StatusRefunded && !o.CreatedAt.Before(day) && o.CreatedAt.Before(day.AddDate(0, 0, 1))
		}},
		{"an email in another case", models.OrderFilter{Query: "ADA@example.com"}, func(o models.Order) bool { return o.Email == "ada@example.com" }},
		{"an email prefix", models.OrderFilter{Query: "bob"}, func(o models.Order) bool { return strings.HasPrefix(o.Email, "bob") }},
		{"a whole email is not a prefix", models.OrderFilter{Query: "bob@example.org"}, func(o models.Order) bool { return o.Email == "bob@example.org" }},
		{"the start of a domain is a prefix", models.OrderFilter{Query: "bob@example."}, func(o models.Order) bool { return o.Email == "bob@example.org" }},
		{"an email prefix in another case", models.OrderFilter{Query: "ada."}, func(o models.Order) bool { return o.Email == "Ada.Lovelace@Example.com" }},
		{"an email prefix and a status", models.OrderFilter{Query: "bobby", Status: models.StatusPending}, func(o models.Order) bool {
			return o.Email == "bobby@example.org" && o.Status == models.StatusPending
		}},
		{"an order number in lower case", models.OrderFilter{Query: strings.ToLower(some.Number)}, func(o models.Order) bool { return o.ID == some.ID }},
		{"a prefix that looks like SQL", models.OrderFilter{Query: "a%' OR '1'='1"}, func(models.Order) bool { return false }},
		{"a prefix with LIKE wildcards", models.OrderFilter{Query: "_da"}, func(models.Order) bool { return false }},
	}
	for _, tc := range cases {
		for _, limit := range []int{1, 7, 50} {
			t.Run(fmt.Sprintf("%s, pages of %d", tc.name, limit), func(t *testing.T) {
				f := tc.filter
				f.Limit = limit
				got, want := walk(t, db, f), expected(t, db, tc.keep)
				if !slices.Equal(got, want) {
					t.Fatalf("got %d orders, want %d\n got %v\nwant %v", len(got), len(want), got, want)
				}
			})
		}
	}
}

func TestListOrdersPagesAreStableWhileOrdersArrive(t *testing.T) {
	db := openDB(t)
	seedListOrders(t, db, 60)
	want := expected(t, db, func(models.Order) bool { return true })
	ctx := context.Background()
	first, err := models.ListOrders(ctx, db, models.OrderFilter{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	seedListOrders(t, db, 15) // as old as the first ones, and newer: both kinds arrive
	now := time.Now().UTC()
	db.Create(&models.Order{Email: "late@example.com", Currency: "usd", Status: models.StatusPaid, CreatedAt: now, UpdatedAt: now})
	var got []string
	for _, o := range first.Orders {
		got = append(got, o.ID)
	}
	f := models.OrderFilter{Limit: 20, After: first.Next}
	rest := walk(t, db, f)
	// The newer orders are not on the later pages; the old ones keep their place.
	seen := map[string]bool{}
	for _, id := range append(got, rest...) {
		if seen[id] {
			t.Fatalf("order %s twice", id)
		}
		seen[id] = true
	}
	for _, id := range want {
		if !seen[id] {
			t.Fatalf("order %s missing", id)
		}
	}
}

func TestOrderCursorRefusesForgeries(t *testing.T) {
	c := models.OrderCursor{CreatedAt: time.Date(2025, 1, 2, 3, 4, 5, 678901000, time.UTC), ID: models.NewID()}
	back, err := models.ParseOrderCursor(c.String())
	if err != nil || !back.CreatedAt.Equal(c.CreatedAt) || back.ID != c.ID {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
	for _, s := range []string{"", "x", "!!!!", "bm90LWEtY3Vyc29y", "MTIzLm5vdC1hbi1pZA", // "123.not-an-id"
		"LTEuMDFBUlozTkRFS1RTVjRSUkZGUTY5RzVGQVY", // "-1.01ARZ3NDEKTSV4RRFFQ69G5FAV"
		strings.Repeat("A", 200), c.String() + "=", c.String()[:10]} {
		if _, err := models.ParseOrderCursor(s); err != models.ErrBadCursor {
			t.Errorf("%q: %v", s, err)
		}
	}
}

// TestListOrdersUsesIndexes checks the plans: every list query reads an index in list order (no sort, no full
// scan), on SQLite with EXPLAIN QUERY PLAN and on PostgreSQL with EXPLAIN (sequential scans off, as a test table
// of a few thousand rows would otherwise be read whole whatever the indexes).
func TestListOrdersUsesIndexes(t *testing.T) {
	db := openDB(t)
	seedListOrders(t, db, 3000)
	// A shopper's email matches a few orders among many, as in a live shop (each seeded address is on a fifth of
	// the orders: PostgreSQL then rightly reads orders_created backwards instead).
	rare := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		o := models.Order{Email: "Rare.Shopper@Example.org", Currency: "usd", Total: 500, Status: models.StatusPaid,
			CreatedAt: rare.AddDate(0, 0, i), UpdatedAt: rare.AddDate(0, 0, i)}
		if err := db.Create(&o).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Exec("ANALYZE").Error; err != nil { // statistics, as a live database has them
		t.Fatal(err)
	}
	ctx := context.Background()
	cur := models.OrderCursor{CreatedAt: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC), ID: models.NewID()}
	day := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name      string
		filter    models.OrderFilter
		index     string
		mayFilter bool // an email prefix matches several addresses: those rows are sorted (few)
	}{
		{"newest first", models.OrderFilter{}, "orders_created", false},
		{"after a cursor", models.OrderFilter{After: &cur}, "orders_created", false},
		{"a date range after a cursor", models.OrderFilter{From: day, Before: day.AddDate(0, 0, 1), After: &cur}, "orders_created", false},
		{"a status", models.OrderFilter{Status: models.StatusPaid}, "orders_status_created", false},
		// (PostgreSQL may read orders_created backwards and skip other statuses when the status is common: also in order.)
		{"a status after a cursor", models.OrderFilter{Status: models.StatusPaid, After: &cur}, "orders_status_created|orders_created", false},
		{"an order number", models.OrderFilter{Query: "SF-AAAA-BBBB-CCCC-DDDD"}, "number", true},
		{"an email", models.OrderFilter{Query: "rare.shopper@example.ORG"}, "orders_email_lower", true}, // its few rows may be sorted
		{"an email prefix", models.OrderFilter{Query: "rare.sh"}, "orders_email_lower", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := models.OrderListQuery(ctx, db, tc.filter).Limit(51).Session(&gorm.Session{DryRun: true}).Find(&[]models.Order{})
			sql, vars := q.Statement.SQL.String(), q.Statement.Vars
			var plan []string
			err := db.Transaction(func(tx *gorm.DB) error {
				explain := "EXPLAIN QUERY PLAN "
				if tx.Dialector.Name() == "postgres" {
					explain = "EXPLAIN "
					if err := tx.Exec("SET LOCAL enable_seqscan = off").Error; err != nil {
						return err
					}
				}
				rows, err := tx.Raw(explain+sql, vars...).Rows()
				if err != nil {
					return err
				}
				defer rows.Close()
				cols, _ := rows.Columns()
				for rows.Next() {
					vals := make([]any, len(cols))
					ptrs := make([]any, len(cols))
					for i := range vals {
						ptrs[i] = &vals[i]
					}
					if err := rows.Scan(ptrs...); err != nil {
						return err
					}
					plan = append(plan, fmt.Sprint(vals[len(vals)-1]))
				}
				return rows.Err()
			})
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(plan, "\n")
			t.Logf("%s\n%s", sql, text)
			uses := false
			for _, index := range strings.Split(tc.index, "|") {
				uses = uses || strings.Contains(text, index)
			}
			if !uses {
				t.Errorf("the plan does not use %s:\n%s", tc.index, text)
			}
			for _, bad := range []string{"SCAN orders\n", "Seq Scan"} {
				if strings.Contains(text+"\n", bad) {
					t.Errorf("the plan scans the table:\n%s", text)
				}
			}
			if !tc.mayFilter && (strings.Contains(text, "TEMP B-TREE") || strings.Contains(text, "Sort")) {
				t.Errorf("the plan sorts instead of reading the index in order:\n%s", text)
			}
		})
	}
}
