// Package checkout runs the shop's side of Stripe's "finalize payments on the server" flow: it prices the cart,
// creates or reuses the order, reserves stock, creates and confirms one PaymentIntent per order, and settles
// orders whose outcome is not known yet. Handlers call it; it knows nothing of HTTP.
package checkout

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/storefront/storefront/app/orders"
	"github.com/storefront/storefront/app/payments"
	"github.com/storefront/storefront/models"
)

// Service holds what checkout needs.
type Service struct {
	DB       *gorm.DB
	Pay      *payments.Client
	Shipping orders.Shipping
	Currency string
	BaseURL  string
	Log      *slog.Logger
	Now      func() time.Time
	// InFlightTimeout is how long a confirm may be under way before another request may treat it as lost.
	InFlightTimeout time.Duration
	// ConfirmBudget bounds one confirm, its Stripe calls and retries included; it goes on when the shopper's
	// request is canceled (the tab closed).
	ConfirmBudget time.Duration
	// MaxHeldUnits bounds the units one client's unpaid orders hold reserved at once (0 = no bound).
	MaxHeldUnits int64
	// SearchCatchUp is how long after an attempt began Stripe's search is trusted to show what it made.
	SearchCatchUp time.Duration
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Quote prices a cart with its discount code, re-validating the code now. A code that stopped being valid is
// reported as a *orders.DiscountError next to the quote without it.
func (s *Service) Quote(ctx context.Context, cart models.Cart, code string) (orders.Quote, error) {
	sub := cart.Subtotal()
	if code == "" {
		return orders.Price(sub, nil, s.Shipping), nil
	}
	d, err := models.DiscountByCode(ctx, s.DB, code)
	if errors.Is(err, models.ErrNotFound) {
		return orders.Price(sub, nil, s.Shipping), orders.ErrUnknownCode
	}
	if err != nil {
		return orders.Quote{}, fmt.Errorf("load discount: %w", err)
	}
	if err := orders.CheckDiscount(d, sub, s.now(), s.Currency); err != nil {
		return orders.Price(sub, nil, s.Shipping), err
	}
	q := orders.Price(sub, &d, s.Shipping)
	if q.Total < minimumCharge(s.Currency) {
		// A code that leaves nothing (or too little) to charge is refused rather than giving goods away without a
		// payment Stripe can take: the shop's choice, see README "Discount codes and small totals".
		return orders.Price(sub, nil, s.Shipping), &orders.DiscountError{Reason: "total_too_small",
			Message: "This code would bring the total below " + models.FormatMoney(minimumCharge(s.Currency), s.Currency) +
				", the smallest amount we can charge, so it can't be used on this order.", Amount: minimumCharge(s.Currency)}
	}
	return q, nil
}

// minimumCharge is Stripe's smallest chargeable amount in the store's currency.
func minimumCharge(currency string) int64 { return payments.MinimumCharge(currency) }
