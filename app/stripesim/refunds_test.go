package stripesim

import (
	"testing"

	"github.com/stripe/stripe-go/v82"
)

func TestRefunds(t *testing.T) {
	e := newTestEnv(t, Config{})
	ctx := testCtx(t)
	pi, err := e.createPI(t, e.token(t, "pm_card_visa", nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		amount   int64 // 0 = the remainder
		wantErr  stripe.ErrorCode
		refunded int64
		full     bool
	}{
		{"partial", 1000, "", 1000, false},
		{"more than what is left", 2000, stripe.ErrorCodeAmountTooLarge, 1000, false},
		{"the remainder", 0, "", 2500, true},
		{"once fully refunded", 0, stripe.ErrorCodeChargeAlreadyRefunded, 2500, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := &stripe.RefundCreateParams{PaymentIntent: stripe.String(pi.ID), Reason: stripe.String("requested_by_customer")}
			if tc.amount > 0 {
				p.Amount = stripe.Int64(tc.amount)
			}
			r, err := e.client.V1Refunds.Create(ctx, p)
			if tc.wantErr != "" {
				if se := stripeErr(t, err); se.Code != tc.wantErr || se.HTTPStatusCode != 400 {
					t.Fatalf("%+v", se)
				}
			} else {
				if err != nil || r.Status != stripe.RefundStatusSucceeded || r.PaymentIntent.ID != pi.ID {
					t.Fatalf("refund: %+v %v", r, err)
				}
				got, err := e.client.V1Refunds.Retrieve(ctx, r.ID, nil)
				if err != nil || got.Amount != r.Amount {
					t.Fatalf("retrieve refund: %v %v", got, err)
				}
			}
			ch, err := e.client.V1Charges.Retrieve(ctx, pi.LatestCharge.ID, nil)
			if err != nil || ch.AmountRefunded != tc.refunded || ch.Refunded != tc.full {
				t.Fatalf("charge refunded %d/%v: %v", ch.AmountRefunded, ch.Refunded, err)
			}
		})
	}
	t.Run("by charge", func(t *testing.T) {
		pi2, _ := e.createPI(t, e.token(t, "pm_card_visa", nil), nil)
		r, err := e.client.V1Refunds.Create(ctx, &stripe.RefundCreateParams{Charge: stripe.String(pi2.LatestCharge.ID)})
		if err != nil || r.Amount != 2500 || r.Charge.ID != pi2.LatestCharge.ID {
			t.Fatalf("%+v %v", r, err)
		}
	})
}
