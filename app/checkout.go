package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/collate"

	"github.com/storefront/storefront/app/apperr"
	"github.com/storefront/storefront/app/checkout"
	"github.com/storefront/storefront/app/orders"
	"github.com/storefront/storefront/app/payments"
	"github.com/storefront/storefront/i18n"
	"github.com/storefront/storefront/models"
	checkoutview "github.com/storefront/storefront/views/checkout"
)

// showCheckout renders the checkout page for a non-empty cart.
func (a *App) showCheckout(c echo.Context) error {
	ctx := c.Request().Context()
	cartID := a.sessionString(c, sessCart)
	cart, q, note, err := a.checkout.CartQuote(ctx, cartID)
	if errors.Is(err, models.ErrNotFound) || (err == nil && len(cart.Items) == 0) {
		if err := a.flash(c, "info", message(c, "cart.empty_before_checkout")); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/cart")
	}
	if err != nil {
		return fmt.Errorf("price cart: %w", err)
	}
	l := localizer(c)
	view := checkoutview.Page{
		Summary:     summaryView(cart, q),
		Form:        checkoutview.Form{Country: "US"},
		StripeJSURL: a.cfg.StripeJSURL,
		ScriptURL:   a.assets.Path("js/checkout.js"),
		Config: checkoutview.Config{
			PublishableKey: a.cfg.StripePublishableKey, Amount: q.Total, Currency: a.cfg.Currency,
			ConfirmURL: "/checkout/confirm", ReturnURL: a.cfg.BaseURL + "/checkout/complete", DiscountURL: "/checkout/discount",
			Locale: l.Locale().String(), Messages: l.Messages("js."), RequireCVCRecollection: a.cfg.RequireCVCRecollection,
		},
	}
	for _, ct := range checkout.Countries {
		view.Countries = append(view.Countries, checkoutview.Country{Code: ct.Code, Name: l.Country(ct.Code)})
	}
	sortCountries(l, view.Countries)
	if secret, next, ok := a.checkout.PendingAction(ctx, cartID); ok {
		view.Config.PendingAction = &checkoutview.PendingAction{ClientSecret: secret, NextURL: next}
	}
	if note != nil {
		var de *orders.DiscountError
		if errors.As(note, &de) {
			view.DiscountNote = l.T("checkout.discount.dropped", "Reason", checkout.DiscountText(de, a.cfg.Currency).In(l))
		}
	}
	if u, ok := a.currentUser(c); ok {
		view.Config.CustomerSession = "/checkout/customer-session"
		view.Form.Email = u.Email
	}
	return render(c, http.StatusOK, checkoutview.CheckoutPage(a.page(c, l.T("checkout.title")), view))
}

func summaryView(cart models.Cart, q orders.Quote) checkoutview.Summary {
	s := checkoutview.Summary{Subtotal: q.Subtotal, Discount: q.Discount, Code: q.Code, Shipping: q.Shipping, Total: q.Total}
	for _, it := range cart.Items {
		s.Lines = append(s.Lines, checkoutview.Line{Name: it.Product.Name, Image: it.Product.Image, Quantity: it.Quantity, UnitPrice: it.Product.Price})
	}
	return s
}

// discountReply is the JSON answer to a discount change: the new amount for elements.update and the summary.
type discountReply struct {
	Amount      int64          `json:"amount"`
	Currency    string         `json:"currency"`
	Discount    *discountShape `json:"discount"`
	SummaryHTML string         `json:"summary_html"`
}

type discountShape struct {
	Code   string `json:"code"`
	Amount int64  `json:"amount"`
}

// applyDiscount validates a code and keeps it on the cart: JSON for the script, a redirect for plain forms.
func (a *App) applyDiscount(c echo.Context) error {
	var body struct {
		Code string `json:"code" form:"code"`
	}
	if err := bindBody(c, &body); err != nil {
		return err
	}
	q, err := a.checkout.ApplyDiscount(c.Request().Context(), a.sessionString(c, sessCart), body.Code)
	if e, ok := apperr.As(err); ok && !wantsJSON(c) {
		// A plain form goes back to the checkout page with the reason.
		if err := a.flash(c, "error", e.MessageIn(localizer(c))); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/checkout")
	}
	if err != nil {
		return fmt.Errorf("apply discount: %w", err)
	}
	return a.discountChanged(c, q, message(c, "checkout.discount.applied", "Code", q.Code))
}

