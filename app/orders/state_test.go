package orders

import (
	"testing"

	"github.com/storefront/storefront/models"
)

func TestNextFromEveryStatus(t *testing.T) {
	// want[status][event kind] is the status after that event; a missing entry means "unchanged".
	want := map[string]map[string]string{
		models.StatusPending: {PISucceeded: models.StatusPaid, PIProcessing: models.StatusProcessing,
			PIRequiresAction: models.StatusRequiresAction, PIPaymentFailed: models.StatusPaymentFailed,
			PICanceled: models.StatusCanceled, ChargeRefunded: models.StatusPartiallyRefunded, DisputeCreated: models.StatusDisputed},
		models.StatusRequiresAction: {PISucceeded: models.StatusPaid, PIProcessing: models.StatusProcessing,
			PIPaymentFailed: models.StatusPaymentFailed, PICanceled: models.StatusCanceled,
			ChargeRefunded: models.StatusPartiallyRefunded, DisputeCreated: models.StatusDisputed},
		models.StatusProcessing: {PISucceeded: models.StatusPaid, PIRequiresAction: models.StatusRequiresAction,
			PIPaymentFailed: models.StatusPaymentFailed, PICanceled: models.StatusCanceled,
			ChargeRefunded: models.StatusPartiallyRefunded, DisputeCreated: models.StatusDisputed},
		models.StatusPaymentFailed: {PISucceeded: models.StatusPaid, PIProcessing: models.StatusProcessing,
			PIRequiresAction: models.StatusRequiresAction, PICanceled: models.StatusCanceled,
			ChargeRefunded: models.StatusPartiallyRefunded, DisputeCreated: models.StatusDisputed},
		models.StatusPaid:              {ChargeRefunded: models.StatusPartiallyRefunded, DisputeCreated: models.StatusDisputed},
		models.StatusCanceled:          {},
		models.StatusPartiallyRefunded: {DisputeCreated: models.StatusDisputed},
		models.StatusRefunded:          {ChargeRefunded: models.StatusRefunded, DisputeCreated: models.StatusDisputed},
		models.StatusDisputed:          {},
		models.StatusNeedsReview:       {DisputeCreated: models.StatusDisputed},
	}
	kinds := []string{PISucceeded, PIProcessing, PIRequiresAction, PIPaymentFailed, PICanceled, ChargeRefunded, DisputeCreated}
	for _, from := range models.Statuses {
		for _, kind := range kinds {
			s := State{Status: from, Total: 1000, LastPIEventAt: 100}
			if from == models.StatusPartiallyRefunded {
				s.RefundedAmount, s.ChargeRefunded, s.ChargeRefundedAt = 300, 300, 100
			}
			if from == models.StatusRefunded {
				// Refunded in full later (by Stripe's time) than the charge.refunded below.
				s.RefundedAmount, s.ChargeRefunded, s.ChargeRefundedAt = 1000, 1000, 300
			}
			if from == models.StatusNeedsReview {
				s.ReviewReason = "Stripe received 900 usd; the order's total is 1000 usd"
			}
			if from == models.StatusDisputed {
				s.DisputeStatus = "needs_response"
			}
			ev := Event{Kind: kind, Created: 200, AmountRefunded: 400, DisputeStatus: "needs_response"}
			got, _ := Next(s, ev)
			exp, ok := want[from][kind]
			if !ok {
				exp = from
			}
			if got.Status != exp {
				t.Errorf("%s + %s → %s, want %s", from, kind, got.Status, exp)
			}
		}
	}
}

func TestNextIgnoresOlderPaymentIntentEvents(t *testing.T) {
	s := State{Status: models.StatusRequiresAction, LastPIEventAt: 200, Total: 1000}
	if got, changed := Next(s, Event{Kind: PIPaymentFailed, Created: 100}); changed || got.Status != models.StatusRequiresAction {
		t.Errorf("an older payment_failed moved the order to %s", got.Status)
	}
	if got, _ := Next(s, Event{Kind: PISucceeded, Created: 100}); got.Status != models.StatusPaid {
		t.Errorf("a succeeded event, even older, must settle the order; got %s", got.Status)
	}
	paid := State{Status: models.StatusPaid, LastPIEventAt: 100, Total: 1000}
	for _, k := range []string{PIPaymentFailed, PIProcessing, PIRequiresAction, PICanceled} {
		if got, changed := Next(paid, Event{Kind: k, Created: 300}); changed || got.Status != models.StatusPaid {
			t.Errorf("a late %s after succeeded changed a paid order to %s", k, got.Status)
		}
	}
}

