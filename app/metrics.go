package app

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics holds the Prometheus registry of this app instance (no global registry: tests build many apps).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "storefront_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "storefront_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route"}),
	}
	m.reg.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// middleware records every request under its route pattern (never the raw path: bounded labels).
func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		if he, ok := err.(*echo.HTTPError); ok && !c.Response().Committed {
			status = he.Code
		}
		m.requests.WithLabelValues(c.Request().Method, route, strconv.Itoa(status)).Inc()
		m.duration.WithLabelValues(c.Request().Method, route).Observe(time.Since(start).Seconds())
		return err
	}
}

// handler serves the registry to a scraper that sends `Authorization: Bearer` with METRICS_TOKEN or
// ADMIN_API_TOKEN; everyone else gets 401 (sales counts and decline rates are the shop's business).
func (m *metrics) handler(tokens ...string) echo.HandlerFunc {
	serve := echo.WrapHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	return func(c echo.Context) error {
		token, _ := bearerToken(c.Request())
		if !tokenMatches(token, tokens...) {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="metrics"`)
			return echo.NewHTTPError(http.StatusUnauthorized, "Send Authorization: Bearer with the METRICS_TOKEN.")
		}
		c.Response().Header().Set("Cache-Control", "no-store")
		return serve(c)
	}
}

// tokenMatches reports whether token equals one of the set (non-empty) tokens. It compares in constant time,
// and hashes first so that the tokens' lengths do not show either.
func tokenMatches(token string, want ...string) bool {
	if token == "" {
		return false
	}
	got := sha256.Sum256([]byte(token))
	ok := 0
	for _, w := range want {
		if w == "" {
			continue
		}
		h := sha256.Sum256([]byte(w))
		ok |= subtle.ConstantTimeCompare(got[:], h[:])
	}
	return ok == 1
}
