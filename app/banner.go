package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/storefront/storefront/models"
)

// Banner is the start message for people (LOG_FORMAT=text only; JSON logs stay one record per line): where the
// shop, the admin, the simulator's try-it page and the emails are, the test cards and the database. It holds
// no secret except the password of a demo admin made at this start.
func (a *App) Banner(ctx context.Context, demo DemoAdmin) (string, error) {
	st := bannerAdmins{demoNow: demo}
	if demo.Email == "" {
		var err error
		if st.any, err = models.AnyAdmin(ctx, a.db.DB); err != nil {
			return "", err
		}
		if st.any && demoAdminAllowed(a.cfg) {
			if st.demoBefore, err = models.AdminExists(ctx, a.db.DB, DemoAdminEmail); err != nil {
				return "", err
			}
		}
	}
	return formatBanner(a.cfg, st), nil
}

// bannerAdmins is what the banner says about signing in to the admin.
type bannerAdmins struct {
	demoNow    DemoAdmin // made at this start: its password is shown
	demoBefore bool      // the demo admin of an earlier start exists (its password was shown then)
	any        bool
}

// formatBanner lays the banner out: one label column, one value column.
func formatBanner(cfg Config, admins bannerAdmins) string {
	var b strings.Builder
	line := func(label, format string, args ...any) {
		fmt.Fprintf(&b, "  %-11s %s\n", label, fmt.Sprintf(format, args...))
	}
	base := cfg.BaseURL
	b.WriteString("\nStorefront is ready\n")
	switch {
	case cfg.Simulated && !IsLoopbackURL(base):
		line("payments", "SIMULATED ON A PUBLIC HOST (STRIPE_SIMULATOR=on): anyone can use the simulator; for demos only")
	case cfg.Simulated:
		line("payments", "simulated: the built-in Stripe simulator, nothing is charged (set Stripe keys for real test mode)")
	case cfg.Live:
		line("payments", "Stripe LIVE mode: real cards are charged")
	default:
		line("payments", "Stripe test mode")
	}
	line("shop", "%s", base)
	switch demo := admins.demoNow; {
	case demo.Email != "":
		line("admin", "%s/admin  %s / %s (demo admin; password shown only now)", base, demo.Email, demo.Password)
	case cfg.AdminEmail != "":
		line("admin", "%s/admin  sign in as ADMIN_EMAIL", base)
	case admins.demoBefore:
		line("admin", "%s/admin  %s (password shown at its first start; new one: storefront admin create --email %[2]s)", base, DemoAdminEmail)
	case admins.any:
		line("admin", "%s/admin  sign in as an admin (new password: storefront admin create --email EMAIL)", base)
	default:
		line("admin", "%s/admin  no admin yet: storefront admin create --email you@example.com", base)
	}
	if cfg.Simulated {
		line("try it", "%s%s/  the simulator's own page: test cards, webhooks, faults", base, SimBasePath)
	}
	if server := cfg.SMTPServer(); server != "" {
		line("emails", "sent through the SMTP server %s", server)
	} else {
		line("emails", "kept in the outbox at %s/admin/emails (set SMTP_URL to send them)", base)
	}
	if !cfg.Live {
		line("test cards", "4242 4242 4242 4242 pays · 4000 0025 0000 3155 asks for 3-D Secure")
		line("", "4000 0000 0000 0002 is declined · any future expiry, any CVC")
	}
	line("database", "%s", RedactDSN(cfg.DatabaseURL))
	return b.String()
}