// Every permutation of a set of events, each possibly delivered twice, ends in the same state.
func TestNextIsOrderIndependent(t *testing.T) {
	scenarios := []struct {
		name   string
		events []Event
		want   string
	}{
		{"declined, then 3-D Secure, then paid", []Event{
			{Kind: PIPaymentFailed, Created: 10}, {Kind: PIRequiresAction, Created: 20}, {Kind: PISucceeded, Created: 30}}, models.StatusPaid},
		{"paid, then refunded in two parts", []Event{
			{Kind: PISucceeded, Created: 10}, {Kind: ChargeRefunded, Created: 20, AmountRefunded: 400},
			{Kind: ChargeRefunded, Created: 30, AmountRefunded: 1000}}, models.StatusRefunded},
		{"paid, then partly refunded", []Event{
			{Kind: PISucceeded, Created: 10}, {Kind: ChargeRefunded, Created: 20, AmountRefunded: 400}}, models.StatusPartiallyRefunded},
		{"paid, disputed, dispute won", []Event{
			{Kind: PISucceeded, Created: 10}, {Kind: DisputeCreated, Created: 20, DisputeStatus: "needs_response"},
			{Kind: DisputeClosed, Created: 30, DisputeStatus: "won"}}, models.StatusPaid},
		{"paid, disputed, dispute lost", []Event{
			{Kind: PISucceeded, Created: 10}, {Kind: DisputeCreated, Created: 20, DisputeStatus: "needs_response"},
			{Kind: DisputeClosed, Created: 30, DisputeStatus: "lost"}}, models.StatusDisputed},
		{"3-D Secure and its failure in the same second", []Event{
			{Kind: PIRequiresAction, Created: 10}, {Kind: PIPaymentFailed, Created: 10}}, models.StatusPaymentFailed},
		{"declined twice", []Event{{Kind: PIPaymentFailed, Created: 10}, {Kind: PIPaymentFailed, Created: 20}}, models.StatusPaymentFailed},
		{"3-D Secure then canceled", []Event{{Kind: PIRequiresAction, Created: 10}, {Kind: PICanceled, Created: 20}}, models.StatusCanceled},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			doubled := append(append([]Event{}, sc.events...), sc.events...)
			permute(doubled, func(order []Event) {
				s := State{Status: models.StatusPending, Total: 1000}
				for _, ev := range order {
					s, _ = Next(s, ev)
				}
				if s.Status != sc.want {
					t.Fatalf("order %v ended %s, want %s", kinds(order), s.Status, sc.want)
				}
			})
		})
	}
}

func TestNextDirectReadsWinTies(t *testing.T) {
	s := State{Status: models.StatusPaymentFailed, LastPIEventAt: 50, Total: 1000}
	// A new attempt answered requires_action in the same second as the decline before it.
	got, changed := Next(s, Event{Kind: PIRequiresAction, Created: 50, Authoritative: true})
	if !changed || got.Status != models.StatusRequiresAction {
		t.Fatalf("a direct read lost a tie: %s", got.Status)
	}
	if got, changed := Next(s, Event{Kind: PIRequiresAction, Created: 50}); changed {
		t.Fatalf("a webhook of an earlier stage in the same second moved the order to %s", got.Status)
	}
}

func TestNextDuplicatesChangeNothing(t *testing.T) {
	s := State{Status: models.StatusPending, Total: 1000}
	for _, ev := range []Event{{Kind: PISucceeded, Created: 5}, {Kind: ChargeRefunded, Created: 6, AmountRefunded: 200}} {
		s, _ = Next(s, ev)
		if again, changed := Next(s, ev); changed || again != s {
			t.Errorf("applying %s twice changed the state", ev.Kind)
		}
	}
}

