package models

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Page sizes of the admin's order list.
const (
	DefaultOrderPage = 50
	MaxOrderPage     = 200
)

// ErrBadCursor is returned for a cursor this shop did not make.
var ErrBadCursor = errors.New("the cursor is not valid: use the next_cursor of a previous page, or leave it out to start from the newest order")

// OrderFilter selects orders for the admin's list, its CSV export and the JSON API. The zero value is every
// order, newest first, in pages of DefaultOrderPage.
type OrderFilter struct {
	Status string       // one of Statuses, or "" for any
	From   time.Time    // created at or after (zero: no lower bound)
	Before time.Time    // created before (zero: no upper bound)
	Query  string       // an order number (exact), a whole email address (exact) or its start (prefix); any case
	After  *OrderCursor // continue after this order (keyset pagination)
	Limit  int          // 1..MaxOrderPage; 0 means DefaultOrderPage

	Fulfillment string // one of FulfillmentStatuses, FulfillmentToShip, or "" for any
}

// OrderCursor is the position of an order in the list: the list is ordered by (created_at DESC, id DESC),
// so the next page starts strictly after this pair, however many orders arrive in the meantime.
type OrderCursor struct {
	CreatedAt time.Time
	ID        string
}

// CursorAfter is the cursor that continues the list after o.
func CursorAfter(o Order) OrderCursor { return OrderCursor{CreatedAt: o.CreatedAt, ID: o.ID} }

// String encodes the cursor as opaque URL-safe text.
func (c OrderCursor) String() string {
	raw := strconv.FormatInt(c.CreatedAt.UnixNano(), 10) + "." + c.ID
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ParseOrderCursor decodes a cursor made by String; anything else is ErrBadCursor.
func ParseOrderCursor(s string) (OrderCursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(s) > 100 {
		return OrderCursor{}, ErrBadCursor
	}
	ns, id, ok := strings.Cut(string(raw), ".")
	n, err := strconv.ParseInt(ns, 10, 64)
	if !ok || err != nil || n <= 0 || !ValidID(id) {
		return OrderCursor{}, ErrBadCursor
	}
	return OrderCursor{CreatedAt: time.Unix(0, n).UTC(), ID: id}, nil
}

// OrderPage is one page of the list and the cursor of the next one (nil on the last page).
type OrderPage struct {
	Orders []Order
	Next   *OrderCursor
}

// orderNumberRe matches a whole order number such as SF-8K2D-QX7M-4PZN-T9WA, in any case.
var orderNumberRe = regexp.MustCompile(`^(?i)SF(-[0-9A-Z]{4}){4}$`)

// wholeEmailRe matches what looks like a whole address (something@domain.tld): searched exactly, not as a prefix.
var wholeEmailRe = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$`)

// ListOrders returns one page of orders matching f, newest first. Every variant is served by an index:
// (created_at, id), (status, created_at, id), the unique number, and (lower(email), created_at, id); a
// page never costs more than its rows, whatever its depth, because it seeks to the cursor instead of
// skipping rows (no OFFSET).
func ListOrders(ctx context.Context, db *gorm.DB, f OrderFilter) (OrderPage, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultOrderPage
	}
	limit = min(limit, MaxOrderPage)
	var rows []Order
	err := OrderListQuery(ctx, db, f).Limit(limit + 1).Find(&rows).Error
	if err != nil {
		return OrderPage{}, fmt.Errorf("list orders: %w", err)
	}
	page := OrderPage{Orders: rows}
	if len(rows) > limit {
		page.Orders = rows[:limit]
		next := CursorAfter(rows[limit-1])
		page.Next = &next
	}
	return page, nil
}

// EachOrder calls fn for every order matching f (f.Limit and f.After are the starting point and batch size),
// reading in keyset batches so that memory stays flat however many orders match.
func EachOrder(ctx context.Context, db *gorm.DB, f OrderFilter, fn func(Order) error) error {
	if f.Limit <= 0 {
		f.Limit = MaxOrderPage
	}
	for {
		page, err := ListOrders(ctx, db, f)
		if err != nil {
			return err
		}
		for _, o := range page.Orders {
			if err := fn(o); err != nil {
				return err
			}
		}
		if page.Next == nil {
			return nil
		}
		f.After = page.Next
	}
}

// OrderListQuery builds the list's query, ordered and filtered but without a limit (tests EXPLAIN it).
func OrderListQuery(ctx context.Context, db *gorm.DB, f OrderFilter) *gorm.DB {
	q := db.WithContext(ctx).Model(&Order{})
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	q = whereFulfillment(q, f.Fulfillment)
	if !f.From.IsZero() {
		q = q.Where("created_at >= ?", f.From.UTC())
	}
	if !f.Before.IsZero() {
		q = q.Where("created_at < ?", f.Before.UTC())
	}
	if term := strings.TrimSpace(f.Query); term != "" {
		switch {
		case !queryable(term):
			q = q.Where("1 = 0") // NUL bytes or invalid UTF-8: no order has them (and PostgreSQL refuses them)
		case orderNumberRe.MatchString(term):
			q = q.Where("number = ?", strings.ToUpper(term))
		case wholeEmailRe.MatchString(term):
			// A whole address: equality reads the index in list order, with no sort.
			q = q.Where("lower(email) = ?", asciiLower(term))
		default:
			prefix := asciiLower(term)
			if prefixRangeSafe(ctx, db) {
				// A range on the index; the exact prefix test below keeps it right for any byte after the prefix.
				q = q.Where("lower(email) >= ? AND lower(email) < ?", prefix, prefix+string(utf8.MaxRune))
			}
			q = q.Where("substr(lower(email), 1, ?) = ?", utf8.RuneCountInString(prefix), prefix)
		}
	}
	if c := f.After; c != nil {
		// Sargable on both engines: seek to created_at, then drop the ties already shown.
		at := c.CreatedAt.UTC()
		q = q.Where("(created_at, id) < (?, ?)", at, c.ID)
	}
	return q.Order("created_at DESC, id DESC")
}

// asciiLower lower-cases ASCII letters only, as SQLite's lower() does.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// prefixSafe remembers, per database, whether text sorts by code point (see prefixRangeSafe).
var prefixSafe sync.Map // *gorm.Config → bool

// prefixRangeSafe reports whether a prefix can be searched as a range of the index: always on SQLite (BINARY
// collation), and on PostgreSQL when the database collates by code point (C, POSIX, C.UTF-8). Under a
// linguistic collation (en_US…) the strings that share a prefix need not sit together, so the search falls back
// to the exact prefix test alone.
func prefixRangeSafe(ctx context.Context, db *gorm.DB) bool {
	if db.Dialector.Name() != "postgres" {
		return true
	}
	if v, ok := prefixSafe.Load(db.Config); ok {
		return v.(bool)
	}
	var row struct {
		Coll     string
		Provider string
	}
	err := db.WithContext(ctx).Raw(`SELECT datcollate AS coll, COALESCE(to_jsonb(d)->>'datlocprovider', 'c') AS provider
		FROM pg_database d WHERE datname = current_database()`).Scan(&row).Error
	if err != nil {
		return false // not remembered: asked again next time
	}
	c := strings.ToLower(row.Coll)
	safe := row.Provider == "c" && (c == "c" || c == "posix" || c == "c.utf8" || c == "c.utf-8")
	prefixSafe.Store(db.Config, safe)
	return safe
}
