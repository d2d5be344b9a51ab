package app

import (
	"strings"
	"testing"
	"time"
)

func load(env map[string]string) (Config, error) {
	return LoadConfig(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
}

func TestConfigDefaultsRunTheSimulator(t *testing.T) {
	c, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Simulated || c.Port != 4242 || c.BaseURL != "http://localhost:4242" || c.DatabaseURL != "sqlite://storefront.db" ||
		c.Currency != "usd" || c.ShippingFlat != 500 || c.FreeShippingOver != 5000 || c.StripeSecretKey != SimSecretKey {
		t.Fatalf("defaults: %+v", c)
	}
	if !c.SessionSecretGenerated || len(c.SessionSecret) < 32 {
		t.Error("no session secret generated in dev")
	}
	if c.InboxRetention != 30*24*time.Hour {
		t.Errorf("INBOX_RETENTION defaults to %v, want 30 days", c.InboxRetention)
	}
	if c.MemoryLimit != 96<<20 {
		t.Errorf("GOMEMLIMIT defaults to %d bytes, want 96MiB", c.MemoryLimit)
	}
	if c, _ := load(map[string]string{"GOMEMLIMIT": "1GiB"}); c.MemoryLimit != 1<<30 {
		t.Errorf("GOMEMLIMIT=1GiB read as %d bytes", c.MemoryLimit)
	}
}

func TestConfigRefusesBadSettingsWithOneClearLine(t *testing.T) {
	liveOK := map[string]string{
		"STRIPE_SECRET_KEY": "sk_live_abc123", "STRIPE_PUBLISHABLE_KEY": "pk_live_abc123",
		"STRIPE_WEBHOOK_SECRET": "whsec_abc", "BASE_URL": "https://shop.example.com",
		"SESSION_SECRET": strings.Repeat("x", 64),
	}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		return m
	}
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"a port that is not a number", map[string]string{"PORT": "http"}, "PORT: "},
		{"a base URL that is not a URL", map[string]string{"BASE_URL": "shop"}, "BASE_URL: "},
		{"an unknown database", map[string]string{"DATABASE_URL": "mysql://x"}, "DATABASE_URL: "},
		{"only a secret key", map[string]string{"STRIPE_SECRET_KEY": "sk_test_1"}, "STRIPE_PUBLISHABLE_KEY: missing"},
		{"only a publishable key", map[string]string{"STRIPE_PUBLISHABLE_KEY": "pk_test_1"}, "STRIPE_SECRET_KEY: missing"},
		{"mismatched key modes", map[string]string{"STRIPE_SECRET_KEY": "sk_test_1", "STRIPE_PUBLISHABLE_KEY": "pk_live_1"}, "STRIPE_PUBLISHABLE_KEY: is a live key but STRIPE_SECRET_KEY is a test key"},
		{"a publishable key as secret", map[string]string{"STRIPE_SECRET_KEY": "pk_test_1", "STRIPE_PUBLISHABLE_KEY": "pk_test_1"}, "STRIPE_SECRET_KEY: not a Stripe secret key"},
		{"live keys over http", with(liveOK, "BASE_URL", "http://shop.example.com"), "BASE_URL: must be https with live keys"},
		{"live keys without a webhook secret", with(liveOK, "STRIPE_WEBHOOK_SECRET", ""), "STRIPE_WEBHOOK_SECRET: required with live keys"},
		{"live keys without a session secret", with(liveOK, "SESSION_SECRET", ""), "SESSION_SECRET: required with live keys"},
		{"live keys with another API base", with(liveOK, "STRIPE_API_BASE", "http://localhost:12111"), "STRIPE_API_BASE: refused with live keys"},
		{"live keys with the simulator", with(liveOK, "STRIPE_SIMULATOR", "on"), "STRIPE_SIMULATOR: cannot be on with live keys"},
		{"the simulator off without keys", map[string]string{"STRIPE_SIMULATOR": "off"}, "STRIPE_SECRET_KEY: no Stripe keys"},
		{"a webhook secret of the wrong shape", map[string]string{"STRIPE_SECRET_KEY": "sk_test_1", "STRIPE_PUBLISHABLE_KEY": "pk_test_1", "STRIPE_WEBHOOK_SECRET": "secret"}, "STRIPE_WEBHOOK_SECRET: "},
		{"a short session secret", map[string]string{"SESSION_SECRET": "short"}, "SESSION_SECRET: too short"},
		{"an admin email without password", map[string]string{"ADMIN_EMAIL": "a@example.com"}, "ADMIN_PASSWORD: "},
		{"a currency that is not ISO", map[string]string{"CURRENCY": "dollars"}, "CURRENCY: "},
		{"an unknown log format", map[string]string{"LOG_FORMAT": "xml"}, "LOG_FORMAT: "},
		{"negative shipping", map[string]string{"SHIPPING_FLAT": "-5"}, "SHIPPING_FLAT: "},
		{"a bad proxy range", map[string]string{"TRUSTED_PROXIES": "10.0.0.0/99"}, "TRUSTED_PROXIES: "},
		{"a bad reconcile interval", map[string]string{"RECONCILE_INTERVAL": "often"}, "RECONCILE_INTERVAL: "},
		{"an inbox retention under an hour", map[string]string{"INBOX_RETENTION": "5m"}, "INBOX_RETENTION: "},
		{"a memory limit that is not a size", map[string]string{"GOMEMLIMIT": "lots"}, "GOMEMLIMIT: "},
		{"a memory limit too small to run", map[string]string{"GOMEMLIMIT": "1MiB"}, "GOMEMLIMIT: "},
	}
	for _, tc := range cases {
		t.Run(tc.name+" stops the start", func(t *testing.T) {
			_, err := load(tc.env)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want one line starting %q", err, tc.want)
			}
		})
	}
	t.Run("a complete live configuration starts", func(t *testing.T) {
		c, err := load(liveOK)
		if err != nil || !c.Live || c.Simulated {
			t.Fatalf("live config: %v %+v", err, c)
		}
	})
	t.Run("test keys use Stripe, not the simulator", func(t *testing.T) {
		c, err := load(map[string]string{"STRIPE_SECRET_KEY": "rk_test_1", "STRIPE_PUBLISHABLE_KEY": "pk_test_1"})
		if err != nil || c.Simulated || c.Live {
			t.Fatalf("test config: %v %+v", err, c)
		}
	})
}

