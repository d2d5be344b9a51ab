package stripesim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"
)

func TestTestCardsBehaveLikeStripe(t *testing.T) {
	e := newTestEnv(t, Config{})
	tests := []struct {
		name        string
		pm          string
		status      stripe.PaymentIntentStatus
		code        string
		declineCode string
		outcomeType string
	}{
		{"visa succeeds", "pm_card_visa", stripe.PaymentIntentStatusSucceeded, "", "", "authorized"},
		{"mastercard succeeds", "pm_card_mastercard", stripe.PaymentIntentStatusSucceeded, "", "", "authorized"},
		{"3155 requires 3-D Secure", "pm_card_authenticationRequiredOnSetup", stripe.PaymentIntentStatusRequiresAction, "", "", ""},
		{"3184 requires 3-D Secure", "pm_card_authenticationRequired", stripe.PaymentIntentStatusRequiresAction, "", "", ""},
		{"0002 is declined", "pm_card_chargeDeclined", stripe.PaymentIntentStatusRequiresPaymentMethod, "card_declined", "generic_decline", "issuer_declined"},
		{"9995 has insufficient funds", "pm_card_chargeDeclinedInsufficientFunds", stripe.PaymentIntentStatusRequiresPaymentMethod, "card_declined", "insufficient_funds", "issuer_declined"},
		{"0069 is expired", "pm_card_chargeDeclinedExpiredCard", stripe.PaymentIntentStatusRequiresPaymentMethod, "expired_card", "expired_card", "issuer_declined"},
		{"0127 has a wrong cvc", "pm_card_chargeDeclinedIncorrectCvc", stripe.PaymentIntentStatusRequiresPaymentMethod, "incorrect_cvc", "incorrect_cvc", "issuer_declined"},
		{"0119 has a processing error", "pm_card_chargeDeclinedProcessingError", stripe.PaymentIntentStatusRequiresPaymentMethod, "processing_error", "processing_error", "issuer_declined"},
		{"4100…0019 is blocked as fraud", "pm_card_radarBlock", stripe.PaymentIntentStatusRequiresPaymentMethod, "card_declined", "fraudulent", "blocked"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testCtx(t)
			pi, err := e.createPI(t, e.token(t, tc.pm, nil), nil)
			if tc.code != "" {
				se := stripeErr(t, err)
				if se.Type != stripe.ErrorTypeCard || string(se.Code) != tc.code || string(se.DeclineCode) != tc.declineCode {
					t.Fatalf("error = %s/%s/%s, want card_error/%s/%s", se.Type, se.Code, se.DeclineCode, tc.code, tc.declineCode)
				}
				if se.HTTPStatusCode != http.StatusPaymentRequired || se.RequestID == "" || se.ChargeID == "" {
					t.Errorf("status %d request id %q charge %q", se.HTTPStatusCode, se.RequestID, se.ChargeID)
				}
				if se.PaymentIntent == nil || se.PaymentIntent.Status != tc.status || se.PaymentIntent.LastPaymentError == nil {
					t.Fatalf("error's payment_intent = %+v", se.PaymentIntent)
				}
				if got := se.PaymentIntent.LastPaymentError.DeclineCode; string(got) != tc.declineCode {
					t.Errorf("last_payment_error.decline_code = %s", got)
				}
				pi = se.PaymentIntent
			} else if err != nil {
				t.Fatalf("create: %v", err)
			}
			if pi.Status != tc.status {
				t.Fatalf("status = %s, want %s", pi.Status, tc.status)
			}
			if tc.outcomeType == "" {
				if pi.NextAction == nil || pi.NextAction.Type != "use_stripe_sdk" || pi.LatestCharge != nil {
					t.Fatalf("next_action = %+v latest_charge = %+v", pi.NextAction, pi.LatestCharge)
				}
				return
			}
			ch, err := e.client.V1Charges.Retrieve(ctx, pi.LatestCharge.ID, nil)
			if err != nil {
				t.Fatalf("retrieve charge: %v", err)
			}
			if ch.Outcome.Type != tc.outcomeType || ch.PaymentIntent.ID != pi.ID {
				t.Errorf("charge outcome %s payment_intent %s", ch.Outcome.Type, ch.PaymentIntent.ID)
			}
			if tc.status == stripe.PaymentIntentStatusSucceeded {
				if pi.AmountReceived != 2500 || ch.Status != stripe.ChargeStatusSucceeded || !ch.Paid || ch.PaymentMethodDetails.Card.Last4 == "" {
					t.Errorf("succeeded pi %+v charge %+v", pi, ch)
				}
			} else if ch.Status != stripe.ChargeStatusFailed || string(ch.FailureCode) != tc.code {
				t.Errorf("failed charge status %s failure_code %s", ch.Status, ch.FailureCode)
			}
		})
	}
}

