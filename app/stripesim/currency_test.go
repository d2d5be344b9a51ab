package stripesim

import (
	"testing"

	"github.com/stripe/stripe-go/v82"

	"github.com/storefront/storefront/app/stripesim/stripemocktest"
)

// Stripe's minimum charge amounts per currency (USD 0.50, GBP 0.30, EUR 0.50,
// JPY 50, HKD 4.00, SEK 3.00, MXN 10.00 …), zero-decimal currencies (JPY
// amounts are whole yen) and three-decimal currencies (the last digit must
// be 0), refused with amount_too_small / amount_too_large.
// https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts
// https://docs.stripe.com/currencies#zero-decimal
// https://docs.stripe.com/currencies#three-decimal
func TestCurrencyMinimumsAndDecimals(t *testing.T) {
	e := newTestEnv(t, Config{})
	tests := []struct {
		currency string
		amount   int64
		code     stripe.ErrorCode // "" = accepted
	}{
		{"usd", 49, stripe.ErrorCodeAmountTooSmall},
		{"usd", 50, ""},
		{"gbp", 29, stripe.ErrorCodeAmountTooSmall},
		{"gbp", 30, ""},
		{"eur", 49, stripe.ErrorCodeAmountTooSmall},
		{"jpy", 49, stripe.ErrorCodeAmountTooSmall},
		{"jpy", 50, ""},
		{"hkd", 399, stripe.ErrorCodeAmountTooSmall},
		{"hkd", 400, ""},
		{"sek", 299, stripe.ErrorCodeAmountTooSmall},
		{"mxn", 999, stripe.ErrorCodeAmountTooSmall},
		{"mxn", 1000, ""},
		{"huf", 17499, stripe.ErrorCodeAmountTooSmall},
		{"usd", 100000000, stripe.ErrorCodeAmountTooLarge},
		{"bhd", 5005, "invalid_amount"},
		{"bhd", 5000, ""},
	}
	for _, tc := range tests {
		name := tc.currency + " " + money(tc.amount, tc.currency)
		t.Run(name, func(t *testing.T) {
			_, err := e.client.V1PaymentIntents.Create(testCtx(t), &stripe.PaymentIntentCreateParams{
				Amount: stripe.Int64(tc.amount), Currency: stripe.String(tc.currency)})
			if tc.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			se := stripeErr(t, err)
			if se.Code != tc.code || se.Param != "amount" || se.HTTPStatusCode != 400 {
				t.Fatalf("got %d %s %s: %s", se.HTTPStatusCode, se.Code, se.Param, se.Msg)
			}
		})
	}
	t.Run("the message names the minimum as Stripe does", func(t *testing.T) {
		_, err := e.client.V1PaymentIntents.Create(testCtx(t), &stripe.PaymentIntentCreateParams{
			Amount: stripe.Int64(10), Currency: stripe.String("usd")})
		if se := stripeErr(t, err); se.Msg != "Amount must be at least $0.50 usd" {
			t.Fatalf("message %q", se.Msg)
		}
	})
	t.Run("updating below the minimum is refused too", func(t *testing.T) {
		pi, err := e.client.V1PaymentIntents.Create(testCtx(t), &stripe.PaymentIntentCreateParams{
			Amount: stripe.Int64(5000), Currency: stripe.String("gbp")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.client.V1PaymentIntents.Update(testCtx(t), pi.ID, &stripe.PaymentIntentUpdateParams{Amount: stripe.Int64(20)})
		if se := stripeErr(t, err); se.Code != stripe.ErrorCodeAmountTooSmall {
			t.Fatalf("got %s", se.Code)
		}
	})
}

// The request shapes of TestCurrencyMinimumsAndDecimals are Stripe's own:
// stripe-mock (Stripe's OpenAPI spec) accepts them; only the amounts differ.
func TestConformanceCurrencyRequests(t *testing.T) {
	c := newClient(stripemocktest.Start(t), "sk_test_123", 0)
	for _, cur := range []string{"usd", "jpy", "bhd", "hkd"} {
		if _, err := c.V1PaymentIntents.Create(testCtx(t), &stripe.PaymentIntentCreateParams{
			Amount: stripe.Int64(5000), Currency: stripe.String(cur)}); err != nil {
			t.Fatalf("%s: %v", cur, err)
		}
	}
}
