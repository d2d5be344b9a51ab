package app

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"

	"github.com/storefront/storefront/models"
)

// DemoAdminEmail is the address of the admin made for a developer's first run on the simulator.
const DemoAdminEmail = "demo-admin@example.com"

// DemoAdmin is the admin CreateDemoAdmin made; its password is shown once, in the start banner.
type DemoAdmin struct{ Email, Password string }

// demoAdminAllowed reports whether this shop may get a demo admin: simulated payments on a loopback BASE_URL
// (a developer's machine, never a public host or real keys), no ADMIN_EMAIL, and the text log format, the only
// one that prints the banner with the password.
func demoAdminAllowed(cfg Config) bool {
	return cfg.Simulated && IsLoopbackURL(cfg.BaseURL) && cfg.AdminEmail == "" && cfg.LogFormat == "text"
}

// CreateDemoAdmin creates DemoAdminEmail with a random password when demoAdminAllowed and no admin exists yet.
// It returns the zero DemoAdmin when it created none.
func (a *App) CreateDemoAdmin(ctx context.Context) (DemoAdmin, error) {
	if !demoAdminAllowed(a.cfg) {
		return DemoAdmin{}, nil
	}
	exists, err := models.AnyAdmin(ctx, a.db.DB)
	if err != nil || exists {
		return DemoAdmin{}, err
	}
	password := demoPassword()
	created, err := models.CreateAdminIfMissing(ctx, a.db.DB, DemoAdminEmail, password)
	if err != nil {
		return DemoAdmin{}, fmt.Errorf("create demo admin: %w", err)
	}
	if !created {
		return DemoAdmin{}, nil // another instance made it first
	}
	a.log.Info("demo admin created; its password is in the start banner", "admin", DemoAdminEmail)
	return DemoAdmin{Email: DemoAdminEmail, Password: password}, nil
}

// demoPassword is 120 random bits, readable and easy to copy: xxxx-xxxx-xxxx-xxxx-xxxx-xxxx.
func demoPassword() string {
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	s := strings.ToLower(base32.StdEncoding.EncodeToString(b))
	var groups []string
	for i := 0; i < len(s); i += 4 {
		groups = append(groups, s[i:i+4])
	}
	return strings.Join(groups, "-")
}