func TestBrowserTokenFromCardNumber(t *testing.T) {
	e := newTestEnv(t, Config{})
	card := func(number string) url.Values {
		return url.Values{"payment_method_data[type]": {"card"}, "payment_method_data[card][number]": {number},
			"payment_method_data[card][exp_month]": {"12"}, "payment_method_data[card][exp_year]": {"2040"},
			"payment_method_data[card][cvc]": {"123"}, "return_url": {"https://shop.test/done"},
			"payment_method_data[billing_details][address][postal_code]": {"12345"}}
	}
	t.Run("a valid card makes a token stripe-go can read", func(t *testing.T) {
		status, body := e.browserToken(t, card("5555555555554444"))
		if status != 200 {
			t.Fatalf("status %d: %s", status, body)
		}
		id := jsonField(t, body, "id")
		tok, err := e.client.V1ConfirmationTokens.Retrieve(testCtx(t), id, nil)
		if err != nil {
			t.Fatal(err)
		}
		if tok.PaymentMethodPreview.Card.Brand != "mastercard" || tok.PaymentMethodPreview.Card.Last4 != "4444" ||
			tok.ReturnURL != "https://shop.test/done" || tok.ExpiresAt-tok.Created != 12*3600 {
			t.Errorf("token %+v card %+v", tok, tok.PaymentMethodPreview.Card)
		}
		if strings.Contains(body, "5555555555554444") || strings.Contains(body, `"123"`) {
			t.Error("token echoes the card number or CVC")
		}
	})
	t.Run("a number failing Luhn is a 402 incorrect_number", func(t *testing.T) {
		status, body := e.browserToken(t, card("4242424242424241"))
		if status != 402 || jsonField(t, body, "error.code") != "incorrect_number" || jsonField(t, body, "error.type") != "card_error" {
			t.Fatalf("status %d body %s", status, body)
		}
	})
	t.Run("the publishable key cannot retrieve the token", func(t *testing.T) {
		status, body := e.raw(t, http.MethodGet, "/v1/confirmation_tokens/ctoken_x", e.sim.cfg.PublishableKey, nil)
		if status != 401 || jsonField(t, body, "error.code") != "secret_key_required" {
			t.Fatalf("status %d body %s", status, body)
		}
	})
}

