// Package doctor runs the go-live checklist against the shop's settings and, when keys are set, Stripe itself:
// each check passes or fails with the fix, and required failures make the command exit non-zero.
package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v82"
)

// Check is one line of the checklist.
type Check struct {
	Name     string `json:"name"`
	OK       bool   `json:"ok"`
	Required bool   `json:"required"` // a failed required check makes doctor exit non-zero
	Detail   string `json:"detail"`
	Fix      string `json:"fix,omitempty"`
}

// Inputs is what doctor looks at: the settings (already parsed), Stripe, the database and the repository.
type Inputs struct {
	SecretKey, PublishableKey string
	WebhookSecret             string
	BaseURL                   string
	SessionSecretSet          bool
	Simulated, Live           bool
	ConfigError               error // a setting that stopped the start (reported as the first check)
	Stripe                    *stripe.Client
	HandledEvents             []string
	MigrationsPending         func(context.Context) (bool, error)
	// VersionMismatches counts webhook events refused for another API release train, and when the last came.
	VersionMismatches func(context.Context) (int64, *time.Time, error)
	RepoDir           string // "" skips the git checks
}

// Run performs every check.
func Run(ctx context.Context, in Inputs) []Check {
	if in.ConfigError != nil {
		return []Check{{Name: "settings load", Required: true, Detail: in.ConfigError.Error(),
			Fix: "correct the setting named above (see .env.example)"}}
	}
	checks := []Check{
		simulatorPrivate(in),
		keyModes(in),
		keyKind(in),
		apiVersion(),
		webhookSecret(in),
	}
	checks = append(checks, webhookEndpoint(ctx, in), refusedEvents(ctx, in))
	checks = append(checks, httpsInLive(in), sessionSecret(in), migrationsCurrent(ctx, in))
	if in.RepoDir != "" {
		checks = append(checks, envNotTracked(in.RepoDir), noSecretsTracked(in.RepoDir))
	}
	return checks
}

// Failed reports whether a required check failed.
func Failed(checks []Check) bool {
	return slices.ContainsFunc(checks, func(c Check) bool { return c.Required && !c.OK })
}

// Print writes the checklist for people (✓/✗ with the fix) or as JSON.
func Print(w io.Writer, checks []Check, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"checks": checks, "ready": !Failed(checks)})
	}
	for _, c := range checks {
		mark := "✓"
		switch {
		case !c.OK && c.Required:
			mark = "✗"
		case !c.OK:
			mark = "!"
		}
		fmt.Fprintf(w, "%s %s — %s\n", mark, c.Name, c.Detail)
		if !c.OK && c.Fix != "" {
			fmt.Fprintf(w, "    fix: %s\n", c.Fix)
		}
	}
	if Failed(checks) {
		fmt.Fprintln(w, "\nNot ready: fix the ✗ lines above.")
	} else {
		fmt.Fprintln(w, "\nReady: every required check passes.")
	}
	return nil
}

func mode(key string) string {
	switch {
	case strings.Contains(key, "_live_"):
		return "live"
	case strings.Contains(key, "_test_"):
		return "test"
	}
	return "unknown"
}

func keyModes(in Inputs) Check {
	c := Check{Name: "API keys are of one mode", Required: true}
	if in.Simulated {
		c.OK, c.Detail = true, "no keys: the built-in simulator stands in for Stripe (no real charges)"
		return c
	}
	sk, pk := mode(in.SecretKey), mode(in.PublishableKey)
	c.OK = sk == pk && sk != "unknown" && strings.HasPrefix(in.PublishableKey, "pk_")
	c.Detail = fmt.Sprintf("secret key %s mode, publishable key %s mode", sk, pk)
	c.Fix = "copy both keys from the same mode of the Dashboard (Developers → API keys)"
	return c
}

// simulatorPrivate fails when the simulator serves a public BASE_URL (STRIPE_SIMULATOR=on): its API, controls and
// try-it page are open to anyone there, with every shopper's address and refunds a request away.
func simulatorPrivate(in Inputs) Check {
	c := Check{Name: "Stripe simulator not on a public host", Required: true, OK: true}
	switch {
	case !in.Simulated:
		c.Detail = "the simulator is off"
	case loopback(in.BaseURL):
		c.Detail = "the simulator serves " + in.BaseURL + ", a loopback address"
	default:
		c.OK = false
		c.Detail = "the simulator is on at " + in.BaseURL + ": anyone can read its payments, refund orders and inject faults"
		c.Fix = "set STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY (or unset STRIPE_SIMULATOR=on), or serve the demo on localhost only"
	}
	return c
}

