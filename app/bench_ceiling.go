package app

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/pprof"
	"strings"

	"github.com/labstack/echo/v4"
)

// BenchCeilingPath serves the catalog page's bytes from memory when the ceiling is on (see EnableBenchCeiling).
const BenchCeilingPath = "/__bench/ceiling"

// EnableBenchCeiling adds the load test's ceiling: GET /__bench/ceiling answers with the exact bytes of the
// catalog page, rendered once now, through the same middleware as the shop's pages (request id, access log,
// recovery, metrics, security headers, gzip, body limit, CSRF) but with no database and no template. What the
// catalog reaches relative to it is the share of the framework's throughput that our own work leaves.
// Only the hidden `storefront serve --bench-ceiling` flag calls it (used by `make bench`); it is never part of
// the normal route table. Call it before Serve.
func (a *App) EnableBenchCeiling() error {
	rec := httptest.NewRecorder()
	a.echo.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK {
		return fmt.Errorf("bench ceiling: the catalog answered %d", rec.Code)
	}
	page := rec.Body.Bytes()
	a.echo.GET(BenchCeilingPath, func(c echo.Context) error {
		return c.Blob(http.StatusOK, echo.MIMETextHTMLCharsetUTF8, page)
	}, bodyLimit("1M"), a.csrf())
	a.log.Warn("bench ceiling on: serving the catalog's bytes from memory at " + BenchCeilingPath)
	return nil
}

// EnableBenchProfiles serves Go's profiles (net/http/pprof) under /debug/pprof/ for the load run, which saves a
// CPU and a heap profile of each part. Like the ceiling it is only reachable through a hidden flag of
// `storefront serve` (--bench-profiles) and never part of the normal route table.
func (a *App) EnableBenchProfiles() {
	a.echo.GET("/debug/pprof/*", echo.WrapHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch strings.TrimPrefix(r.URL.Path, "/debug/pprof/") {
		case "profile":
			pprof.Profile(w, r)
		case "trace":
			pprof.Trace(w, r)
		default:
			pprof.Index(w, r)
		}
	})))
	a.log.Warn("bench profiles on: serving Go profiles at /debug/pprof/")
}
