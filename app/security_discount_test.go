package app_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

// limitedCode adds a 10 % code that one order may use, and makes stock plentiful.
func limitedCode(t *testing.T, s *apptest.Server, code string) {
	t.Helper()
	one := 1
	d := models.Discount{Code: code, Kind: models.DiscountPercent, PercentOff: 10, MaxRedemptions: &one, Active: true}
	if err := s.App.DB().Create(&d).Error; err != nil {
		t.Fatal(err)
	}
	s.App.DB().Model(&models.Product{}).Where("1 = 1").Update("stock", 1000)
}

func discountByCode(t *testing.T, s *apptest.Server, code string) models.Discount {
	t.Helper()
	d, err := models.DiscountByCode(t.Context(), s.App.DB().DB, code)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// withCode is a shopper whose cart carries the code (each code still has a redemption when applied).
func withCode(t *testing.T, s *apptest.Server, code string) *apptest.Client {
	t.Helper()
	c := shopper(t, s, "canvas-tote")
	c.PostJSON("/checkout/discount", map[string]string{"code": code}).Expect(t, http.StatusOK)
	return c
}

func expectUsedUp(t *testing.T, res apptest.Response, r confirmReply) {
	t.Helper()
	res.Expect(t, http.StatusUnprocessableEntity)
	if r.Error == nil || r.Error.Code != "discount_invalid" || !strings.Contains(r.Error.Message, "used up") {
		t.Fatalf("reply %s", res.Body)
	}
}

func TestSecurityDiscountMaxRedemptionsHoldUnderConcurrentCheckouts(t *testing.T) {
	s := apptest.New(t)
	limitedCode(t, s, "ONCE")
	const n = 8
	clients := make([]*apptest.Client, n)
	tokens := make([]string, n)
	for i := range clients {
		clients[i] = withCode(t, s, "ONCE")
		tokens[i] = s.Token(t, "4242424242424242")
	}
	results := make([]apptest.Response, n)
	replies := make([]confirmReply, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res := clients[i].PostJSON("/checkout/confirm", confirmBody(tokens[i]))
			results[i] = res
			res.DecodeJSON(t, &replies[i])
		}()
	}
	close(start)
	wg.Wait()
	paid := 0
	for i, res := range results {
		if res.StatusCode == http.StatusOK && replies[i].Status == "succeeded" {
			paid++
			if o := orderByNumber(t, s, replies[i].OrderNumber); o.DiscountCode == nil || *o.DiscountCode != "ONCE" || o.Discount == 0 {
				t.Errorf("the paid order has no discount: %+v", o)
			}
			continue
		}
		expectUsedUp(t, res, replies[i])
	}
	if paid != 1 {
		t.Fatalf("%d checkouts paid with a code that one order may use", paid)
	}
	var withCode int64
	s.App.DB().Model(&models.Order{}).Where("discount_code = ?", "ONCE").Count(&withCode)
	if withCode != 1 {
		t.Errorf("%d orders carry the code", withCode)
	}
	s.Settle(t) // webhooks repeat the payment: still counted once
	if d := discountByCode(t, s, "ONCE"); d.Redemptions != 1 || d.RedemptionsReserved != 0 {
		t.Errorf("redemptions %d, reserved %d; want 1 and 0", d.Redemptions, d.RedemptionsReserved)
	}
}

func TestSecurityDiscountRedemptionOfAFailedOrAbandonedOrderIsGivenBack(t *testing.T) {
	s := apptest.New(t)
	limitedCode(t, s, "ONCE")
	rec := s.App.Reconciler()
	rec.AbandonAfter = 0
	abandon := func() {
		t.Helper()
		s.Settle(t)
		if _, err := rec.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
		s.Settle(t)
	}
	reserved := func() int { return discountByCode(t, s, "ONCE").RedemptionsReserved }

	// A stops at 3-D Secure: the order holds the code's one redemption.
	a, b, c := withCode(t, s, "ONCE"), withCode(t, s, "ONCE"), withCode(t, s, "ONCE")
	_, ra := confirm(t, a, confirmBody(s.Token(t, "4000002500003155")))
	if ra.Status != "requires_action" || reserved() != 1 {
		t.Fatalf("3-D Secure reply %+v, reserved %d", ra, reserved())
	}
	res, r := confirm(t, b, confirmBody(s.Token(t, "4242424242424242")))
	expectUsedUp(t, res, r)

	abandon()
	if o := orderByNumber(t, s, ra.OrderNumber); o.Status != models.StatusCanceled || o.RedemptionReserved || reserved() != 0 {
		t.Fatalf("abandoned order %s holds %v; reserved %d", o.Status, o.RedemptionReserved, reserved())
	}

	// B's card is declined: B keeps the redemption for a retry, and a retry does not count it twice.
	_, rb := confirm(t, b, confirmBody(s.Token(t, "4000000000000002")))
	if rb.Error == nil || reserved() != 1 {
		t.Fatalf("decline reply %+v, reserved %d", rb, reserved())
	}
	res, r = confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
	expectUsedUp(t, res, r)
	_, rb = confirm(t, b, confirmBody(s.Token(t, "4000000000000002")))
	if rb.Error == nil || reserved() != 1 {
		t.Fatalf("second decline reply %+v, reserved %d", rb, reserved())
	}

	// B gives up: the failed order is abandoned and gives the redemption back; C uses it.
	abandon()
	if o := orderByNumber(t, s, rb.OrderNumber); o.Status != models.StatusCanceled || o.RedemptionReserved || reserved() != 0 {
		t.Fatalf("abandoned failed order %s holds %v; reserved %d", o.Status, o.RedemptionReserved, reserved())
	}
	_, rc := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
	if rc.Status != "succeeded" {
		t.Fatalf("C: %+v", rc)
	}
	s.Settle(t)
	if d := discountByCode(t, s, "ONCE"); d.Redemptions != 1 || d.RedemptionsReserved != 0 {
		t.Errorf("redemptions %d, reserved %d; want 1 and 0", d.Redemptions, d.RedemptionsReserved)
	}
}
