package stripesim

import (
	"context"
	"fmt"
	"testing"

	"github.com/stripe/stripe-go/v82"

	"github.com/storefront/storefront/app/stripesim/stripemocktest"
)

// ids carries the objects one step makes to the steps after it.
type ids struct {
	customer, token, pi, pi2, pi3, pm, charge, refund, event string
}

// conformanceStep is one request shape the storefront sends.
type conformanceStep struct {
	name string
	run  func(ctx context.Context, c *stripe.Client, f *ids) error
}

// conformanceSteps are every request shape the simulator supports, built
// with stripe-go as the app builds them.
func conformanceSteps() []conformanceStep {
	shipping := func() *stripe.ShippingDetailsParams {
		return &stripe.ShippingDetailsParams{Name: stripe.String("Jenny Rosen"), Phone: stripe.String("+15555550100"),
			Address: &stripe.AddressParams{Line1: stripe.String("1 Main St"), Line2: stripe.String("Apt 2"),
				City: stripe.String("Springfield"), State: stripe.String("IL"), PostalCode: stripe.String("62701"),
				Country: stripe.String("US")}}
	}
	token := func(ctx context.Context, c *stripe.Client, save bool) (string, error) {
		p := &stripe.TestHelpersConfirmationTokenCreateParams{PaymentMethod: stripe.String("pm_card_visa"),
			ReturnURL: stripe.String("https://shop.example/checkout/complete"),
			Shipping: &stripe.TestHelpersConfirmationTokenCreateShippingParams{Name: stripe.String("Jenny Rosen"),
				Address: &stripe.AddressParams{Line1: stripe.String("1 Main St"), City: stripe.String("Springfield"),
					PostalCode: stripe.String("62701"), Country: stripe.String("US")}}}
		if save {
			p.SetupFutureUsage = stripe.String("off_session")
		}
		tok, err := c.V1TestHelpersConfirmationTokens.Create(ctx, p)
		if err != nil {
			return "", err
		}
		return tok.ID, nil
	}
	return []conformanceStep{
		{"create customer", func(ctx context.Context, c *stripe.Client, f *ids) error {
			p := &stripe.CustomerCreateParams{Email: stripe.String("shopper@example.com"), Name: stripe.String("Shopper")}
			p.AddMetadata("account_id", "17")
			cus, err := c.V1Customers.Create(ctx, p)
			f.customer = cus.ID
			return err
		}},
		{"retrieve customer", func(ctx context.Context, c *stripe.Client, f *ids) error {
			_, err := c.V1Customers.Retrieve(ctx, f.customer, nil)
			return err
		}},
		{"create customer session with every payment element feature", func(ctx context.Context, c *stripe.Client, f *ids) error {
			p := &stripe.CustomerSessionCreateParams{
				Customer: stripe.String(f.customer),
				Components: &stripe.CustomerSessionCreateComponentsParams{PaymentElement: &stripe.CustomerSessionCreateComponentsPaymentElementParams{
					Enabled: stripe.Bool(true),
					Features: &stripe.CustomerSessionCreateComponentsPaymentElementFeaturesParams{
						PaymentMethodRedisplay:             stripe.String("enabled"),
						PaymentMethodSave:                  stripe.String("enabled"),
						PaymentMethodSaveUsage:             stripe.String("off_session"),
						PaymentMethodRemove:                stripe.String("enabled"),
						PaymentMethodAllowRedisplayFilters: []*string{stripe.String("always"), stripe.String("unspecified")},
						PaymentMethodRedisplayLimit:        stripe.Int64(3),
					}}}}
			// Newer than this stripe-go's params struct; Stripe's spec has it.
			p.AddExtra("components[payment_element][features][payment_method_save_allow_redisplay_override]", "always")
			_, err := c.V1CustomerSessions.Create(ctx, p)
			return err
		}},
		{"create test confirmation token", func(ctx context.Context, c *stripe.Client, f *ids) error {
			var err error
			f.token, err = token(ctx, c, true)
			return err
		}},
		{"retrieve confirmation token", func(ctx context.Context, c *stripe.Client, f *ids) error {
			_, err := c.V1ConfirmationTokens.Retrieve(ctx, f.token, nil)
			return err
		}},
		{"create and confirm payment intent with confirmation token", func(ctx context.Context, c *stripe.Client, f *ids) error {
			p := &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(4200), Currency: stripe.String("usd"),
				Confirm: stripe.Bool(true), ConfirmationToken: stripe.String(f.token), Customer: stripe.String(f.customer),
				ReceiptEmail: stripe.String("shopper@example.com"),
				// REQUIRE_CVC_RECOLLECTION=true
				PaymentMethodOptions: &stripe.PaymentIntentCreatePaymentMethodOptionsParams{
					Card: &stripe.PaymentIntentCreatePaymentMethodOptionsCardParams{RequireCVCRecollection: stripe.Bool(true)}},
				AutomaticPaymentMethods: &stripe.PaymentIntentCreateAutomaticPaymentMethodsParams{Enabled: stripe.Bool(true)}}
			p.AddMetadata("order_id", "1001")
			p.SetIdempotencyKey("order-1001-attempt-1")
			p.AddExpand("latest_charge")
			pi, err := c.V1PaymentIntents.Create(ctx, p)
			if err == nil {
				f.pi = pi.ID
				if pi.LatestCharge != nil {
					f.charge = pi.LatestCharge.ID
				}
				if pi.PaymentMethod != nil {
					f.pm = pi.PaymentMethod.ID
				}
			}
			return err
		}},
		{"create payment intent with shipping and description", func(ctx context.Context, c *stripe.Client, f *ids) error {
			p := &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(1500), Currency: stripe.String("usd"),
				Description: stripe.String("Order 1002"), Shipping: shipping(),
				AutomaticPaymentMethods: &stripe.PaymentIntentCreateAutomaticPaymentMethodsParams{Enabled: stripe.Bool(true)}}
			p.AddMetadata("order_id", "1002")
			pi, err := c.V1PaymentIntents.Create(ctx, p)
			f.pi2 = pi.ID
			return err
		}},
		{"update payment intent amount and metadata", func(ctx context.Context, c *stripe.Client, f *ids) error {
			// "" unsets setup_future_usage an earlier attempt's token left (the shopper unticked save).
			p := &stripe.PaymentIntentUpdateParams{Amount: stripe.Int64(1700), SetupFutureUsage: stripe.String("")}
			p.AddMetadata("attempt", "2")
			_, err := c.V1PaymentIntents.Update(ctx, f.pi2, p)
			return err
		}},
		{"confirm payment intent with a new token", func(ctx context.Context, c *stripe.Client, f *ids) error {
			tok, err := token(ctx, c, false)
			if err != nil {
				return err
			}
			p := &stripe.PaymentIntentConfirmParams{ConfirmationToken: stripe.String(tok),
				ReturnURL: stripe.String("https://shop.example/checkout/complete")}
			p.SetIdempotencyKey("order-1002-attempt-2")
			_, err = c.V1PaymentIntents.Confirm(ctx, f.pi2, p)
			return err
		}},
		{"confirm a eur payment intent with an iDEAL token (bank redirect)", func(ctx context.Context, c *stripe.Client, f *ids) error {
			return confirmBankMethod(ctx, c, "ideal", "")
		}},
		{"confirm a eur payment intent with a SEPA Debit token (delayed notification)", func(ctx context.Context, c *stripe.Client, f *ids) error {
			return confirmBankMethod(ctx, c, "sepa_debit", "AT611904300234573201")
		}},
		{"cancel payment intent", func(ctx context.Context, c *stripe.Client, f *ids) error {
			pi, err := c.V1PaymentIntents.Create(ctx, &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(900),
				Currency: stripe.String("usd")})
			if err != nil {
				return err
			}
			f.pi3 = pi.ID
			_, err = c.V1PaymentIntents.Cancel(ctx, f.pi3, &stripe.PaymentIntentCancelParams{
				CancellationReason: stripe.String("abandoned")})
			return err
		}},
		{"search payment intents by metadata and status", func(ctx context.Context, c *stripe.Client, f *ids) error {
			for _, err := range c.V1PaymentIntents.Search(ctx, &stripe.PaymentIntentSearchParams{SearchParams: stripe.SearchParams{
				Query: "metadata['order_id']:'1001' AND status:'succeeded'", Limit: stripe.Int64(10)}}) {
				if err != nil {
					return err
				}
			}
			return nil
		}},
		{"retrieve payment intent with expansions", func(ctx context.Context, c *stripe.Client, f *ids) error {
			p := &stripe.PaymentIntentRetrieveParams{}
			p.AddExpand("latest_charge")
			p.AddExpand("payment_method")
			_, err := c.V1PaymentIntents.Retrieve(ctx, f.pi, p)
			return err
		}},
		{"list payment intents of a customer", func(ctx context.Context, c *stripe.Client, f *ids) error {
			p := &stripe.PaymentIntentListParams{Customer: stripe.String(f.customer)}
			p.Limit = stripe.Int64(5)
			p.Single = true
			for _, err := range c.V1PaymentIntents.List(ctx, p) {
				if err != nil {
					return err
				}
			}
			return nil
		}},
		{"list a customer's payment methods", func(ctx context.Context, c *stripe.Client, f *ids) error {
			for _, err := range c.V1Customers.ListPaymentMethods(ctx, &stripe.CustomerListPaymentMethodsParams{
				Customer: stripe.String(f.customer), Type: stripe.String("card")}) {
				if err != nil {
					return err
				}
			}
			return nil
		}},
		{"list payment methods by customer", func(ctx context.Context, c *stripe.Client, f *ids) error {
			for _, err := range c.V1PaymentMethods.List(ctx, &stripe.PaymentMethodListParams{
				Customer: stripe.String(f.customer), Type: stripe.String("card")}) {
				if err != nil {
					return err
				}
			}
			return nil
		}},
		{"retrieve payment method", func(ctx context.Context, c *stripe.Client, f *ids) error {
			_, err := c.V1PaymentMethods.Retrieve(ctx, f.pm, nil)
			return err
		}},
		{"create partial refund", func(ctx context.Context, c *stripe.Client, f *ids) error {
			p := &stripe.RefundCreateParams{PaymentIntent: stripe.String(f.pi), Amount: stripe.Int64(500),
				Reason: stripe.String("requested_by_customer")}
			p.AddMetadata("order_id", "1001")
			p.SetIdempotencyKey("refund-1001-1")
			r, err := c.V1Refunds.Create(ctx, p)
			f.refund = r.ID
			return err
		}},
		{"create full refund of the rest", func(ctx context.Context, c *stripe.Client, f *ids) error {
			_, err := c.V1Refunds.Create(ctx, &stripe.RefundCreateParams{PaymentIntent: stripe.String(f.pi)})
			return err
		}},
		{"retrieve refund", func(ctx context.Context, c *stripe.Client, f *ids) error {
			_, err := c.V1Refunds.Retrieve(ctx, f.refund, nil)
			return err
		}},
		{"retrieve charge", func(ctx context.Context, c *stripe.Client, f *ids) error {
			_, err := c.V1Charges.Retrieve(ctx, f.charge, nil)
			return err
		}},
		{"detach payment method", func(ctx context.Context, c *stripe.Client, f *ids) error {
			_, err := c.V1PaymentMethods.Detach(ctx, f.pm, nil)
			return err
		}},
		{"create webhook endpoint", func(ctx context.Context, c *stripe.Client, f *ids) error {
			_, err := c.V1WebhookEndpoints.Create(ctx, &stripe.WebhookEndpointCreateParams{
				URL:           stripe.String("https://shop.example/webhooks/stripe"),
				EnabledEvents: []*string{stripe.String("payment_intent.succeeded"), stripe.String("charge.refunded")}})
			return err
		}},
		{"list webhook endpoints", func(ctx context.Context, c *stripe.Client, f *ids) error {
			for _, err := range c.V1WebhookEndpoints.List(ctx, &stripe.WebhookEndpointListParams{}) {
				if err != nil {
					return err
				}
			}
			return nil
		}},
		{"list events of a type", func(ctx context.Context, c *stripe.Client, f *ids) error {
			p := &stripe.EventListParams{Type: stripe.String("payment_intent.succeeded")}
			p.Single = true
			for ev, err := range c.V1Events.List(ctx, p) {
				if err != nil {
					return err
				}
				f.event = ev.ID
			}
			if f.event == "" {
				return fmt.Errorf("no payment_intent.succeeded event listed")
			}
			return nil
		}},
		{"retrieve event", func(ctx context.Context, c *stripe.Client, f *ids) error {
			_, err := c.V1Events.Retrieve(ctx, f.event, nil)
			return err
		}},
	}
}

