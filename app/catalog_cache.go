package app

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
	"gorm.io/gorm"

	"github.com/storefront/storefront/models"
)

// catalogTTL bounds how stale the cached catalog may be. It is what the stock shown on the pages ("Only 3
// left", "Sold out") may lag behind checkouts, and what another instance's admin change may take to show here;
// an admin change on this instance shows at once (invalidateCatalog). Adding to the cart and paying always read
// the database, so a stale page never sells what is not there.
const catalogTTL = time.Second

// catalogCache holds the active products, read from the database at most once per catalogTTL: the catalog and
// product pages are most of a shop's requests, and products change rarely. The zero value is ready to use.
type catalogCache struct {
	snap  atomic.Pointer[catalogSnapshot]
	gen   atomic.Uint64 // bumped by invalidate: a snapshot of an older generation is never served
	loads singleflight.Group
}

// catalogSnapshot is one read of the active products. It is shared by every request: read-only.
type catalogSnapshot struct {
	products []models.Product // active, in catalog order
	bySlug   map[string]int   // slug → index in products
	gen      uint64
	expires  time.Time
	pages    sync.Map // key → *cachedPage: pages of first-time visitors rendered from this snapshot (page_cache.go)
}

// invalidateCatalog drops the cached products, so the next page reads them again. Every handler that creates,
// changes, activates, deactivates, reorders or deletes a product calls it after its change is committed.
func (a *App) invalidateCatalog() { a.catalog.invalidate() }

func (c *catalogCache) invalidate() {
	c.gen.Add(1)
	c.snap.Store(nil)
}

// get returns a fresh snapshot, reading the database when there is none. Concurrent misses share one read.
func (c *catalogCache) get(ctx context.Context, db *gorm.DB) (*catalogSnapshot, error) {
	gen := c.gen.Load()
	if s := c.snap.Load(); s != nil && s.gen == gen && time.Now().Before(s.expires) {
		return s, nil
	}
	v, err, _ := c.loads.Do(strconv.FormatUint(gen, 10), func() (any, error) {
		// The read is shared by every request waiting for it: one shopper leaving must not fail the others.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		ps, err := models.ActiveProducts(ctx, db)
		if err != nil {
			return nil, err
		}
		s := &catalogSnapshot{products: ps, bySlug: make(map[string]int, len(ps)), gen: gen, expires: time.Now().Add(catalogTTL)}
		for i, p := range ps {
			s.bySlug[p.Slug] = i
		}
		// An invalidation during the read leaves the snapshot at an older generation, which get never serves.
		c.snap.Store(s)
		return s, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*catalogSnapshot), nil
}
