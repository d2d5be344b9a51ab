package main

import (
	"net/http"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// pagesResult is part 1 for one encoding: the catalog and a product page against the ceiling, a bare net/http
// server in the child sending the catalog's bytes (headers included) from memory.
type pagesResult struct {
	encoding                     string // "identity" (no Accept-Encoding) or "gzip"
	ceiling, catalog, product    *stats // at the highest rate conns connections reach (closed loop)
	steadyRate                   int    // 60 % of the ceiling's requests/s
	catalogSteady, productSteady *stats // at steadyRate (open loop): the latency a shopper sees at that load
}

// runPages attacks the ceiling, the catalog and the product page as first-time visitors (no cookies), first
// without Accept-Encoding (as wrk and many clients send), then with gzip as browsers ask: each first at the
// highest rate conns connections reach (capacity; latency there is only queueing: conns ÷ rate), then the
// catalog and the product page at a steady 60 % of the ceiling's rate, which is the load the latency target is
// about. The capacity runs are split into rounds that alternate the three targets, so that a burst of outside
// load on the shared machine hits all three alike.
func runPages(c *child, ceilingBase string, cfg config) []pagesResult {
	var out []pagesResult
	for _, enc := range []string{"identity", "gzip"} {
		targets := []struct{ name, url string }{
			{"ceiling", ceilingBase + "/"},
			{"catalog", c.base + "/"},
			{"product", c.base + "/products/classic-tee"},
		}
		into := map[string]*stats{}
		warm := map[string]*stats{}
		for _, t := range targets {
			attack("warm-up", get1(t.url, enc), attackOptions{rate: maxRate, duration: time.Second, conns: cfg.conns},
				statusIs(t.name, http.StatusOK), warm)
		}
		wait := profile(c, "pages-"+enc, cfg.duration*2)
		rounds := 3
		for range rounds {
			for _, t := range targets {
				attack(t.name, get1(t.url, enc), attackOptions{rate: maxRate, duration: cfg.duration / time.Duration(rounds), conns: cfg.conns},
					statusIs(t.name, http.StatusOK), into)
			}
		}
		r := pagesResult{encoding: enc, ceiling: into["ceiling"], catalog: into["catalog"], product: into["product"]}
		r.steadyRate = int(0.6 * r.ceiling.rps())
		steady := map[string]*stats{}
		for _, t := range targets[1:] {
			attack(t.name, get1(t.url, enc), attackOptions{rate: vegeta.Rate{Freq: r.steadyRate, Per: time.Second},
				duration: cfg.duration / 2, conns: cfg.conns}, statusIs(t.name, http.StatusOK), steady)
		}
		r.catalogSteady, r.productSteady = steady["catalog"], steady["product"]
		wait()
		out = append(out, r)
	}
	return out
}

// get1 is a targeter that always sends the same GET, as a first visit: no cookies; with enc "gzip" the
// Accept-Encoding a browser sends. (Asking for gzip ourselves also keeps the Go client from inflating the
// answers: vegeta reads the bytes as they come.)
func get1(url, enc string) vegeta.Targeter {
	h := http.Header{"Accept": {"text/html"}}
	if enc == "gzip" {
		h.Set("Accept-Encoding", "gzip")
	}
	return vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodGet, URL: url, Header: h})
}
