package app

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Simulator keys: what the app and the built-in Stripe simulator agree on when no keys are set.
const (
	SimSecretKey      = "sk_test_simulator"
	SimPublishableKey = "pk_test_simulator"
	SimBasePath       = "/__stripe"
)

// Config is every setting of the shop, loaded once from the environment and validated.
type Config struct {
	Port                 int
	BaseURL              string
	DatabaseURL          string
	StripeSecretKey      string
	StripePublishableKey string
	StripeWebhookSecret  string
	StripeAPIBase        string
	StripeJSURL          string
	StripeSimulator      string // auto, on, off
	SessionSecret        string
	AdminEmail           string
	AdminPassword        string
	Currency             string
	LogFormat            string
	LogLevel             string
	ShippingFlat         int64
	FreeShippingOver     int64
	AdminAPIToken        string
	MetricsToken         string
	TrustedProxies       []*net.IPNet
	ReconcileInterval    time.Duration
	InboxRetention       time.Duration // applied webhook events are kept this long
	MemoryLimit          int64         // soft limit of the Go heap in bytes (GOMEMLIMIT); 0 = none
	AbandonAfter         time.Duration // stock of an unpaid order is released after this
	// RequireCVCRecollection asks the shopper for the CVC again when paying with a saved card
	// (payment_method_options[card][require_cvc_recollection] on the PaymentIntent, the same on Elements).
	RequireCVCRecollection bool
	AssetsDir              string // development: serve assets from this folder on disk, read at each request

	// Email (SMTP_URL, MAIL_FROM): without SMTPURL the shop's emails stay in the outbox for /admin/emails.
	SMTPURL  string
	MailFrom string
	// SMTPTLS, when set, is the TLS configuration used with SMTP_URL (not a setting: tests trust their own server).
	SMTPTLS *tls.Config
	// MailRetryBase is the wait before an email's second attempt, doubling after (not a setting; 0 = 15 s).
	MailRetryBase time.Duration
	// OnDatabase, when set, is called with the database as soon as it is open, before any job runs (not a
	// setting: tests register GORM callbacks there, which is not safe once queries run concurrently).
	OnDatabase func(*gorm.DB)

	// Simulated is true when the built-in Stripe simulator stands in for Stripe.
	Simulated bool
	// Live is true with live-mode keys.
	Live bool
	// SessionSecretGenerated is true when SESSION_SECRET was unset and a random one was made for this run.
	SessionSecretGenerated bool
	// BehindTemplProxy is true under `templ generate --watch` (make dev), which sets TEMPL_DEV_MODE: pages then go
	// out uncompressed, because templ's reload proxy cannot insert its script into a streamed gzip page.
	BehindTemplProxy bool
	// StripeTimeout bounds each HTTP request to Stripe (not a setting: tests shorten it).
	StripeTimeout time.Duration
	// ConfirmBudget bounds one confirm with its Stripe calls and retries; the HTTP server's write timeout exceeds it
	// (not a setting; derived from StripeTimeout).
	ConfirmBudget time.Duration
	// MaxHeldUnits bounds the units one client's unpaid orders hold reserved at once (not a setting).
	MaxHeldUnits int64
	// InFlightTimeout is how long a confirm may be under way before it counts as lost (not a setting).
	InFlightTimeout time.Duration
	// StuckAfter is how long an unfinished payment waits before the reconciler re-reads it (not a setting).
	StuckAfter time.Duration
	// SearchCatchUp is how long after an attempt whose outcome is unknown Stripe's search is trusted to show
	// its PaymentIntent (Stripe: under a minute; not a setting).
	SearchCatchUp time.Duration
	// Now is the shop's clock (nil = the machine's; tests move it instead of sleeping).
	Now func() time.Time
	// DiscountPerMinute and ConfirmPerMinute limit discount attempts and payments per client (not settings).
	DiscountPerMinute, ConfirmPerMinute float64
}

// ConfigError is a bad setting: the message names the setting and the fix, on one line.
type ConfigError struct{ Setting, Problem string }

func (e *ConfigError) Error() string { return e.Setting + ": " + e.Problem }

func bad(setting, format string, args ...any) error {
	return &ConfigError{Setting: setting, Problem: fmt.Sprintf(format, args...)}
}

var currencyRe = regexp.MustCompile(`^[a-z]{3}$`)

