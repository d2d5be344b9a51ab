package doctor_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"

	"github.com/storefront/storefront/app/doctor"
	"github.com/storefront/storefront/app/stripesim"
	"github.com/storefront/storefront/app/stripesim/stripemocktest"
	"github.com/storefront/storefront/app/webhooks"
)

func client(key, base string) *stripe.Client {
	return stripe.NewClient(key, stripe.WithBackends(stripe.NewBackendsWithConfig(&stripe.BackendConfig{
		URL: stripe.String(base), LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull}})))
}

func byName(checks []doctor.Check, prefix string) doctor.Check {
	for _, c := range checks {
		if strings.HasPrefix(c.Name, prefix) {
			return c
		}
	}
	return doctor.Check{Name: "missing " + prefix}
}

func current(context.Context) (bool, error) { return false, nil }

func TestDoctorAgainstTheSimulatorPassesEveryRequiredCheck(t *testing.T) {
	sim := stripesim.New(stripesim.Config{WebhookURL: "http://localhost:4242/webhooks/stripe"})
	base, err := sim.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	checks := doctor.Run(t.Context(), doctor.Inputs{
		SecretKey: "sk_test_simulator", PublishableKey: "pk_test_simulator", WebhookSecret: "whsec_sim",
		BaseURL: "http://localhost:4242", Simulated: true, Stripe: client("sk_test_simulator", base),
		HandledEvents: webhooks.Handled, MigrationsPending: current,
	})
	if doctor.Failed(checks) {
		t.Fatalf("failed: %+v", checks)
	}
	if c := byName(checks, "webhook endpoint"); !c.OK {
		t.Errorf("endpoint check: %+v", c)
	}
	t.Run("an endpoint at another URL fails the endpoint check", func(t *testing.T) {
		checks := doctor.Run(t.Context(), doctor.Inputs{SecretKey: "sk_test_simulator", PublishableKey: "pk_test_simulator",
			BaseURL: "https://shop.example.com", Simulated: true, Stripe: client("sk_test_simulator", base),
			HandledEvents: webhooks.Handled, MigrationsPending: current})
		if c := byName(checks, "webhook endpoint"); c.OK || !strings.Contains(c.Detail, "no endpoint") || c.Fix == "" {
			t.Errorf("endpoint check: %+v", c)
		}
	})
	t.Run("a wrong key fails loudly", func(t *testing.T) {
		checks := doctor.Run(t.Context(), doctor.Inputs{SecretKey: "sk_test_wrong", PublishableKey: "pk_test_x",
			BaseURL: "http://localhost:4242", Stripe: client("sk_test_wrong", base), HandledEvents: webhooks.Handled, MigrationsPending: current})
		if c := byName(checks, "webhook endpoint"); c.OK || !c.Required || !strings.Contains(c.Detail, "could not list") {
			t.Errorf("endpoint check with a bad key: %+v", c)
		}
		if !doctor.Failed(checks) {
			t.Error("doctor passed with a key Stripe refuses")
		}
	})
}

func TestDoctorAgainstStripeMock(t *testing.T) {
	base := stripemocktest.Start(t)
	checks := doctor.Run(t.Context(), doctor.Inputs{SecretKey: "sk_test_123", PublishableKey: "pk_test_123",
		WebhookSecret: "whsec_123", BaseURL: "http://localhost:4242", Stripe: client("sk_test_123", base),
		HandledEvents: webhooks.Handled, MigrationsPending: current})
	// stripe-mock's fixture endpoint is not ours: the list call works, the endpoint check fails (advisory in test mode).
	c := byName(checks, "webhook endpoint")
	if c.OK || c.Required || !strings.Contains(c.Detail, "no endpoint") {
		t.Errorf("endpoint check: %+v", c)
	}
	if doctor.Failed(checks) {
		t.Errorf("a test-mode shop without an endpoint is not a required failure: %+v", checks)
	}
	if k := byName(checks, "API keys"); !k.OK {
		t.Errorf("key check: %+v", k)
	}
}

