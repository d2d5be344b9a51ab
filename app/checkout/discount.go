package checkout

import (
	"context"
	"crypto/subtle"
	"errors"
	"github.com/stripe/stripe-go/v82"
	"strings"

	"github.com/storefront/storefront/app/orders"
	"github.com/storefront/storefront/models"
)

// CartQuote loads a cart and prices it with its discount code. A code that is no longer valid is dropped from
// the cart, and its reason returned as note, so the page never shows a discount that will not be given.
func (s *Service) CartQuote(ctx context.Context, cartID string) (cart models.Cart, q orders.Quote, note error, err error) {
	cart, err = models.CartByID(ctx, s.DB, cartID)
	if err != nil {
		return cart, q, nil, err
	}
	code, err := models.CartDiscountCode(ctx, s.DB, cartID)
	if err != nil {
		return cart, q, nil, err
	}
	q, note = s.Quote(ctx, cart, code)
	if note != nil && !orders.IsDiscountError(note) {
		return cart, q, nil, note
	}
	if note != nil {
		if err := s.setCartCode(ctx, cartID, ""); err != nil {
			return cart, q, nil, err
		}
	}
	return cart, q, note, nil
}

// ApplyDiscount validates a code against the cart and keeps it on the cart; when the code cannot be used the
// error is a discount_invalid *apperr.Error that says why.
func (s *Service) ApplyDiscount(ctx context.Context, cartID, code string) (orders.Quote, error) {
	cart, err := models.CartByID(ctx, s.DB, cartID)
	if errors.Is(err, models.ErrNotFound) || (err == nil && len(cart.Items) == 0) {
		return orders.Quote{}, ErrEmptyCart
	}
	if err != nil {
		return orders.Quote{}, err
	}
	q, err := s.Quote(ctx, cart, code)
	var de *orders.DiscountError
	if errors.As(err, &de) {
		return q, discountError(de, s.Currency, false)
	}
	if err != nil {
		return q, err
	}
	return q, s.setCartCode(ctx, cartID, q.Code)
}

// RemoveDiscount takes the code off the cart.
func (s *Service) RemoveDiscount(ctx context.Context, cartID string) (orders.Quote, error) {
	if err := s.setCartCode(ctx, cartID, ""); err != nil {
		return orders.Quote{}, err
	}
	cart, err := models.CartByID(ctx, s.DB, cartID)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return orders.Quote{}, err
	}
	return orders.Price(cart.Subtotal(), nil, s.Shipping), nil
}

func (s *Service) setCartCode(ctx context.Context, cartID, code string) error {
	return models.SetCartDiscountCode(ctx, s.DB, cartID, code)
}

// PendingAction returns, when the cart's order waits for the shopper's bank (3-D Secure), the PaymentIntent's
// client secret for stripe.handleNextAction and where the browser goes after it.
func (s *Service) PendingAction(ctx context.Context, cartID string) (clientSecret, nextURL string, ok bool) {
	o, err := models.OpenOrderForCart(ctx, s.DB, cartID)
	if err != nil || o.Status != models.StatusRequiresAction || o.PaymentIntentID == nil {
		return "", "", false
	}
	pi, err := s.Pay.Retrieve(ctx, *o.PaymentIntentID, o.Number)
	if err != nil || pi.Status != stripe.PaymentIntentStatusRequiresAction {
		return "", "", false
	}
	return pi.ClientSecret, "/checkout/complete?payment_intent=" + pi.ID, true
}

// HoldsClientSecret reports whether secret is the client secret of the order's PaymentIntent (as Stripe's
// return_url redirect carries it), read from Stripe and compared in constant time.
func (s *Service) HoldsClientSecret(ctx context.Context, o models.Order, secret string) bool {
	if o.PaymentIntentID == nil || secret == "" || len(secret) > 255 || !strings.HasPrefix(secret, *o.PaymentIntentID+"_secret_") {
		return false
	}
	pi, err := s.Pay.Retrieve(ctx, *o.PaymentIntentID, o.Number)
	return err == nil && subtle.ConstantTimeCompare([]byte(pi.ClientSecret), []byte(secret)) == 1
}
