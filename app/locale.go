package app

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/i18n"
)

// localeCookieAge is how long the language picker's choice is kept.
const localeCookieAge = 365 * 24 * time.Hour

// setLocale is the language picker: POST /locale with `locale` (en, de, fr, id) and `return_to`, the page
// it was on. It keeps the choice in the locale cookie for a year and sends the shopper back to that page;
// a return_to that is not a path on this site (//host, https://…, backslashes) goes to the catalog instead.
func (a *App) setLocale(c echo.Context) error {
	l, ok := i18n.Parse(c.FormValue("locale"))
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, message(c, "locale.unsupported"))
	}
	http.SetCookie(c.Response(), &http.Cookie{
		Name:     i18n.CookieName,
		Value:    l.String(),
		Path:     "/",
		MaxAge:   int(localeCookieAge / time.Second),
		Expires:  time.Now().Add(localeCookieAge), // for browsers that ignore Max-Age
		HttpOnly: true,
		Secure:   strings.HasPrefix(a.cfg.BaseURL, "https://"),
		SameSite: http.SameSiteLaxMode,
	})
	return c.Redirect(http.StatusSeeOther, orDefault(localPath(c.FormValue("return_to")), "/"))
}

// localeOf is the locale of the request: the picker's cookie, else Accept-Language, else English. Checkout
// stores it on the order so that its emails go out in the language the shopper bought in.
func localeOf(c echo.Context) i18n.Locale { return i18n.FromRequest(c.Request()) }

// localizer speaks the request's locale.
func localizer(c echo.Context) i18n.Localizer { return i18n.For(localeOf(c)) }

// message is a catalog message in the request's locale, for what a handler tells the shopper (flashes, form
// errors, error pages): message(c, "cart.max_quantity", "Max", 99).
func message(c echo.Context, id string, data ...any) string { return localizer(c).T(id, data...) }
