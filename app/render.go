package app

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/i18n"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views"
)

// render writes a templ component as the HTML response. Pages speak the language of the locale cookie or of
// Accept-Language, so a shared cache must keep one copy per both.
func render(c echo.Context, status int, t templ.Component) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Add(echo.HeaderVary, "Accept-Language, Cookie")
	c.Response().WriteHeader(status)
	return t.Render(c.Request().Context(), c.Response())
}

// page builds the layout's view model for this request.
func (a *App) page(c echo.Context, title string) views.Page {
	p := views.Page{
		Title:     title,
		CSRFToken: csrfToken(c),
		Simulated: a.cfg.Simulated,
		Currency:  a.cfg.Currency,
		Asset:     a.assets.Path,
		SignedIn:  a.sessionString(c, sessUser) != "",
		Flash:     a.popFlash(c),
	}
	if !isAdminPath(c) {
		p.L = localizer(c) // the admin's pages stay in English
	}
	if c.Request().Method == http.MethodGet {
		p.Path = c.Request().URL.RequestURI() // where the language picker comes back to
	}
	if id := a.sessionString(c, sessCart); id != "" {
		n, err := models.CartCount(c.Request().Context(), a.db.DB, id)
		if err != nil {
			a.log.WarnContext(c.Request().Context(), "count cart", "err", err)
		}
		p.CartCount = n
	}
	return p
}

// csrfToken is the token forms and scripts send back. A browser that proved same-origin with
// Sec-Fetch-Site gets echo's marker value, which its later same-origin requests never need.
func csrfToken(c echo.Context) string {
	t, _ := c.Get(csrfContextKey).(string)
	return t
}

// isAdminPath reports whether the request is for the admin's pages or API.
func isAdminPath(c echo.Context) bool {
	path := c.Request().URL.Path
	return path == "/admin" || strings.HasPrefix(path, "/admin/")
}

// errorTitle is the title of an error page in the page's language: "error.title.404", or the default one for
// a status the catalog has no title for.
func errorTitle(l i18n.Localizer, code int) string {
	if id := "error.title." + strconv.Itoa(code); l.Has(id) {
		return l.T(id)
	}
	return l.T("error.title.default")
}
