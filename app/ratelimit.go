package app

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"
)

// rateLimitPerIP limits requests per client IP (c.RealIP, which believes X-Forwarded-For only from
// TRUSTED_PROXIES): perMinute on average, with bursts of up to burst. Over the limit the client gets a
// 429 page (or JSON for APIs). Every call makes its own in-memory store, so each route group (and each
// App) counts on its own; routes that share one middleware value share the count.
func rateLimitPerIP(perMinute float64, burst int) echo.MiddlewareFunc {
	store := middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate:      rate.Limit(perMinute / 60),
		Burst:     burst,
		ExpiresIn: 10 * time.Minute,
	})
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store:               store,
		IdentifierExtractor: func(c echo.Context) (string, error) { return clientKey(c.RealIP()), nil },
		DenyHandler: func(c echo.Context, _ string, err error) error {
			wait := time.Duration(float64(time.Minute) / perMinute)
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait.Round(time.Second)/time.Second)+1))
			return echo.NewHTTPError(http.StatusTooManyRequests, message(c, "error.too_many_attempts")).SetInternal(err)
		},
	})
}

// clientKey is the client a limit counts: the IPv4 address, or the /64 of an IPv6 address (one subscriber
// usually holds a whole /64, so counting single IPv6 addresses would count nothing).
func clientKey(ip string) string {
	addr := net.ParseIP(strings.TrimSpace(ip))
	switch {
	case addr == nil:
		return ip
	case addr.To4() != nil:
		return addr.To4().String()
	}
	return addr.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// completeLimit bounds visits of the return_url per client (each one asks Stripe about a PaymentIntent).
func completeLimit() echo.MiddlewareFunc { return rateLimitPerIP(30, 10) }

// signInLimit is the limit on sign-in and sign-up attempts per IP: 10 a minute, 5 at once.
func signInLimit() echo.MiddlewareFunc { return rateLimitPerIP(10, 5) }

// cspReportLimit bounds CSP reports per client: a page with a blocked resource reports a few at once, a
// stranger filling the logs is cut off.
func cspReportLimit() echo.MiddlewareFunc { return rateLimitPerIP(30, 10) }

// discountLimit bounds discount code attempts per IP (guessing codes is cheap otherwise).
func (a *App) discountLimit() echo.MiddlewareFunc {
	return rateLimitPerIP(a.cfg.DiscountPerMinute, max(1, int(a.cfg.DiscountPerMinute/3)))
}

// confirmLimit bounds payment attempts per IP (card testing).
func (a *App) confirmLimit() echo.MiddlewareFunc {
	return rateLimitPerIP(a.cfg.ConfirmPerMinute, max(1, int(a.cfg.ConfirmPerMinute/2)))
}

// accountGuard is the per-account limit on sign-in attempts (shoppers and admins each have one). It counts the
// failures on an account from every source; once they outrun the rate, a source that has failed on the account
// must wait, while a source with no failure there (the real owner, elsewhere) still gets in: a stranger who
// keeps guessing slows only the sources that guess. In memory, per instance.
type accountGuard struct {
	mu       sync.Mutex
	perMin   float64
	burst    int
	accounts map[string]*accountFailures
}

type accountFailures struct {
	limiter *rate.Limiter
	failed  map[string]time.Time // source → last failure
	seen    time.Time
}

// Per-account sign-in limits: 10 failures at once, then one every 6 minutes for the sources that failed.
const (
	signInFailuresPerMinute = 10.0 / 60
	signInFailuresBurst     = 10
)

// accountKey is the account a sign-in is for, as typed (normalised like emails are stored).
func accountKey(email string) string {
	email = strings.ToLower(strings.TrimSpace(email))
	if len(email) > 254 {
		return "(too long)"
	}
	return email
}

// tooManyForAccount is the answer when the per-account limit holds a source back.
func tooManyForAccount(c echo.Context) error {
	c.Response().Header().Set("Retry-After", "360")
	return echo.NewHTTPError(http.StatusTooManyRequests, message(c, "error.too_many_attempts"))
}

// accountGuardSize bounds the accounts remembered (emails are chosen by strangers); the stalest go first.
const accountGuardSize = 10000

func newAccountGuard(perMinute float64, burst int) *accountGuard {
	return &accountGuard{perMin: perMinute, burst: burst, accounts: map[string]*accountFailures{}}
}

// Allow reports whether source may try to sign in to account now.
func (g *accountGuard) Allow(account, source string, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	st := g.accounts[account]
	if st == nil {
		return true
	}
	if _, failed := st.failed[source]; !failed {
		return true
	}
	return st.limiter.TokensAt(now) >= 1
}

// Failed counts a failed attempt of source on account.
func (g *accountGuard) Failed(account, source string, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	st := g.accounts[account]
	if st == nil {
		g.evict(now)
		st = &accountFailures{limiter: rate.NewLimiter(rate.Limit(g.perMin/60), g.burst), failed: map[string]time.Time{}}
		g.accounts[account] = st
	}
	st.limiter.AllowN(now, 1)
	st.failed[source] = now
	st.seen = now
	if len(st.failed) > 1000 { // one account guessed from very many sources: keep the newest
		for src, at := range st.failed {
			if now.Sub(at) > time.Hour {
				delete(st.failed, src)
			}
		}
	}
}

// Succeeded forgets the failures of source on account.
func (g *accountGuard) Succeeded(account, source string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if st := g.accounts[account]; st != nil {
		delete(st.failed, source)
	}
}

// evict makes room for one more account: first those quiet for an hour, then the stalest.
func (g *accountGuard) evict(now time.Time) {
	if len(g.accounts) < accountGuardSize {
		return
	}
	var stalest string
	for k, st := range g.accounts {
		if now.Sub(st.seen) > time.Hour {
			delete(g.accounts, k)
		} else if stalest == "" || st.seen.Before(g.accounts[stalest].seen) {
			stalest = k
		}
	}
	if len(g.accounts) >= accountGuardSize {
		delete(g.accounts, stalest)
	}
}