// LoadConfig reads the settings through lookup (os.LookupEnv, or a map in tests) and validates them.
func LoadConfig(lookup func(string) (string, bool)) (Config, error) {
	get := func(name, def string) string {
		if v, ok := lookup(name); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
		return def
	}
	var c Config
	var err error

	if c.Port, err = strconv.Atoi(get("PORT", "4242")); err != nil || c.Port < 1 || c.Port > 65535 {
		return c, bad("PORT", "%q is not a port number; set it to 1-65535", get("PORT", ""))
	}
	c.BaseURL = strings.TrimRight(get("BASE_URL", fmt.Sprintf("http://localhost:%d", c.Port)), "/")
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, bad("BASE_URL", "%q is not an http(s) URL; set it to the shop's public URL, e.g. https://shop.example.com", c.BaseURL)
	}
	c.DatabaseURL = get("DATABASE_URL", "sqlite://storefront.db")
	if !strings.HasPrefix(c.DatabaseURL, "sqlite://") && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return c, bad("DATABASE_URL", "use sqlite://PATH or postgres://USER:PASS@HOST/DB")
	}
	if err := c.loadStripe(get); err != nil {
		return c, err
	}
	c.SessionSecret = get("SESSION_SECRET", "")
	switch {
	case c.SessionSecret == "" && c.Live:
		return c, bad("SESSION_SECRET", "required with live keys; set it to 64 random hex characters (openssl rand -hex 32)")
	case c.SessionSecret == "":
		c.SessionSecret = randomHex(32)
		c.SessionSecretGenerated = true
	case len(c.SessionSecret) < 32:
		return c, bad("SESSION_SECRET", "too short; use at least 32 characters (openssl rand -hex 32)")
	}
	c.AdminEmail = get("ADMIN_EMAIL", "")
	c.AdminPassword = get("ADMIN_PASSWORD", "")
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		return c, bad("ADMIN_PASSWORD", "ADMIN_EMAIL and ADMIN_PASSWORD go together; set both or neither")
	}
	if c.AdminPassword != "" && len(c.AdminPassword) < 12 {
		return c, bad("ADMIN_PASSWORD", "too short; use at least 12 characters")
	}
	c.Currency = strings.ToLower(get("CURRENCY", "usd"))
	if !currencyRe.MatchString(c.Currency) {
		return c, bad("CURRENCY", "%q is not an ISO 4217 code; use three letters such as usd or eur", c.Currency)
	}
	c.LogFormat = get("LOG_FORMAT", "text")
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, bad("LOG_FORMAT", "%q is unknown; use text or json", c.LogFormat)
	}
	c.LogLevel = get("LOG_LEVEL", "info")
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return c, bad("LOG_LEVEL", "%q is unknown; use debug, info, warn or error", c.LogLevel)
	}
	if c.ShippingFlat, err = minorUnits(get("SHIPPING_FLAT", "500")); err != nil {
		return c, bad("SHIPPING_FLAT", "%v; set it in minor units, e.g. 500 for 5.00", err)
	}
	if c.FreeShippingOver, err = minorUnits(get("FREE_SHIPPING_OVER", "5000")); err != nil {
		return c, bad("FREE_SHIPPING_OVER", "%v; set it in minor units, e.g. 5000 for 50.00", err)
	}
	c.AdminAPIToken = get("ADMIN_API_TOKEN", "")
	if c.AdminAPIToken != "" && len(c.AdminAPIToken) < 32 {
		return c, bad("ADMIN_API_TOKEN", "too short; use at least 32 random characters (openssl rand -hex 32)")
	}
	c.MetricsToken = get("METRICS_TOKEN", "")
	if c.MetricsToken != "" && len(c.MetricsToken) < 32 {
		return c, bad("METRICS_TOKEN", "too short; use at least 32 random characters (openssl rand -hex 32)")
	}
	for _, s := range strings.Split(get("TRUSTED_PROXIES", ""), ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			return c, bad("TRUSTED_PROXIES", "%q is not a CIDR; use a comma-separated list such as 10.0.0.0/8,127.0.0.1/32", s)
		}
		c.TrustedProxies = append(c.TrustedProxies, n)
	}
	if c.ReconcileInterval, err = time.ParseDuration(get("RECONCILE_INTERVAL", "5m")); err != nil || c.ReconcileInterval < time.Second {
		return c, bad("RECONCILE_INTERVAL", "%q is not a duration of at least 1s; use e.g. 5m", get("RECONCILE_INTERVAL", ""))
	}
	if c.InboxRetention, err = time.ParseDuration(get("INBOX_RETENTION", "720h")); err != nil || c.InboxRetention < time.Hour {
		return c, bad("INBOX_RETENTION", "%q is not a duration of at least 1h; use e.g. 720h (30 days)", get("INBOX_RETENTION", ""))
	}
	if c.MemoryLimit, err = memoryLimit(get("GOMEMLIMIT", "96MiB")); err != nil {
		return c, bad("GOMEMLIMIT", "%v; use a size such as 96MiB or 1GiB, or off", err)
	}
	if c.AbandonAfter, err = time.ParseDuration(get("ABANDON_AFTER", "30m")); err != nil || c.AbandonAfter < time.Minute {
		return c, bad("ABANDON_AFTER", "%q is not a duration of at least 1m; use e.g. 30m", get("ABANDON_AFTER", ""))
	}
	if c.RequireCVCRecollection, err = strconv.ParseBool(get("REQUIRE_CVC_RECOLLECTION", "false")); err != nil {
		return c, bad("REQUIRE_CVC_RECOLLECTION", "%q is not true or false", get("REQUIRE_CVC_RECOLLECTION", ""))
	}
	if err := c.loadMail(get); err != nil {
		return c, err
	}
	c.AssetsDir = get("ASSETS_DIR", "")
	if c.AssetsDir != "" && c.Live {
		return c, bad("ASSETS_DIR", "for development only; unset it with live keys so the embedded, content-hashed assets are served")
	}
	c.BehindTemplProxy = get("TEMPL_DEV_MODE", "") == "true"
	c.StripeTimeout = 30 * time.Second
	c.InFlightTimeout = 2 * time.Minute
	c.MaxHeldUnits = 30
	c.ConfirmBudget = ConfirmBudgetFor(c.StripeTimeout)
	c.StuckAfter = 2 * time.Minute
	c.SearchCatchUp = 75 * time.Second
	c.DiscountPerMinute, c.ConfirmPerMinute = 30, 20
	return c, nil
}