func permute(evs []Event, f func([]Event)) {
	var rec func(int)
	rec = func(k int) {
		if k == len(evs) {
			f(evs)
			return
		}
		for i := k; i < len(evs); i++ {
			evs[k], evs[i] = evs[i], evs[k]
			rec(k + 1)
			evs[k], evs[i] = evs[i], evs[k]
		}
	}
	rec(0)
}

func kinds(evs []Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Kind
	}
	return out
}

func TestShopNotesNeverHideStripesEvents(t *testing.T) {
	// The confirm's answer was lost after Stripe's requires_action webhook came: the note changes nothing.
	s := State{Status: models.StatusRequiresAction, LastPIEventAt: 500, Total: 1000}
	if got, changed := Next(s, Event{Kind: AttemptUnknown, Created: 100}); changed {
		t.Errorf("an unknown-outcome note hid a newer Stripe event: %s", got.Status)
	}
	// Nothing came since the claim: processing, and Stripe's clock is untouched, so an event of Stripe's
	// stamped earlier than the shop's clock still applies.
	s = State{Status: models.StatusPending, Total: 1000}
	got, _ := Next(s, Event{Kind: AttemptUnknown, Created: 0})
	if got.Status != models.StatusProcessing || got.LastPIEventAt != 0 {
		t.Fatalf("note: %+v", got)
	}
	if got, _ = Next(got, Event{Kind: PIRequiresAction, Created: 1}); got.Status != models.StatusRequiresAction {
		t.Fatalf("Stripe's event after the note: %s", got.Status)
	}
}

func TestMoneyThatDoesNotMatchNeedsReview(t *testing.T) {
	s := State{Status: models.StatusPending, Total: 2100, Currency: "usd"}
	for _, ev := range []Event{
		{Kind: PISucceeded, Created: 1, AmountReceived: 1000, Currency: "usd"},
		{Kind: PISucceeded, Created: 1, AmountReceived: 2100, Currency: "eur"},
	} {
		if got, _ := Next(s, ev); got.Status != models.StatusNeedsReview || got.ReviewReason == "" {
			t.Errorf("%+v → %s", ev, got.Status)
		}
	}
	if got, _ := Next(s, Event{Kind: PISucceeded, Created: 1, AmountReceived: 2100, Currency: "usd"}); got.Status != models.StatusPaid {
		t.Errorf("matching money → %s", got.Status)
	}
}

func TestRefundedAmountFollowsTheNewestChargeAndFailedRefunds(t *testing.T) {
	paid := State{Status: models.StatusPaid, Total: 1000}
	// Refund of 1000 at t=10, it fails at t=20 (Apply counts it in FailedCounted).
	after, _ := Next(paid, Event{Kind: ChargeRefunded, Created: 10, AmountRefunded: 1000})
	if after.Status != models.StatusRefunded {
		t.Fatalf("after the refund: %s", after.Status)
	}
	after, _ = Next(after, Event{Kind: RefundFailedKind, Created: 20, FailedCounted: 1000})
	if after.Status != models.StatusPaid || after.RefundedAmount != 0 {
		t.Fatalf("after the refund failed: %s %d", after.Status, after.RefundedAmount)
	}
	// A later refund of 400: its charge.refunded no longer counts the failed one.
	after, _ = Next(after, Event{Kind: ChargeRefunded, Created: 30, AmountRefunded: 400})
	if after.Status != models.StatusPartiallyRefunded || after.RefundedAmount != 400 {
		t.Fatalf("after a new refund: %s %d", after.Status, after.RefundedAmount)
	}
	// An old charge.refunded that arrives late changes nothing.
	if got, _ := Next(after, Event{Kind: ChargeRefunded, Created: 10, AmountRefunded: 1000}); got.RefundedAmount != 400 {
		t.Fatalf("a late old charge.refunded: %d", got.RefundedAmount)
	}
}
