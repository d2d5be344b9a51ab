package app

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/app/apperr"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views/admin"
)

// defaultAdminIdleTimeout ends an admin session after 30 minutes without an admin request.
const defaultAdminIdleTimeout = 30 * time.Minute

const (
	ctxAdmin       = "current_admin"
	ctxAdminBearer = "admin_bearer" // true when /admin/api/* was reached with ADMIN_API_TOKEN
)

// Messages of the admin sign-in. A failed sign-in never says whether the email is an admin's, nor
// whether the account is locked, only what the rule is.
var adminBadCredentials = fmt.Sprintf("Email or password is incorrect. After %d failed attempts, sign-in is paused for %d minutes.",
	models.AdminMaxFailedLogins, int(models.AdminLockDuration/time.Minute))

const (
	adminSessionExpired = "Your session expired. Sign in again."
	adminOnly           = "This part of the shop is for its staff. Staff sign in at /admin/login with their admin account."
)

// adminIdleTimeout is how long an admin session lasts without a request (tests shorten it).
func (a *App) adminIdleTimeout() time.Duration {
	if d := a.adminIdle.Load(); d > 0 {
		return time.Duration(d)
	}
	return defaultAdminIdleTimeout
}

type adminState int

const (
	adminNone    adminState = iota // no admin session
	adminExpired                   // an admin session that was idle too long
	adminActive
)

// adminFromSession reads the admin of the request's server-side session (the cookie holds only its token) and,
// when it is valid, moves its idle clock: a revoked, unknown or idle token never does. requireAdmin,
// requireAdminAPI and the sign-in page all ask here.
func (a *App) adminFromSession(c echo.Context) (models.Admin, adminState, error) {
	token, _ := a.session(c).Values[sessAdmin].(string)
	if token == "" {
		return models.Admin{}, adminNone, nil
	}
	adm, err := models.AdminBySession(c.Request().Context(), a.db.DB, token, a.adminIdleTimeout(), time.Now())
	switch {
	case err == nil:
		return adm, adminActive, nil
	case errors.Is(err, models.ErrAdminSessionExpired):
		return models.Admin{}, adminExpired, nil
	case errors.Is(err, models.ErrNotFound):
		// Signed out elsewhere, revoked by a new password, or the admin was removed: a stale token, dropped
		// from the cookie whenever it is next saved.
		delete(a.session(c).Values, sessAdmin)
		return models.Admin{}, adminNone, nil
	}
	return models.Admin{}, adminNone, fmt.Errorf("load admin session: %w", err)
}

// currentAdmin is the admin that requireAdmin or requireAdminAPI let in; ok is false for requests that
// came with the API token (no person) or that no guard checked.
func (a *App) currentAdmin(c echo.Context) (models.Admin, bool) {
	adm, ok := c.Get(ctxAdmin).(models.Admin)
	return adm, ok
}

// touchAdmin keeps the admin for the handler (adminFromSession has moved the idle clock already).
func (a *App) touchAdmin(c echo.Context, adm models.Admin) error {
	c.Set(ctxAdmin, adm)
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Robots-Tag", "noindex")
	return nil
}

// endAdminSession drops the admin's token from the cookie, keeping the shopper's part. The server side is
// revoked by the caller (adminLogout) or is gone already.
func (a *App) endAdminSession(c echo.Context) {
	a.rotateSession(c, sessCart, sessUser)
}

// requireAdmin guards the HTML admin pages. Without an admin session: to the sign-in page (with ?next=
// for a GET); a signed-in shopper gets 403; an idle session is ended with "Your session expired".
func (a *App) requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		access, err := a.checkAdminSession(c)
		if err != nil {
			return err
		}
		switch access {
		case accessAdmin:
			return next(c)
		case accessExpired:
			if err := a.flash(c, "info", adminSessionExpired); err != nil {
				return err
			}
		case accessShopper:
			return echo.NewHTTPError(http.StatusForbidden, adminOnly)
		}
		login := "/admin/login"
		if m := c.Request().Method; m == http.MethodGet || m == http.MethodHead {
			login += "?next=" + url.QueryEscape(c.Request().URL.RequestURI())
		}
		return c.Redirect(http.StatusSeeOther, login)
	}
}

// adminAccess is what a request's session allows in the admin.
type adminAccess int

const (
	accessNone    adminAccess = iota // no admin session, no shopper: sign in
	accessAdmin                      // an active admin session
	accessExpired                    // the admin session expired (now ended)
	accessShopper                    // a signed-in shopper, who is not staff
)

// checkAdminSession is the one check of the admin session behind requireAdmin and requireAdminAPI: an active
// session is touched (its idle timer starts again), an expired one is ended.
func (a *App) checkAdminSession(c echo.Context) (adminAccess, error) {
	adm, state, err := a.adminFromSession(c)
	if err != nil {
		return accessNone, err
	}
	switch state {
	case adminActive:
		if err := a.touchAdmin(c, adm); err != nil {
			return accessNone, err
		}
		return accessAdmin, nil
	case adminExpired:
		a.endAdminSession(c)
		return accessExpired, nil
	}
	if _, ok := a.currentUser(c); ok {
		return accessShopper, nil
	}
	return accessNone, nil
}

