package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/app/stripesim"
	"github.com/storefront/storefront/models"
)

// refundForm opens the order's page and returns its refund form's fields with the amount filled in.
func refundForm(t *testing.T, c *apptest.Client, orderID, amount string) url.Values {
	t.Helper()
	page := c.Get("/admin/orders/"+orderID).Expect(t, http.StatusOK).Body
	const marker = `name="refund_seq" value="`
	i := strings.Index(page, marker)
	if i < 0 {
		t.Fatalf("the order page has no refund form:\n%s", page)
	}
	seq := page[i+len(marker):]
	seq = seq[:strings.IndexByte(seq, '"')]
	return url.Values{"amount": {amount}, "refund_seq": {seq}}
}

func refundsOf(t *testing.T, s *apptest.Server, orderID string) []models.Refund {
	t.Helper()
	rs, err := models.RefundsForOrder(t.Context(), s.App.DB().DB, orderID)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func reload(t *testing.T, s *apptest.Server, o models.Order) models.Order {
	t.Helper()
	return orderByNumber(t, s, o.Number)
}

func TestAdminRefundsInFullThroughTheWebhook(t *testing.T) {
	s := newAdminServer(t)
	o := placeOrder(t, s) // 23.00
	s.Settle(t)
	c := signedInAdmin(t, s)

	res := c.PostForm("/admin/orders/"+o.ID+"/refund", refundForm(t, c, o.ID, "")).Expect(t, http.StatusSeeOther)
	if res.Header.Get("Location") != "/admin/orders/"+o.ID {
		t.Fatalf("after the refund: to %s", res.Header.Get("Location"))
	}
	rs := refundsOf(t, s, o.ID)
	if len(rs) != 1 || rs[0].Amount != o.Total || !strings.HasPrefix(rs[0].StripeRefundID, "re_") {
		t.Fatalf("refunds %+v", rs)
	}
	// The webhook may come before or after the refund is recorded; either way the event does not move the status.
	evs, _ := models.OrderEvents(t.Context(), s.App.DB().DB, o.ID)
	var last models.OrderEvent
	for _, ev := range evs {
		if ev.Kind == "refund.requested" {
			last = ev
		}
	}
	if last.Kind != "refund.requested" || last.Source != "admin" || !strings.Contains(last.Detail, "amount=2300") ||
		!strings.Contains(last.Detail, rs[0].StripeRefundID) || last.FromStatus != last.ToStatus {
		t.Fatalf("event %+v", last)
	}

	s.Settle(t) // charge.refunded
	got := reload(t, s, o)
	if got.Status != models.StatusRefunded || got.RefundedAmount != o.Total || got.RefundPending != 0 {
		t.Fatalf("after the webhook: %s refunded=%d pending=%d", got.Status, got.RefundedAmount, got.RefundPending)
	}
	page := c.Get("/admin/orders/"+o.ID).Expect(t, http.StatusOK).Body
	for _, want := range []string{`data-testid="order-status">Refunded`, `data-testid="refunded">$23.00`, "Nothing is left to refund.", rs[0].StripeRefundID,
		`href="https://dashboard.stripe.com/test/payments/` + *got.PaymentIntentID + `"`, `href="https://dashboard.stripe.com/test/payments/` + *got.ChargeID + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("order page lacks %s", want)
		}
	}
	if strings.Contains(page, `data-testid="refund-pending"`) {
		t.Error("the page still shows a pending refund")
	}
	t.Run("a refunded order refuses more refunds", func(t *testing.T) {
		res := c.PostForm("/admin/orders/"+o.ID+"/refund", url.Values{"amount": {"1.00"}, "refund_seq": {"2"}}).Expect(t, http.StatusUnprocessableEntity)
		if !strings.Contains(res.Body, "Only paid or partially refunded orders can be refunded. This order is refunded.") {
			t.Errorf("page:\n%s", res.Body)
		}
	})
}

