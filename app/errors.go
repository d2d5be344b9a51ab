package app

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/app/apperr"
	"github.com/storefront/storefront/i18n"
	"github.com/storefront/storefront/views"
)

// errorResponse is how a kind of failure is answered over HTTP.
type errorResponse struct {
	status int
	typ    string // the JSON error's type, named as Stripe names its own
}

// errorResponses is the one table from the kinds of apperr to HTTP statuses and JSON error types.
var errorResponses = map[apperr.Kind]errorResponse{
	apperr.Malformed:       {http.StatusBadRequest, "invalid_request_error"},
	apperr.Invalid:         {http.StatusUnprocessableEntity, "invalid_request_error"},
	apperr.Validation:      {http.StatusUnprocessableEntity, "validation_error"},
	apperr.Conflict:        {http.StatusConflict, "invalid_request_error"},
	apperr.Card:            {http.StatusPaymentRequired, "card_error"},
	apperr.Busy:            {http.StatusServiceUnavailable, "api_error"},
	apperr.Upstream:        {http.StatusBadGateway, "api_error"},
	apperr.NotFound:        {http.StatusNotFound, "invalid_request_error"},
	apperr.TooLarge:        {http.StatusRequestEntityTooLarge, "invalid_request_error"},
	apperr.Unauthenticated: {http.StatusUnauthorized, "authentication_error"},
	apperr.Forbidden:       {http.StatusForbidden, "permission_error"},
	apperr.Internal:        {http.StatusInternalServerError, "api_error"},
}

// busyRetryAfter is the Retry-After (seconds) sent with a Busy answer.
const busyRetryAfter = "5"

// errorAnswer is what an error becomes: its status, its JSON body, the message for the HTML page, and whether
// it was expected (a failure already logged where it happened, or the requester's own).
type errorAnswer struct {
	status   int
	body     map[string]any
	message  string
	expected bool
}

// answerFor turns any error into its answer. An *apperr.Error is answered by its kind; an *echo.HTTPError
// (routing, body limits, CSRF) by its code; anything else is an internal error whose text is never shown.
// The messages the answer adds itself (an internal error, a page not found) are in l's language.
func answerFor(err error, l i18n.Localizer) errorAnswer {
	internalMessage := l.T("error.server")
	if e, ok := apperr.As(err); ok {
		r, known := errorResponses[e.Kind]
		if !known {
			r = errorResponses[apperr.Internal]
		}
		msg := e.MessageIn(l)
		if e.Kind == apperr.Internal || msg == "" {
			msg = internalMessage
		}
		inner := map[string]any{"type": r.typ, "message": msg}
		if e.Code != "" {
			inner["code"] = e.Code
		}
		if e.DeclineCode != "" {
			inner["decline_code"] = e.DeclineCode
		}
		if fields := e.FieldsIn(l); fields != nil {
			inner["fields"] = fields
		}
		body := map[string]any{"error": inner}
		for k, v := range e.Extra {
			body[k] = v
		}
		return errorAnswer{status: r.status, body: body, message: msg, expected: e.Kind != apperr.Internal}
	}
	status, msg := http.StatusInternalServerError, internalMessage
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status = he.Code
		if m, ok := he.Message.(string); ok && status < 500 {
			msg = m
		}
	}
	if status == http.StatusNotFound && (he == nil || he.Message == http.StatusText(http.StatusNotFound)) {
		msg = l.T("error.page_not_found")
	}
	typ := "invalid_request_error"
	if status >= 500 {
		typ = "api_error"
	}
	return errorAnswer{status: status, body: map[string]any{"error": map[string]any{"type": typ, "message": msg}}, message: msg,
		expected: status < 500}
}

// handleError is the one place errors become responses: the JSON error shape {"error":{"type","code","message"}}
// for APIs, a page in the layout otherwise. Unexpected failures are logged here, once.
func (a *App) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	l := localizer(c)
	if isAdminPath(c) {
		l = i18n.Localizer{} // the admin's pages are in English
	}
	ans := answerFor(err, l)
	if !ans.expected {
		a.log.ErrorContext(c.Request().Context(), "request failed", "err", err,
			"path", c.Request().URL.Path, "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	if ans.status == http.StatusServiceUnavailable {
		if e, ok := apperr.As(err); ok && e.Kind == apperr.Busy {
			c.Response().Header().Set("Retry-After", busyRetryAfter)
		}
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(ans.status)
		return
	}
	if wantsJSON(c) {
		_ = c.JSON(ans.status, ans.body)
		return
	}
	title := errorTitle(l, ans.status)
	p := a.page(c, title)
	p.L = l
	_ = render(c, ans.status, views.ErrorPage(p, ans.status, title, ans.message))
}

// wantsJSON reports whether the request is answered in JSON: the admin API, the Stripe webhook, and requests
// that send or accept JSON.
func wantsJSON(c echo.Context) bool {
	r := c.Request()
	return strings.HasPrefix(r.URL.Path, "/admin/api/") || r.URL.Path == "/webhooks/stripe" ||
		strings.Contains(r.Header.Get(echo.HeaderContentType), echo.MIMEApplicationJSON) ||
		strings.HasPrefix(r.Header.Get(echo.HeaderAccept), echo.MIMEApplicationJSON)
}
