//go:build bench

package app

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// StartBenchCeiling starts the load run's ceiling: a bare net/http server on addr (no Echo, no middleware, no
// database, no template) that answers every request with the exact bytes, headers included, that the catalog
// page sent a first-time visitor when rendered once now: gzip-encoded to requests that accept gzip, plain to
// the others. What the shop's pages reach relative to it is the share of a bare Go server's throughput that the
// shop's own work (framework, middleware, database, template) leaves. Only the hidden
// `storefront serve --bench-ceiling=ADDR` flag of a binary built with `-tags bench` calls it (make bench builds
// bin/storefront-bench), so the shop's own binary carries no test code; it stops when ctx ends.
func (a *App) StartBenchCeiling(ctx context.Context, addr string) error {
	type answer struct {
		header http.Header
		body   []byte
	}
	record := func(gz bool) (answer, error) {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if gz {
			req.Header.Set(echo.HeaderAcceptEncoding, "gzip")
		}
		rec := httptest.NewRecorder()
		a.echo.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			return answer{}, fmt.Errorf("bench ceiling: the catalog answered %d", rec.Code)
		}
		h := rec.Header().Clone()
		h.Del("Date") // net/http adds its own, as it does for the shop
		h.Set(echo.HeaderContentLength, strconv.Itoa(rec.Body.Len()))
		return answer{h, rec.Body.Bytes()}, nil
	}
	plain, err := record(false)
	if err != nil {
		return err
	}
	zipped, err := record(true)
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: addr, ReadHeaderTimeout: 10 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ans := plain
			if acceptsGzip(r) {
				ans = zipped
			}
			h := w.Header()
			for k, v := range ans.header {
				h[k] = v
			}
			w.WriteHeader(http.StatusOK)
			w.Write(ans.body)
		})}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("bench ceiling: %w", err)
	}
	go srv.Serve(ln)
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	a.log.Warn("bench ceiling on: a bare net/http server sends the catalog's bytes from memory", "addr", ln.Addr().String())
	return nil
}

// EnableBenchProfiles serves Go's profiles (net/http/pprof) under /debug/pprof/ for the load run, which saves a
// CPU and a heap profile of each part. Like the ceiling it is only reachable through a hidden flag of
// `storefront serve` (--bench-profiles) and never part of the normal route table.
func (a *App) EnableBenchProfiles() error {
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
	return nil
}