func TestConfigSimulatorTurnsItselfOnOnlyOnLoopback(t *testing.T) {
	for _, base := range []string{"http://localhost:4242", "http://LOCALHOST:8080", "http://127.0.0.1:4242",
		"http://127.1.2.3", "http://[::1]:4242", "https://localhost"} {
		t.Run("no keys on "+base+" runs the simulator", func(t *testing.T) {
			c, err := load(map[string]string{"BASE_URL": base})
			if err != nil || !c.Simulated {
				t.Fatalf("simulated=%v err=%v", c.Simulated, err)
			}
		})
	}
	for _, base := range []string{"https://shop.example.com", "http://192.168.1.10:4242", "http://0.0.0.0:4242",
		"http://[2001:db8::1]", "http://localhost.example.com", "http://10.0.0.1"} {
		t.Run("no keys on "+base+" refuses to start naming STRIPE_SECRET_KEY", func(t *testing.T) {
			_, err := load(map[string]string{"BASE_URL": base})
			if err == nil {
				t.Fatal("started the simulator on a public host")
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "STRIPE_SECRET_KEY: ") || strings.Contains(msg, "\n") ||
				!strings.Contains(msg, "STRIPE_SIMULATOR=on") {
				t.Errorf("error %q", msg)
			}
		})
	}
	t.Run("STRIPE_SIMULATOR=on demos on a public host on purpose", func(t *testing.T) {
		c, err := load(map[string]string{"BASE_URL": "https://demo.example.com", "STRIPE_SIMULATOR": "on"})
		if err != nil || !c.Simulated {
			t.Fatalf("simulated=%v err=%v", c.Simulated, err)
		}
	})
	t.Run("test keys on a public host use Stripe", func(t *testing.T) {
		c, err := load(map[string]string{"BASE_URL": "https://shop.example.com", "STRIPE_SECRET_KEY": "sk_test_1", "STRIPE_PUBLISHABLE_KEY": "pk_test_1"})
		if err != nil || c.Simulated {
			t.Fatalf("simulated=%v err=%v", c.Simulated, err)
		}
	})
}

