// Package apperr is the shop's one vocabulary of failures a user may be told about. Domain packages (checkout,
// webhooks, …) return an *Error with a stable code, a kind that says what sort of failure it is without naming
// any protocol, and a message safe to show; the app's error handler turns the kind into an HTTP status, a JSON
// error {"error":{"type","code","message"}} or the HTML error page, in one table.
package apperr

import (
	"errors"

	"github.com/storefront/storefront/i18n"
)

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
	// Text is Message as a catalog message: the app answers it in the requester's language. Message keeps its
	// English form, for logs. Empty for a message that comes as it is (a card decline in Stripe's words).
	Text Text
	// FieldTexts are Fields as catalog messages.
	FieldTexts map[string]Text
}

// Text is a message of the shop's catalogs (package i18n) by id, with the data of its placeholders. A value of
// the data may be a Text or a Money itself, said in the same language.
type Text struct {
	ID    string
	Data  map[string]any
	Count *int // set for a plural message
}

// Money is an amount in data of a Text, formatted for the language the Text is said in.
type Money struct {
	Amount   int64
	Currency string
}

// T is a Text of the catalog message id with pairs of placeholder name and value: T("cart.added", "Name", n).
func T(id string, pairs ...any) Text {
	t := Text{ID: id}
	for i := 0; i+1 < len(pairs); i += 2 {
		if t.Data == nil {
			t.Data = map[string]any{}
		}
		t.Data[pairs[i].(string)] = pairs[i+1]
	}
	return t
}

// N is a plural Text: the count chooses the form.
func N(id string, count int, pairs ...any) Text {
	t := T(id, pairs...)
	t.Count = &count
	return t
}

// In says the Text in l's language.
func (t Text) In(l i18n.Localizer) string {
	data := make(map[string]any, len(t.Data))
	for k, v := range t.Data {
		switch v := v.(type) {
		case Text:
			data[k] = v.In(l)
		case Money:
			data[k] = l.Money(v.Amount, v.Currency)
		default:
			data[k] = v
		}
	}
	if t.Count != nil {
		return l.N(t.ID, *t.Count, data)
	}
	return l.T(t.ID, data)
}

// English is the Text in English: the form kept in Message for logs.
func (t Text) English() string { return t.In(i18n.Localizer{}) }

// Localized is an error of a kind with a code whose message is a catalog Text.
func Localized(kind Kind, code string, text Text) *Error {
	return &Error{Kind: kind, Code: code, Message: text.English(), Text: text}
}

// MessageIn is the error's message in l's language: its Text when it has one, else Message as it is.
func (e *Error) MessageIn(l i18n.Localizer) string {
	if e.Text.ID != "" {
		return e.Text.In(l)
	}
	return e.Message
}

// FieldsIn are the error's form fields to fix, in l's language.
func (e *Error) FieldsIn(l i18n.Localizer) map[string]string {
	if e.FieldTexts == nil {
		return e.Fields
	}
	out := make(map[string]string, len(e.FieldTexts))
	for name, t := range e.FieldTexts {
		out[name] = t.In(l)
	}
	return out
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