// removeDiscount takes the code off the cart.
func (a *App) removeDiscount(c echo.Context) error {
	q, err := a.checkout.RemoveDiscount(c.Request().Context(), a.sessionString(c, sessCart))
	if err != nil {
		return fmt.Errorf("remove discount: %w", err)
	}
	return a.discountChanged(c, q, message(c, "checkout.discount.removed"))
}

func (a *App) discountChanged(c echo.Context, q orders.Quote, msg string) error {
	if !wantsJSON(c) {
		if err := a.flash(c, "success", msg); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/checkout")
	}
	cart, err := models.CartByID(c.Request().Context(), a.db.DB, a.sessionString(c, sessCart))
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("load cart: %w", err)
	}
	var html bytes.Buffer
	if err := checkoutview.OrderSummary(a.page(c, ""), summaryView(cart, q)).Render(c.Request().Context(), &html); err != nil {
		return fmt.Errorf("render summary: %w", err)
	}
	reply := discountReply{Amount: q.Total, Currency: a.cfg.Currency, SummaryHTML: html.String()}
	if q.Code != "" {
		reply.Discount = &discountShape{Code: q.Code, Amount: q.Discount}
	}
	return c.JSON(http.StatusOK, reply)
}

// confirmRequest is what checkout.js posts: the ConfirmationToken id, the email and the shipping address.
type confirmRequest struct {
	ConfirmationTokenID string `json:"confirmation_token_id"`
	Email               string `json:"email"`
	// ExpectedAmount is what the pay button showed: a precondition, never the amount charged.
	ExpectedAmount *int64 `json:"expected_amount"`
	Shipping       struct {
		Name    string `json:"name"`
		Address struct {
			Line1      string `json:"line1"`
			Line2      string `json:"line2"`
			City       string `json:"city"`
			State      string `json:"state"`
			PostalCode string `json:"postal_code"`
			Country    string `json:"country"`
		} `json:"address"`
	} `json:"shipping"`
}

// confirmCheckout creates and confirms the order's PaymentIntent on the server ("finalize payments on the
// server"): {status, client_secret?, order_number, next_url}, or the JSON error shape when the shopper must act.
func (a *App) confirmCheckout(c echo.Context) error {
	var req confirmRequest
	if err := bindBody(c, &req); err != nil {
		return err
	}
	in := checkout.Input{
		CartID: a.sessionString(c, sessCart), ConfirmationToken: req.ConfirmationTokenID, Email: req.Email,
		Shipping: payments.Shipping{Name: req.Shipping.Name, Line1: req.Shipping.Address.Line1, Line2: req.Shipping.Address.Line2,
			City: req.Shipping.Address.City, State: req.Shipping.Address.State, PostalCode: req.Shipping.Address.PostalCode,
			Country: req.Shipping.Address.Country},
		ExpectedAmount: req.ExpectedAmount,
		ClientKey:      holdKey(c.RealIP()),
		Locale:         localeOf(c).String(),
	}
	if u, ok := a.currentUser(c); ok {
		in.UserID = u.ID
		// The PaymentIntent carries the shopper's Customer so a card saved in the Payment Element is theirs.
		if id, err := a.stripeCustomer(c.Request().Context(), u); err == nil {
			in.CustomerID = id
		} else {
			a.log.WarnContext(c.Request().Context(), "paying without a Stripe customer", "err", err)
		}
	}
	if in.CartID == "" {
		return checkout.ErrEmptyCart
	}
	res, err := a.checkout.Confirm(c.Request().Context(), in)
	var moved *checkout.AmountChanged
	if errors.As(err, &moved) {
		return a.amountChanged(c, err, moved.Quote)
	}
	if err != nil {
		return fmt.Errorf("confirm checkout: %w", err)
	}
	out := map[string]any{"status": res.Status, "order_number": res.OrderNumber, "next_url": res.NextURL}
	if res.ClientSecret != "" {
		out["client_secret"] = res.ClientSecret
	}
	if res.MessageID != "" {
		out["message"] = message(c, res.MessageID)
	}
	return c.JSON(http.StatusOK, out)
}

