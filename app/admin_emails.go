package app

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views/admin"
)

// listEmails is the outbox: every email the shop queued for customers, newest first, with its state.
func (a *App) listEmails(c echo.Context) error {
	ctx := c.Request().Context()
	l := admin.EmailList{Status: c.QueryParam("status"), Sending: a.mail != nil}
	if l.Status != "" && !slices.Contains([]string{models.OutboxPending, models.OutboxSent, models.OutboxFailed}, l.Status) {
		return echo.NewHTTPError(http.StatusBadRequest, "Filter emails by status pending, sent or failed.")
	}
	var err error
	if l.Emails, err = models.ListOutbox(ctx, a.db.DB, l.Status, 200); err != nil {
		return err
	}
	if l.Counts, err = models.OutboxCounts(ctx, a.db.DB); err != nil {
		return err
	}
	return render(c, http.StatusOK, admin.EmailsPage(a.page(c, "Emails"), l))
}

// outboxEmail loads the email of the :id path parameter with its order.
func (a *App) outboxEmail(c echo.Context) (models.OutboxEmail, models.Order, error) {
	ctx := c.Request().Context()
	e, err := models.OutboxEmailByID(ctx, a.db.DB, c.Param("id"))
	if errors.Is(err, models.ErrNotFound) {
		return e, models.Order{}, echo.NewHTTPError(http.StatusNotFound, "There is no email with that id.")
	}
	if err != nil {
		return e, models.Order{}, fmt.Errorf("load email: %w", err)
	}
	o, err := models.OrderByID(ctx, a.db.DB, e.OrderID)
	if err != nil {
		return e, o, fmt.Errorf("load order of email: %w", err)
	}
	return e, o, nil
}

// showEmail renders one email as the customer gets it: subject, plain text, and the HTML in a sandboxed frame.
func (a *App) showEmail(c echo.Context) error {
	e, o, err := a.outboxEmail(c)
	if err != nil {
		return err
	}
	r, err := a.mailCompose.Render(c.Request().Context(), o, e)
	if err != nil {
		return err
	}
	// The preview frame is this shop's own page: allow framing it here (the shop's policy allows Stripe only).
	c.Response().Header().Set("Content-Security-Policy", a.contentSecurityPolicy()+"; frame-src 'self'")
	v := admin.EmailView{Email: e, OrderNumber: o.Number, Subject: r.Subject, Text: r.Text,
		HTMLURL: "/admin/emails/" + e.ID + "/html", Sending: a.mail != nil}
	return render(c, http.StatusOK, admin.EmailPage(a.page(c, r.Subject), v))
}

// showEmailHTML serves an email's HTML body for the preview frame: its inline styles allowed, nothing else
// (no scripts, no requests), and only framed by the shop itself.
func (a *App) showEmailHTML(c echo.Context) error {
	e, o, err := a.outboxEmail(c)
	if err != nil {
		return err
	}
	r, err := a.mailCompose.Render(c.Request().Context(), o, e)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Cache-Control", "no-store")
	return c.HTML(http.StatusOK, r.HTML)
}

// retryEmail puts an email that failed for good back in the queue.
func (a *App) retryEmail(c echo.Context) error {
	e, _, err := a.outboxEmail(c)
	if err != nil {
		return err
	}
	if err := models.RetryOutboxEmail(c.Request().Context(), a.db.DB, e.ID); err != nil {
		return fmt.Errorf("retry email: %w", err)
	}
	if a.mail != nil {
		a.mail.Wake()
	}
	if err := a.flash(c, "success", "The email is queued again."); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/emails/"+e.ID)
}