// loopback reports whether a URL's host is localhost, 127.0.0.0/8 or [::1] (what the shop's settings accept
// for the simulator; doctor does not import the app).
func loopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

func keyKind(in Inputs) Check {
	c := Check{Name: "secret key kind", OK: true}
	switch {
	case in.Simulated:
		c.Detail = "simulator key"
	case strings.HasPrefix(in.SecretKey, "rk_"):
		c.Detail = "restricted key (rk_): it needs write access to PaymentIntents, Customers, Customer sessions and Refunds, and read access to Events and Webhook endpoints"
	case strings.HasPrefix(in.SecretKey, "sk_"):
		c.Detail = "secret key (sk_); a restricted key with only the permissions the shop needs limits the damage of a leak"
	default:
		c.OK, c.Required = false, true
		c.Detail = "not a Stripe secret key"
		c.Fix = "set STRIPE_SECRET_KEY to an sk_ or rk_ key"
	}
	return c
}

func apiVersion() Check {
	return Check{Name: "API version pinned", OK: true, Required: true,
		Detail: "every request and webhook uses " + stripe.APIVersion + " (stripe-go v82)"}
}

func webhookSecret(in Inputs) Check {
	c := Check{Name: "webhook signing secret", Required: in.Live}
	c.OK = strings.HasPrefix(in.WebhookSecret, "whsec_")
	switch {
	case in.Simulated:
		c.Detail = "the simulator signs its events with a secret made at start"
	case c.OK:
		c.Detail = "STRIPE_WEBHOOK_SECRET is set"
	default:
		c.Detail = "STRIPE_WEBHOOK_SECRET is not set: events cannot be verified and orders will only settle through the reconciler"
		c.Fix = "create the endpoint " + in.BaseURL + "/webhooks/stripe in the Dashboard (or run stripe listen) and copy its whsec_ secret"
	}
	return c
}

// webhookEndpoint asks Stripe for an enabled endpoint at BASE_URL/webhooks/stripe that listens to every handled
// event on the same API release train.
func webhookEndpoint(ctx context.Context, in Inputs) Check {
	want := in.BaseURL + "/webhooks/stripe"
	c := Check{Name: "webhook endpoint at " + want, Required: in.Live,
		Fix: "in the Dashboard (Developers → Webhooks) add " + want + " with API version " + stripe.APIVersion + " and the events " + strings.Join(in.HandledEvents, ", ")}
	if in.Stripe == nil {
		c.Detail = "Stripe not reachable from this check"
		return c
	}
	var problems []string
	found := false
	for ep, err := range in.Stripe.V1WebhookEndpoints.List(ctx, &stripe.WebhookEndpointListParams{}) {
		if err != nil {
			c.Required = true
			c.Detail = "could not list webhook endpoints: " + describe(err)
			c.Fix = "check STRIPE_SECRET_KEY (a restricted key needs read access to Webhook endpoints)"
			return c
		}
		if !sameURL(ep.URL, want) {
			continue
		}
		found = true
		if ep.Status != "enabled" {
			problems = append(problems, "it is "+ep.Status)
		}
		if missing := missingEvents(ep.EnabledEvents, in.HandledEvents); len(missing) > 0 {
			problems = append(problems, "it does not send "+strings.Join(missing, ", "))
		}
		if ep.APIVersion != "" && train(ep.APIVersion) != train(stripe.APIVersion) {
			problems = append(problems, "its API version "+ep.APIVersion+" is of another release train than "+stripe.APIVersion)
		}
	}
	switch {
	case !found:
		c.Detail = "no endpoint for " + want
	case len(problems) > 0:
		c.Detail = strings.Join(problems, "; ")
	default:
		c.OK, c.Detail = true, "enabled, listens to every handled event, API version of the same release train"
	}
	return c
}

