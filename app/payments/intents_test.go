package payments_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/storefront/storefront/app/payments"
	"github.com/storefront/storefront/app/stripesim/stripemocktest"
)

// recordingProxy forwards to stripe-mock (which validates every parameter against Stripe's OpenAPI spec) and
// keeps the form bodies of the PaymentIntent creates it saw.
func recordingProxy(t *testing.T, base string) (string, func() []url.Values) {
	t.Helper()
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var creates []url.Values
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if r.Method == http.MethodPost && r.URL.Path == "/v1/payment_intents" {
			form, _ := url.ParseQuery(string(body))
			mu.Lock()
			creates = append(creates, form)
			mu.Unlock()
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() []url.Values {
		mu.Lock()
		defer mu.Unlock()
		return append([]url.Values(nil), creates...)
	}
}

// With REQUIRE_CVC_RECOLLECTION on, the PaymentIntent is created with
// payment_method_options[card][require_cvc_recollection]=true, a request Stripe's spec (stripe-mock) accepts;
// with it off the parameter is not sent.
func TestCreateAndConfirmRequiresCVCRecollectionWhenSet(t *testing.T) {
	base, creates := recordingProxy(t, stripemocktest.Start(t))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := payments.Attempt{OrderID: "01ARZ3NDEKTSV4RRFFQ69G5FAV", OrderNumber: "SF-TEST", Attempt: 1, Amount: 2300,
		Currency: "usd", ConfirmationToken: "ctoken_123", CustomerID: "cus_123", Email: "jenny@example.com",
		Shipping:  payments.Shipping{Name: "Jenny Rosen", Line1: "1 Main St", City: "Springfield", PostalCode: "62701", Country: "US"},
		ReturnURL: "https://shop.example/checkout/complete"}
	for _, on := range []bool{true, false} {
		c := payments.New(payments.Options{SecretKey: "sk_test_123", APIBase: base, RequireCVCRecollection: on}, log)
		if _, err := c.CreateAndConfirm(t.Context(), a); err != nil {
			t.Fatalf("require_cvc_recollection=%v: stripe-mock refused the create: %v", on, err)
		}
		a.Attempt++
	}
	got := creates()
	if len(got) != 2 {
		t.Fatalf("%d creates seen", len(got))
	}
	const key = "payment_method_options[card][require_cvc_recollection]"
	if v := got[0].Get(key); v != "true" {
		t.Errorf("with the setting on, %s=%q", key, v)
	}
	for k := range got[1] {
		if strings.HasPrefix(k, "payment_method_options") {
			t.Errorf("with the setting off, the create sent %s", k)
		}
	}
}
