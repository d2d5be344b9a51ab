package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/models"
)

// Who bought an order and where it goes is private to the buyer; an order number alone (from an email, a
// screenshot, a shared computer's history) shows the status, the items and the totals.
// (The page masks the email even for its owner: j•••@example.com.)
var personalData = []string{"Jenny Rosen", "1234 Main Street", "San Francisco", "94111", "j•••@example.com", "JD014600003828"}

func expectNoStore(t *testing.T, res apptest.Response) {
	t.Helper()
	if got := res.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("%s: Cache-Control %q, want no-store", res.Request.URL.Path, got)
	}
}

func expectPersonalData(t *testing.T, who, page string, shown bool) {
	t.Helper()
	for _, s := range personalData {
		if strings.Contains(page, s) != shown {
			t.Errorf("%s: shown %q = %v, want %v", who, s, !shown, shown)
		}
	}
}

func TestSecurityOrderPagesShowTheAddressOnlyToWhoPlacedTheOrder(t *testing.T) {
	s := newAccountServer(t, nil)
	owner := visitor(t, s)
	signUpAndIn(t, owner, "jenny@example.net", "jenny-password-1")
	owner.PostForm("/cart/items", addForm(productID(t, s, "canvas-tote"), "1")).Expect(t, http.StatusSeeOther)
	owner.Get("/checkout").Expect(t, http.StatusOK)
	_, r := confirm(t, owner, confirmBody(s.Token(t, "4242424242424242")))
	if r.Status != "succeeded" {
		t.Fatalf("pay: %+v", r)
	}
	s.Settle(t)
	o := orderByNumber(t, s, r.OrderNumber)
	s.App.DB().Model(&models.Order{}).Where("id = ?", o.ID).Updates(map[string]any{
		"fulfillment_status": models.FulfillmentShipped, "carrier": "DHL", "tracking_number": "JD014600003828"})
	path := "/orders/" + o.Number

	t.Run("the session that placed it sees the address, the email and the tracking number", func(t *testing.T) {
		res := owner.Get(path).Expect(t, http.StatusOK)
		expectNoStore(t, res)
		expectPersonalData(t, "owner", res.Body, true)
	})
	t.Run("the owning account sees them on another device", func(t *testing.T) {
		other := visitor(t, s)
		other.PostForm("/account/login", credentials("jenny@example.net", "jenny-password-1")).Expect(t, http.StatusSeeOther)
		expectPersonalData(t, "the account elsewhere", other.Get(path).Expect(t, http.StatusOK).Body, true)
	})
	for name, stranger := range map[string]*apptest.Client{
		"a stranger with the number":  visitor(t, s),
		"another signed-in shopper":   signedInVisitor(t, s, "mallory@example.net"),
		"another shopper with a cart": shopper(t, s, "canvas-tote"),
	} {
		t.Run(name+" sees status, items and totals only", func(t *testing.T) {
			res := stranger.Get(path).Expect(t, http.StatusOK)
			expectNoStore(t, res)
			expectPersonalData(t, name, res.Body, false)
			if strings.Contains(res.Body, "jenny.rosen") || strings.Contains(res.Body, "@example.com") {
				t.Error("the page holds the email")
			}
			for _, want := range []string{`data-testid="order-status">Paid`, "Canvas Tote", `data-testid="total">`, "DHL"} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("the page lacks %s", want)
				}
			}
		})
	}
	t.Run("the return page is not cached either", func(t *testing.T) {
		res := owner.Get("/checkout/complete?payment_intent="+*o.PaymentIntentID).Expect(t, http.StatusSeeOther)
		expectNoStore(t, res)
		res = visitor(t, s).Get("/checkout/complete?payment_intent="+*o.PaymentIntentID).Expect(t, http.StatusNotFound)
		expectNoStore(t, res)
	})
}

func signedInVisitor(t *testing.T, s *apptest.Server, email string) *apptest.Client {
	t.Helper()
	c := visitor(t, s)
	signUpAndIn(t, c, email, "mallory-password-1")
	return c
}

// placeOrderAndBuyer is placeOrder that also hands back the buyer's browser.
func placeOrderAndBuyer(t *testing.T, s *apptest.Server) (models.Order, *apptest.Client) {
	t.Helper()
	c := shopper(t, s, "canvas-tote")
	_, r := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
	if r.Status != "succeeded" {
		t.Fatalf("pay: %+v", r)
	}
	return orderByNumber(t, s, r.OrderNumber), c
}
