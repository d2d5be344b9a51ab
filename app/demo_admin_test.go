package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/storefront/storefront/app"
	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

// demoServer is a shop as `make run` starts it (text logs, so the banner is printed), changed by env and tune.
func demoServer(t *testing.T, env map[string]string, tune func(*app.Config)) *apptest.Server {
	t.Helper()
	opts := apptest.Options{Env: map[string]string{"TRUSTED_PROXIES": "127.0.0.1/32"}, Tune: func(c *app.Config) {
		c.LogFormat = "text"
		if tune != nil {
			tune(c)
		}
	}}
	for k, v := range env {
		opts.Env[k] = v
	}
	return apptest.New(t, opts)
}

func TestDemoAdminSignsInWithThePrintedPassword(t *testing.T) {
	s := demoServer(t, nil, nil)
	demo, err := s.App.CreateDemoAdmin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if demo.Email != app.DemoAdminEmail || len(demo.Password) < models.AdminMinPasswordLength {
		t.Fatalf("demo admin %q with a password of %d characters", demo.Email, len(demo.Password))
	}
	banner, err := s.App.Banner(t.Context(), demo)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(banner, demo.Email+" / "+demo.Password) {
		t.Fatalf("banner does not show the demo admin's sign-in:\n%s", banner)
	}
	if strings.Contains(s.Logs.String(), demo.Password) {
		t.Error("the demo admin's password reached the log")
	}

	c := visitor(t, s)
	adminLogin(c, demo.Email, "not-the-password-1").Expect(t, http.StatusUnprocessableEntity)
	adminLogin(c, demo.Email, demo.Password).Expect(t, http.StatusSeeOther)
	c.Get("/admin/orders").Expect(t, http.StatusOK)

	again, err := s.App.CreateDemoAdmin(t.Context())
	if err != nil || again != (app.DemoAdmin{}) {
		t.Fatalf("a second start made another demo admin: %+v %v", again, err)
	}
	banner, err = s.App.Banner(t.Context(), again)
	if err != nil || strings.Contains(banner, demo.Password) || !strings.Contains(banner, "storefront admin create") {
		t.Errorf("banner of the second start (%v):\n%s", err, banner)
	}
}

func TestDemoAdminOnlyOnTheSimulatorOnLoopbackWithoutAdmins(t *testing.T) {
	cases := []struct {
		name  string
		env   map[string]string
		tune  func(*app.Config)
		setup func(context.Context, *apptest.Server) error
	}{
		{"JSON logs, which never print the password", nil, func(c *app.Config) { c.LogFormat = "json" }, nil},
		{"ADMIN_EMAIL set", map[string]string{"ADMIN_EMAIL": "owner@example.com", "ADMIN_PASSWORD": "owner-password-1"}, nil, nil},
		{"the simulator on a public host", map[string]string{"STRIPE_SIMULATOR": "on"}, func(c *app.Config) { c.BaseURL = "https://demo.example.com" }, nil},
		{"Stripe test keys", map[string]string{"STRIPE_SECRET_KEY": "sk_test_123", "STRIPE_PUBLISHABLE_KEY": "pk_test_123",
			"STRIPE_API_BASE": "http://127.0.0.1:9"}, nil, nil},
		{"an admin made with admin create", nil, nil, func(ctx context.Context, s *apptest.Server) error {
			_, err := models.UpsertAdmin(ctx, s.App.DB().DB, "staff@example.com", "staff-password-1")
			return err
		}},
	}
	for _, tc := range cases {
		t.Run("no demo admin with "+tc.name, func(t *testing.T) {
			s := demoServer(t, tc.env, tc.tune)
			if tc.setup != nil {
				if err := tc.setup(t.Context(), s); err != nil {
					t.Fatal(err)
				}
			}
			demo, err := s.App.CreateDemoAdmin(t.Context())
			if err != nil || demo != (app.DemoAdmin{}) {
				t.Fatalf("demo admin %+v, err %v", demo, err)
			}
			var n int64
			s.App.DB().DB.Model(&models.Admin{}).Where("email = ?", app.DemoAdminEmail).Count(&n)
			if n != 0 {
				t.Errorf("%d demo admins in the database", n)
			}
		})
	}
}
