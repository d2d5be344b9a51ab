package stripesim

import (
	"errors"
	"fmt"
	"time"
)

// dispute is Stripe's dispute object.
type dispute struct {
	ID                  string            `json:"id"`
	Object              string            `json:"object"`
	Amount              int64             `json:"amount"`
	BalanceTransactions []any             `json:"balance_transactions"`
	Charge              string            `json:"charge"`
	Created             int64             `json:"created"`
	Currency            string            `json:"currency"`
	Evidence            map[string]any    `json:"evidence"`
	EvidenceDetails     map[string]any    `json:"evidence_details"`
	IsChargeRefundable  bool              `json:"is_charge_refundable"`
	Livemode            bool              `json:"livemode"`
	Metadata            map[string]string `json:"metadata"`
	PaymentIntent       *string           `json:"payment_intent"`
	Reason              string            `json:"reason"`
	Status              string            `json:"status"`
}

// openDispute disputes ch as the cardholder's bank would. Caller holds s.mu.
func (s *Sim) openDispute(ch *charge) *dispute {
	now := s.now()
	d := &dispute{
		ID: newID("dp"), Object: "dispute", Amount: ch.Amount, BalanceTransactions: []any{}, Charge: ch.ID,
		Created: now.Unix(), Currency: ch.Currency, Evidence: map[string]any{}, Metadata: map[string]string{},
		EvidenceDetails: map[string]any{"due_by": now.Add(7 * 24 * time.Hour).Unix(), "has_evidence": false,
			"past_due": false, "submission_count": 0},
		PaymentIntent: nstr(ch.piID), Reason: "fraudulent", Status: "needs_response",
	}
	s.st.disputes.put(d.ID, d)
	ch.Disputed = true
	s.emit(nil, "charge.dispute.created", d)
	return d
}

// TriggerDispute opens a dispute on the successful charge of a PaymentIntent
// (card 4000000000000259 does this by itself shortly after paying).
func (s *Sim) TriggerDispute(paymentIntentID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	pi := s.st.paymentIntents.get(paymentIntentID)
	if pi == nil {
		return fmt.Errorf("trigger dispute: no such payment intent %q", paymentIntentID)
	}
	ch := s.st.charges.get(pi.latestChargeID)
	if pi.Status != piSucceeded || ch == nil {
		return fmt.Errorf("trigger dispute: payment intent %s has not succeeded", paymentIntentID)
	}
	if ch.Disputed {
		return errors.New("trigger dispute: charge already disputed")
	}
	s.openDispute(ch)
	return nil
}

// CloseDispute closes the open dispute of a PaymentIntent as "won" or
// "lost", emitting charge.dispute.closed.
func (s *Sim) CloseDispute(paymentIntentID, status string) error {
	if status != "won" && status != "lost" {
		return fmt.Errorf("close dispute: status must be won or lost, not %q", status)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.st.disputes.newestFirst() {
		if deref(d.PaymentIntent) != paymentIntentID || (d.Status == "won" || d.Status == "lost") {
			continue
		}
		d.Status = status
		d.EvidenceDetails["submission_count"] = 1
		s.emit(nil, "charge.dispute.closed", d)
		return nil
	}
	return fmt.Errorf("close dispute: no open dispute for payment intent %q", paymentIntentID)
}
