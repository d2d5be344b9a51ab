package stripesim

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestServeHTTPMountedInTheAppServer(t *testing.T) {
	sim := New(Config{BasePath: "/__stripe"})
	t.Cleanup(func() { _ = sim.Close() })
	mux := http.NewServeMux()
	mux.Handle("/__stripe/", sim)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "app", http.StatusTeapot) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	tests := []struct {
		path, key   string
		status      int
		contentType string
		contains    string
	}{
		{sim.JSURL(), "", 200, "text/javascript", "window.Stripe = function"},
		{"/__stripe/js/v3/stripe.css", "", 200, "text/css", ".sim-pe"},
		{"/__stripe/", "", 200, "text/html", "Try the Stripe simulator"},
		{"/__stripe/v1/elements/sessions", "pk_test_simulator", 200, "application/json", `"elements_session"`},
		{"/__stripe/v1/payment_intents", "pk_test_simulator", 401, "application/json", "secret_key_required"},
		{"/__stripe/__control/faults", "", 200, "application/json", `"fail_kind"`},
		{"/elsewhere", "", 418, "", "app"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+tc.path, nil)
			if tc.key != "" {
				req.Header.Set("Authorization", "Bearer "+tc.key)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.contentType) ||
				!strings.Contains(string(body), tc.contains) {
				t.Fatalf("%d %s: %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
		})
	}
	t.Run("CORS preflight for Stripe.js served from another origin", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/__stripe/v1/confirmation_tokens", nil)
		req.Header.Set("Origin", "http://shop.test")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
			!strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
			t.Fatalf("%d %v", resp.StatusCode, resp.Header)
		}
	})
}
