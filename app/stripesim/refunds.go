package stripesim

import (
	"fmt"
	"strings"
)

// refund is Stripe's refund object.
type refund struct {
	ID                 string            `json:"id"`
	Object             string            `json:"object"`
	Amount             int64             `json:"amount"`
	BalanceTransaction *string           `json:"balance_transaction"`
	Charge             any               `json:"charge"`
	Created            int64             `json:"created"`
	Currency           string            `json:"currency"`
	DestinationDetails map[string]any    `json:"destination_details"`
	Metadata           map[string]string `json:"metadata"`
	PaymentIntent      any               `json:"payment_intent"`
	Reason             *string           `json:"reason"`
	ReceiptNumber      *string           `json:"receipt_number"`
	SourceTransferRev  *string           `json:"source_transfer_reversal"`
	Status             string            `json:"status"`
	TransferReversal   *string           `json:"transfer_reversal"`
	// Set only when the refund failed or is pending.
	FailureBalanceTransaction *string `json:"failure_balance_transaction,omitempty"`
	FailureReason             *string `json:"failure_reason,omitempty"`
	PendingReason             *string `json:"pending_reason,omitempty"`

	chargeID string
	piID     string
}

func refundSpec() *spec {
	return pObj(map[string]*spec{
		"payment_intent": pStr(), "charge": pStr(), "amount": pInt(), "metadata": pHash(), "expand": pArr(pStr()),
		"reason":             pEnum("duplicate", "fraudulent", "requested_by_customer"),
		"instructions_email": pStr(),
	})
}

// renderRefund is r as answered, with the requested fields expanded.
func (s *Sim) renderRefund(r *refund, expand map[string]bool) *refund {
	out := *r
	out.Charge = s.expandable(r.chargeID, expand["charge"], func(id string) any {
		return s.renderCharge(s.st.charges.get(id), nil)
	})
	out.PaymentIntent = s.expandable(r.piID, expand["payment_intent"], func(id string) any {
		return s.renderPI(s.st.paymentIntents.get(id), nil)
	})
	return &out
}

// createRefund serves POST /v1/refunds: the remainder by default, or part of it.
func (s *Sim) createRefund(c *call) (any, error) {
	p := c.p
	if err := checkExpand(c.expand, "charge", "payment_intent"); err != nil {
		return nil, err
	}
	var ch *charge
	switch {
	case p.str("charge") != "" && p.str("payment_intent") != "":
		return nil, invalidRequest("parameters_exclusive", "charge",
			"You may only specify one of these parameters: charge, payment_intent.")
	case p.str("charge") != "":
		ch = s.st.charges.get(p.str("charge"))
		if ch == nil {
			return nil, notFound("charge", "charge", p.str("charge"))
		}
	case p.str("payment_intent") != "":
		pi := s.st.paymentIntents.get(p.str("payment_intent"))
		if pi == nil {
			return nil, notFound("payment_intent", "payment_intent", p.str("payment_intent"))
		}
		if pi.Status != piSucceeded {
			return nil, invalidRequest("", "payment_intent",
				"This PaymentIntent (%s) does not have a successful charge to refund.", pi.ID)
		}
		ch = s.st.charges.get(pi.latestChargeID)
	default:
		return nil, invalidRequest("parameter_missing", "",
			"One of the following params should be provided for this request: payment_intent or charge.")
	}
	if ch == nil || ch.Status != "succeeded" {
		return nil, invalidRequest("charge_not_refundable", "charge", "This charge cannot be refunded because it did not succeed.")
	}
	if ch.Disputed {
		return nil, invalidRequest("charge_disputed", "charge",
			"Charge %s has been charged back; cannot issue a refund.", ch.ID)
	}
	remaining := ch.AmountCaptured - ch.AmountRefunded
	if remaining <= 0 {
		return nil, invalidRequest("charge_already_refunded", "", "Charge %s has already been refunded.", ch.ID)
	}
	amount := remaining
	if p.has("amount") {
		amount = p.int64At("amount")
		if amount <= 0 {
			return nil, invalidRequest("", "amount", "Invalid positive integer")
		}
		if amount > remaining {
			return nil, invalidRequest("amount_too_large", "amount",
				"Refund amount (%s) is greater than unrefunded amount on charge (%s)",
				money(amount, ch.Currency), money(remaining, ch.Currency))
		}
	}
	r := &refund{
		ID: newID("re"), Object: "refund", Amount: amount, BalanceTransaction: nstr(newID("txn")),
		Created: s.now().Unix(), Currency: ch.Currency, Metadata: mergeMetadata(nil, p.get("metadata")),
		Reason: nstr(p.str("reason")), Status: "succeeded", chargeID: ch.ID, piID: ch.piID,
		DestinationDetails: map[string]any{"type": "card", "card": map[string]any{
			"reference": randomString(12), "reference_status": "available", "reference_type": "acquirer_reference_number",
			"type": "refund"}},
	}
	outcome := s.currentFaults().RefundOutcome
	if pm := s.st.paymentMethods.get(deref(ch.PaymentMethod)); outcome == "" && pm != nil {
		outcome = behaviorFor(pm.number).refund
	}
	if outcome == "pending" {
		r.Status, r.PendingReason = "pending", nstr("processing")
	}
	s.st.refunds.put(r.ID, r)
	ch.AmountRefunded += amount
	ch.Refunded = ch.AmountRefunded == ch.AmountCaptured
	s.emit(c, "refund.created", s.renderRefund(r, nil))
	s.emit(c, "charge.refunded", s.renderCharge(ch, nil))
	if outcome != "" {
		s.settleRefundLater(r.ID, outcome == "fail")
	}
	return s.renderRefund(r, c.expand), nil
}

