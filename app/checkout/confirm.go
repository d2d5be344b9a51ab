package checkout

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stripe/stripe-go/v82"
	"gorm.io/gorm"

	"github.com/storefront/storefront/app/orders"
	"github.com/storefront/storefront/app/payments"
	"github.com/storefront/storefront/models"
)

// Result is the answer to the browser after a confirm.
type Result struct {
	Status       string // the PaymentIntent's status: succeeded, processing, requires_action
	ClientSecret string // only with requires_action, for stripe.handleNextAction
	OrderNumber  string
	NextURL      string
	MessageID    string // the catalog message for processing after an unknown outcome
}

// Confirm runs one Pay click: price the cart, create or reuse the order with its stock reserved, then create and
// confirm the order's one PaymentIntent (or confirm the existing one again). Safe against double clicks and
// concurrent requests: one cart has at most one open order and one attempt under way. What the shopper can act
// on is an *apperr.Error: fields to fix, an empty cart, short stock, a code no longer valid, a decline…
//
// The shopper may close the tab while Stripe works: the confirm goes on without the request's cancellation (but
// within ConfirmBudget), so what Stripe did is always recorded, and no attempt is left in flight.
func (s *Service) Confirm(ctx context.Context, in Input) (Result, error) {
	budget := s.ConfirmBudget
	if budget <= 0 {
		budget = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), budget)
	defer cancel()
	res, err := s.confirm(ctx, in)
	return res, confirmError(err, s.Currency)
}

func (s *Service) confirm(ctx context.Context, in Input) (Result, error) {
	if err := in.Validate(); err != nil {
		return Result{}, err
	}
	if err := s.checkExpected(ctx, in); err != nil {
		return Result{}, err
	}
	// An earlier attempt whose outcome is unknown must be settled before anything new is sent to Stripe.
	if o, err := models.OpenOrderForCart(ctx, s.DB, in.CartID); err == nil && s.outcomeUnknown(o) {
		o, err = s.Settle(ctx, o.ID, orders.SourceApp)
		if err != nil {
			return Result{}, err
		}
		if !retryable(o) {
			return s.resultFor(o, nil), nil
		}
	}
	var (
		o   models.Order
		err error
	)
	for try := 0; ; try++ {
		// Stripe first: the order's PaymentIntent is made to hold the cart's total before the order's lines and
		// total change, so that neither the order nor a confirm is ever at an amount Stripe has not accepted.
		held, done, err := s.alignIntent(ctx, in)
		if err != nil || done != nil {
			if done != nil {
				return *done, err
			}
			return Result{}, err
		}
		o, err = s.prepare(ctx, in, held)
		if errors.Is(err, ErrEmptyCart) {
			// Pay pressed again after the payment succeeded without this browser (3-D Secure finished, the
			// webhook emptied the cart): the order page, never an error and never a second charge.
			if paid, perr := models.LatestPaidOrderForCart(ctx, s.DB, in.CartID, s.now().Add(-time.Hour)); perr == nil {
				return s.resultFor(paid, nil), nil
			}
		}
		if errors.Is(err, errAmountMoved) && try < 2 {
			continue // the cart changed between the two steps: align again
		}
		if errors.Is(err, errAmountMoved) {
			return Result{}, ErrBusy
		}
		if err != nil {
			return Result{}, err
		}
		break
	}
	if !retryable(o) {
		return s.resultFor(o, nil), nil
	}
	a := s.attempt(o, in.ConfirmationToken)
	var pi *stripe.PaymentIntent
	if o.PaymentIntentID == nil {
		pi, err = s.Pay.CreateAndConfirm(ctx, a)
	} else {
		a.PaymentIntentID = *o.PaymentIntentID
		pi, err = s.Pay.Reconfirm(ctx, a)
	}
	return s.finish(ctx, o, pi, err)
}

