package app

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/storefront/storefront/app/orders"
	"github.com/storefront/storefront/app/payments"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views/admin"
)

// refundOrder refunds part or all of a paid order through Stripe. It records the refund as pending; the
// order's status changes when Stripe's charge.refunded webhook arrives. A form sent twice refunds once: the
// form carries the refund's number, which must be the order's next one, and the Stripe idempotency key is
// made from it.
func (a *App) refundOrder(c echo.Context) error {
	ctx := c.Request().Context()
	o, err := a.adminOrder(c)
	if err != nil {
		return err
	}
	form := admin.RefundForm{Amount: strings.TrimSpace(c.FormValue("amount"))}
	refuse := func(status int, msg string) error {
		form.Error = msg
		return a.renderAdminOrder(c, status, o, form)
	}
	if !orders.CanRefund(o.Status) {
		return refuse(http.StatusUnprocessableEntity, fmt.Sprintf("Only paid or partially refunded orders can be refunded. This order is %s.",
			strings.ToLower(admin.StatusLabel(o.Status))))
	}
	if o.PaymentIntentID == nil {
		return refuse(http.StatusUnprocessableEntity, "This order has no payment at Stripe to refund.")
	}
	next, err := models.NextRefundSeq(ctx, a.db.DB, o.ID)
	if err != nil {
		return fmt.Errorf("next refund number: %w", err)
	}
	seq, err := strconv.Atoi(c.FormValue("refund_seq"))
	switch {
	case err == nil && seq > 0 && seq < next:
		// This form was sent before and its refund is recorded: a double submit, or the back button.
		if err := a.flash(c, "info", "That refund was already made; it was not made again. Check the refunds below before refunding more."); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/admin/orders/"+o.ID)
	case err != nil || seq != next:
		return refuse(http.StatusUnprocessableEntity, "This refund form is out of date. Check the order below and try again.")
	}
	form.Seq = seq
	refundable := orders.Refundable(o)
	amount := refundable
	if form.Amount != "" {
		if amount, err = models.ParseMoney(form.Amount, o.Currency); err != nil {
			form.AmountError = err.Error()
			return a.renderAdminOrder(c, http.StatusUnprocessableEntity, o, form)
		}
	}
	switch {
	case refundable <= 0:
		return refuse(http.StatusUnprocessableEntity, "Nothing is left to refund on this order.")
	case amount <= 0:
		form.AmountError = "Enter an amount above zero, or leave it empty to refund everything left."
		return a.renderAdminOrder(c, http.StatusUnprocessableEntity, o, form)
	case amount > refundable:
		form.AmountError = fmt.Sprintf("You can refund at most %s: the total is %s, %s is refunded and %s is pending.",
			models.FormatMoney(refundable, o.Currency), models.FormatMoney(o.Total, o.Currency),
			models.FormatMoney(o.RefundedAmount, o.Currency), models.FormatMoney(o.RefundPending, o.Currency))
		return a.renderAdminOrder(c, http.StatusUnprocessableEntity, o, form)
	}

	re, err := a.pay.Refund(ctx, payments.RefundRequest{OrderID: o.ID, OrderNumber: o.Number,
		PaymentIntentID: *o.PaymentIntentID, Amount: amount, Seq: seq})
	if err != nil {
		f := payments.Classify(err)
		status := http.StatusBadGateway
		if f.Outcome == payments.OutcomeInvalid || f.Outcome == payments.OutcomeIdempotency {
			status = http.StatusUnprocessableEntity
		}
		return refuse(status, f.AdminMessage())
	}
	made := orders.RefundMade{Seq: seq, StripeRefundID: re.ID, Amount: re.Amount, Status: string(re.Status)}
	if re.Charge != nil {
		made.ChargeRefunded = re.Charge.AmountRefunded
	}
	if adm, ok := a.currentAdmin(c); ok {
		made.AdminID, made.AdminEmail = adm.ID, adm.Email
	}
	recorded, err := orders.RecordRefund(ctx, a.db.DB, o.ID, made)
	if err != nil {
		// Stripe made the refund; the webhook still brings the order up to date.
		return fmt.Errorf("record refund %s of order %s: %w", re.ID, o.Number, err)
	}
	a.log.InfoContext(ctx, "refund requested", "order", o.Number, "refund", re.ID, "amount", re.Amount, "recorded", recorded)
	kind, msg := "success", fmt.Sprintf("Refund of %s sent to Stripe. The order's status changes when Stripe confirms it.", models.FormatMoney(re.Amount, o.Currency))
	switch {
	case !recorded:
		msg = "That refund was already made; it was not made again."
	case orders.RefundFailed(made.Status):
		kind, msg = "error", fmt.Sprintf("Stripe could not make the refund of %s (its status is %s). See it in the Stripe Dashboard.",
			models.FormatMoney(re.Amount, o.Currency), re.Status)
	}
	if err := a.flash(c, kind, msg); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/orders/"+o.ID)
}
