package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/app/apperr"
	"github.com/storefront/storefront/app/checkout"
	"github.com/storefront/storefront/app/webhooks"
	"github.com/storefront/storefront/i18n"
)

func TestErrorAnswers(t *testing.T) {
	cases := []struct {
		name     string
		err      error
		status   int
		body     string
		expected bool
	}{
		{"an empty cart is the shopper's to fix", fmt.Errorf("confirm checkout: %w", checkout.ErrEmptyCart), http.StatusUnprocessableEntity,
			`{"error":{"code":"cart_empty","message":"Your cart is empty.","type":"invalid_request_error"}}`, true},
		{"a payment under way is a conflict", checkout.ErrBusy, http.StatusConflict,
			`{"error":{"code":"payment_in_progress","message":"Your payment is already being processed. Please wait a moment.","type":"invalid_request_error"}}`, true},
		{"fields to fix are listed", &apperr.Error{Kind: apperr.Validation, Message: "Please check the highlighted fields.", Fields: map[string]string{"email": "Enter a valid email address."}},
			http.StatusUnprocessableEntity,
			`{"error":{"fields":{"email":"Enter a valid email address."},"message":"Please check the highlighted fields.","type":"validation_error"}}`, true},
		{"a decline is a card error with its codes and the order beside it",
			&apperr.Error{Kind: apperr.Card, Code: "card_declined", DeclineCode: "insufficient_funds", Message: "Your card has insufficient funds.",
				Extra: map[string]any{"order_number": "SF-1"}},
			http.StatusPaymentRequired,
			`{"error":{"code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds.","type":"card_error"},"order_number":"SF-1"}`, true},
		{"a busy Stripe is a 503 api_error", apperr.New(apperr.Busy, "busy", "We're busy right now. Please try again in a moment."), http.StatusServiceUnavailable,
			`{"error":{"code":"busy","message":"We're busy right now. Please try again in a moment.","type":"api_error"}}`, true},
		{"a failed Stripe call is a 502 api_error", &apperr.Error{Kind: apperr.Upstream, Message: "We couldn't process your payment.", Err: errors.New("secret")},
			http.StatusBadGateway, `{"error":{"message":"We couldn't process your payment.","type":"api_error"}}`, true},
		{"a bad signature is a 400", fmt.Errorf("receive: %w", webhooks.ErrSignature), http.StatusBadRequest,
			`{"error":{"code":"signature_invalid","message":"The Stripe-Signature header does not verify.","type":"invalid_request_error"}}`, true},
		{"a missing resource is a 404", apperr.New(apperr.NotFound, "resource_missing", "There is no order with that id."), http.StatusNotFound,
			`{"error":{"code":"resource_missing","message":"There is no order with that id.","type":"invalid_request_error"}}`, true},
		{"a large body is a 413", apperr.New(apperr.TooLarge, "body_too_large", "The event is larger than 64 KiB."), http.StatusRequestEntityTooLarge,
			`{"error":{"code":"body_too_large","message":"The event is larger than 64 KiB.","type":"invalid_request_error"}}`, true},
		{"no credentials is a 401 authentication_error", apperr.New(apperr.Unauthenticated, "", "Sign in."), http.StatusUnauthorized,
			`{"error":{"message":"Sign in.","type":"authentication_error"}}`, true},
		{"a shopper on the admin API is a 403 permission_error", apperr.New(apperr.Forbidden, "", "Staff only."), http.StatusForbidden,
			`{"error":{"message":"Staff only.","type":"permission_error"}}`, true},
		{"an internal apperr never shows its message", &apperr.Error{Kind: apperr.Internal, Message: "db down"}, http.StatusInternalServerError,
			`{"error":{"message":"Something went wrong on our side. Please try again in a moment.","type":"api_error"}}`, false},
		{"an echo error keeps its status and message", echo.NewHTTPError(http.StatusBadRequest, "The request body is not valid JSON."), http.StatusBadRequest,
			`{"error":{"message":"The request body is not valid JSON.","type":"invalid_request_error"}}`, true},
		{"a plain 404 says the page is not there", echo.ErrNotFound, http.StatusNotFound,
			`{"error":{"message":"We couldn't find that page. It may have moved, or the link may be mistyped.","type":"invalid_request_error"}}`, true},
		{"any other error is a 500 that shows nothing of it", errors.New("load order: connection refused"), http.StatusInternalServerError,
			`{"error":{"message":"Something went wrong on our side. Please try again in a moment.","type":"api_error"}}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ans := answerFor(tc.err, i18n.Localizer{})
			body, err := json.Marshal(ans.body)
			if err != nil {
				t.Fatal(err)
			}
			if ans.status != tc.status || string(body) != tc.body || ans.expected != tc.expected {
				t.Fatalf("got %d %s expected=%v\nwant %d %s expected=%v", ans.status, body, ans.expected, tc.status, tc.body, tc.expected)
			}
		})
	}
	t.Run("every kind has a row in the table", func(t *testing.T) {
		for _, k := range []apperr.Kind{apperr.Malformed, apperr.Invalid, apperr.Validation, apperr.Conflict, apperr.Card, apperr.Busy,
			apperr.Upstream, apperr.NotFound, apperr.TooLarge, apperr.Unauthenticated, apperr.Forbidden, apperr.Internal} {
			if _, ok := errorResponses[k]; !ok {
				t.Errorf("no answer for kind %q", k)
			}
		}
	})
}
