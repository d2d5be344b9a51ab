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

// startStockedChild starts a child for the runs that buy (confirm, mixed): every product gets a million units and
// the ids of the catalog's products are read. On failure the child is stopped.
func startStockedChild(ctx context.Context, bin string, o childOptions) (*child, []string, error) {
	c, err := startChild(ctx, bin, o)
	if err != nil {
		return nil, nil, err
	}
	if err := raiseStock(ctx, c); err != nil {
		c.stop()
		return nil, nil, err
	}
	products, err := productIDs(c.base)
	if err != nil {
		c.stop()
		return nil, nil, err
	}
	return c, products, nil
}
