package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/storefront/storefront/models"
)

// A card tester learns from the shop only that a card was declined, never that the issuer flagged it as stolen,
// lost or fraudulent; the admin and the logs still see why.
func TestSecurityDeclineCodesThatHelpCardTestersNeverReachTheBrowser(t *testing.T) {
	s := newAdminServer(t)
	adm := signedInAdmin(t, s)
	for number, code := range map[string]string{
		"4100000000000019": "fraudulent",
		"4000000000009979": "stolen_card",
		"4000000000009987": "lost_card",
	} {
		t.Run(code, func(t *testing.T) {
			c := shopper(t, s, "cedar-candle")
			res, r := confirm(t, c, confirmBody(s.Token(t, number)))
			res.Expect(t, http.StatusPaymentRequired)
			if r.Error == nil || r.Error.Type != "card_error" || r.Error.Message != "Your card was declined." || r.Error.DeclineCode != "" {
				t.Fatalf("error %+v", r.Error)
			}
			for _, leak := range []string{code, "decline_code", "stolen", "lost", "fraud"} {
				if strings.Contains(res.Body, leak) {
					t.Errorf("the confirm answer holds %q: %s", leak, res.Body)
				}
			}
			page := c.Get("/orders/"+r.OrderNumber).Expect(t, http.StatusOK).Body
			if strings.Contains(page, code) || !strings.Contains(page, "Your card was declined.") {
				t.Errorf("the shopper's order page tells %s", code)
			}
			o := orderByNumber(t, s, r.OrderNumber)
			if o.LastDeclineCode == nil || *o.LastDeclineCode != code {
				t.Fatalf("the order keeps decline code %v", o.LastDeclineCode)
			}
			if admin := adm.Get("/admin/orders/"+o.ID).Expect(t, http.StatusOK).Body; !strings.Contains(admin, "decline code "+code) {
				t.Errorf("the admin's order page does not show %s", code)
			}
			if !strings.Contains(s.Logs.String(), `"decline_code":"`+code+`"`) {
				t.Errorf("the log does not hold %s", code)
			}
		})
	}
	t.Run("other decline reasons still reach the shopper", func(t *testing.T) {
		c := shopper(t, s, "cedar-candle")
		_, r := confirm(t, c, confirmBody(s.Token(t, "4000000000009995")))
		if r.Error == nil || r.Error.DeclineCode != "insufficient_funds" || r.Error.Message != "Your card has insufficient funds." {
			t.Fatalf("error %+v", r.Error)
		}
		o := orderByNumber(t, s, r.OrderNumber)
		if o.ShopperErrorMessage() != "Your card has insufficient funds." || o.ShopperErrorMessage() == models.DeclinedMessage {
			t.Errorf("shopper message %q", o.ShopperErrorMessage())
		}
	})
}
