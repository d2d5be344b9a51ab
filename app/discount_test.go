package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

type discountReply struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
	Discount *struct {
		Code   string `json:"code"`
		Amount int64  `json:"amount"`
	} `json:"discount"`
	SummaryHTML string `json:"summary_html"`
	Error       *struct {
		Message string `json:"message"`
	} `json:"error"`
}

func TestDiscountApplyAndRemove(t *testing.T) {
	s := apptest.New(t)
	c := shopper(t, s, "round-sunglasses") // 54.00, free shipping
	var r discountReply
	c.PostJSON("/checkout/discount", map[string]string{"code": "welcome10"}).Expect(t, http.StatusOK).DecodeJSON(t, &r)
	if r.Amount != 4860 || r.Currency != "usd" || r.Discount == nil || r.Discount.Code != "WELCOME10" || r.Discount.Amount != 540 ||
		!strings.Contains(r.SummaryHTML, "−$5.40") {
		t.Fatalf("reply %+v", r)
	}
	if body := c.Get("/checkout").Body; !strings.Contains(body, `"amount":4860`) {
		t.Error("the checkout page does not keep the discounted amount")
	}
	t.Run("the confirm charges the discounted total and counts the redemption once, when paid", func(t *testing.T) {
		_, cr := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
		o := orderByNumber(t, s, cr.OrderNumber)
		if o.Total != 4860 || o.Discount != 540 || o.DiscountCode == nil {
			t.Fatalf("order total %d discount %d", o.Total, o.Discount)
		}
		var d models.Discount
		s.App.DB().Where("code = ?", "WELCOME10").Take(&d)
		if d.Redemptions != 1 {
			t.Fatalf("redemptions %d", d.Redemptions)
		}
	})
	t.Run("remove", func(t *testing.T) {
		c2 := shopper(t, s, "round-sunglasses")
		c2.PostJSON("/checkout/discount", map[string]string{"code": "WELCOME10"}).Expect(t, http.StatusOK)
		var r discountReply
		c2.Do(http.MethodDelete, "/checkout/discount", nil, http.Header{"Accept": {"application/json"}, "X-CSRF-Token": {c2.CSRF}}).
			Expect(t, http.StatusOK).DecodeJSON(t, &r)
		if r.Amount != 5400 || r.Discount != nil {
			t.Fatalf("after remove %+v", r)
		}
	})
	t.Run("without JavaScript the form applies the code and comes back", func(t *testing.T) {
		c3 := shopper(t, s, "round-sunglasses")
		res := c3.PostForm("/checkout/discount", url.Values{"code": {"WELCOME10"}}).Expect(t, http.StatusSeeOther)
		if res.Header.Get("Location") != "/checkout" || !strings.Contains(c3.Get("/checkout").Body, "Discount WELCOME10 applied.") {
			t.Fatal("no-JS discount did not apply")
		}
	})
}

func TestDiscountRefusals(t *testing.T) {
	s := apptest.New(t)
	db := s.App.DB()
	past, future := time.Now().Add(-48*time.Hour), time.Now().Add(48*time.Hour)
	one := 1
	for _, d := range []models.Discount{
		{Code: "OLD", Kind: models.DiscountPercent, PercentOff: 5, EndsAt: &past, Active: true},
		{Code: "SOON", Kind: models.DiscountPercent, PercentOff: 5, StartsAt: &future, Active: true},
		{Code: "GONE", Kind: models.DiscountFixed, AmountOff: 100, MaxRedemptions: &one, Redemptions: 1, Active: true},
		{Code: "BIG", Kind: models.DiscountFixed, AmountOff: 1000, MinSubtotal: 10000, Active: true},
		{Code: "OFF", Kind: models.DiscountPercent, PercentOff: 50, Active: false},
	} {
		if err := db.Create(&d).Error; err != nil {
			t.Fatal(err)
		}
	}
	c := shopper(t, s, "canvas-tote")
	cases := map[string]string{
		"NOPE":                     "isn't valid",
		"OFF":                      "isn't valid",
		"OLD":                      "has expired",
		"SOON":                     "isn't active yet",
		"GONE":                     "used up",
		"BIG":                      "at least $100.00",
		strings.Repeat("A", 10000): "isn't valid",
	}
	for code, msg := range cases {
		name := code
		if len(name) > 10 {
			name = "a code of 10,000 characters"
		}
		t.Run(name, func(t *testing.T) {
			var r discountReply
			c.PostJSON("/checkout/discount", map[string]string{"code": code}).Expect(t, http.StatusUnprocessableEntity).DecodeJSON(t, &r)
			if r.Error == nil || !strings.Contains(r.Error.Message, msg) {
				t.Fatalf("reply %+v", r)
			}
		})
	}
	if body := c.Get("/checkout").Body; !strings.Contains(body, `"amount":2300`) {
		t.Error("a refused code changed the amount")
	}
	t.Run("a code that expires after it was applied is re-validated at confirm", func(t *testing.T) {
		c.PostJSON("/checkout/discount", map[string]string{"code": "WELCOME10"}).Expect(t, http.StatusOK)
		db.Model(&models.Discount{}).Where("code = ?", "WELCOME10").Update("ends_at", past)
		res, r := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
		res.Expect(t, http.StatusUnprocessableEntity)
		if r.Error == nil || !strings.Contains(r.Error.Message, "expired") {
			t.Fatalf("reply %s", res.Body)
		}
	})
}