// settleRefundLater moves a refund on after ProcessingDelay, as Stripe's
// asynchronous refunds do: a pending refund succeeds; a failing one turns
// failed with failure_reason, and its amount returns to the charge.
func (s *Sim) settleRefundLater(id string, fail bool) {
	s.after(s.currentFaults().processingDelay(), func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		r := s.st.refunds.get(id)
		if r == nil || r.Status == "failed" || r.Status == "canceled" {
			return
		}
		ch := s.st.charges.get(r.chargeID)
		r.PendingReason = nil
		if !fail {
			r.Status = "succeeded"
			s.emit(nil, "refund.updated", s.renderRefund(r, nil))
			s.emit(nil, "charge.refund.updated", s.renderRefund(r, nil))
			return
		}
		r.Status = "failed"
		r.FailureReason = nstr("expired_or_canceled_card")
		r.FailureBalanceTransaction = nstr(newID("txn"))
		if ch != nil {
			ch.AmountRefunded -= r.Amount
			ch.Refunded = ch.AmountRefunded == ch.AmountCaptured
		}
		s.emit(nil, "refund.failed", s.renderRefund(r, nil))
		s.emit(nil, "refund.updated", s.renderRefund(r, nil))
		s.emit(nil, "charge.refund.updated", s.renderRefund(r, nil))
	})
}

// money writes an amount like Stripe's messages do ("$0.50", "¥50",
// "2.000 BHD"), in the currency's own number of decimals.
func money(amount int64, currency string) string {
	var n string
	switch {
	case zeroDecimal[currency]:
		n = fmt.Sprintf("%d", amount)
	case threeDecimal[currency]:
		n = fmt.Sprintf("%d.%03d", amount/1000, amount%1000)
	default:
		n = fmt.Sprintf("%d.%02d", amount/100, amount%100)
	}
	sym := map[string]string{"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥"}[currency]
	if sym == "" {
		return n + " " + strings.ToUpper(currency)
	}
	return sym + n
}

// retrieveRefund serves GET /v1/refunds/:id.
func (s *Sim) retrieveRefund(c *call) (any, error) {
	r := s.st.refunds.get(c.args[0])
	if r == nil {
		return nil, notFound("refund", "id", c.args[0])
	}
	if err := checkExpand(c.expand, "charge", "payment_intent"); err != nil {
		return nil, err
	}
	return s.renderRefund(r, c.expand), nil
}
