package main

import (
	"context"
	"database/sql"
)

// raiseStock gives every product a million units, so that the carts and checkouts of a run never sell out.
// It writes to the child's database while the child runs, as another SQLite process may.
func raiseStock(ctx context.Context, c *child) error {
	db, err := sql.Open("sqlite3", "file:"+c.dbPath+"?_busy_timeout=10000")
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "UPDATE products SET stock = 1000000")
	return err
}