// checkExpected refuses, before anything is sent to Stripe, a confirm whose expected_amount (what the pay button
// showed) is not the cart's total now. prepare checks again under the cart's lock.
func (s *Service) checkExpected(ctx context.Context, in Input) error {
	if in.ExpectedAmount == nil {
		return nil
	}
	cart, err := models.CartByID(ctx, s.DB, in.CartID)
	if err != nil || len(cart.Items) == 0 {
		return nil // prepare says what is wrong
	}
	code, err := models.CartDiscountCode(ctx, s.DB, in.CartID)
	if err != nil {
		return err
	}
	q, err := s.Quote(ctx, cart, code)
	if err != nil {
		return nil // a code no longer valid: prepare says so
	}
	if *in.ExpectedAmount != q.Total {
		return amountChanged(q, s.Currency)
	}
	return nil
}

// errAmountMoved means the cart's total is no longer what the order's PaymentIntent was just made to hold.
var errAmountMoved = errors.New("cart total moved while aligning the payment intent")

// alignIntent reads the cart's open order's PaymentIntent from Stripe, when it has one and may be paid again,
// and updates its amount (and customer) to the cart's total as it is now. It returns the amount Stripe holds
// (-1 when there is no PaymentIntent to align), or, when Stripe says the PaymentIntent has moved on by itself
// (3-D Secure finished while the browser was away), the answer for the browser.
func (s *Service) alignIntent(ctx context.Context, in Input) (int64, *Result, error) {
	o, err := models.OpenOrderForCart(ctx, s.DB, in.CartID)
	if err != nil || o.PaymentIntentID == nil || !retryable(o) || o.AttemptState != models.AttemptIdle {
		return -1, nil, nil // no order, none at Stripe, or prepare says why not
	}
	cart, err := models.CartByID(ctx, s.DB, in.CartID)
	if err != nil {
		return -1, nil, nil
	}
	code, err := models.CartDiscountCode(ctx, s.DB, in.CartID)
	if err != nil {
		return -1, nil, err
	}
	q, err := s.Quote(ctx, cart, code)
	if err != nil || len(cart.Items) == 0 || q.Total < minimumCharge(s.Currency) {
		return -1, nil, nil // prepare refuses it with the shopper's reason
	}
	if in.ExpectedAmount != nil && *in.ExpectedAmount != q.Total {
		return -1, nil, amountChanged(q, s.Currency)
	}
	pi, err := s.Pay.Retrieve(ctx, *o.PaymentIntentID, o.Number)
	if err != nil {
		return -1, nil, alignError(err, o.Number)
	}
	switch pi.Status {
	case stripe.PaymentIntentStatusSucceeded, stripe.PaymentIntentStatusProcessing, stripe.PaymentIntentStatusCanceled:
		// Nothing to confirm again: the payment went on without this browser. Say so, never charge twice.
		o, err := s.applyIntent(ctx, o.ID, pi, orders.SourceApp)
		if err != nil {
			return -1, nil, err
		}
		r := s.resultFor(o, pi)
		return -1, &r, nil
	}
	pi, err = s.Pay.Align(ctx, pi, o.Number, q.Total, in.CustomerID)
	if err != nil {
		return -1, nil, alignError(err, o.Number)
	}
	return pi.Amount, nil, nil
}

// retryable reports whether a new attempt may be made on the order.
func retryable(o models.Order) bool { return models.StatusIn(o.Status, models.RetryableStatuses) }

func (s *Service) outcomeUnknown(o models.Order) bool {
	if o.AttemptState == models.AttemptUnknown {
		return true
	}
	return o.AttemptState == models.AttemptInFlight && o.AttemptStartedAt != nil &&
		s.now().Sub(*o.AttemptStartedAt) > s.InFlightTimeout
}

