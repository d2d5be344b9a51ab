package checkout

import (
	"errors"
	"fmt"

	"github.com/storefront/storefront/app/apperr"
	"github.com/storefront/storefront/app/orders"
	"github.com/storefront/storefront/app/payments"
	"github.com/storefront/storefront/models"
)

// Errors of checkout that are the shopper's to fix; their messages are catalog Texts, said in the shopper's
// language by the app's error handler.
var (
	ErrEmptyCart   = apperr.Localized(apperr.Invalid, "cart_empty", apperr.T("checkout.error.cart_empty"))
	ErrBusy        = apperr.Localized(apperr.Conflict, "payment_in_progress", apperr.T("checkout.error.payment_in_progress"))
	ErrTooSmall    = apperr.Localized(apperr.Invalid, "amount_too_small", apperr.T("checkout.error.amount_too_small"))
	ErrTooLarge    = apperr.Localized(apperr.Invalid, "amount_too_large", apperr.T("checkout.error.amount_too_large"))
	ErrTooMuchHeld = apperr.Localized(apperr.Conflict, "too_many_reserved", apperr.T("checkout.error.too_many_reserved"))
)

// AmountChanged is the cause of an amount_changed error: the total the server computes now, which differs from
// the one the shopper saw (the cart changed in another tab, or a price changed).
type AmountChanged struct{ Quote orders.Quote }

func (e *AmountChanged) Error() string { return fmt.Sprintf("total is now %d", e.Quote.Total) }

// amountChanged refuses a confirm whose expected_amount is not the server's total; nothing was sent to Stripe.
func amountChanged(q orders.Quote, currency string) *apperr.Error {
	e := apperr.Localized(apperr.Conflict, "amount_changed",
		apperr.T("checkout.error.amount_changed", "Amount", apperr.Money{Amount: q.Total, Currency: currency}))
	e.Extra, e.Err = map[string]any{"amount": q.Total, "currency": currency}, &AmountChanged{Quote: q}
	return e
}

// inputError lists what is wrong with the shopper's email and address, by form field name.
func inputError(fields map[string]apperr.Text) *apperr.Error {
	e := apperr.Localized(apperr.Validation, "", apperr.T("checkout.error.check_fields"))
	e.FieldTexts, e.Fields = fields, map[string]string{}
	for name, t := range fields {
		e.Fields[name] = t.English()
	}
	return e
}

// DiscountText says why a discount code cannot be used, as a catalog Text.
func DiscountText(de *orders.DiscountError, currency string) apperr.Text {
	switch de.Reason {
	case "not_yet_active":
		return apperr.T("checkout.discount.not_yet_active")
	case "expired":
		return apperr.T("checkout.discount.expired")
	case "used_up":
		return apperr.T("checkout.discount.used_up")
	case "below_minimum":
		return apperr.T("checkout.discount.below_minimum", "Amount", apperr.Money{Amount: de.Amount, Currency: currency})
	case "total_too_small":
		return apperr.T("checkout.discount.total_too_small", "Amount", apperr.Money{Amount: de.Amount, Currency: currency})
	}
	return apperr.T("checkout.discount.unknown")
}

// discountError is a discount code the shopper cannot use, in the shop's error vocabulary; with removeHint it
// says to remove the code to go on.
func discountError(de *orders.DiscountError, currency string, removeHint bool) *apperr.Error {
	t := DiscountText(de, currency)
	if removeHint {
		t = apperr.T("checkout.error.remove_code", "Reason", t)
	}
	e := apperr.Localized(apperr.Invalid, "discount_invalid", t)
	e.Err = de
	return e
}

// stockError is a cart line that is short of stock, in the shop's error vocabulary.
func stockError(se *models.StockError) *apperr.Error {
	t := apperr.T("checkout.error.out_of_stock", "Name", se.Product)
	if se.Available > 0 {
		t = apperr.N("checkout.error.stock_short", int(se.Available), "Name", se.Product)
	}
	e := apperr.Localized(apperr.Conflict, "out_of_stock", t)
	e.Err = se
	return e
}

// paymentError is a failed Stripe call of a confirm, in the shop's error vocabulary: a decline keeps Stripe's
// code and decline code and names the order, so that the shopper can pay it again.
func paymentError(f *payments.Failure, orderNumber string) *apperr.Error {
	e := &apperr.Error{Kind: apperr.Upstream, Message: f.ShopperMessage(), Err: f}
	if id := f.ShopperMessageID(); id != "" {
		e.Text = apperr.T(id)
	}
	switch f.Outcome {
	case payments.OutcomeCard:
		e.Kind = apperr.Card
		if f.Stripe != nil {
			e.Code, e.DeclineCode = string(f.Stripe.Code), string(f.Stripe.DeclineCode)
		}
		if f.HidesDeclineReason() {
			e.DeclineCode = "" // the log and the order keep it
		}
		e.Extra = map[string]any{"order_number": orderNumber}
	case payments.OutcomeBusy:
		e.Kind, e.Code = apperr.Busy, "busy"
	case payments.OutcomeInvalid:
		if f.Stripe != nil && f.Stripe.Param == "confirmation_token" {
			e.Kind, e.Code = apperr.Invalid, "confirmation_token_invalid"
		}
	}
	return e
}

// alignError is a failed read or update of the order's PaymentIntent before a confirm: nothing was confirmed
// and the order did not change, so whatever Stripe's trouble, the shopper may simply press Pay again.
func alignError(err error, orderNumber string) *apperr.Error {
	f := payments.Classify(err)
	if f.Outcome == payments.OutcomeUnknown || f.Outcome == payments.OutcomeBusy {
		e := apperr.Localized(apperr.Busy, "busy", apperr.T("checkout.error.unreachable"))
		e.Err = f
		return e
	}
	return paymentError(f, orderNumber)
}

// confirmError says a failed confirm in the shop's error vocabulary where the shopper can act on it; other
// errors stay as they are (internal).
func confirmError(err error, currency string) error {
	var (
		se *models.StockError
		de *orders.DiscountError
	)
	switch {
	case errors.As(err, &se):
		return stockError(se)
	case errors.As(err, &de):
		return discountError(de, currency, true)
	}
	return err
}
