package app

import (
	"strings"
	"testing"
)

func TestBannerLines(t *testing.T) {
	cfg, err := LoadConfig(func(k string) (string, bool) {
		v, ok := map[string]string{"SESSION_SECRET": strings.Repeat("s", 40)}[k]
		return v, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	got := formatBanner(cfg, bannerAdmins{demoNow: DemoAdmin{Email: DemoAdminEmail, Password: "abcd-efgh-ijkl-mnop"}})
	want := []string{
		"  payments    simulated: ",
		"  shop        http://localhost:4242\n",
		"  admin       http://localhost:4242/admin  demo-admin@example.com / abcd-efgh-ijkl-mnop (demo admin; password shown only now)\n",
		"  try it      http://localhost:4242/__stripe/  ",
		"  emails      kept in the outbox at http://localhost:4242/admin/emails",
		"  test cards  4242 4242 4242 4242 pays · 4000 0025 0000 3155 asks for 3-D Secure\n",
		"              4000 0000 0000 0002 is declined",
		"  database    sqlite://storefront.db\n",
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("banner lacks %q:\n%s", w, got)
		}
	}
	if n := strings.Count(got, "\n"); n > 12 {
		t.Errorf("banner of %d lines; keep it short:\n%s", n, got)
	}
}

func TestBannerVariants(t *testing.T) {
	base := func(env map[string]string) Config {
		t.Helper()
		c, err := LoadConfig(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	cases := []struct {
		name      string
		cfg       Config
		admins    bannerAdmins
		want, not []string
	}{
		{"ADMIN_EMAIL names the setting, not the address", base(map[string]string{"ADMIN_EMAIL": "boss@shop.example", "ADMIN_PASSWORD": "boss-password-123"}), bannerAdmins{any: true},
			[]string{"sign in as ADMIN_EMAIL"}, []string{"boss@shop.example", "boss-password-123"}},
		{"the demo admin of an earlier start is named, its password not", base(nil), bannerAdmins{any: true, demoBefore: true},
			[]string{"/admin  demo-admin@example.com (password shown at its first start; new one: storefront admin create --email demo-admin@example.com)"}, nil},
		{"existing admins are pointed at admin create", base(nil), bannerAdmins{any: true}, []string{"storefront admin create --email EMAIL"}, []string{"demo-admin"}},
		{"no admin says how to make one", base(nil), bannerAdmins{}, []string{"no admin yet: storefront admin create"}, nil},
		{"SMTP_URL names the server only", base(map[string]string{"SMTP_URL": "smtps://mailer:smtp-pass-123@mail.example.com"}), bannerAdmins{},
			[]string{"sent through the SMTP server mail.example.com:465"}, []string{"smtp-pass-123", "mailer", "outbox"}},
		{"test keys have test cards and no try-it page", base(map[string]string{"STRIPE_SECRET_KEY": "sk_test_51Abcdefghijklmnopqrstuvwxyz", "STRIPE_PUBLISHABLE_KEY": "pk_test_51Abc"}), bannerAdmins{},
			[]string{"Stripe test mode", "4242 4242 4242 4242"}, []string{"try it", "__stripe"}},
		{"live keys have no test cards", base(map[string]string{"STRIPE_SECRET_KEY": "sk_live_51Abcdefghijklmnopqrstuvwxyz", "STRIPE_PUBLISHABLE_KEY": "pk_live_51Abc",
			"STRIPE_WEBHOOK_SECRET": "whsec_abcdefghijklmnop", "BASE_URL": "https://shop.example.com", "SESSION_SECRET": strings.Repeat("z", 64)}), bannerAdmins{any: true},
			[]string{"LIVE", "https://shop.example.com/admin"}, []string{"4242", "try it"}},
		{"the simulator on a public host says so", base(map[string]string{"STRIPE_SIMULATOR": "on", "BASE_URL": "https://demo.example.com"}), bannerAdmins{},
			[]string{"SIMULATED ON A PUBLIC HOST"}, nil},
		{"a database password is hidden", base(map[string]string{"DATABASE_URL": "postgres://shop:db-pass-123@db:5432/shop?sslmode=disable&sslpassword=ssl-pass-123"}), bannerAdmins{},
			[]string{"postgres://shop:xxxxx@db:5432/shop?"}, []string{"db-pass-123", "ssl-pass-123"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := formatBanner(tc.cfg, tc.admins)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("banner lacks %q:\n%s", w, got)
				}
			}
			for _, n := range append(tc.not, secretsOf(tc.cfg)...) {
				if strings.Contains(got, n) {
					t.Errorf("banner shows %q:\n%s", n, got)
				}
			}
		})
	}
}

// secretsOf lists the config's secrets that no banner may print.
func secretsOf(c Config) []string {
	var out []string
	for _, s := range []string{c.StripeSecretKey, c.StripeWebhookSecret, c.SessionSecret, c.AdminPassword, c.AdminAPIToken} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func TestRedactDSN(t *testing.T) {
	for in, want := range map[string]string{
		"sqlite://storefront.db":                      "sqlite://storefront.db",
		"postgres://u:p%40ss@h/db":                    "postgres://u:xxxxx@h/db",
		"postgres://u@h/db?password=secret&sslmode=x": "postgres://u@h/db?password=xxxxx&sslmode=x",
		"postgres://h/db":                             "postgres://h/db",
	} {
		if got := RedactDSN(in); got != want {
			t.Errorf("RedactDSN(%q) = %q, want %q", in, got, want)
		}
	}
}