// loadMail reads SMTP_URL and MAIL_FROM: smtp:// uses STARTTLS, smtps:// implicit TLS; user and password
// come from the URL.
func (c *Config) loadMail(get func(string, string) string) error {
	c.SMTPURL = get("SMTP_URL", "")
	if c.SMTPURL != "" {
		u, err := url.Parse(c.SMTPURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			return bad("SMTP_URL", "not an SMTP URL; use smtp://USER:PASS@HOST:587 (STARTTLS) or smtps://USER:PASS@HOST:465")
		}
		if p := u.Port(); p != "" {
			if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
				return bad("SMTP_URL", "%q is not a port number; use e.g. smtp://HOST:587", p)
			}
		}
	}
	c.MailFrom = get("MAIL_FROM", "Storefront <shop@localhost>")
	if _, err := mail.ParseAddress(c.MailFrom); err != nil {
		return bad("MAIL_FROM", "%q is not an email address; use e.g. Storefront <shop@example.com>", c.MailFrom)
	}
	return nil
}

// loadStripe reads the Stripe settings and refuses the unsafe combinations listed in README.md, "Settings".
func (c *Config) loadStripe(get func(string, string) string) error {
	c.StripeSecretKey = get("STRIPE_SECRET_KEY", "")
	c.StripePublishableKey = get("STRIPE_PUBLISHABLE_KEY", "")
	c.StripeWebhookSecret = get("STRIPE_WEBHOOK_SECRET", "")
	c.StripeAPIBase = strings.TrimRight(get("STRIPE_API_BASE", ""), "/")
	c.StripeJSURL = get("STRIPE_JS_URL", "https://js.stripe.com/basil/stripe.js")
	c.StripeSimulator = get("STRIPE_SIMULATOR", "auto")

	sk, pk := c.StripeSecretKey, c.StripePublishableKey
	switch c.StripeSimulator {
	case "auto", "on", "off":
	default:
		return bad("STRIPE_SIMULATOR", "%q is unknown; use auto, on or off", c.StripeSimulator)
	}
	if sk == "" && pk == "" {
		if c.StripeSimulator == "off" {
			return bad("STRIPE_SECRET_KEY", "no Stripe keys and STRIPE_SIMULATOR=off; set STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY, or STRIPE_SIMULATOR=auto")
		}
		// The simulator's API, controls and try-it page are open to whoever reaches the shop: never by accident
		// on a public address.
		if c.StripeSimulator == "auto" && !IsLoopbackURL(c.BaseURL) {
			return bad("STRIPE_SECRET_KEY", "no Stripe keys and BASE_URL %s is not a loopback address, so the simulator stays off; set STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY (or STRIPE_SIMULATOR=on to demo on a public host on purpose)", c.BaseURL)
		}
		c.useSimulator()
		return nil
	}
	if sk == "" {
		return bad("STRIPE_SECRET_KEY", "missing while STRIPE_PUBLISHABLE_KEY is set; set both keys from the Dashboard (Developers → API keys) or neither")
	}
	if pk == "" {
		return bad("STRIPE_PUBLISHABLE_KEY", "missing while STRIPE_SECRET_KEY is set; set both keys from the Dashboard (Developers → API keys) or neither")
	}
	skMode, ok := keyMode(sk, "sk_", "rk_")
	if !ok {
		return bad("STRIPE_SECRET_KEY", "not a Stripe secret key; it starts with sk_test_, rk_test_, sk_live_ or rk_live_")
	}
	pkMode, ok := keyMode(pk, "pk_")
	if !ok {
		return bad("STRIPE_PUBLISHABLE_KEY", "not a Stripe publishable key; it starts with pk_test_ or pk_live_")
	}
	if skMode != pkMode {
		return bad("STRIPE_PUBLISHABLE_KEY", "is a %s key but STRIPE_SECRET_KEY is a %s key; use both keys from the same mode", pkMode, skMode)
	}
	c.Live = skMode == "live"
	if c.StripeWebhookSecret != "" && !strings.HasPrefix(c.StripeWebhookSecret, "whsec_") {
		return bad("STRIPE_WEBHOOK_SECRET", "not a webhook signing secret; copy the whsec_… value of the endpoint from the Dashboard")
	}
	if c.Live {
		switch {
		case c.StripeSimulator == "on":
			return bad("STRIPE_SIMULATOR", "cannot be on with live keys; unset it or set STRIPE_SIMULATOR=auto")
		case c.StripeAPIBase != "":
			return bad("STRIPE_API_BASE", "refused with live keys; unset it so live payments go to Stripe")
		case !strings.HasPrefix(c.BaseURL, "https://"):
			return bad("BASE_URL", "must be https with live keys; set it to your https:// address")
		case c.StripeWebhookSecret == "":
			return bad("STRIPE_WEBHOOK_SECRET", "required with live keys; create the webhook endpoint BASE_URL/webhooks/stripe in the Dashboard and copy its whsec_… secret")
		}
	}
	if c.StripeSimulator == "on" {
		c.useSimulator()
	}
	return nil
}