// confirmBankMethod makes a test ConfirmationToken for iDEAL or SEPA Debit
// and confirms a eur PaymentIntent with it.
func confirmBankMethod(ctx context.Context, c *stripe.Client, typ, iban string) error {
	p := &stripe.TestHelpersConfirmationTokenCreateParams{ReturnURL: stripe.String("https://shop.example/checkout/complete"),
		PaymentMethodData: &stripe.TestHelpersConfirmationTokenCreatePaymentMethodDataParams{Type: stripe.String(typ),
			BillingDetails: &stripe.TestHelpersConfirmationTokenCreatePaymentMethodDataBillingDetailsParams{
				Name: stripe.String("Jenny Rosen"), Email: stripe.String("jenny@example.com")}}}
	if typ == "ideal" {
		p.PaymentMethodData.IDEAL = &stripe.TestHelpersConfirmationTokenCreatePaymentMethodDataIDEALParams{Bank: stripe.String("ing")}
	} else {
		p.PaymentMethodData.SEPADebit = &stripe.TestHelpersConfirmationTokenCreatePaymentMethodDataSEPADebitParams{IBAN: stripe.String(iban)}
	}
	tok, err := c.V1TestHelpersConfirmationTokens.Create(ctx, p)
	if err != nil {
		return err
	}
	_, err = c.V1PaymentIntents.Create(ctx, &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(2000),
		Currency: stripe.String("eur"), Confirm: stripe.Bool(true), ConfirmationToken: stripe.String(tok.ID),
		AutomaticPaymentMethods: &stripe.PaymentIntentCreateAutomaticPaymentMethodsParams{Enabled: stripe.Bool(true)}})
	return err
}

// runSteps sends every step to base and fails on any error.
func runSteps(t *testing.T, base, key string) {
	c := newClient(base, key, 0)
	f := &ids{pm: "pm_123", charge: "ch_123"} // placeholders until a step returns real IDs
	for _, st := range conformanceSteps() {
		if err := st.run(testCtx(t), c, f); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
	}
}

func TestConformanceWithStripeMock(t *testing.T) {
	runSteps(t, stripemocktest.Start(t), "sk_test_123")
}

func TestSimulatorAcceptsEveryConformanceStep(t *testing.T) {
	e := newTestEnv(t, Config{WebhookURL: "http://127.0.0.1:1/nowhere"})
	runSteps(t, e.base, e.sim.cfg.SecretKey)
}
