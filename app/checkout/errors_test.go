package checkout

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stripe/stripe-go/v82"

	"github.com/storefront/storefront/app/apperr"
	"github.com/storefront/storefront/app/orders"
	"github.com/storefront/storefront/app/payments"
	"github.com/storefront/storefront/i18n"
	"github.com/storefront/storefront/models"
)

func TestConfirmErrorsInTheVocabulary(t *testing.T) {
	decline := &stripe.Error{Type: stripe.ErrorTypeCard, Code: stripe.ErrorCodeCardDeclined, DeclineCode: "insufficient_funds", Msg: "Your card has insufficient funds."}
	cases := []struct {
		name string
		err  error
		want apperr.Error
	}{
		{"short stock names the product and what to do", fmt.Errorf("save order: %w", &models.StockError{Product: "Mug", Available: 2}),
			apperr.Error{Kind: apperr.Conflict, Code: "out_of_stock", Message: "Only 2 of Mug left in stock. Update your cart to continue."}},
		{"no stock at all says so", &models.StockError{Product: "Mug"},
			apperr.Error{Kind: apperr.Conflict, Code: "out_of_stock", Message: "Mug is out of stock. Update your cart to continue."}},
		{"a code no longer valid asks to remove it", orders.ErrUnknownCode,
			apperr.Error{Kind: apperr.Invalid, Code: "discount_invalid", Message: orders.ErrUnknownCode.Message + " Remove the code to continue."}},
		{"a decline keeps Stripe's codes and names the order", paymentError(payments.Classify(decline), "SF-1"),
			apperr.Error{Kind: apperr.Card, Code: "card_declined", DeclineCode: "insufficient_funds", Message: "Your card has insufficient funds."}},
		{"a rate limit after our retries is busy", paymentError(payments.Classify(&stripe.Error{Type: stripe.ErrorTypeInvalidRequest, Code: stripe.ErrorCodeRateLimit, HTTPStatusCode: 429}), "SF-1"),
			apperr.Error{Kind: apperr.Busy, Code: "busy", Message: "We're busy right now. Please try again in a moment."}},
		{"an expired confirmation token asks for the details again",
			paymentError(payments.Classify(&stripe.Error{Type: stripe.ErrorTypeInvalidRequest, Param: "confirmation_token", HTTPStatusCode: 400}), "SF-1"),
			apperr.Error{Kind: apperr.Invalid, Code: "confirmation_token_invalid", Message: "Your payment details expired. Please enter them again."}},
		{"another invalid request is Stripe's failure, told generically",
			paymentError(payments.Classify(&stripe.Error{Type: stripe.ErrorTypeInvalidRequest, Param: "amount", HTTPStatusCode: 400}), "SF-1"),
			apperr.Error{Kind: apperr.Upstream, Message: "We couldn't process your payment. Please try again or use another payment method."}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := apperr.As(confirmError(tc.err, "usd"))
			if !ok {
				t.Fatalf("not an *apperr.Error: %v", tc.err)
			}
			if got.Kind != tc.want.Kind || got.Code != tc.want.Code || got.Message != tc.want.Message || got.DeclineCode != tc.want.DeclineCode {
				t.Fatalf("got %+v, want %+v", *got, tc.want)
			}
		})
	}
	t.Run("a decline carries the order number beside the error", func(t *testing.T) {
		e := paymentError(payments.Classify(decline), "SF-1")
		if e.Extra["order_number"] != "SF-1" {
			t.Fatalf("extra: %v", e.Extra)
		}
	})
	t.Run("the shopper reads it in their language", func(t *testing.T) {
		e, _ := apperr.As(confirmError(&models.StockError{Product: "Mug", Available: 2}, "usd"))
		if got := e.MessageIn(i18n.For(i18n.German)); got != "Nur noch 2 × Mug vorrätig. Bitte passen Sie Ihren Warenkorb an, um fortzufahren." {
			t.Errorf("German: %q", got)
		}
		e = amountChanged(orders.Quote{Total: 2400}, "usd")
		if got := e.MessageIn(i18n.For(i18n.French)); !strings.Contains(got, "24,00\u00a0$US") {
			t.Errorf("French amount_changed: %q", got)
		}
	})
	t.Run("an internal error stays as it is", func(t *testing.T) {
		err := errors.New("database is locked")
		if got := confirmError(err, "usd"); got != err {
			t.Fatalf("got %v", got)
		}
	})
}
