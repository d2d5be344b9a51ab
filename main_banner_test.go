package main

import (
	"bytes"
	"context"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storefront/storefront/app"
	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

// syncBuffer is stderr shared by the server goroutine and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serveUntil runs `storefront serve` with env until its stderr holds done, then stops it and returns stderr.
func serveUntil(t *testing.T, env map[string]string, done string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	t.Setenv("PORT", strconv.Itoa(port))
	for k, v := range env {
		t.Setenv(k, v)
	}
	cfg, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- serve(ctx, cfg, app.NewLogger(cfg, stderr), nil, stderr) }()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(stderr.String(), done) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("serve: %v\n%s", err, stderr.String())
	}
	return stderr.String()
}

var secretEnv = map[string]string{
	"SESSION_SECRET":        "session-secret-0123456789abcdef0123456789",
	"STRIPE_WEBHOOK_SECRET": "whsec_0123456789abcdefSECRET",
	"ADMIN_API_TOKEN":       "api-token-0123456789abcdef0123456789",
	"SMTP_URL":              "smtp://mailer:smtp-secret-pw@mail.example.com:2525",
}

func TestServePrintsTheBannerOnce(t *testing.T) {
	dbURL := apptest.DatabaseURL(t)
	env := map[string]string{"DATABASE_URL": dbURL, "LOG_FORMAT": "text"}
	for k, v := range secretEnv {
		env[k] = v
	}
	out := serveUntil(t, env, "  database")
	port := strings.TrimPrefix(regexp.MustCompile(`localhost:\d+`).FindString(out), "localhost:")
	base := "http://localhost:" + port
	m := regexp.MustCompile(`  admin +` + regexp.QuoteMeta(base) + `/admin  demo-admin@example\.com / (\S+) \(`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no demo admin line in:\n%s", out)
	}
	password := m[1]
	for _, want := range []string{
		"  shop        " + base + "\n",
		"  try it      " + base + "/__stripe/",
		"  emails      sent through the SMTP server mail.example.com:2525\n",
		"  test cards  4242 4242 4242 4242",
		"  database    " + dbURL + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
	for k, v := range secretEnv {
		if strings.Contains(out, v) || (k == "SMTP_URL" && strings.Contains(out, "smtp-secret-pw")) {
			t.Errorf("stderr shows %s:\n%s", k, out)
		}
	}
	if strings.Contains(out, app.SimSecretKey) {
		t.Errorf("stderr shows the simulator's secret key:\n%s", out)
	}
	if n := strings.Count(out, password); n != 1 {
		t.Errorf("the demo password appears %d times", n)
	}
	db, err := models.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := models.AuthenticateAdmin(context.Background(), db.DB, app.DemoAdminEmail, password, "cli-test", time.Now()); err != nil {
		t.Fatalf("the printed password does not sign in: %v", err)
	}

	t.Run("the next start prints no password and admin create still works", func(t *testing.T) {
		out := serveUntil(t, env, "  database")
		if strings.Contains(out, password) || !strings.Contains(out, "demo-admin@example.com (password shown at its first start") {
			t.Errorf("second start:\n%s", out)
		}
		var stdout bytes.Buffer
		if err := runAdmin(context.Background(), []string{"create", "--email", app.DemoAdminEmail}, strings.NewReader("a-new-password-1\n"), &stdout); err != nil {
			t.Fatal(err)
		}
		if _, err := models.AuthenticateAdmin(context.Background(), db.DB, app.DemoAdminEmail, "a-new-password-1", "cli-test", time.Now()); err != nil {
			t.Fatalf("admin create did not set the demo admin's password: %v", err)
		}
	})
}

func TestServeWithJSONLogsPrintsNoBanner(t *testing.T) {
	env := map[string]string{"DATABASE_URL": apptest.DatabaseURL(t), "LOG_FORMAT": "json"}
	for k, v := range secretEnv {
		env[k] = v
	}
	out := serveUntil(t, env, `"msg":"serving"`)
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasPrefix(line, "{") {
			t.Errorf("not a JSON record: %q", line)
		}
	}
	if strings.Contains(out, "demo-admin") || strings.Contains(out, "Storefront is ready") {
		t.Errorf("JSON logs with a banner or demo admin:\n%s", out)
	}
	for k, v := range secretEnv {
		if strings.Contains(out, v) {
			t.Errorf("stderr shows %s", k)
		}
	}
}