// requireAdminAPI guards /admin/api/*: a valid `Authorization: Bearer <ADMIN_API_TOKEN>` (when the
// token is set) or an admin session. Otherwise 401 JSON, or 403 JSON for a signed-in shopper.
// Requests with the token are marked so that csrfUnlessBearer lets them through without a CSRF token.
func (a *App) requireAdminAPI(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if token, ok := bearerToken(c.Request()); ok {
			if !a.validAPIToken(token) {
				a.log.WarnContext(c.Request().Context(), "admin API: wrong bearer token", "ip", c.RealIP())
				return apiUnauthorized(c, "The API token is not valid.")
			}
			c.Set(ctxAdminBearer, true)
			c.Response().Header().Set("Cache-Control", "no-store")
			return next(c)
		}
		access, err := a.checkAdminSession(c)
		if err != nil {
			return err
		}
		switch access {
		case accessAdmin:
			return next(c)
		case accessExpired:
			if err := a.saveSession(c); err != nil {
				return fmt.Errorf("save session: %w", err)
			}
			return apiUnauthorized(c, "Your admin session expired. Sign in again.")
		case accessShopper:
			return apperr.New(apperr.Forbidden, "", "This API is for the shop's staff.")
		}
		return apiUnauthorized(c, "Sign in as an admin, or send Authorization: Bearer with the ADMIN_API_TOKEN.")
	}
}

func apiUnauthorized(c echo.Context, msg string) error {
	c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="admin"`)
	return apperr.New(apperr.Unauthenticated, "", msg)
}

// csrfUnlessBearer is the CSRF check for the admin API: skipped only for requests that requireAdminAPI
// let in with the bearer token (a program, not a browser carrying cookies); session requests keep it.
func (a *App) csrfUnlessBearer() echo.MiddlewareFunc {
	csrf := a.csrf()
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		checked := csrf(next)
		return func(c echo.Context) error {
			if viaToken, _ := c.Get(ctxAdminBearer).(bool); viaToken {
				return next(c)
			}
			return checked(c)
		}
	}
}

// bearerToken returns the token of an "Authorization: Bearer …" header.
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get(echo.HeaderAuthorization)
	if h == "" {
		return "", false
	}
	scheme, token, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", true // some other scheme: present but never valid
	}
	return strings.TrimSpace(token), true
}

// validAPIToken compares in constant time; hashing first hides the token's length too.
func (a *App) validAPIToken(token string) bool {
	return tokenMatches(token, a.cfg.AdminAPIToken)
}

// showAdminLogin renders the staff sign-in form (or goes on when already signed in).
func (a *App) showAdminLogin(c echo.Context) error {
	next := localPath(c.QueryParam("next"))
	adm, state, err := a.adminFromSession(c)
	if err != nil {
		return err
	}
	if state == adminActive {
		if err := a.touchAdmin(c, adm); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, orDefault(next, "/admin/orders"))
	}
	c.Response().Header().Set("X-Robots-Tag", "noindex")
	return render(c, http.StatusOK, admin.LoginPage(a.page(c, "Staff sign-in"), admin.LoginForm{Next: next}))
}

// adminLogin signs a member of staff in, counting failures towards the account's lockout.
func (a *App) adminLogin(c echo.Context) error {
	ctx := c.Request().Context()
	f := admin.LoginForm{Email: strings.TrimSpace(c.FormValue("email")), Next: localPath(c.FormValue("next"))}
	source, acct, now := clientKey(c.RealIP()), accountKey(f.Email), time.Now()
	if !a.adminSignIns.Allow(acct, source, now) {
		a.log.WarnContext(ctx, "admin sign-in held back: too many failures on the account", "ip", c.RealIP())
		return tooManyForAccount(c)
	}
	adm, err := models.AuthenticateAdmin(ctx, a.db.DB, f.Email, c.FormValue("password"), source, now)
	if errors.Is(err, models.ErrBadCredentials) || errors.Is(err, models.ErrAdminLocked) {
		a.adminSignIns.Failed(acct, source, now)
		a.log.WarnContext(ctx, "admin sign-in failed", "ip", c.RealIP(), "locked", errors.Is(err, models.ErrAdminLocked))
		f.Error = adminBadCredentials
		c.Response().Header().Set("X-Robots-Tag", "noindex")
		return render(c, http.StatusUnprocessableEntity, admin.LoginPage(a.page(c, "Staff sign-in"), f))
	}
	if err != nil {
		return fmt.Errorf("admin sign-in: %w", err)
	}
	a.adminSignIns.Succeeded(acct, source)
	token, err := models.CreateAdminSession(ctx, a.db.DB, adm.ID, a.adminIdleTimeout(), now)
	if err != nil {
		return err
	}
	s := a.rotateSession(c, sessCart, sessUser)
	s.Values[sessAdmin] = token
	if err := a.saveSession(c); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	a.log.InfoContext(ctx, "admin signed in", "admin", adm.ID, "ip", c.RealIP())
	if err := a.touchAdmin(c, adm); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, orDefault(f.Next, "/admin/orders"))
}

// adminLogout ends the admin session on the server (a copy of the cookie stops working) and in the cookie.
func (a *App) adminLogout(c echo.Context) error {
	token, _ := a.session(c).Values[sessAdmin].(string)
	if err := models.RevokeAdminSession(c.Request().Context(), a.db.DB, token); err != nil {
		return err
	}
	a.endAdminSession(c)
	if err := a.flash(c, "success", "You're signed out."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/login")
}

// adminAPIPing answers {"ok":true} to an admin: a way to check that a token or session works.
func (a *App) adminAPIPing(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]bool{"ok": true})
}