// SMTPServer is host:port of SMTP_URL (the port defaulted by scheme), or "" when emails stay in the outbox.
func (c Config) SMTPServer() string {
	u, err := url.Parse(c.SMTPURL)
	if c.SMTPURL == "" || err != nil {
		return ""
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"smtp": "587", "smtps": "465"}[u.Scheme]
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// IsLoopbackURL reports whether a URL's host is localhost or a loopback address (127.0.0.0/8, [::1]).
func IsLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (c *Config) useSimulator() {
	c.Simulated = true
	c.StripeSecretKey = SimSecretKey
	c.StripePublishableKey = SimPublishableKey
	if c.StripeWebhookSecret == "" {
		c.StripeWebhookSecret = "whsec_sim_" + randomHex(16)
	}
	c.StripeJSURL = SimBasePath + "/js/v3/stripe.js"
}

// keyMode returns "test" or "live" for a key with one of the prefixes.
func keyMode(key string, prefixes ...string) (string, bool) {
	for _, p := range prefixes {
		switch {
		case strings.HasPrefix(key, p+"test_") && len(key) > len(p)+5:
			return "test", true
		case strings.HasPrefix(key, p+"live_") && len(key) > len(p)+5:
			return "live", true
		}
	}
	return "", false
}

func minorUnits(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > 100_000_000 {
		return 0, fmt.Errorf("%q is not a whole non-negative amount", s)
	}
	return n, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

// memoryLimit parses a GOMEMLIMIT value the way the Go runtime does: bytes with an optional B, KiB, MiB, GiB or
// TiB suffix, or "off" (0: no limit).
func memoryLimit(s string) (int64, error) {
	if s == "off" {
		return 0, nil
	}
	units := []struct {
		suffix string
		size   int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = n, u.size
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("%q is not a memory size", s)
	}
	if n*mult < 32<<20 {
		return 0, fmt.Errorf("%d bytes is below 32MiB, too little for the shop", n*mult)
	}
	return n * mult, nil
}

// ConfirmBudgetFor is how long one confirm may take: its worst single Stripe call (stripe-go's two network
// retries, so three requests of stripeTimeout each, plus our rate-limit backoff) and a little for the database.
// A confirm that runs out of it ends with an unknown outcome, which is settled from Stripe later.
func ConfirmBudgetFor(stripeTimeout time.Duration) time.Duration {
	return 3*stripeTimeout + 15*time.Second
}

// WriteTimeout is the HTTP server's write timeout: longer than any confirm, so its answer is never cut off.
func (c Config) WriteTimeout() time.Duration {
	return max(60*time.Second, c.ConfirmBudget+15*time.Second)
}
