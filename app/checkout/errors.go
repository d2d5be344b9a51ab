package checkout

import (
	"errors"
	"fmt"

	"github.com/storefront/storefront/app/apperr"
	"github.com/storefront/storefront/app/orders"
	"github.com/storefront/storefront/app/payments"
	"github.com/storefront/storefront/models"
)

// Errors of checkout that are the shopper's to fix.
var (
	ErrEmptyCart   = apperr.New(apperr.Invalid, "cart_empty", "Your cart is empty.")
	ErrBusy        = apperr.New(apperr.Conflict, "payment_in_progress", "Your payment is already being processed. Please wait a moment.")
	ErrTooSmall    = apperr.New(apperr.Invalid, "amount_too_small", "The order total is below the smallest amount we can charge.")
	ErrTooLarge    = apperr.New(apperr.Invalid, "amount_too_large", "The order total is above the largest amount we can charge at once. Split it into smaller orders.")
	ErrTooMuchHeld = apperr.New(apperr.Conflict, "too_many_reserved",
		"You have too many items waiting for payment in other checkouts. Finish those, or order fewer items.")
)

// AmountChanged is the cause of an amount_changed error: the total the server computes now, which differs from
// the one the shopper saw (the cart changed in another tab, or a price changed).
type AmountChanged struct{ Quote orders.Quote }

func (e *AmountChanged) Error() string { return fmt.Sprintf("total is now %d", e.Quote.Total) }

// amountChanged refuses a confirm whose expected_amount is not the server's total; nothing was sent to Stripe.
func amountChanged(q orders.Quote, currency string) *apperr.Error {
	return &apperr.Error{Kind: apperr.Conflict, Code: "amount_changed",
		Message: "Your order total changed to " + models.FormatMoney(q.Total, currency) +
			" (your cart or a price changed). Check your order and press Pay again.",
		Extra: map[string]any{"amount": q.Total, "currency": currency}, Err: &AmountChanged{Quote: q}}
}

// inputError lists what is wrong with the shopper's email and address, by form field name.
func inputError(fields map[string]string) *apperr.Error {
	return &apperr.Error{Kind: apperr.Validation, Message: "Please check the highlighted fields.", Fields: fields}
}

// discountError is a discount code the shopper cannot use, in the shop's error vocabulary; hint says what to
// do next ("" for none).
func discountError(de *orders.DiscountError, hint string) *apperr.Error {
	msg := de.Message
	if hint != "" {
		msg += " " + hint
	}
	return &apperr.Error{Kind: apperr.Invalid, Code: "discount_invalid", Message: msg, Err: de}
}

// stockError is a cart line that is short of stock, in the shop's error vocabulary.
func stockError(se *models.StockError) *apperr.Error {
	msg := fmt.Sprintf("%s is out of stock.", se.Product)
	if se.Available > 0 {
		msg = fmt.Sprintf("Only %d of %s left in stock.", se.Available, se.Product)
	}
	return &apperr.Error{Kind: apperr.Conflict, Code: "out_of_stock", Message: msg + " Update your cart to continue.", Err: se}
}

// paymentError is a failed Stripe call of a confirm, in the shop's error vocabulary: a decline keeps Stripe's
// code and decline code and names the order, so that the shopper can pay it again.
func paymentError(f *payments.Failure, orderNumber string) *apperr.Error {
	e := &apperr.Error{Kind: apperr.Upstream, Message: f.ShopperMessage(), Err: f}
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
		return &apperr.Error{Kind: apperr.Busy, Code: "busy", Err: f,
			Message: "We couldn't reach our payment provider. Nothing was charged; please press Pay again."}
	}
	return paymentError(f, orderNumber)
}

// confirmError says a failed confirm in the shop's error vocabulary where the shopper can act on it; other
// errors stay as they are (internal).
func confirmError(err error) error {
	var (
		se *models.StockError
		de *orders.DiscountError
	)
	switch {
	case errors.As(err, &se):
		return stockError(se)
	case errors.As(err, &de):
		return discountError(de, "Remove the code to continue.")
	}
	return err
}
