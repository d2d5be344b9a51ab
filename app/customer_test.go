package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/storefront/storefront/app"
	"github.com/storefront/storefront/app/apptest"
	"github.com/storefront/storefront/app/stripesim"
	"github.com/storefront/storefront/models"
)

// sessionCustomer asks the simulator (as the stand-in Stripe.js does, with the publishable key) whose saved
// methods a CustomerSession client secret opens.
func sessionCustomer(t *testing.T, s *apptest.Server, secret string) (customer string, cards int) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+app.SimBasePath+"/v1/elements/sessions?customer_session_client_secret="+url.QueryEscape(secret), nil)
	req.Header.Set("Authorization", "Bearer "+app.SimPublishableKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var out struct {
		Customer struct {
			ID             string            `json:"id"`
			PaymentMethods []json.RawMessage `json:"payment_methods"`
		} `json:"customer"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("elements session %s: %v", body, err)
	}
	return out.Customer.ID, len(out.Customer.PaymentMethods)
}

func customerSession(t *testing.T, c *apptest.Client) (int, string) {
	t.Helper()
	res := c.PostJSON("/checkout/customer-session", map[string]string{})
	var out struct {
		Secret string `json:"customer_session_client_secret"`
	}
	if res.StatusCode == http.StatusOK {
		res.DecodeJSON(t, &out)
	}
	return res.StatusCode, out.Secret
}

func TestCustomerSessionIsForTheSignedInOwnerOnly(t *testing.T) {
	s := newAccountServer(t)
	guest := visitor(t, s)
	guest.Get("/")
	if code, _ := customerSession(t, guest); code != http.StatusNoContent {
		t.Fatalf("guest got %d, want 204", code)
	}
	alice, bob := visitor(t, s), visitor(t, s)
	signUpAndIn(t, alice, "alice@example.com", "alice password 1")
	signUpAndIn(t, bob, "bob@example.com", "bob password 12")
	_, sa := customerSession(t, alice)
	_, sb := customerSession(t, bob)
	ca, _ := sessionCustomer(t, s, sa)
	cb, _ := sessionCustomer(t, s, sb)
	ua, ub := accountCustomer(t, s, "alice@example.com"), accountCustomer(t, s, "bob@example.com")
	if ca == "" || ca == cb || ua != ca || ub != cb {
		t.Fatalf("alice %s (%v), bob %s (%v)", ca, ua, cb, ub)
	}
	t.Run("the checkout page offers saved methods only when signed in", func(t *testing.T) {
		alice.PostForm("/cart/items", addForm(productID(t, s, "canvas-tote"), "1"))
		if body := alice.Get("/checkout").Body; !contains(body, `"customerSession":"/checkout/customer-session"`) || !contains(body, `value="alice@example.com"`) {
			t.Error("signed-in checkout lacks the customer session endpoint or the email")
		}
		g := shopper(t, s, "canvas-tote")
		if body := g.Get("/checkout").Body; contains(body, `customerSession`) {
			t.Error("a guest's checkout asks for a customer session")
		}
	})
}

func TestOneStripeCustomerPerAccountUnderConcurrentFirstCheckouts(t *testing.T) {
	s := newAccountServer(t)
	c := visitor(t, s)
	signUpAndIn(t, c, "carol@example.com", "carol password 1")
	var wg sync.WaitGroup
	secrets := make([]string, 6)
	for i := range secrets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, secrets[i] = customerSession(t, c)
		}()
	}
	wg.Wait()
	cus := accountCustomer(t, s, "carol@example.com")
	for _, sec := range secrets {
		if sec == "" {
			t.Fatal("a concurrent request got no customer session")
		}
		if id, _ := sessionCustomer(t, s, sec); cus == "" || id != cus {
			t.Fatalf("session for %s, account has %v", id, cus)
		}
	}
}

func TestCheckoutGoesOnWhenTheCustomerSessionFails(t *testing.T) {
	s := newAccountServer(t)
	c := visitor(t, s)
	signUpAndIn(t, c, "dave@example.com", "dave password 1")
	c.PostForm("/cart/items", addForm(productID(t, s, "canvas-tote"), "1"))
	c.Get("/checkout")
	s.App.Simulator().SetFaults(stripesim.Faults{FailNext: 10, FailKind: "api_error"})
	if code, _ := customerSession(t, c); code != http.StatusNoContent {
		t.Fatalf("a failed customer session answered %d, want 204", code)
	}
	s.App.Simulator().SetFaults(stripesim.Faults{})
	_, r := confirm(t, c, confirmBody(s.Token(t, "4242424242424242")))
	o := orderByNumber(t, s, r.OrderNumber)
	u := userByEmail(t, s, "dave@example.com")
	if o.Status != models.StatusPaid || o.UserID == nil || *o.UserID != u.ID || o.CustomerID == nil || *o.CustomerID != accountCustomer(t, s, u.Email) {
		t.Fatalf("order %s user %v customer %v", o.Status, o.UserID, o.CustomerID)
	}
}

// accountCustomer is the account's Stripe Customer in the simulator's mode ("" when none).
func accountCustomer(t *testing.T, s *apptest.Server, email string) string {
	t.Helper()
	id, _ := models.StripeCustomerFor(t.Context(), s.App.DB().DB, userByEmail(t, s, email).ID, models.StripeModeSimulator)
	return id
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
