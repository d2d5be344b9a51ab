package checkout

import (
	"testing"

	"github.com/stripe/stripe-go/v82"

	"github.com/storefront/storefront/app/apperr"
	"github.com/storefront/storefront/app/payments"
	"github.com/storefront/storefront/models"
)

func TestDeclinesThatHelpCardTestersSayOnlyDeclined(t *testing.T) {
	for _, code := range []string{"fraudulent", "stolen_card", "lost_card", "pickup_card", "merchant_blacklist", "restricted_card", "security_violation"} {
		t.Run(code, func(t *testing.T) {
			msg := "Your card was reported as " + code + "." // a message more telling than Stripe's own
			se := &stripe.Error{Type: stripe.ErrorTypeCard, Code: stripe.ErrorCodeCardDeclined, DeclineCode: stripe.DeclineCode(code), Msg: msg}
			e := paymentError(payments.Classify(se), "SF-1")
			if e.Kind != apperr.Card || e.Code != "card_declined" || e.DeclineCode != "" || e.Message != "Your card was declined." {
				t.Errorf("shopper gets %+v", e)
			}
			o := models.Order{Status: models.StatusPaymentFailed, LastDeclineCode: &code, LastErrorMessage: &msg}
			if got := o.ShopperErrorMessage(); got != "Your card was declined." {
				t.Errorf("order page says %q", got)
			}
		})
	}
	t.Run("other declines keep Stripe's message and code", func(t *testing.T) {
		se := &stripe.Error{Type: stripe.ErrorTypeCard, Code: stripe.ErrorCodeIncorrectCVC, DeclineCode: "incorrect_cvc", Msg: "Your card's security code is incorrect."}
		e := paymentError(payments.Classify(se), "SF-1")
		if e.DeclineCode != "incorrect_cvc" || e.Message != se.Msg {
			t.Errorf("shopper gets %+v", e)
		}
	})
}