// prepare creates or updates the cart's open order in one transaction and claims a new attempt on it. held is
// the amount the order's PaymentIntent holds at Stripe (-1 = not read): an order with a PaymentIntent changes its
// lines and total only to the amount Stripe holds.
func (s *Service) prepare(ctx context.Context, in Input, held int64) (models.Order, error) {
	var o models.Order
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Lock the cart row: concurrent confirms of one cart queue here, so there is one order per cart.
		found, err := models.LockCart(ctx, tx, in.CartID, s.now())
		if err != nil {
			return err
		}
		if !found {
			return ErrEmptyCart
		}
		cart, err := models.CartByID(ctx, tx, in.CartID)
		if err != nil {
			return fmt.Errorf("load cart: %w", err)
		}
		existing, err := models.OpenOrderForCart(ctx, tx, in.CartID)
		if err != nil && !errors.Is(err, models.ErrNotFound) {
			return fmt.Errorf("load open order: %w", err)
		}
		if err == nil {
			if existing.AttemptState != models.AttemptIdle {
				return ErrBusy // another tab or a double click is paying right now
			}
			if !retryable(existing) {
				o = existing
				return nil
			}
		}
		if len(cart.Items) == 0 {
			return ErrEmptyCart
		}
		code, err := models.CartDiscountCode(ctx, tx, in.CartID)
		if err != nil {
			return err
		}
		q, err := s.Quote(ctx, cart, code)
		if err != nil {
			return err
		}
		if q.Total < minimumCharge(s.Currency) {
			return ErrTooSmall
		}
		if q.Total > payments.MaximumCharge {
			return ErrTooLarge
		}
		if in.ExpectedAmount != nil && *in.ExpectedAmount != q.Total {
			return amountChanged(q, s.Currency)
		}
		if existing.PaymentIntentID != nil && q.Total != held {
			return errAmountMoved
		}
		o = existing
		if o.ID == "" {
			o = models.Order{CartID: &in.CartID, Currency: s.Currency}
		}
		heldCode := o.DiscountCode
		fillOrder(&o, in, q)
		if err := holdRedemption(ctx, tx, &o, heldCode); err != nil {
			return err
		}
		if err := s.saveOrder(ctx, tx, &o, cart); err != nil {
			return err
		}
		if err := models.ClaimAttempt(ctx, tx, o.ID, in.ConfirmationToken, o.Total, s.now()); err != nil {
			return err
		}
		o, err = models.OrderByID(ctx, tx, o.ID)
		return err
	})
	return o, err
}

// fillOrder copies the shopper's details and the server's quote onto the order.
func fillOrder(o *models.Order, in Input, q orders.Quote) {
	o.Email = in.Email
	o.ShippingName, o.ShippingLine1, o.ShippingLine2 = in.Shipping.Name, in.Shipping.Line1, in.Shipping.Line2
	o.ShippingCity, o.ShippingState = in.Shipping.City, in.Shipping.State
	o.ShippingPostal, o.ShippingCountry = in.Shipping.PostalCode, in.Shipping.Country
	o.Subtotal, o.Discount, o.Shipping, o.Total = q.Subtotal, q.Discount, q.Shipping, q.Total
	o.DiscountCode = nil
	if q.Code != "" {
		o.DiscountCode = &q.Code
	}
	if in.UserID != "" {
		o.UserID = &in.UserID
	}
	if in.CustomerID != "" {
		o.CustomerID = &in.CustomerID
	}
	if in.ClientKey != "" {
		o.ClientKey = &in.ClientKey
	}
	if in.Locale != "" {
		o.Locale = in.Locale // its emails go out in it, and Stripe answers the confirm in it
	}
}

// saveOrder stores the order and makes its lines and stock reservation match the cart.
func (s *Service) saveOrder(ctx context.Context, tx *gorm.DB, o *models.Order, cart models.Cart) error {
	lines := make([]models.OrderItem, 0, len(cart.Items))
	for _, it := range cart.Items {
		lines = append(lines, models.OrderItem{ProductID: it.ProductID, Name: it.Product.Name, UnitPrice: it.Product.Price, Quantity: it.Quantity})
	}
	isNew := o.CreatedAt.IsZero()
	if err := s.checkHeld(ctx, tx, *o, lines); err != nil {
		return err
	}
	if !isNew && o.StockState == models.StockReserved && sameLines(o.Items, lines) {
		return models.SaveOrder(ctx, tx, o)
	}
	if !isNew {
		if o.StockState == models.StockReserved {
			if err := models.ReleaseStock(ctx, tx, o.Items); err != nil {
				return fmt.Errorf("release stock: %w", err)
			}
		}
		if err := models.DeleteOrderLines(ctx, tx, o.ID); err != nil {
			return fmt.Errorf("replace order lines: %w", err)
		}
	}
	if err := models.ReserveStock(ctx, tx, lines); err != nil {
		return err
	}
	o.StockState = models.StockReserved
	o.Items = nil
	if err := models.SaveOrder(ctx, tx, o); err != nil {
		return fmt.Errorf("save order: %w", err)
	}
	if err := models.AddOrderLines(ctx, tx, o.ID, lines); err != nil {
		return fmt.Errorf("save order lines: %w", err)
	}
	if isNew {
		return models.AddOrderEvent(ctx, tx, o.ID, orders.SourceApp, "", "order.created", "", models.StatusPending,
			fmt.Sprintf("total=%d %s", o.Total, o.Currency))
	}
	return nil
}

