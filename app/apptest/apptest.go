// Package apptest builds a real shop for tests: a real database (a temporary SQLite file, or a fresh
// PostgreSQL schema when TEST_DB=postgres and TEST_POSTGRES_URL are set), the real app behind httptest,
// and a browser-like client with cookies and CSRF tokens.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storefront/storefront/app"
)

// Server is a running shop for one test.
type Server struct {
	*httptest.Server
	App  *app.App
	Logs *LogBuffer
	// Clock is the shop's clock; Advance moves it and the simulator's together.
	Clock *Clock
}

// Clock is a clock that runs with the machine's and can be moved forward.
type Clock struct{ offset atomic.Int64 }

// Now is the machine's time plus every Advance so far.
func (c *Clock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// Advance lets d pass on the shop's clock and on the simulator's (search catches up, attempts grow old,
// stuck orders become due) without sleeping.
func (s *Server) Advance(d time.Duration) {
	s.Clock.offset.Add(int64(d))
	if sim := s.App.Simulator(); sim != nil {
		sim.Advance(d)
	}
}

// Options changes the settings of the app under test (the environment names of README.md, "Settings").
type Options struct {
	Env map[string]string
	// Tune changes settings that are not environment variables (limits, timeouts).
	Tune func(*app.Config)
}

// New starts a shop on a fresh database; everything is stopped by t.Cleanup.
func New(t testing.TB, opts ...Options) *Server {
	t.Helper()
	env := map[string]string{
		"DATABASE_URL": DatabaseURL(t),
		"LOG_LEVEL":    "debug",
	}
	for _, o := range opts {
		for k, v := range o.Env {
			env[k] = v
		}
	}
	cfg, err := app.LoadConfig(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	logs := &LogBuffer{}
	cfg.LogFormat, cfg.LogLevel = "json", "debug"
	log := app.NewLogger(cfg, logs) // the production logger, redaction included
	ts := httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + ts.Listener.Addr().String()
	cfg.StripeTimeout = 2 * time.Second // a simulated timeout need not take 30 s
	cfg.ConfirmBudget = app.ConfirmBudgetFor(cfg.StripeTimeout)
	// Tests drive many checkouts from one address; the limits have tests of their own.
	cfg.DiscountPerMinute, cfg.ConfirmPerMinute = 1e6, 1e6
	cfg.MaxHeldUnits = 1e6
	clock := &Clock{}
	cfg.Now = clock.Now
	for _, o := range opts {
		if o.Tune != nil {
			o.Tune(&cfg)
		}
	}
	a, err := app.New(context.Background(), cfg, log)
	if err != nil {
		t.Fatalf("start app: %v", err)
	}
	ts.Config.Handler = a.Handler()
	ts.Start()
	a.Listening(ts.URL)
	t.Cleanup(func() {
		ts.Close()
		a.Close()
		if t.Failed() && testing.Verbose() {
			t.Logf("app logs:\n%s", logs.String())
		}
	})
	return &Server{Server: ts, App: a, Logs: logs, Clock: clock}
}

// DatabaseURL returns a fresh empty database for one test.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	if os.Getenv("TEST_DB") != "postgres" {
		return "sqlite://" + filepath.Join(t.TempDir(), "test.db")
	}
	base := os.Getenv("TEST_POSTGRES_URL")
	if base == "" {
		t.Fatal("TEST_DB=postgres needs TEST_POSTGRES_URL")
	}
	return postgresSchema(t, base)
}

// LogBuffer collects the app's log lines; safe for concurrent writes.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String returns everything logged so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Client is a shopper's browser: cookies kept, redirects not followed, CSRF token remembered.
type Client struct {
	t    testing.TB
	base string
	HTTP *http.Client
	CSRF string
}

// Client returns a new shopper with an empty cookie jar.
func (s *Server) Client(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, base: s.URL, HTTP: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Response is a finished response with its body read.
type Response struct {
	*http.Response
	Body string
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]*)"`)

// Get fetches a path and remembers the page's CSRF token.
func (c *Client) Get(path string) Response {
	c.t.Helper()
	return c.Do(http.MethodGet, path, nil, nil)
}

// PostForm posts a form with the remembered CSRF token (unless the form sets csrf_token itself).
func (c *Client) PostForm(path string, form url.Values) Response {
	c.t.Helper()
	if _, ok := form["csrf_token"]; !ok {
		form = cloneValues(form)
		form.Set("csrf_token", c.csrf())
	}
	return c.Do(http.MethodPost, path, strings.NewReader(form.Encode()),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
}

// PostJSON posts a JSON body with the X-CSRF-Token header.
func (c *Client) PostJSON(path string, body any) Response {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case string:
		r = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(buf)
	}
	return c.Do(http.MethodPost, path, r, http.Header{
		"Content-Type": {"application/json"}, "Accept": {"application/json"}, "X-CSRF-Token": {c.csrf()},
	})
}

// Do sends any request.
func (c *Client) Do(method, path string, body io.Reader, h http.Header) Response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	if m := csrfMeta.FindSubmatch(b); m != nil && len(m[1]) > 0 {
		c.CSRF = string(m[1])
	}
	return Response{Response: res, Body: string(b)}
}

// csrf returns the remembered token, loading the home page once to get one.
func (c *Client) csrf() string {
	if c.CSRF == "" {
		c.Get("/")
	}
	return c.CSRF
}

// DecodeJSON decodes the response body into v.
func (r Response) DecodeJSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
}

// Expect fails the test unless the status is the wanted one.
func (r Response) Expect(t testing.TB, status int) Response {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; body:\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, status, trim(r.Body))
	}
	return r
}

func trim(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}
