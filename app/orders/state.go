package orders

import (
	"fmt"

	"github.com/storefront/storefront/models"
)

// Event kinds the state machine understands (Stripe events and the app's own reads of a PaymentIntent).
const (
	PISucceeded      = "payment_intent.succeeded"
	PIProcessing     = "payment_intent.processing"
	PIRequiresAction = "payment_intent.requires_action"
	PIPaymentFailed  = "payment_intent.payment_failed"
	PICanceled       = "payment_intent.canceled"
	ChargeRefunded   = "charge.refunded"
	DisputeCreated   = "charge.dispute.created"
	DisputeClosed    = "charge.dispute.closed"

	// AttemptUnknown is the shop's own note that a confirm's outcome is unknown (timeout, 5xx, network): the order
	// shows processing until Stripe's data says more. It orders nothing: its Created is the order's LastPIEventAt
	// when the attempt was claimed, and it applies only if no event of Stripe's has come since.
	AttemptUnknown = "attempt.outcome_unknown"
	// AttemptNotMade is the shop's finding, from Stripe's search once it has caught up, that an attempt whose
	// outcome was unknown made no PaymentIntent: nothing was charged and the shopper may pay again.
	AttemptNotMade = "attempt.no_payment_intent"
	// RefundFailedKind is a refund that failed or was canceled after Stripe accepted it (refund.failed,
	// refund.updated, charge.refund.updated): its amount went back to the charge.
	RefundFailedKind = "refund.failed"
)

// State is the part of an order the state machine reads and writes.
type State struct {
	Status        string
	LastPIEventAt int64 // Stripe "created" of the newest applied PaymentIntent event
	// RefundedAmount is what went back to the shopper: ChargeRefunded less the refunds it counted that failed
	// later.
	RefundedAmount   int64
	ChargeRefunded   int64 // the charge's amount_refunded in the newest charge.refunded (by Stripe's created)
	ChargeRefundedAt int64 // that event's created
	Total            int64
	Currency         string
	DisputeStatus    string // "" or Stripe's dispute status
	ReviewReason     string // why money that arrived does not match the order ("" = it matches)
}

// Event is one fact from Stripe about the order's payment.
type Event struct {
	Kind    string
	Created int64 // Stripe's created time of the event, or the time of a direct read (unix seconds)
	// Authoritative marks a PaymentIntent read from Stripe's API just now (not a webhook): it wins a tie.
	Authoritative  bool
	AmountRefunded int64  // charge.refunded: the charge's cumulative amount_refunded
	DisputeStatus  string // dispute events: the dispute's status (needs_response, won, lost, …)
	// AmountReceived and Currency come with a succeeded PaymentIntent (Currency "" = not known: not checked).
	AmountReceived int64
	Currency       string
	// FailedCounted (charge.refunded, refund.failed) is the sum of the order's failed refunds that the charge's
	// amount_refunded at the order's resulting ChargeRefundedAt still counts (see RefundClock).
	FailedCounted int64
}

