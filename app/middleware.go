package app

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

const csrfContextKey = "csrf"

// newEcho builds the Echo instance: error handler, client IPs, middleware and routes.
func (a *App) newEcho() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = a.handleError
	e.IPExtractor = a.ipExtractor()

	e.Use(dropOddRequestID) // a client's X-Request-Id is kept only when it has a token's shape
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{
		Generator: func() string { return "req_" + randomHex(10) },
	}))
	e.Use(a.accessLog)
	e.Use(a.recoverPanics)
	e.Use(a.metrics.middleware)
	e.Use(a.secureHeaders)
	e.Use(compress()) // gzip, taking a compressor only for responses of 1 KiB and more (compress.go)
	a.routes(e)
	return e
}

// requestIDShape is what a client's (or a proxy's) X-Request-Id must look like to be kept: a short token.
var requestIDShape = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:=-]{7,63}$`)

// dropOddRequestID removes an X-Request-Id that is not a bounded token (a megabyte, newlines, markup, another
// request's forged log lines), so that the request id middleware makes a fresh one instead.
func dropOddRequestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header
		if ids := h.Values(echo.HeaderXRequestID); len(ids) > 0 && (len(ids) > 1 || !requestIDShape.MatchString(ids[0])) {
			h.Del(echo.HeaderXRequestID)
		}
		return next(c)
	}
}

// csrf protects every state-changing request but the Stripe webhook (signed by Stripe instead).
func (a *App) csrf() echo.MiddlewareFunc {
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "header:X-CSRF-Token,form:csrf_token",
		ContextKey:     csrfContextKey,
		CookieName:     "sf_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   strings.HasPrefix(a.cfg.BaseURL, "https://"),
		CookieSameSite: http.SameSiteLaxMode,
		ErrorHandler: func(err error, c echo.Context) error {
			return echo.NewHTTPError(http.StatusForbidden, message(c, "error.form_expired")).SetInternal(err)
		},
	})
}

// bodyLimit caps request bodies; routes that need less set their own.
func bodyLimit(limit string) echo.MiddlewareFunc { return middleware.BodyLimit(limit) }

// ipExtractor believes X-Forwarded-For only from TRUSTED_PROXIES.
func (a *App) ipExtractor() echo.IPExtractor {
	if len(a.cfg.TrustedProxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range a.cfg.TrustedProxies {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// accessLog writes one structured line per request.
func (a *App) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err) // render now so the logged status is the one sent
		}
		req, res := c.Request(), c.Response()
		level := slog.LevelInfo
		if res.Status >= 500 {
			level = slog.LevelError
		}
		a.log.LogAttrs(req.Context(), level, "request",
			slog.String("method", req.Method),
			slog.String("path", req.URL.Path),
			slog.Int("status", res.Status),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", res.Header().Get(echo.HeaderXRequestID)),
			slog.String("ip", c.RealIP()),
		)
		return nil
	}
}

// recoverPanics turns a panic into a logged 500 page.
func (a *App) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			r := recover()
			if r == nil {
				return
			}
			if r == http.ErrAbortHandler {
				panic(r)
			}
			buf := make([]byte, 4<<10)
			buf = buf[:runtime.Stack(buf, false)]
			a.log.ErrorContext(c.Request().Context(), "panic", "panic", fmt.Sprint(r), "stack", string(buf),
				"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
			err = echo.NewHTTPError(http.StatusInternalServerError).SetInternal(fmt.Errorf("panic: %v", r))
		}()
		return next(c)
	}
}

// secureHeaders sets the security headers of every response.
func (a *App) secureHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	csp := a.contentSecurityPolicy()
	https := strings.HasPrefix(a.cfg.BaseURL, "https://")
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(self \"https://js.stripe.com\")")
		if https {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		return next(c)
	}
}

// contentSecurityPolicy allows exactly what Stripe documents for Stripe.js, the Payment Element and
// 3-D Secure (js.stripe.com, hooks.stripe.com, api.stripe.com); in simulator mode its stand-in is same-origin.
func (a *App) contentSecurityPolicy() string {
	script := []string{"'self'", "https://js.stripe.com", "https://*.js.stripe.com"}
	frame := []string{"https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"}
	connect := []string{"'self'", "https://api.stripe.com"}
	if u, err := url.Parse(a.cfg.StripeJSURL); err == nil && u.Host != "" && !strings.HasSuffix(u.Host, "stripe.com") {
		origin := u.Scheme + "://" + u.Host
		script = append(script, origin)
		connect = append(connect, origin)
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src " + strings.Join(script, " "),
		"style-src 'self'",
		"img-src 'self' data: https://*.stripe.com",
		"frame-src " + strings.Join(frame, " "),
		"connect-src " + strings.Join(connect, " "),
		"font-src 'self'",
		"form-action 'self'",
		"base-uri 'self'",
		"object-src 'none'",
		"frame-ancestors 'none'",
		"report-uri /csp-report",
	}, "; ")
}
