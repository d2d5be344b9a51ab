package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/storefront/storefront/app/apperr"
	"github.com/storefront/storefront/models"
)

// byID loads the record (order, product, discount…) the :id path parameter names with load; an unknown or
// forged id is a 404 "There is no <what> with that id.".
func byID[T any](c echo.Context, db *gorm.DB, what string, load func(context.Context, *gorm.DB, string) (T, error)) (T, error) {
	v, err := load(c.Request().Context(), db, c.Param("id"))
	if errors.Is(err, models.ErrNotFound) {
		return v, apperr.New(apperr.NotFound, "resource_missing", "There is no "+what+" with that id.")
	}
	if err != nil {
		return v, fmt.Errorf("load %s: %w", what, err)
	}
	return v, nil
}

// savedRedirect tells the admin that a record was created or updated ("Mug was created.") and goes to list.
func (a *App) savedRedirect(c echo.Context, name string, created bool, list string) error {
	verb := "updated"
	if created {
		verb = "created"
	}
	return a.flashRedirect(c, "success", fmt.Sprintf("%s was %s.", name, verb), list)
}

// flashRedirect shows msg on the next page and redirects there (303, so a reload does not post again).
func (a *App) flashRedirect(c echo.Context, kind, msg, to string) error {
	if err := a.flash(c, kind, msg); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, to)
}
