package app

import (
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views"
)

// render writes a templ component as the HTML response.
func render(c echo.Context, status int, t templ.Component) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
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

func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return t
	}
	return "Error"
}