// checkHeld bounds the stock one client holds: the units of its other unpaid orders and of this one together.
// One request per fresh cookie can then not reserve the shop empty.
func (s *Service) checkHeld(ctx context.Context, tx *gorm.DB, o models.Order, lines []models.OrderItem) error {
	if s.MaxHeldUnits <= 0 || o.ClientKey == nil || *o.ClientKey == "" {
		return nil
	}
	var units int64
	for _, l := range lines {
		units += l.Quantity
	}
	other, err := models.HeldUnits(ctx, tx, *o.ClientKey, o.ID)
	if err != nil {
		return fmt.Errorf("count held stock: %w", err)
	}
	if other+units > s.MaxHeldUnits {
		return ErrTooMuchHeld
	}
	return nil
}

func sameLines(a, b []models.OrderItem) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ProductID != b[i].ProductID || a[i].Quantity != b[i].Quantity || a[i].UnitPrice != b[i].UnitPrice {
			return false
		}
	}
	return true
}

// attempt builds the Stripe attempt from the order as stored (so a replay rebuilds the same parameters).
func (s *Service) attempt(o models.Order, token string) payments.Attempt {
	a := payments.Attempt{
		OrderID: o.ID, OrderNumber: o.Number, Attempt: o.Attempt, Amount: o.AttemptAmount, Currency: o.Currency,
		ConfirmationToken: token, Email: o.Email, ReturnURL: s.BaseURL + "/checkout/complete", Locale: o.Locale,
		Shipping: payments.Shipping{Name: o.ShippingName, Line1: o.ShippingLine1, Line2: o.ShippingLine2,
			City: o.ShippingCity, State: o.ShippingState, PostalCode: o.ShippingPostal, Country: o.ShippingCountry},
	}
	if o.CustomerID != nil {
		a.CustomerID = *o.CustomerID
	}
	return a
}

// finish records what Stripe answered and turns it into the browser's result.
func (s *Service) finish(ctx context.Context, o models.Order, pi *stripe.PaymentIntent, callErr error) (Result, error) {
	f := payments.Classify(callErr)
	if pi == nil && f != nil && f.Stripe != nil && f.Stripe.PaymentIntent != nil {
		pi = f.Stripe.PaymentIntent // a decline carries the PaymentIntent
	}
	if f != nil && f.Outcome == payments.OutcomeUnknown {
		// The charge may exist. Keep the attempt as unknown: the next Pay, the return page, the reconciler
		// and webhooks settle it from Stripe; nothing creates a second PaymentIntent meanwhile.
		if err := s.setAttempt(ctx, o.ID, models.AttemptUnknown, pi); err != nil {
			return Result{}, err
		}
		o, _, err := orders.Apply(ctx, s.DB, o.ID, orders.Change{Event: orders.Event{Kind: orders.AttemptUnknown, Created: o.LastPIEventAt},
			Source: orders.SourceApp, Detail: "outcome unknown: " + string(f.Outcome)})
		if err != nil {
			return Result{}, err
		}
		r := s.resultFor(o, nil)
		r.MessageID = f.ShopperMessageID()
		return r, nil
	}
	if err := s.setAttempt(ctx, o.ID, models.AttemptIdle, pi); err != nil {
		return Result{}, err
	}
	if pi == nil && o.PaymentIntentID == nil && f != nil {
		// Stripe made nothing (it refused the token or the request): the stock goes back at once.
		if err := orders.ReleaseWithoutIntent(ctx, s.DB, o.ID, orders.SourceApp,
			"attempt made no payment intent: "+string(f.Outcome)); err != nil {
			return Result{}, err
		}
	}
	if pi != nil {
		var err error
		if o, err = s.applyIntent(ctx, o.ID, pi, orders.SourceApp); err != nil {
			return Result{}, err
		}
	}
	if f != nil {
		return Result{}, paymentError(f, o.Number)
	}
	return s.resultFor(o, pi), nil
}

