package stripesim

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stripe/stripe-go/v82"
)

// saveCard pays with a card for customer, ticking "save" as the Payment
// Element does, and returns the saved PaymentMethod's ID.
func (e *testEnv) saveCard(t *testing.T, customer, pm string) string {
	t.Helper()
	tok := e.token(t, pm, func(p *stripe.TestHelpersConfirmationTokenCreateParams) {
		p.SetupFutureUsage = stripe.String("off_session")
		p.PaymentMethodData = &stripe.TestHelpersConfirmationTokenCreatePaymentMethodDataParams{
			Type: stripe.String("card"), AllowRedisplay: stripe.String("always")}
	})
	pi, err := e.createPI(t, tok, func(p *stripe.PaymentIntentCreateParams) { p.Customer = stripe.String(customer) })
	if err != nil || pi.Status != stripe.PaymentIntentStatusSucceeded {
		t.Fatalf("pay and save: %v %v", pi, err)
	}
	return pi.PaymentMethod.ID
}

// newSession makes a CustomerSession with every Payment Element feature on.
func (e *testEnv) newSession(t *testing.T, customer string) *stripe.CustomerSession {
	t.Helper()
	cs, err := e.client.V1CustomerSessions.Create(testCtx(t), &stripe.CustomerSessionCreateParams{
		Customer: stripe.String(customer),
		Components: &stripe.CustomerSessionCreateComponentsParams{PaymentElement: &stripe.CustomerSessionCreateComponentsPaymentElementParams{
			Enabled: stripe.Bool(true),
			Features: &stripe.CustomerSessionCreateComponentsPaymentElementFeaturesParams{
				PaymentMethodRedisplay:             stripe.String("enabled"),
				PaymentMethodSave:                  stripe.String("enabled"),
				PaymentMethodSaveUsage:             stripe.String("off_session"),
				PaymentMethodRemove:                stripe.String("enabled"),
				PaymentMethodAllowRedisplayFilters: []*string{stripe.String("always")},
			}}},
	})
	if err != nil {
		t.Fatalf("create customer session: %v", err)
	}
	return cs
}

