package app

import (
	"time"

	"github.com/labstack/echo/v4"
)

// SetAdminIdleTimeout changes the admin idle timeout of a running app (0: back to the default),
// so tests need not wait 30 minutes.
func SetAdminIdleTimeout(a *App, d time.Duration) { a.adminIdle.Store(int64(d)) }

// Routes lists the registered routes, so guard tests cover the admin pages that exist.
func Routes(a *App) []*echo.Route { return a.echo.Routes() }