// amountChanged answers 409 amount_changed with the new summary, so checkout.js can update the Payment Element
// and the page and ask the shopper to press Pay again.
func (a *App) amountChanged(c echo.Context, err error, q orders.Quote) error {
	e, _ := apperr.As(err)
	cart, cerr := models.CartByID(c.Request().Context(), a.db.DB, a.sessionString(c, sessCart))
	if cerr != nil {
		return fmt.Errorf("load cart: %w", cerr)
	}
	var html bytes.Buffer
	if err := checkoutview.OrderSummary(a.page(c, ""), summaryView(cart, q)).Render(c.Request().Context(), &html); err != nil {
		return fmt.Errorf("render summary: %w", err)
	}
	e.Extra["summary_html"] = html.String()
	return e
}

// completeCheckout is the return_url: it settles the order from Stripe and shows its page.
func (a *App) completeCheckout(c echo.Context) error {
	noStore(c)
	ctx := c.Request().Context()
	piID := c.QueryParam("payment_intent")
	if !strings.HasPrefix(piID, "pi_") || len(piID) > 255 {
		return echo.NewHTTPError(http.StatusNotFound, message(c, "checkout.error.payment_not_found"))
	}
	o, err := models.OrderByPaymentIntent(ctx, a.db.DB, piID)
	if err == nil && !a.ownsOrder(c, o) && !a.checkout.HoldsClientSecret(ctx, o, c.QueryParam("payment_intent_client_secret")) {
		// A banking app may open the return URL in another browser, without the session; Stripe's redirect carries
		// the PaymentIntent's client secret, which proves the link came from that payment.
		err = models.ErrNotFound
	}
	if errors.Is(err, models.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, message(c, "checkout.error.payment_not_found"))
	}
	if err != nil {
		return fmt.Errorf("load order: %w", err)
	}
	if _, err := a.checkout.Settle(ctx, o.ID, orders.SourceApp); err != nil {
		// Stripe may be unreachable: the order page says we're confirming, and webhooks settle it.
		a.log.WarnContext(ctx, "settle on return failed", "order", o.Number, "err", err)
	}
	return c.Redirect(http.StatusSeeOther, "/orders/"+o.Number)
}

// ownsOrder reports whether the order belongs to this browser's cart or signed-in shopper.
func (a *App) ownsOrder(c echo.Context, o models.Order) bool {
	if cart := a.sessionString(c, sessCart); cart != "" && o.CartID != nil && *o.CartID == cart {
		return true
	}
	user := a.sessionString(c, sessUser)
	return user != "" && o.UserID != nil && *o.UserID == user
}

// showOrder is the order status page; the number is unguessable, and the page refreshes while settling.
func (a *App) showOrder(c echo.Context) error {
	noStore(c)
	o, err := models.OrderByNumber(c.Request().Context(), a.db.DB, c.Param("number"))
	if errors.Is(err, models.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, message(c, "checkout.error.order_not_found"))
	}
	if err != nil {
		return fmt.Errorf("load order: %w", err)
	}
	o = a.orderForViewer(c, o)
	p := a.page(c, message(c, "order.page_title", "Number", o.Number))
	if o.Open() && o.Status != models.StatusPaymentFailed {
		p.Refresh = 3
	}
	return render(c, http.StatusOK, checkoutview.OrderPage(p, o))
}

// bindBody decodes a JSON body (or a form) into v; malformed JSON is a 400 with a clear message.
func bindBody(c echo.Context, v any) error {
	if strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEApplicationJSON) {
		if err := json.NewDecoder(c.Request().Body).Decode(v); err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, message(c, "error.bad_json"))
		}
		return nil
	}
	if err := c.Bind(v); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, message(c, "error.bad_form"))
	}
	return nil
}

// holdKey names a client for the bound on the stock it may hold: its address, an IPv6 address by its /64 (one
// subscriber's network).
func holdKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	if a.Is4() || a.Is4In6() {
		return a.Unmap().String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// sortCountries puts the country options in the alphabetical order of the shopper's language.
func sortCountries(l i18n.Localizer, cs []checkoutview.Country) {
	col := collate.New(l.Locale().Tag())
	sort.SliceStable(cs, func(i, j int) bool { return col.CompareString(cs[i].Name, cs[j].Name) < 0 })
}
