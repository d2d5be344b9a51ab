package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storefront/storefront/app"
)

// benchApp is the real app on a fresh SQLite file with the simulator, logging at info (as in production) to
// nowhere. Requests go straight to its handler: no network, the whole middleware stack.
func benchApp(b *testing.B) *app.App {
	b.Helper()
	env := map[string]string{"DATABASE_URL": "sqlite://" + filepath.Join(b.TempDir(), "bench.db")}
	cfg, err := app.LoadConfig(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		b.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	return a
}

// benchDo runs one request through the app's handler and fails the benchmark on an unexpected status.
func benchDo(b *testing.B, h http.Handler, req *http.Request, want int) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Fatalf("%s %s: status %d, want %d: %.300s", req.Method, req.URL.Path, rec.Code, want, rec.Body.String())
	}
	return rec
}

func benchGet(b *testing.B, path string) {
	h := benchApp(b).Handler()
	b.ReportAllocs()
	for b.Loop() {
		benchDo(b, h, httptest.NewRequest(http.MethodGet, path, nil), http.StatusOK)
	}
}

// BenchmarkCatalogPage is GET / for a first-time visitor (no cookies): database or cache, template, middleware.
func BenchmarkCatalogPage(b *testing.B) { benchGet(b, "/") }

// BenchmarkProductPage is GET /products/classic-tee for a first-time visitor.
func BenchmarkProductPage(b *testing.B) { benchGet(b, "/products/classic-tee") }

// benchCookies sends the given cookies with a request, as a browser does.
func benchCookies(req *http.Request, cookies map[string]string) *http.Request {
	var sb strings.Builder
	for k, v := range cookies {
		if sb.Len() > 0 {
			sb.WriteString("; ")
		}
		sb.WriteString(k + "=" + v)
	}
	req.Header.Set("Cookie", sb.String())
	return req
}
