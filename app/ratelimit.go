package app

import (
	"net/http"
	"strconv"
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
		IdentifierExtractor: func(c echo.Context) (string, error) { return c.RealIP(), nil },
		DenyHandler: func(c echo.Context, _ string, err error) error {
			wait := time.Duration(float64(time.Minute) / perMinute)
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait.Round(time.Second)/time.Second)+1))
			return echo.NewHTTPError(http.StatusTooManyRequests, message(c, "error.too_many_attempts")).SetInternal(err)
		},
	})
}

// signInLimit is the limit on sign-in and sign-up attempts per IP: 10 a minute, 5 at once.
func signInLimit() echo.MiddlewareFunc { return rateLimitPerIP(10, 5) }

// discountLimit bounds discount code attempts per IP (guessing codes is cheap otherwise).
func (a *App) discountLimit() echo.MiddlewareFunc {
	return rateLimitPerIP(a.cfg.DiscountPerMinute, max(1, int(a.cfg.DiscountPerMinute/3)))
}

// confirmLimit bounds payment attempts per IP (card testing).
func (a *App) confirmLimit() echo.MiddlewareFunc {
	return rateLimitPerIP(a.cfg.ConfirmPerMinute, max(1, int(a.cfg.ConfirmPerMinute/2)))
}
