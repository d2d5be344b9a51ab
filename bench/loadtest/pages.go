package main

import (
	"net/http"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/storefront/storefront/app"
)

// pagesResult is part 1: the catalog and a product page against the ceiling (the catalog's bytes from memory).
type pagesResult struct {
	ceiling, catalog, product    *stats // at the highest rate conns connections reach (closed loop)
	steadyRate                   int    // 60 % of the ceiling's requests/s
	catalogSteady, productSteady *stats // at steadyRate (open loop): the latency a shopper sees at that load
}

// runPages attacks the ceiling, the catalog and the product page as first-time visitors (no cookies; gzip asked
// for like a browser does), first each at the highest rate conns connections reach (capacity; latency there is
// only queueing: conns ÷ rate), then the catalog and the product page at a steady 60 % of the ceiling's rate,
// which is the load the latency target is about. The capacity runs are split into rounds that alternate the
// three targets, so that a burst of outside load on the shared machine hits all three alike.
func runPages(c *child, cfg config) pagesResult {
	targets := []struct{ name, path string }{
		{"ceiling", app.BenchCeilingPath},
		{"catalog", "/"},
		{"product", "/products/classic-tee"},
	}
	into := map[string]*stats{}
	warm := map[string]*stats{}
	for _, t := range targets {
		attack("warm-up", get1(c.base+t.path), attackOptions{rate: maxRate, duration: time.Second, conns: cfg.conns},
			statusIs(t.name, http.StatusOK), warm)
	}
	rounds := 3
	for range rounds {
		for _, t := range targets {
			attack(t.name, get1(c.base+t.path), attackOptions{rate: maxRate, duration: cfg.duration / time.Duration(rounds), conns: cfg.conns},
				statusIs(t.name, http.StatusOK), into)
		}
	}
	r := pagesResult{ceiling: into["ceiling"], catalog: into["catalog"], product: into["product"]}
	r.steadyRate = int(0.6 * r.ceiling.rps())
	steady := map[string]*stats{}
	for _, t := range targets[1:] {
		attack(t.name, get1(c.base+t.path), attackOptions{rate: vegeta.Rate{Freq: r.steadyRate, Per: time.Second},
			duration: cfg.duration / 2, conns: cfg.conns}, statusIs(t.name, http.StatusOK), steady)
	}
	r.catalogSteady, r.productSteady = steady["catalog"], steady["product"]
	return r
}

// get1 is a targeter that always sends the same GET, as a browser's first visit: no cookies, gzip accepted.
// (Asking for gzip ourselves also keeps the Go client from spending the shared CPU on inflating the answers.)
func get1(url string) vegeta.Targeter {
	return vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodGet, URL: url,
		Header: http.Header{"Accept": {"text/html"}, "Accept-Encoding": {"gzip"}}})
}