// setAttempt ends (or marks unknown) the attempt under way and records the PaymentIntent id once known.
func (s *Service) setAttempt(ctx context.Context, orderID, state string, pi *stripe.PaymentIntent) error {
	piID := ""
	if pi != nil {
		piID = pi.ID
	}
	return models.SetAttemptState(ctx, s.DB, orderID, state, piID)
}

func (s *Service) resultFor(o models.Order, pi *stripe.PaymentIntent) Result {
	r := Result{OrderNumber: o.Number, NextURL: "/orders/" + o.Number}
	switch o.Status {
	case models.StatusRequiresAction:
		// Without the PaymentIntent at hand there is no client secret for stripe.handleNextAction: the browser
		// goes to the order page, which leads back to the checkout to finish the authentication.
		r.Status = string(stripe.PaymentIntentStatusProcessing)
		if pi != nil {
			// After stripe.handleNextAction the browser goes to the return page, which syncs from Stripe.
			r.Status = string(stripe.PaymentIntentStatusRequiresAction)
			r.ClientSecret = pi.ClientSecret
			r.NextURL = "/checkout/complete?payment_intent=" + pi.ID
		}
	case models.StatusProcessing, models.StatusPending:
		r.Status = string(stripe.PaymentIntentStatusProcessing)
	default:
		r.Status = string(stripe.PaymentIntentStatusSucceeded)
		if o.Status == models.StatusPaymentFailed || o.Status == models.StatusCanceled {
			r.Status = o.Status
		}
	}
	return r
}

// intentEvent maps a PaymentIntent's status to the state machine's event.
func intentEvent(pi *stripe.PaymentIntent) (orders.Change, bool) {
	ch := orders.Change{}
	switch pi.Status {
	case stripe.PaymentIntentStatusSucceeded:
		ch.Kind = orders.PISucceeded
		ch.AmountReceived, ch.Currency = pi.AmountReceived, string(pi.Currency)
	case stripe.PaymentIntentStatusProcessing:
		ch.Kind = orders.PIProcessing
	case stripe.PaymentIntentStatusRequiresAction:
		ch.Kind = orders.PIRequiresAction
	case stripe.PaymentIntentStatusCanceled:
		ch.Kind = orders.PICanceled
	case stripe.PaymentIntentStatusRequiresPaymentMethod:
		if pi.LastPaymentError == nil {
			return ch, false // never confirmed yet: nothing to apply
		}
		ch.Kind = orders.PIPaymentFailed
	default:
		return ch, false
	}
	if e := pi.LastPaymentError; e != nil && ch.Kind == orders.PIPaymentFailed {
		ch.ErrorType, ch.ErrorCode, ch.DeclineCode, ch.ErrorMessage = string(e.Type), string(e.Code), string(e.DeclineCode), e.Msg
	}
	if pi.LatestCharge != nil {
		ch.ChargeID = pi.LatestCharge.ID
	}
	return ch, true
}

// applyIntent applies a PaymentIntent as read from Stripe to its order.
func (s *Service) applyIntent(ctx context.Context, orderID string, pi *stripe.PaymentIntent, source string) (models.Order, error) {
	ch, ok := intentEvent(pi)
	if !ok {
		return models.OrderByID(ctx, s.DB, orderID)
	}
	// Read from Stripe's API just now: stamped with Stripe's clock (never the shop's), so that it orders right
	// among Stripe's own events, and it wins a tie.
	ch.Created, ch.Authoritative = s.Pay.StripeNow().Unix(), true
	ch.Source = source
	ch.Detail = "payment_intent " + pi.ID + " is " + string(pi.Status)
	o, _, err := orders.Apply(ctx, s.DB, orderID, ch)
	return o, err
}