// Next returns the order's state after an event and whether anything changed. It is pure, and built so that
// the same set of events gives the same final state whatever order or repetition they come in:
//   - a succeeded payment is final for the payment part: only refunds and disputes move a paid order;
//   - among the other PaymentIntent events the newest (by Stripe's created time) wins, older ones are ignored;
//     Stripe's times are whole seconds, so within one second the later lifecycle stage wins (a direct read wins);
//   - refunds carry the cumulative refunded amount, so the largest seen wins;
//   - a closed dispute outranks an open one.
func Next(s State, ev Event) (State, bool) {
	before := s
	switch ev.Kind {
	case PISucceeded:
		if s.Status == models.StatusCanceled {
			break // a canceled PaymentIntent cannot succeed; never resurrect a canceled order
		}
		if !settled(s.Status) {
			s.Status = models.StatusPaid
			if r := mismatch(s, ev); r != "" {
				s.Status, s.ReviewReason = models.StatusNeedsReview, r
			}
		}
		s.LastPIEventAt = max(s.LastPIEventAt, ev.Created)
	case PIProcessing, PIRequiresAction, PIPaymentFailed, PICanceled:
		if settled(s.Status) || s.Status == models.StatusCanceled {
			break
		}
		if ev.Created < s.LastPIEventAt {
			break // older than what we already applied
		}
		if ev.Created == s.LastPIEventAt && !ev.Authoritative && stageRank[piStatus[ev.Kind]] < stageRank[s.Status] {
			break // the same second, an earlier stage: it happened before what we have
		}
		s.Status = piStatus[ev.Kind]
		s.LastPIEventAt = max(s.LastPIEventAt, ev.Created)
	case AttemptUnknown, AttemptNotMade:
		// Notes of the shop, not facts with a Stripe time: they move an unfinished payment's status and leave
		// LastPIEventAt alone, so that any genuine event of Stripe's that follows still applies.
		if settled(s.Status) || s.Status == models.StatusCanceled {
			break
		}
		if ev.Kind == AttemptUnknown && s.LastPIEventAt != ev.Created {
			break // a genuine event of this attempt came first (Created holds LastPIEventAt as at the claim)
		}
		s.Status = models.StatusProcessing
		if ev.Kind == AttemptNotMade {
			s.Status = models.StatusPaymentFailed
		}
	case ChargeRefunded:
		if s.Status == models.StatusCanceled {
			break // a canceled PaymentIntent has no charge to refund
		}
		// A refund proves the charge succeeded even if its succeeded event is late. The newest amount_refunded
		// (by Stripe's time; within one second the larger) is the charge's.
		s.ChargeRefunded, s.ChargeRefundedAt = RefundClock(s, ev)
		s.RefundedAmount = max(0, s.ChargeRefunded-ev.FailedCounted)
		s.Status = settledStatus(s)
	case RefundFailedKind:
		if !settled(s.Status) {
			break
		}
		s.RefundedAmount = max(0, s.ChargeRefunded-ev.FailedCounted)
		s.Status = settledStatus(s)
	case DisputeCreated, DisputeClosed:
		if s.Status == models.StatusCanceled {
			break
		}
		if disputeRank(ev.DisputeStatus) >= disputeRank(s.DisputeStatus) {
			s.DisputeStatus = ev.DisputeStatus
		}
		s.Status = settledStatus(s)
	}
	return s, s != before
}

var piStatus = map[string]string{
	PIProcessing:     models.StatusProcessing,
	PIRequiresAction: models.StatusRequiresAction,
	PIPaymentFailed:  models.StatusPaymentFailed,
	PICanceled:       models.StatusCanceled,
}

// stageRank orders the unsettled statuses by how late in a payment attempt they come.
var stageRank = map[string]int{
	models.StatusPending:        0,
	models.StatusRequiresAction: 1,
	models.StatusProcessing:     2,
	models.StatusPaymentFailed:  3,
	models.StatusCanceled:       4,
}

// RefundClock is the charge's amount_refunded and its Stripe time after a charge.refunded event: the newer
// event's, or within one second the larger amount.
func RefundClock(s State, ev Event) (amount, at int64) {
	if ev.Kind != ChargeRefunded {
		return s.ChargeRefunded, s.ChargeRefundedAt
	}
	if ev.Created > s.ChargeRefundedAt || (ev.Created == s.ChargeRefundedAt && ev.AmountRefunded > s.ChargeRefunded) {
		return ev.AmountRefunded, ev.Created
	}
	return s.ChargeRefunded, s.ChargeRefundedAt
}

// mismatch says why a succeeded PaymentIntent's money does not match the order, or "".
func mismatch(s State, ev Event) string {
	if ev.Currency == "" || (ev.AmountReceived == s.Total && ev.Currency == s.Currency) {
		return ""
	}
	return fmt.Sprintf("Stripe received %d %s; the order's total is %d %s", ev.AmountReceived, ev.Currency, s.Total, s.Currency)
}

// settled reports whether the payment succeeded (paid, refunded or disputed).
func settled(status string) bool { return models.StatusIn(status, models.PaidStatuses) }

// settledStatus derives the status of a paid order from its refunds and dispute.
func settledStatus(s State) string {
	switch {
	case s.DisputeStatus != "" && s.DisputeStatus != "won" && s.DisputeStatus != "warning_closed":
		return models.StatusDisputed
	case s.RefundedAmount >= s.Total && s.Total > 0:
		return models.StatusRefunded
	case s.ReviewReason != "":
		return models.StatusNeedsReview
	case s.RefundedAmount > 0:
		return models.StatusPartiallyRefunded
	default:
		return models.StatusPaid
	}
}

// disputeRank orders dispute statuses so that a closed dispute outranks an open one.
func disputeRank(status string) int {
	switch status {
	case "":
		return 0
	case "won", "lost", "warning_closed":
		return 2
	default:
		return 1
	}
}