func TestCustomersAndSavedCards(t *testing.T) {
	e := newTestEnv(t, Config{})
	ctx := testCtx(t)
	mk := func(email string) string {
		p := &stripe.CustomerCreateParams{Email: stripe.String(email), Name: stripe.String("Ann")}
		p.AddMetadata("account_id", "1")
		cus, err := e.client.V1Customers.Create(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		return cus.ID
	}
	alice, bob := mk("alice@example.com"), mk("bob@example.com")
	got, err := e.client.V1Customers.Retrieve(ctx, alice, nil)
	if err != nil || got.Email != "alice@example.com" || got.Metadata["account_id"] != "1" {
		t.Fatalf("retrieve: %+v %v", got, err)
	}
	pm := e.saveCard(t, alice, "pm_card_visa")

	t.Run("the saved card is attached and listed for its customer only", func(t *testing.T) {
		n := 0
		for p, err := range e.client.V1Customers.ListPaymentMethods(ctx, &stripe.CustomerListPaymentMethodsParams{
			Customer: stripe.String(alice), Type: stripe.String("card")}) {
			if err != nil {
				t.Fatal(err)
			}
			if p.ID != pm || p.Customer.ID != alice || p.AllowRedisplay != "always" || p.Card.Last4 != "4242" {
				t.Errorf("listed %+v", p)
			}
			n++
		}
		for p, err := range e.client.V1PaymentMethods.List(ctx, &stripe.PaymentMethodListParams{
			Customer: stripe.String(alice), Type: stripe.String("card")}) {
			if err != nil || p.ID != pm {
				t.Errorf("payment_methods list: %v %v", p, err)
			}
		}
		for p, err := range e.client.V1PaymentMethods.List(ctx, &stripe.PaymentMethodListParams{Customer: stripe.String(bob)}) {
			t.Errorf("bob sees %v %v", p, err)
		}
		if n != 1 {
			t.Errorf("listed %d", n)
		}
	})

	t.Run("a customer session answers like Stripe", func(t *testing.T) {
		cs := e.newSession(t, alice)
		f := cs.Components.PaymentElement.Features
		if !strings.HasPrefix(cs.ClientSecret, "cuss_secret_") || cs.Customer.ID != alice || cs.ExpiresAt <= cs.Created ||
			!cs.Components.PaymentElement.Enabled || f.PaymentMethodRedisplay != "enabled" || f.PaymentMethodSave != "enabled" ||
			f.PaymentMethodSaveUsage != "off_session" || f.PaymentMethodRemove != "enabled" || f.PaymentMethodRedisplayLimit != 3 {
			t.Fatalf("session %+v features %+v", cs, f)
		}
	})

	t.Run("the elements session shows only the session customer's cards", func(t *testing.T) {
		_, body := e.raw(t, http.MethodGet, "/v1/elements/sessions", e.sim.cfg.PublishableKey,
			url.Values{"customer_session_client_secret": {e.newSession(t, alice).ClientSecret}})
		if !strings.Contains(body, pm) {
			t.Errorf("alice does not see her card: %s", body)
		}
		_, body = e.raw(t, http.MethodGet, "/v1/elements/sessions", e.sim.cfg.PublishableKey,
			url.Values{"customer_session_client_secret": {e.newSession(t, bob).ClientSecret}})
		if strings.Contains(body, pm) || jsonField(t, body, "customer.payment_methods") != "[]" {
			t.Errorf("bob sees alice's card: %s", body)
		}
	})

	t.Run("another customer's session can neither use nor remove the card", func(t *testing.T) {
		bobSecret := e.newSession(t, bob).ClientSecret
		status, _ := e.browserToken(t, url.Values{"payment_method": {pm}, "customer_session_client_secret": {bobSecret}})
		if status != 404 {
			t.Errorf("token from bob's session: %d", status)
		}
		status, _ = e.raw(t, http.MethodPost, "/v1/elements/payment_methods/"+pm+"/detach", e.sim.cfg.PublishableKey,
			url.Values{"customer_session_client_secret": {bobSecret}})
		if status != 404 {
			t.Errorf("detach from bob's session: %d", status)
		}
	})

	t.Run("the owner pays again with the saved card from the browser", func(t *testing.T) {
		status, body := e.browserToken(t, url.Values{"payment_method": {pm},
			"customer_session_client_secret": {e.newSession(t, alice).ClientSecret}, "return_url": {"https://shop.test/x"}})
		if status != 200 {
			t.Fatalf("token: %d %s", status, body)
		}
		pi, err := e.createPI(t, jsonField(t, body, "id"), func(p *stripe.PaymentIntentCreateParams) { p.Customer = stripe.String(alice) })
		if err != nil || pi.PaymentMethod.ID != pm {
			t.Fatalf("pay with saved card: %v %v", pi, err)
		}
		_, err = e.createPI(t, e.token(t, pm, nil), nil)
		if se := stripeErr(t, err); se.Param != "payment_method" {
			t.Errorf("saved card without its customer: %+v", se)
		}
	})

	t.Run("detach removes the card", func(t *testing.T) {
		d, err := e.client.V1PaymentMethods.Detach(ctx, pm, nil)
		if err != nil || d.Customer != nil {
			t.Fatalf("detach: %+v %v", d, err)
		}
		if _, err := e.client.V1PaymentMethods.Detach(ctx, pm, nil); err == nil {
			t.Error("detach twice succeeded")
		}
		got, err := e.client.V1PaymentMethods.Retrieve(ctx, pm, nil)
		if err != nil || got.Customer != nil {
			t.Errorf("retrieve after detach: %+v %v", got, err)
		}
	})

	t.Run("the remove button detaches through the session", func(t *testing.T) {
		pm2 := e.saveCard(t, alice, "pm_card_mastercard")
		status, body := e.raw(t, http.MethodPost, "/v1/elements/payment_methods/"+pm2+"/detach", e.sim.cfg.PublishableKey,
			url.Values{"customer_session_client_secret": {e.newSession(t, alice).ClientSecret}})
		if status != 200 || jsonField(t, body, "customer") != "" {
			t.Fatalf("remove: %d %s", status, body)
		}
	})
}