func TestDoctorLiveMisconfigurations(t *testing.T) {
	live := doctor.Inputs{SecretKey: "sk_live_abc", PublishableKey: "pk_live_abc", WebhookSecret: "whsec_abc",
		BaseURL: "https://shop.example.com", Live: true, SessionSecretSet: true, HandledEvents: webhooks.Handled, MigrationsPending: current}
	cases := []struct {
		name, check string
		change      func(*doctor.Inputs)
	}{
		{"keys of two modes", "API keys", func(in *doctor.Inputs) { in.PublishableKey = "pk_test_abc" }},
		{"a publishable key as secret key", "secret key kind", func(in *doctor.Inputs) { in.SecretKey = "pk_live_abc" }},
		{"no webhook secret", "webhook signing secret", func(in *doctor.Inputs) { in.WebhookSecret = "" }},
		{"http in live mode", "BASE_URL is https", func(in *doctor.Inputs) { in.BaseURL = "http://shop.example.com" }},
		{"no session secret", "SESSION_SECRET", func(in *doctor.Inputs) { in.SessionSecretSet = false }},
		{"pending migrations", "database migrations", func(in *doctor.Inputs) {
			in.MigrationsPending = func(context.Context) (bool, error) { return true, nil }
		}},
		{"an unreachable database", "database migrations", func(in *doctor.Inputs) {
			in.MigrationsPending = func(context.Context) (bool, error) { return false, errors.New("connection refused") }
		}},
		{"no endpoint known to Stripe", "webhook endpoint", func(in *doctor.Inputs) {}},
		{"events refused for their API version", "no webhook events refused", func(in *doctor.Inputs) {
			in.VersionMismatches = func(context.Context) (int64, *time.Time, error) { now := time.Now(); return 3, &now, nil }
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name+" fails the required check with a fix", func(t *testing.T) {
			in := live
			tc.change(&in)
			checks := doctor.Run(t.Context(), in)
			c := byName(checks, tc.check)
			if c.OK || !c.Required || c.Fix == "" {
				t.Fatalf("%+v", c)
			}
			if !doctor.Failed(checks) {
				t.Fatal("doctor reported ready")
			}
		})
	}
	t.Run("a setting that stops the start is reported", func(t *testing.T) {
		checks := doctor.Run(t.Context(), doctor.Inputs{ConfigError: errors.New("BASE_URL: must be https with live keys")})
		if !doctor.Failed(checks) || !strings.Contains(checks[0].Detail, "BASE_URL") {
			t.Fatalf("%+v", checks)
		}
	})
}

func TestDoctorRepositoryChecks(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.email=t@example.com", "-c", "user.name=t"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n"), 0o644)
	git("add", ".")
	git("commit", "-qm", "clean")
	in := doctor.Inputs{SecretKey: "sk_test_simulator", PublishableKey: "pk_test_simulator", Simulated: true,
		BaseURL: "http://localhost:4242", RepoDir: dir, MigrationsPending: current}
	checks := doctor.Run(t.Context(), in)
	if c := byName(checks, ".env"); !c.OK {
		t.Errorf("clean repo .env check: %+v", c)
	}
	if c := byName(checks, "no secrets"); !c.OK {
		t.Errorf("clean repo secrets check: %+v", c)
	}

	os.WriteFile(filepath.Join(dir, ".env"), []byte("PORT=1\n"), 0o644)
	key := "sk_live_" + strings.Repeat("a1B2", 8)
	os.WriteFile(filepath.Join(dir, "config.go"), []byte("package main\nconst key = \""+key+"\"\n"), 0o644)
	git("add", "-f", ".env", "config.go")
	git("commit", "-qm", "oops")
	checks = doctor.Run(t.Context(), in)
	if c := byName(checks, ".env"); c.OK || !c.Required {
		t.Errorf("tracked .env not caught: %+v", c)
	}
	if c := byName(checks, "no secrets"); c.OK || !strings.Contains(c.Detail, "config.go") {
		t.Errorf("committed key not caught: %+v", c)
	}
}

func TestDoctorSimulatorOnAPublicHost(t *testing.T) {
	sim := doctor.Inputs{SecretKey: "sk_test_simulator", PublishableKey: "pk_test_simulator", WebhookSecret: "whsec_sim",
		Simulated: true, HandledEvents: webhooks.Handled, MigrationsPending: current}
	for _, base := range []string{"https://demo.example.com", "http://192.168.1.20:4242", "http://[2001:db8::1]:4242"} {
		t.Run("on "+base+" it is a required failure with a fix", func(t *testing.T) {
			in := sim
			in.BaseURL = base
			checks := doctor.Run(t.Context(), in)
			c := byName(checks, "Stripe simulator not on a public host")
			if c.OK || !c.Required || !strings.Contains(c.Fix, "STRIPE_SECRET_KEY") || !doctor.Failed(checks) {
				t.Fatalf("%+v", c)
			}
		})
	}
	for _, base := range []string{"http://localhost:4242", "http://127.0.0.1:4242", "http://[::1]:4242"} {
		t.Run("on "+base+" it passes", func(t *testing.T) {
			in := sim
			in.BaseURL = base
			if c := byName(doctor.Run(t.Context(), in), "Stripe simulator not on a public host"); !c.OK {
				t.Fatalf("%+v", c)
			}
		})
	}
	t.Run("with Stripe keys on a public host it passes", func(t *testing.T) {
		in := doctor.Inputs{SecretKey: "sk_test_1", PublishableKey: "pk_test_1", BaseURL: "https://shop.example.com", MigrationsPending: current}
		if c := byName(doctor.Run(t.Context(), in), "Stripe simulator not on a public host"); !c.OK {
			t.Fatalf("%+v", c)
		}
	})
}