func TestAdminRefundsPartiallyAndShowsThePendingRefund(t *testing.T) {
	s := newAdminServer(t)
	o := placeOrder(t, s) // 23.00
	s.Settle(t)
	// Webhooks wait, so the page shows the refund as pending until charge.refunded is applied.
	s.App.Simulator().SetFaults(stripesim.Faults{WebhookDelay: time.Second})
	c := signedInAdmin(t, s)

	c.PostForm("/admin/orders/"+o.ID+"/refund", refundForm(t, c, o.ID, "12.5")).Expect(t, http.StatusSeeOther)
	if got := reload(t, s, o); got.Status != models.StatusPaid || got.RefundPending != 1250 || got.RefundedAmount != 0 {
		t.Fatalf("after asking: %s pending=%d refunded=%d", got.Status, got.RefundPending, got.RefundedAmount)
	}
	page := c.Get("/admin/orders/" + o.ID).Body
	for _, want := range []string{`data-testid="refund-pending">Refund pending: $12.50`, `data-testid="order-status">Paid`,
		`data-testid="refundable">$10.50`, "Refund of $12.50 sent to Stripe."} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	s.Settle(t)
	got := reload(t, s, o)
	if got.Status != models.StatusPartiallyRefunded || got.RefundedAmount != 1250 || got.RefundPending != 0 {
		t.Fatalf("after the webhook: %s refunded=%d pending=%d", got.Status, got.RefundedAmount, got.RefundPending)
	}

	// The rest, in a second refund: the form now carries refund number 2.
	form := refundForm(t, c, o.ID, "")
	if form.Get("refund_seq") != "2" {
		t.Fatalf("second form's refund_seq = %s", form.Get("refund_seq"))
	}
	c.PostForm("/admin/orders/"+o.ID+"/refund", form).Expect(t, http.StatusSeeOther)
	s.Settle(t)
	got = reload(t, s, o)
	if got.Status != models.StatusRefunded || got.RefundedAmount != 2300 || got.RefundPending != 0 {
		t.Fatalf("after the second refund: %s refunded=%d pending=%d", got.Status, got.RefundedAmount, got.RefundPending)
	}
	if rs := refundsOf(t, s, o.ID); len(rs) != 2 || rs[0].Amount != 1250 || rs[1].Amount != 1050 || rs[1].Seq != 2 {
		t.Fatalf("refunds %+v", rs)
	}
}

// A refund Stripe accepted can fail later (refund.failed, refund.updated, charge.refund.updated): its amount goes
// back to the charge, so the order is no longer refunded, and the timeline says so.
func TestARefundThatFailsLaterIsNoLongerCounted(t *testing.T) {
	s := newAdminServer(t)
	o := placeOrder(t, s) // 23.00
	s.Settle(t)
	s.App.Simulator().SetFaults(stripesim.Faults{RefundOutcome: "fail", ProcessingDelay: 100 * time.Millisecond})
	c := signedInAdmin(t, s)
	c.PostForm("/admin/orders/"+o.ID+"/refund", refundForm(t, c, o.ID, "")).Expect(t, http.StatusSeeOther)
	s.Advance(2 * time.Second) // Stripe's refunds fail days later; here, seconds on the simulator's clock
	// The simulator fails the refund after its processing delay: wait for that, however busy the machine.
	got := reload(t, s, o)
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		s.Settle(t)
		if got = reload(t, s, o); got.RefundedAmount == 0 && got.Status == models.StatusPaid {
			break
		}
	}
	if got.Status != models.StatusPaid || got.RefundedAmount != 0 || got.RefundPending != 0 {
		t.Fatalf("after the refund failed: %s refunded=%d pending=%d", got.Status, got.RefundedAmount, got.RefundPending)
	}
	rs := refundsOf(t, s, o.ID)
	if len(rs) != 1 || rs[0].Status != "failed" || rs[0].FailedAt == 0 {
		t.Fatalf("refunds %+v", rs)
	}
	evs, _ := models.OrderEvents(t.Context(), s.App.DB().DB, o.ID)
	failed := false
	for _, ev := range evs {
		failed = failed || (ev.Kind == "refund.failed" && strings.Contains(ev.Detail, rs[0].StripeRefundID))
	}
	if !failed {
		t.Errorf("no refund.failed on the timeline: %+v", evs)
	}
	// Refunding again works, and counts.
	s.App.Simulator().SetFaults(stripesim.Faults{})
	c.PostForm("/admin/orders/"+o.ID+"/refund", refundForm(t, c, o.ID, "")).Expect(t, http.StatusSeeOther)
	s.Settle(t)
	if got := reload(t, s, o); got.Status != models.StatusRefunded || got.RefundedAmount != 2300 {
		t.Fatalf("after a second refund: %s refunded=%d", got.Status, got.RefundedAmount)
	}
}

