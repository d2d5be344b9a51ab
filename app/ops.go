package app

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"
)

// healthz says the process is alive.
func (a *App) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz says the process can serve: the database answers.
func (a *App) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := a.db.Ping(ctx); err != nil {
		a.log.WarnContext(ctx, "not ready: database unreachable", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "unreachable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready", "database": "ok"})
}

// cspReport logs a Content-Security-Policy violation the browser reported (a blocked script or frame
// on a payment page is something to know about at once).
func (a *App) cspReport(c echo.Context) error {
	var body struct {
		Report struct {
			DocumentURI        string `json:"document-uri"`
			BlockedURI         string `json:"blocked-uri"`
			ViolatedDirective  string `json:"violated-directive"`
			EffectiveDirective string `json:"effective-directive"`
		} `json:"csp-report"`
	}
	if err := json.NewDecoder(c.Request().Body).Decode(&body); err != nil {
		return c.NoContent(http.StatusBadRequest)
	}
	r := body.Report
	a.log.WarnContext(c.Request().Context(), "csp violation", "document", pathOf(r.DocumentURI),
		"blocked", r.BlockedURI, "directive", r.EffectiveDirective+" "+r.ViolatedDirective)
	return c.NoContent(http.StatusNoContent)
}

// pathOf keeps only the path of a URL (no query strings in logs).
func pathOf(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Path
	}
	return ""
}