func TestConfigMailSettings(t *testing.T) {
	t.Run("unset SMTP_URL keeps emails in the outbox", func(t *testing.T) {
		c, err := load(nil)
		if err != nil || c.SMTPURL != "" || c.SMTPServer() != "" || c.MailFrom != "Storefront <shop@localhost>" {
			t.Fatalf("%v %q %q", err, c.SMTPURL, c.MailFrom)
		}
	})
	for _, tc := range []struct{ url, server string }{
		{"smtp://user:pass@mail.example.com:2525", "mail.example.com:2525"},
		{"smtp://user:pass@mail.example.com", "mail.example.com:587"},
		{"smtps://user:pass@mail.example.com", "mail.example.com:465"},
	} {
		t.Run(tc.url+" sends through "+tc.server, func(t *testing.T) {
			c, err := load(map[string]string{"SMTP_URL": tc.url})
			if err != nil || c.SMTPServer() != tc.server {
				t.Fatalf("%v %q", err, c.SMTPServer())
			}
		})
	}
	for _, bad := range []string{"http://user:s3cret-pw@mail.example.com", "mail.example.com:587", "smtp://user:s3cret-pw@"} {
		t.Run(bad+" stops the start without repeating the password", func(t *testing.T) {
			_, err := load(map[string]string{"SMTP_URL": bad})
			if err == nil || !strings.HasPrefix(err.Error(), "SMTP_URL: ") || strings.Contains(err.Error(), "s3cret") {
				t.Fatalf("%v", err)
			}
		})
	}
	t.Run("a sender that is not an address stops the start", func(t *testing.T) {
		if _, err := load(map[string]string{"MAIL_FROM": "the shop"}); err == nil || !strings.HasPrefix(err.Error(), "MAIL_FROM: ") {
			t.Fatalf("%v", err)
		}
	})
}

func TestConfigAssetsDirIsForDevelopmentOnly(t *testing.T) {
	c, err := load(map[string]string{"ASSETS_DIR": "assets"})
	if err != nil || c.AssetsDir != "assets" {
		t.Fatalf("%v %q", err, c.AssetsDir)
	}
	_, err = load(map[string]string{"ASSETS_DIR": "assets", "STRIPE_SECRET_KEY": "sk_live_abc123", "STRIPE_PUBLISHABLE_KEY": "pk_live_abc123",
		"STRIPE_WEBHOOK_SECRET": "whsec_abc", "BASE_URL": "https://shop.example.com", "SESSION_SECRET": strings.Repeat("x", 64)})
	if err == nil || !strings.HasPrefix(err.Error(), "ASSETS_DIR: ") {
		t.Fatalf("live keys with ASSETS_DIR: %v", err)
	}
}

func TestConfigKnowsTemplsWatchMode(t *testing.T) {
	if c, _ := load(nil); c.BehindTemplProxy {
		t.Error("behind templ's proxy without TEMPL_DEV_MODE")
	}
	if c, _ := load(map[string]string{"TEMPL_DEV_MODE": "true"}); !c.BehindTemplProxy {
		t.Error("TEMPL_DEV_MODE=true not seen")
	}
}

func TestConfigRequireCVCRecollection(t *testing.T) {
	if c, _ := load(nil); c.RequireCVCRecollection {
		t.Error("REQUIRE_CVC_RECOLLECTION is on by default")
	}
	if c, err := load(map[string]string{"REQUIRE_CVC_RECOLLECTION": "true"}); err != nil || !c.RequireCVCRecollection {
		t.Errorf("REQUIRE_CVC_RECOLLECTION=true: %v %v", err, c.RequireCVCRecollection)
	}
	if _, err := load(map[string]string{"REQUIRE_CVC_RECOLLECTION": "sometimes"}); err == nil || !strings.HasPrefix(err.Error(), "REQUIRE_CVC_RECOLLECTION: ") {
		t.Errorf("REQUIRE_CVC_RECOLLECTION=sometimes: %v", err)
	}
}