func TestAdminRefundRefusals(t *testing.T) {
	s := newAdminServer(t)
	o := placeOrder(t, s) // 23.00 usd
	s.Settle(t)
	c := signedInAdmin(t, s)

	for _, tc := range []struct{ amount, message string }{
		{"-1", "Enter an amount above zero."},
		{"0", "Enter an amount above zero, or leave it empty to refund everything left."},
		{"0.00", "Enter an amount above zero"},
		{"12.505", "Use at most 2 decimals."},
		{"abc", "Enter the amount as a number, like 12.50."},
		{"12,50", "without thousands separators"},
		{"1e3", "Enter the amount as a number"},
		{"$5", "Enter the amount as a number"},
		{"23.01", "You can refund at most $23.00"},
		{"99999999999999999999", "That amount is too large."},
	} {
		t.Run("amount "+tc.amount, func(t *testing.T) {
			res := c.PostForm("/admin/orders/"+o.ID+"/refund", refundForm(t, c, o.ID, tc.amount)).Expect(t, http.StatusUnprocessableEntity)
			if !strings.Contains(res.Body, tc.message) {
				t.Errorf("page lacks %q", tc.message)
			}
			if !strings.Contains(res.Body, `value="`+tc.amount+`"`) && !strings.Contains(res.Body, `value="`+strings.ReplaceAll(tc.amount, "$", "&#36;")+`"`) {
				t.Errorf("the amount typed is not shown again")
			}
		})
	}
	if rs := refundsOf(t, s, o.ID); len(rs) != 0 {
		t.Fatalf("refunds were made: %+v", rs)
	}
	if got := reload(t, s, o); got.RefundPending != 0 || got.Status != models.StatusPaid {
		t.Fatalf("order changed: %+v", got)
	}

	t.Run("an unpaid order cannot be refunded", func(t *testing.T) {
		c2 := shopper(t, s, "canvas-tote")
		_, r := confirm(t, c2, confirmBody(s.Token(t, "4000000000000002")))
		failed := orderByNumber(t, s, r.OrderNumber)
		res := c.PostForm("/admin/orders/"+failed.ID+"/refund", url.Values{"amount": {""}, "refund_seq": {"1"}}).Expect(t, http.StatusUnprocessableEntity)
		if !strings.Contains(res.Body, "Only paid or partially refunded orders can be refunded. This order is payment failed.") {
			t.Errorf("page:\n%s", res.Body)
		}
		if !strings.Contains(res.Body, "Your card was declined.") || !strings.Contains(res.Body, "generic_decline") {
			t.Errorf("the last payment error is not shown")
		}
	})

	t.Run("a forged order id is a 404", func(t *testing.T) {
		c.PostForm("/admin/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV/refund", url.Values{"refund_seq": {"1"}}).Expect(t, http.StatusNotFound)
		c.PostForm("/admin/orders/../refund", url.Values{"refund_seq": {"1"}}).Expect(t, http.StatusNotFound)
		c.Get("/admin/orders/not-an-id").Expect(t, http.StatusNotFound)
	})

	t.Run("a Stripe error shows a message and changes nothing", func(t *testing.T) {
		s.App.Simulator().SetFaults(stripesim.Faults{FailNext: 1, FailKind: "api_error"})
		res := c.PostForm("/admin/orders/"+o.ID+"/refund", refundForm(t, c, o.ID, "5.00")).Expect(t, http.StatusBadGateway)
		if !strings.Contains(res.Body, "We couldn&#39;t reach Stripe") {
			t.Errorf("page:\n%s", res.Body)
		}
		if rs := refundsOf(t, s, o.ID); len(rs) != 0 {
			t.Fatalf("refunds %+v", rs)
		}
		if got := reload(t, s, o); got.RefundPending != 0 {
			t.Fatalf("pending %d", got.RefundPending)
		}
	})
}

func TestAdminRefundFormSentTwiceRefundsOnce(t *testing.T) {
	s := newAdminServer(t)
	o := placeOrder(t, s)
	s.Settle(t)
	c := signedInAdmin(t, s)
	form := refundForm(t, c, o.ID, "5.00")

	t.Run("at the same time", func(t *testing.T) {
		var wg sync.WaitGroup
		statuses := make([]int, 3)
		for i := range statuses {
			wg.Go(func() { statuses[i] = c.PostForm("/admin/orders/"+o.ID+"/refund", form).StatusCode })
		}
		wg.Wait()
		for _, st := range statuses {
			if st != http.StatusSeeOther {
				t.Errorf("statuses %v", statuses)
				break
			}
		}
	})
	t.Run("again later (the back button)", func(t *testing.T) {
		res := c.PostForm("/admin/orders/"+o.ID+"/refund", form).Expect(t, http.StatusSeeOther)
		page := c.Get(res.Header.Get("Location")).Body
		if !strings.Contains(page, "That refund was already made; it was not made again.") {
			t.Errorf("page:\n%s", page)
		}
	})
	s.Settle(t)
	if rs := refundsOf(t, s, o.ID); len(rs) != 1 || rs[0].Amount != 500 {
		t.Fatalf("refunds %+v", rs)
	}
	got := reload(t, s, o)
	if got.RefundedAmount != 500 || got.RefundPending != 0 || got.Status != models.StatusPartiallyRefunded {
		t.Fatalf("order: %s refunded=%d pending=%d", got.Status, got.RefundedAmount, got.RefundPending)
	}
	evs, _ := models.OrderEvents(t.Context(), s.App.DB().DB, o.ID)
	n := 0
	for _, ev := range evs {
		if ev.Kind == "refund.requested" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d refund.requested events", n)
	}
}
