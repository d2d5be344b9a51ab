package webhooks

import (
	"context"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/storefront/storefront/models"
)

// maxGroup is the most events stored in one statement.
const maxGroup = 128

// groupCommit stores the events of concurrent deliveries together: one INSERT and one commit for all the events
// that arrived while the previous group was being written, instead of one commit each. A delivery that finds no
// write under way writes its group at once (no waiting when the shop is quiet); the others queue, and when a
// write ends the first of them writes the next group. The zero value is ready to use.
type groupCommit struct {
	mu      sync.Mutex
	queue   []*storeRequest
	writing bool
}

type storeRequest struct {
	row     *models.WebhookEvent
	stored  bool
	err     error
	done    chan struct{} // closed when the request's group is written
	promote chan struct{} // closed when this request is to write the next group
}

// store writes row to the inbox with whatever other deliveries are waiting and reports whether it was new.
func (g *groupCommit) store(db *gorm.DB, row *models.WebhookEvent) (bool, error) {
	req := &storeRequest{row: row, done: make(chan struct{}), promote: make(chan struct{})}
	g.mu.Lock()
	g.queue = append(g.queue, req)
	if g.writing {
		g.mu.Unlock()
		select {
		case <-req.done:
			return req.stored, req.err
		case <-req.promote:
		}
	} else {
		g.writing = true
		g.mu.Unlock()
	}
	// This request writes the next group (which contains it).
	g.mu.Lock()
	n := min(len(g.queue), maxGroup)
	group := g.queue[:n:n]
	g.queue = g.queue[n:]
	g.mu.Unlock()
	write(db, group)
	g.mu.Lock()
	if len(g.queue) > 0 {
		close(g.queue[0].promote)
	} else {
		g.writing = false
	}
	g.mu.Unlock()
	return req.stored, req.err
}

// write stores a group and answers each request. The write serves many deliveries, so one delivery that gives
// up must not cancel it: it has its own deadline.
func write(db *gorm.DB, group []*storeRequest) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	first := make(map[string]*storeRequest, len(group)) // the same event delivered twice at once: store it once
	rows := make([]*models.WebhookEvent, 0, len(group))
	for _, r := range group {
		if _, ok := first[r.row.ID]; !ok {
			first[r.row.ID] = r
			rows = append(rows, r.row)
		}
	}
	stored, err := models.StoreWebhookEvents(ctx, db, rows)
	for _, r := range group {
		r.err = err
		r.stored = err == nil && first[r.row.ID] == r && stored[r.row.ID]
		close(r.done)
	}
}
