package app_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/storefront/storefront/app"
	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/app/stripesim"
)

// statementCounter counts the SQL statements GORM runs for HTTP requests (statements whose context is a
// request's), while armed; the background jobs' statements have contexts of their own and are not counted.
type statementCounter struct {
	mu    sync.Mutex
	armed bool
	sql   []string
}

func countStatements(t *testing.T, db *gorm.DB) *statementCounter {
	t.Helper()
	c := &statementCounter{}
	count := func(tx *gorm.DB) {
		if tx.Statement.Context == nil || tx.Statement.Context.Value(http.LocalAddrContextKey) == nil {
			return
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.armed {
			c.sql = append(c.sql, tx.Statement.SQL.String())
		}
	}
	cb := db.Callback()
	for _, err := range []error{
		cb.Create().After("gorm:create").Register("test:count", count),
		cb.Query().After("gorm:query").Register("test:count", count),
		cb.Update().After("gorm:update").Register("test:count", count),
		cb.Delete().After("gorm:delete").Register("test:count", count),
		cb.Row().After("gorm:row").Register("test:count", count),
		cb.Raw().After("gorm:raw").Register("test:count", count),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func (c *statementCounter) arm(on bool) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.armed = on
	out := c.sql
	c.sql = nil
	return out
}

// A confirm that pays runs at most confirmStatementBudget SQL statements (BEGIN and COMMIT not counted): every
// one is a round trip on PostgreSQL and a turn at SQLite's one writer. The target is 10; the budget is what a
// confirm runs today (26: the order confirmation email queued in the paying transaction and the per-client bound
// on held stock included), so that the count only goes down from here.
const confirmStatementBudget = 26

func TestAConfirmThatPaysRunsFewSQLStatements(t *testing.T) {
	var counter *statementCounter
	// Callbacks are registered before the app's jobs start querying: GORM's registry is not safe to change then.
	s := apptest.New(t, apptest.Options{Tune: func(c *app.Config) {
		c.OnDatabase = func(db *gorm.DB) { counter = countStatements(t, db) }
	}})
	s.App.Simulator().SetFaults(stripesim.Faults{WebhookDropRate: 1}) // no webhook requests during the count
	c := shopper(t, s, "canvas-tote")
	body := confirmBody(s.Token(t, "4242424242424242"))
	counter.arm(true)
	_, r := confirm(t, c, body)
	stmts := counter.arm(false)
	if r.Status != "succeeded" {
		t.Fatalf("confirm: %+v", r)
	}
	t.Logf("%d SQL statements for one confirm:\n%s", len(stmts), strings.Join(stmts, "\n"))
	if len(stmts) > confirmStatementBudget {
		t.Errorf("a confirm ran %d SQL statements, want at most %d", len(stmts), confirmStatementBudget)
	}
}
