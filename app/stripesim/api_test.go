package stripesim

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stripe/stripe-go/v82"
)

func TestRequestsAreCheckedLikeStripe(t *testing.T) {
	e := newTestEnv(t, Config{})
	sk, pk := e.sim.cfg.SecretKey, e.sim.cfg.PublishableKey
	tests := []struct {
		name   string
		method string
		path   string
		key    string
		vals   url.Values
		status int
		code   string
		param  string
		msg    string
	}{
		{"unknown parameter", "POST", "/v1/payment_intents", sk, url.Values{"amount": {"100"}, "currency": {"usd"}, "foo": {"1"}},
			400, "parameter_unknown", "foo", "Received unknown parameter: foo"},
		{"unknown nested parameter", "POST", "/v1/payment_intents", sk, url.Values{"amount": {"100"}, "currency": {"usd"}, "shipping[color]": {"red"}},
			400, "parameter_unknown", "shipping[color]", "Received unknown parameter: shipping[color]"},
		{"non-integer amount", "POST", "/v1/payment_intents", sk, url.Values{"amount": {"ten"}, "currency": {"usd"}},
			400, "parameter_invalid_integer", "amount", "Invalid integer: ten"},
		{"empty currency", "POST", "/v1/payment_intents", sk, url.Values{"amount": {"100"}, "currency": {""}},
			400, "parameter_invalid_empty", "currency", "You passed an empty string for 'currency'"},
		{"missing amount", "POST", "/v1/payment_intents", sk, url.Values{"currency": {"usd"}},
			400, "parameter_missing", "amount", "Missing required param: amount."},
		{"amount too small", "POST", "/v1/payment_intents", sk, url.Values{"amount": {"10"}, "currency": {"usd"}},
			400, "amount_too_small", "amount", "Amount must be at least"},
		{"unknown currency", "POST", "/v1/payment_intents", sk, url.Values{"amount": {"100"}, "currency": {"xyz"}},
			400, "", "currency", "Invalid currency: xyz"},
		{"bad enum", "POST", "/v1/payment_intents/pi_1/cancel", sk, url.Values{"cancellation_reason": {"bored"}},
			400, "", "cancellation_reason", "Invalid cancellation_reason"},
		{"no key", "GET", "/v1/customers/cus_1", "", nil, 401, "", "", "You did not provide an API key"},
		{"wrong key is masked", "GET", "/v1/customers/cus_1", "sk_test_wrongkey1234", nil, 401, "", "", "Invalid API Key provided: sk_test_********1234"},
		{"publishable key on a server endpoint", "POST", "/v1/customers", pk, nil, 401, "secret_key_required", "", "publishable API key"},
		{"unrecognized URL", "GET", "/v1/nothing_here", sk, nil, 404, "", "", "Unrecognized request URL (GET: /v1/nothing_here)"},
		{"missing object", "GET", "/v1/customers/cus_nope", sk, nil, 404, "resource_missing", "id", "No such customer: 'cus_nope'"},
		{"cannot expand", "GET", "/v1/charges/ch_1", sk, url.Values{"expand[0]": {"refunds"}}, 404, "resource_missing", "id", "No such charge"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := e.raw(t, tc.method, tc.path, tc.key, tc.vals)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, body)
			}
			if got := jsonField(t, body, "error.code"); got != tc.code {
				t.Errorf("code %q, want %q", got, tc.code)
			}
			if got := jsonField(t, body, "error.param"); got != tc.param {
				t.Errorf("param %q, want %q", got, tc.param)
			}
			if got := jsonField(t, body, "error.message"); !strings.Contains(got, tc.msg) {
				t.Errorf("message %q, want it to contain %q", got, tc.msg)
			}
			if jsonField(t, body, "error.type") != "invalid_request_error" {
				t.Errorf("type %q", jsonField(t, body, "error.type"))
			}
		})
	}
	t.Run("stripe-go sees parameter_unknown with its param", func(t *testing.T) {
		p := &stripe.CustomerCreateParams{Email: stripe.String("a@example.com")}
		p.AddExtra("favourite_colour", "blue")
		_, err := e.client.V1Customers.Create(testCtx(t), p)
		se := stripeErr(t, err)
		if se.Code != stripe.ErrorCodeParameterUnknown || se.Param != "favourite_colour" || se.RequestID == "" {
			t.Fatalf("%+v", se)
		}
	})
	t.Run("stripe-go sees a bad key as 401", func(t *testing.T) {
		_, err := newClient(e.base, "sk_test_nope", 0).V1Customers.Retrieve(testCtx(t), "cus_1", nil)
		if se := stripeErr(t, err); se.HTTPStatusCode != 401 {
			t.Fatalf("%+v", se)
		}
	})
}

