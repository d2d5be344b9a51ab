package app

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views/admin"
)

// adminStuckAfter is when an unfinished payment counts as stuck on the dashboard.
const adminStuckAfter = 10 * time.Minute

// showDashboard renders today's and this week's sales (UTC), failed and stuck payments and the webhook inbox.
func (a *App) showDashboard(c echo.Context) error {
	ctx := c.Request().Context()
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	monday := today.AddDate(0, 0, -int((today.Weekday()+6)%7))
	d := admin.Dashboard{Now: now, StuckAfter: adminStuckAfter}
	var err error
	if d.Today, err = models.PaidSince(ctx, a.db.DB, today); err != nil {
		return err
	}
	if d.Week, err = models.PaidSince(ctx, a.db.DB, monday); err != nil {
		return err
	}
	if d.Failed, err = models.CountOrdersUpdated(ctx, a.db.DB, []string{models.StatusPaymentFailed}, monday, time.Time{}); err != nil {
		return err
	}
	if d.Stuck, err = models.CountOrdersUpdated(ctx, a.db.DB, models.OpenPaymentStatuses, time.Time{}, now.Add(-adminStuckAfter)); err != nil {
		return err
	}
	if d.ExtraFound, d.ExtraRefunded, err = models.CountExtraPaymentsSince(ctx, a.db.DB, monday); err != nil {
		return err
	}
	if d.NeedsReview, err = models.CountOrdersUpdated(ctx, a.db.DB, []string{models.StatusNeedsReview}, time.Time{}, time.Time{}); err != nil {
		return err
	}
	if d.Inbox, err = models.WebhookInboxHealth(ctx, a.db.DB); err != nil {
		return fmt.Errorf("inbox health: %w", err)
	}
	if err := a.dashboardFulfillment(c, &d); err != nil {
		return err
	}
	return render(c, http.StatusOK, admin.DashboardPage(a.page(c, "Dashboard"), d))
}