// refusedEvents reports webhook events the shop refused because their API version is of another release train:
// an endpoint on the wrong version silently stops orders from settling by webhook.
func refusedEvents(ctx context.Context, in Inputs) Check {
	c := Check{Name: "no webhook events refused for their API version", Required: in.Live,
		Fix: "set the webhook endpoint's API version to " + stripe.APIVersion + " in the Dashboard (Developers → Webhooks)"}
	if in.VersionMismatches == nil {
		c.OK, c.Detail = true, "not checked"
		return c
	}
	n, last, err := in.VersionMismatches(ctx)
	switch {
	case err != nil:
		c.Detail, c.Fix = "cannot read the webhook inbox: "+err.Error(), "check DATABASE_URL and run storefront migrate"
	case n > 0:
		c.Detail = fmt.Sprintf("%d events refused, the last at %s", n, last.UTC().Format(time.RFC3339))
	default:
		c.OK, c.Detail = true, "none"
	}
	return c
}

func httpsInLive(in Inputs) Check {
	c := Check{Name: "BASE_URL is https in live mode", Required: in.Live}
	u, err := url.Parse(in.BaseURL)
	c.OK = err == nil && (u.Scheme == "https" || !in.Live)
	c.Detail = in.BaseURL
	if !in.Live && u != nil && u.Scheme != "https" {
		c.Detail += " (http is fine in test mode)"
	}
	c.Fix = "serve the shop over https and set BASE_URL to its https:// address"
	return c
}

func sessionSecret(in Inputs) Check {
	c := Check{Name: "SESSION_SECRET set", OK: in.SessionSecretSet, Required: in.Live}
	if c.OK {
		c.Detail = "cookies survive restarts and work across instances"
	} else {
		c.Detail = "not set: a random secret is made at each start, which signs everyone out on restart"
		c.Fix = "set SESSION_SECRET to the output of: openssl rand -hex 32"
	}
	return c
}

func migrationsCurrent(ctx context.Context, in Inputs) Check {
	c := Check{Name: "database migrations current", Required: true}
	if in.MigrationsPending == nil {
		c.Detail = "database not checked"
		return c
	}
	pending, err := in.MigrationsPending(ctx)
	switch {
	case err != nil:
		c.Detail, c.Fix = "cannot read the schema version: "+err.Error(), "check DATABASE_URL"
	case pending:
		c.Detail, c.Fix = "migrations are pending", "run: storefront migrate"
	default:
		c.OK, c.Detail = true, "schema is at the latest version"
	}
	return c
}

func envNotTracked(dir string) Check {
	c := Check{Name: ".env not tracked by git", Required: true}
	out, err := exec.Command("git", "-C", dir, "ls-files", "--", ".env").Output()
	switch {
	case err != nil:
		c.OK, c.Detail = true, "not a git checkout"
	case strings.TrimSpace(string(out)) != "":
		c.Detail, c.Fix = ".env is committed", "git rm --cached .env, rotate every secret it held, and keep .env in .gitignore"
	default:
		c.OK, c.Detail = true, ".env is not in git"
	}
	return c
}

// secretPattern matches live and test API keys and webhook secrets of real length.
var secretPattern = regexp.MustCompile(`\b(sk|rk)_(live|test)_[0-9A-Za-z]{20,}|\bwhsec_[0-9A-Za-z]{20,}`)

func noSecretsTracked(dir string) Check {
	c := Check{Name: "no secrets in tracked files", Required: true}
	out, err := exec.Command("git", "-C", dir, "grep", "-I", "-l", "-E", secretPattern.String()).Output()
	if err != nil && len(out) == 0 {
		// git grep exits 1 when nothing matches; any other failure means not a repository.
		c.OK, c.Detail = true, "no API keys or webhook secrets found in tracked files"
		return c
	}
	files := strings.Fields(string(out))
	c.Detail = "secrets found in " + strings.Join(files, ", ")
	c.Fix = "remove them from the files and the history, and roll the keys in the Dashboard"
	return c
}

func missingEvents(enabled, handled []string) []string {
	if slices.Contains(enabled, "*") {
		return nil
	}
	var out []string
	for _, h := range handled {
		if !slices.Contains(enabled, h) {
			out = append(out, h)
		}
	}
	return out
}

func sameURL(a, b string) bool { return strings.TrimRight(a, "/") == strings.TrimRight(b, "/") }

func train(v string) string {
	if i := strings.LastIndexByte(v, '.'); i >= 0 {
		return v[i+1:]
	}
	return v
}

func describe(err error) string {
	if se, ok := err.(*stripe.Error); ok {
		return fmt.Sprintf("%s (%s)", se.Msg, se.Type)
	}
	return err.Error()
}
