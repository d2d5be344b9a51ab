package orders

import "github.com/storefront/storefront/models"

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
)

// State is the part of an order the state machine reads and writes.
type State struct {
	Status         string
	LastPIEventAt  int64 // Stripe "created" of the newest applied PaymentIntent event
	RefundedAmount int64 // cumulative, from the charge
	Total          int64
	DisputeStatus  string // "" or Stripe's dispute status
}

// Event is one fact from Stripe about the order's payment.
type Event struct {
	Kind    string
	Created int64 // Stripe's created time of the event, or the time of a direct read (unix seconds)
	// Authoritative marks a PaymentIntent read from Stripe's API just now (not a webhook): it wins a tie.
	Authoritative  bool
	AmountRefunded int64  // charge.refunded: the charge's cumulative amount_refunded
	DisputeStatus  string // dispute events: the dispute's status (needs_response, won, lost, …)
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
	case ChargeRefunded:
		if s.Status == models.StatusCanceled {
			break // a canceled PaymentIntent has no charge to refund
		}
		// A refund proves the charge succeeded even if its succeeded event is late.
		if ev.AmountRefunded > s.RefundedAmount {
			s.RefundedAmount = ev.AmountRefunded
		}
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

// settled reports whether the payment succeeded (paid, refunded or disputed).
func settled(status string) bool { return models.StatusIn(status, models.PaidStatuses) }

// settledStatus derives the status of a paid order from its refunds and dispute.
func settledStatus(s State) string {
	switch {
	case s.DisputeStatus != "" && s.DisputeStatus != "won" && s.DisputeStatus != "warning_closed":
		return models.StatusDisputed
	case s.RefundedAmount >= s.Total && s.Total > 0:
		return models.StatusRefunded
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
