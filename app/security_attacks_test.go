package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/storefront/storefront/app/apptest"
)

// The attacks of the security review, each shown failing.

const metricsToken = "metrics-token-0123456789abcdef0123456789"

func TestSecurityMetricsNeedABearerToken(t *testing.T) {
	s := apptest.New(t, apptest.Options{Env: map[string]string{"METRICS_TOKEN": metricsToken, "ADMIN_API_TOKEN": apiToken}})
	c := s.Client(t)
	bearer := func(token string) http.Header { return http.Header{"Authorization": {"Bearer " + token}} }
	for name, h := range map[string]http.Header{
		"no header":          nil,
		"a wrong token":      bearer("metrics-token-0123456789abcdef012345678X"),
		"a prefix of it":     bearer(metricsToken[:20]),
		"another scheme":     {"Authorization": {"Basic " + metricsToken}},
		"an empty bearer":    bearer(""),
		"the token as query": nil,
	} {
		t.Run(name+" gets 401", func(t *testing.T) {
			path := "/metrics"
			if name == "the token as query" {
				path += "?token=" + metricsToken
			}
			res := c.Do(http.MethodGet, path, nil, h).Expect(t, http.StatusUnauthorized)
			if strings.Contains(res.Body, "storefront_http_requests_total") {
				t.Error("metrics leaked")
			}
		})
	}
	for name, token := range map[string]string{"METRICS_TOKEN": metricsToken, "ADMIN_API_TOKEN": apiToken} {
		t.Run(name+" is let in", func(t *testing.T) {
			res := c.Do(http.MethodGet, "/metrics", nil, bearer(token)).Expect(t, http.StatusOK)
			if !strings.Contains(res.Body, "storefront_http_requests_total") {
				t.Errorf("no metrics: %.300s", res.Body)
			}
		})
	}
	t.Run("with no token set, /metrics is closed to all", func(t *testing.T) {
		open := apptest.New(t)
		open.Client(t).Get("/metrics").Expect(t, http.StatusUnauthorized)
		open.Client(t).Do(http.MethodGet, "/metrics", nil, bearer("")).Expect(t, http.StatusUnauthorized)
	})
}