func TestThreeDSecure(t *testing.T) {
	e := newTestEnv(t, Config{})
	for _, outcome := range []string{"complete", "fail"} {
		t.Run(outcome, func(t *testing.T) {
			pi, err := e.createPI(t, e.token(t, "pm_card_authenticationRequired", nil), nil)
			if err != nil || pi.Status != stripe.PaymentIntentStatusRequiresAction {
				t.Fatalf("create: %v %v", pi, err)
			}
			status, body := e.raw(t, http.MethodPost, "/v1/payment_intents/"+pi.ID+"/authenticate", e.sim.cfg.PublishableKey,
				url.Values{"client_secret": {pi.ClientSecret}, "outcome": {outcome}})
			if status != 200 {
				t.Fatalf("authenticate: %d %s", status, body)
			}
			if jsonField(t, body, "metadata") != "" || jsonField(t, body, "customer") != "" {
				t.Error("publishable view shows metadata")
			}
			got, err := e.client.V1PaymentIntents.Retrieve(testCtx(t), pi.ID, &stripe.PaymentIntentRetrieveParams{
				Expand: []*string{stripe.String("latest_charge")}})
			if err != nil {
				t.Fatal(err)
			}
			if outcome == "complete" {
				if got.Status != stripe.PaymentIntentStatusSucceeded || got.LatestCharge.PaymentMethodDetails.Card.ThreeDSecure == nil {
					t.Fatalf("after complete: %s %+v", got.Status, got.LatestCharge)
				}
				return
			}
			if got.Status != stripe.PaymentIntentStatusRequiresPaymentMethod || got.LastPaymentError == nil ||
				got.LastPaymentError.Code != stripe.ErrorCodePaymentIntentAuthenticationFailure {
				t.Fatalf("after fail: %s %+v", got.Status, got.LastPaymentError)
			}
		})
	}
	t.Run("a wrong client secret is refused", func(t *testing.T) {
		pi, _ := e.createPI(t, e.token(t, "pm_card_authenticationRequired", nil), nil)
		status, _ := e.raw(t, http.MethodGet, "/v1/payment_intents/"+pi.ID, e.sim.cfg.PublishableKey,
			url.Values{"client_secret": {pi.ID + "_secret_wrong"}})
		if status != 400 {
			t.Fatalf("status %d", status)
		}
	})
}

func TestRetryAfterDeclineOnTheSamePaymentIntent(t *testing.T) {
	e := newTestEnv(t, Config{})
	ctx := testCtx(t)
	_, err := e.createPI(t, e.token(t, "pm_card_chargeDeclined", nil), func(p *stripe.PaymentIntentCreateParams) {
		p.AddMetadata("order_id", "7")
	})
	pi := stripeErr(t, err).PaymentIntent
	up, err := e.client.V1PaymentIntents.Update(ctx, pi.ID, &stripe.PaymentIntentUpdateParams{Amount: stripe.Int64(3000)})
	if err != nil || up.Amount != 3000 {
		t.Fatalf("update amount: %v %v", up, err)
	}
	done, err := e.client.V1PaymentIntents.Confirm(ctx, pi.ID, &stripe.PaymentIntentConfirmParams{
		ConfirmationToken: stripe.String(e.token(t, "pm_card_visa", nil))})
	if err != nil || done.Status != stripe.PaymentIntentStatusSucceeded || done.AmountReceived != 3000 || done.LastPaymentError != nil {
		t.Fatalf("confirm again: %+v %v", done, err)
	}
	_, err = e.client.V1PaymentIntents.Update(ctx, pi.ID, &stripe.PaymentIntentUpdateParams{Amount: stripe.Int64(100)})
	if se := stripeErr(t, err); se.Code != stripe.ErrorCodePaymentIntentUnexpectedState {
		t.Errorf("update after success: %v", se)
	}
	_, err = e.client.V1PaymentIntents.Confirm(ctx, pi.ID, &stripe.PaymentIntentConfirmParams{
		ConfirmationToken: stripe.String(e.token(t, "pm_card_visa", nil))})
	if se := stripeErr(t, err); se.Code != stripe.ErrorCodePaymentIntentUnexpectedState {
		t.Errorf("confirm after success: %v", se)
	}
}

func TestConfirmationTokenIsSingleUse(t *testing.T) {
	e := newTestEnv(t, Config{})
	tok := e.token(t, "pm_card_visa", nil)
	if _, err := e.createPI(t, tok, nil); err != nil {
		t.Fatal(err)
	}
	_, err := e.createPI(t, tok, nil)
	se := stripeErr(t, err)
	if se.HTTPStatusCode != 400 || se.Type != stripe.ErrorTypeInvalidRequest || se.Param != "confirmation_token" {
		t.Fatalf("second use: %+v", se)
	}
	t.Run("an expired token is refused", func(t *testing.T) {
		tok := e.token(t, "pm_card_visa", nil)
		e.sim.mu.Lock()
		e.sim.st.tokens.get(tok).ExpiresAt = e.sim.now().Unix() - 1
		e.sim.mu.Unlock()
		_, err := e.createPI(t, tok, nil)
		if se := stripeErr(t, err); se.Param != "confirmation_token" || !strings.Contains(se.Msg, "expired") {
			t.Fatalf("expired: %+v", se)
		}
	})
}