func TestIdempotencyKeys(t *testing.T) {
	e := newTestEnv(t, Config{})
	ctx := testCtx(t)
	params := func(amount int64) *stripe.PaymentIntentCreateParams {
		p := &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(amount), Currency: stripe.String("usd")}
		p.SetIdempotencyKey("order-1-attempt-1")
		return p
	}
	first, err := e.client.V1PaymentIntents.Create(ctx, params(1000))
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.client.V1PaymentIntents.Create(ctx, params(1000))
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID || string(again.LastResponse.RawJSON) != string(first.LastResponse.RawJSON) {
		t.Fatalf("replay differs: %s vs %s", again.ID, first.ID)
	}
	if again.LastResponse.Header.Get("Idempotent-Replayed") != "true" || first.LastResponse.Header.Get("Idempotent-Replayed") != "" {
		t.Errorf("Idempotent-Replayed header missing or on the first answer")
	}
	if again.LastResponse.RequestID != first.LastResponse.RequestID {
		t.Errorf("replay request id %s, want %s", again.LastResponse.RequestID, first.LastResponse.RequestID)
	}
	_, err = e.client.V1PaymentIntents.Create(ctx, params(2000))
	se := stripeErr(t, err)
	if se.Type != stripe.ErrorTypeIdempotency || se.HTTPStatusCode != 400 {
		t.Fatalf("mismatch: %+v", se)
	}
	t.Run("a declined confirmation replays its 402", func(t *testing.T) {
		tok := e.token(t, "pm_card_chargeDeclined", nil)
		mk := func() *stripe.PaymentIntentCreateParams {
			p := &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(1000), Currency: stripe.String("usd"),
				Confirm: stripe.Bool(true), ConfirmationToken: stripe.String(tok)}
			p.SetIdempotencyKey("order-2-attempt-1")
			return p
		}
		_, err1 := e.client.V1PaymentIntents.Create(ctx, mk())
		_, err2 := e.client.V1PaymentIntents.Create(ctx, mk())
		a, b := stripeErr(t, err1), stripeErr(t, err2)
		if a.PaymentIntent.ID != b.PaymentIntent.ID || b.Code != stripe.ErrorCodeCardDeclined {
			t.Fatalf("replayed decline differs: %v / %v", a, b)
		}
	})
	t.Run("keys are scoped per API key and params failing validation are not stored", func(t *testing.T) {
		bad := &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(1000)}
		bad.SetIdempotencyKey("order-3")
		if _, err := e.client.V1PaymentIntents.Create(ctx, bad); err == nil {
			t.Fatal("want missing currency")
		}
		good := &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(1000), Currency: stripe.String("usd")}
		good.SetIdempotencyKey("order-3")
		if _, err := e.client.V1PaymentIntents.Create(ctx, good); err != nil {
			t.Fatalf("retry with the same key after a validation error: %v", err)
		}
	})
}

func TestRequestIDHeader(t *testing.T) {
	e := newTestEnv(t, Config{})
	cus, err := e.client.V1Customers.Create(testCtx(t), &stripe.CustomerCreateParams{Email: stripe.String("x@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cus.LastResponse.RequestID, "req_") || cus.LastResponse.StatusCode != http.StatusOK {
		t.Fatalf("request id %q", cus.LastResponse.RequestID)
	}
}
