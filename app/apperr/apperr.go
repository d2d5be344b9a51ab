// Package apperr is the shop's one vocabulary of failures a user may be told about. Domain packages (checkout,
// webhooks, …) return an *Error with a stable code, a kind that says what sort of failure it is without naming
// any protocol, and a message safe to show; the app's error handler turns the kind into an HTTP status, a JSON
// error {"error":{"type","code","message"}} or the HTML error page, in one table.
package apperr

import "errors"

// Kind says what sort of failure an error is, independent of HTTP.
type Kind string

// Kinds of failure.
const (
	Malformed       Kind = "malformed"       // the request itself cannot be read (bad JSON, bad signature…)
	Invalid         Kind = "invalid"         // well-formed, but the shop cannot do it (empty cart, invalid code…)
	Validation      Kind = "validation"      // form fields to fix, listed in Fields
	Conflict        Kind = "conflict"        // the state changed under the request (stock, a payment under way…)
	Card            Kind = "card"            // the card was declined: the shopper may try again or use another
	Busy            Kind = "busy"            // a dependency is overloaded: try again in a moment
	Upstream        Kind = "upstream"        // a dependency (Stripe) failed
	NotFound        Kind = "not_found"       // no such thing
	TooLarge        Kind = "too_large"       // the request body is larger than allowed
	Unauthenticated Kind = "unauthenticated" // who is asking is not known
	Forbidden       Kind = "forbidden"       // who is asking may not do this
	Internal        Kind = "internal"        // our fault; the message says nothing about it
)

// Error is a failure with a stable code and a message safe to show to whoever made the request.
type Error struct {
	Kind    Kind
	Code    string // stable, machine-readable: cart_empty, out_of_stock, card_declined…; may be empty
	Message string // safe to show: never holds internal details
	// DeclineCode is the card issuer's reason (card errors only; already filtered of codes that help card testers).
	DeclineCode string
	// Fields lists form fields to fix, by field name (Validation only).
	Fields map[string]string
	// Extra holds members shown beside the error in a JSON answer (the order number of a declined payment).
	Extra map[string]any
	// Err is the cause, for logs; it is never shown.
	Err error
}

// New is an error of a kind with a code and a message safe to show.
func New(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches errors of the same kind and code, so a sentinel made with New matches a copy that carries more
// (a cause, extra members).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind && t.Code == e.Code
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
