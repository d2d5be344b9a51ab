package app

import (
	"crypto/sha256"
	"net/http"
	"strings"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/views"
)

const sessionName = "sf_session"

// Session keys.
const (
	sessCart  = "cart"
	sessUser  = "user"
	sessAdmin = "admin" // the admin session's token (the session itself lives in admin_sessions)
)

// newSessionStore builds the signed and encrypted cookie store from SESSION_SECRET.
func newSessionStore(cfg Config) *sessions.CookieStore {
	hashKey := sha256.Sum256([]byte("storefront session signing\x00" + cfg.SessionSecret))
	blockKey := sha256.Sum256([]byte("storefront session encryption\x00" + cfg.SessionSecret))
	s := sessions.NewCookieStore(hashKey[:], blockKey[:])
	s.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   60 * 60 * 24 * 30,
		HttpOnly: true,
		Secure:   strings.HasPrefix(cfg.BaseURL, "https://"),
		SameSite: http.SameSiteLaxMode,
	}
	return s
}

// session returns the request's session; a missing, expired or tampered cookie yields a fresh one.
func (a *App) session(c echo.Context) *sessions.Session {
	if s, ok := c.Get("session").(*sessions.Session); ok {
		return s
	}
	s, err := a.sessions.Get(c.Request(), sessionName)
	if err != nil {
		// Tampered or from another secret: start over rather than fail the request.
		s, _ = a.sessions.New(c.Request(), sessionName)
		s.IsNew = true
	}
	c.Set("session", s)
	return s
}

// saveSession writes the session cookie.
func (a *App) saveSession(c echo.Context) error {
	return a.session(c).Save(c.Request(), c.Response())
}

func (a *App) sessionString(c echo.Context, key string) string {
	v, _ := a.session(c).Values[key].(string)
	return v
}

// flash keeps a message for the next page the shopper sees.
func (a *App) flash(c echo.Context, kind, msg string) error {
	a.session(c).Flashes("flash") // only the newest is shown: unread ones must not pile up past the 4 KiB cookie limit
	a.session(c).AddFlash(kind+"\x00"+msg, "flash")
	return a.saveSession(c)
}

// popFlash takes the pending flash message, if any.
func (a *App) popFlash(c echo.Context) *views.Flash {
	s := a.session(c)
	fs := s.Flashes("flash")
	if len(fs) == 0 {
		return nil
	}
	_ = s.Save(c.Request(), c.Response())
	kind, msg, _ := strings.Cut(fs[len(fs)-1].(string), "\x00")
	return &views.Flash{Kind: kind, Message: msg}
}