func TestPaymentIntentLifecycle(t *testing.T) {
	e := newTestEnv(t, Config{})
	ctx := testCtx(t)
	p := &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(1999), Currency: stripe.String("usd"),
		ReceiptEmail: stripe.String("a@example.com"), Description: stripe.String("Order 9"),
		Shipping: &stripe.ShippingDetailsParams{Name: stripe.String("Jenny"), Address: &stripe.AddressParams{
			Line1: stripe.String("1 Main"), City: stripe.String("Town"), PostalCode: stripe.String("1"), Country: stripe.String("US")}}}
	p.AddMetadata("order_id", "9")
	pi, err := e.client.V1PaymentIntents.Create(ctx, p)
	if err != nil || pi.Status != stripe.PaymentIntentStatusRequiresPaymentMethod || pi.Shipping.Address.City != "Town" {
		t.Fatalf("create: %+v %v", pi, err)
	}
	if !strings.HasPrefix(pi.ClientSecret, pi.ID+"_secret_") || pi.Metadata["order_id"] != "9" {
		t.Errorf("client_secret %s metadata %v", pi.ClientSecret, pi.Metadata)
	}
	c, err := e.client.V1PaymentIntents.Cancel(ctx, pi.ID, &stripe.PaymentIntentCancelParams{
		CancellationReason: stripe.String("abandoned")})
	if err != nil || c.Status != stripe.PaymentIntentStatusCanceled || c.CanceledAt == 0 || c.CancellationReason != "abandoned" {
		t.Fatalf("cancel: %+v %v", c, err)
	}
	_, err = e.client.V1PaymentIntents.Cancel(ctx, pi.ID, nil)
	if se := stripeErr(t, err); se.Code != stripe.ErrorCodePaymentIntentUnexpectedState {
		t.Errorf("cancel twice: %+v", se)
	}
	_, err = e.client.V1PaymentIntents.Retrieve(ctx, "pi_missing", nil)
	if se := stripeErr(t, err); se.HTTPStatusCode != 404 || se.Code != stripe.ErrorCodeResourceMissing {
		t.Errorf("missing: %+v", se)
	}
	t.Run("list and search find it", func(t *testing.T) {
		n := 0
		for got, err := range e.client.V1PaymentIntents.List(ctx, &stripe.PaymentIntentListParams{}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
			_ = got
		}
		if n != 1 {
			t.Errorf("listed %d", n)
		}
		tests := []struct {
			query string
			want  int
		}{
			{"metadata['order_id']:'9'", 1},
			{"metadata['order_id']:'10'", 0},
			{"status:'canceled' AND metadata['order_id']:'9'", 1},
			{"status:'succeeded'", 0},
			{"amount>1000", 1},
		}
		// Search lags writes like Stripe's; let the simulator's clock pass it.
		e.sim.SetFaults(Faults{ClockSkew: time.Minute})
		t.Cleanup(func() { e.sim.SetFaults(Faults{}) })
		for _, tc := range tests {
			got := 0
			for pi, err := range e.client.V1PaymentIntents.Search(ctx, &stripe.PaymentIntentSearchParams{
				SearchParams: stripe.SearchParams{Query: tc.query}}) {
				if err != nil {
					t.Fatalf("%s: %v", tc.query, err)
				}
				if pi.ID == c.ID {
					got++
				}
			}
			if got != tc.want {
				t.Errorf("search %q found %d, want %d", tc.query, got, tc.want)
			}
		}
	})
	t.Run("confirm without return_url under automatic payment methods is refused", func(t *testing.T) {
		_, err := e.createPI(t, e.token(t, "pm_card_visa", func(p *stripe.TestHelpersConfirmationTokenCreateParams) {
			p.ReturnURL = nil
		}), nil)
		if se := stripeErr(t, err); se.Param != "return_url" {
			t.Fatalf("%+v", se)
		}
	})
}

// jsonField reads a dotted path from a JSON document.
func jsonField(t *testing.T, body, path string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[k]
	}
	if s, ok := v.(string); ok {
		return s
	}
	if v == nil {
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}
