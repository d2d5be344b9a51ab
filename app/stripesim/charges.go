package stripesim

// charge is Stripe's charge object.
type charge struct {
	ID                            string            `json:"id"`
	Object                        string            `json:"object"`
	Amount                        int64             `json:"amount"`
	AmountCaptured                int64             `json:"amount_captured"`
	AmountRefunded                int64             `json:"amount_refunded"`
	Application                   *string           `json:"application"`
	ApplicationFee                *string           `json:"application_fee"`
	ApplicationFeeAmount          *int64            `json:"application_fee_amount"`
	BalanceTransaction            *string           `json:"balance_transaction"`
	BillingDetails                billingDetails    `json:"billing_details"`
	CalculatedStatementDescriptor *string           `json:"calculated_statement_descriptor"`
	Captured                      bool              `json:"captured"`
	Created                       int64             `json:"created"`
	Currency                      string            `json:"currency"`
	Customer                      any               `json:"customer"`
	Description                   *string           `json:"description"`
	Disputed                      bool              `json:"disputed"`
	FailureBalanceTransaction     *string           `json:"failure_balance_transaction"`
	FailureCode                   *string           `json:"failure_code"`
	FailureMessage                *string           `json:"failure_message"`
	FraudDetails                  map[string]string `json:"fraud_details"`
	Livemode                      bool              `json:"livemode"`
	Metadata                      map[string]string `json:"metadata"`
	OnBehalfOf                    *string           `json:"on_behalf_of"`
	Outcome                       chargeOutcome     `json:"outcome"`
	Paid                          bool              `json:"paid"`
	PaymentIntent                 any               `json:"payment_intent"`
	PaymentMethod                 *string           `json:"payment_method"`
	PaymentMethodDetails          pmDetails         `json:"payment_method_details"`
	ReceiptEmail                  *string           `json:"receipt_email"`
	ReceiptNumber                 *string           `json:"receipt_number"`
	ReceiptURL                    *string           `json:"receipt_url"`
	Refunded                      bool              `json:"refunded"`
	Review                        *string           `json:"review"`
	Shipping                      *shipping         `json:"shipping"`
	Source                        any               `json:"source"`
	SourceTransfer                *string           `json:"source_transfer"`
	StatementDescriptor           *string           `json:"statement_descriptor"`
	StatementDescriptorSuffix     *string           `json:"statement_descriptor_suffix"`
	Status                        string            `json:"status"`
	TransferData                  any               `json:"transfer_data"`
	TransferGroup                 *string           `json:"transfer_group"`

	customerID string
	piID       string
}

type chargeOutcome struct {
	AdviceCode         *string `json:"advice_code"`
	NetworkAdviceCode  *string `json:"network_advice_code"`
	NetworkDeclineCode *string `json:"network_decline_code"`
	NetworkStatus      string  `json:"network_status"`
	Reason             *string `json:"reason"`
	RiskLevel          string  `json:"risk_level"`
	RiskScore          int64   `json:"risk_score"`
	SellerMessage      string  `json:"seller_message"`
	Type               string  `json:"type"`
}

type pmDetails struct {
	Card      *chargeCard    `json:"card,omitempty"`
	Ideal     map[string]any `json:"ideal,omitempty"`
	SepaDebit *pmSepaDebit   `json:"sepa_debit,omitempty"`
	Type      string         `json:"type"`
}

// chargeCard is payment_method_details.card of a charge.
type chargeCard struct {
	AmountAuthorized     *int64     `json:"amount_authorized"`
	AuthorizationCode    *string    `json:"authorization_code"`
	Brand                string     `json:"brand"`
	Checks               cardChecks `json:"checks"`
	Country              string     `json:"country"`
	ExpMonth             int64      `json:"exp_month"`
	ExpYear              int64      `json:"exp_year"`
	Fingerprint          string     `json:"fingerprint"`
	Funding              string     `json:"funding"`
	Installments         any        `json:"installments"`
	Last4                string     `json:"last4"`
	Mandate              *string    `json:"mandate"`
	Network              string     `json:"network"`
	NetworkTransactionID *string    `json:"network_transaction_id"`
	RegulatedStatus      string     `json:"regulated_status"`
	ThreeDSecure         any        `json:"three_d_secure"`
	Wallet               any        `json:"wallet"`
}

// newCharge records the charge of one confirmation attempt.
func (s *Sim) newCharge(pi *paymentIntent, pm *paymentMethod, b cardBehavior, threeDS bool) *charge {
	card := pm.Card
	if card == nil {
		card = &pmCard{}
	}
	ch := &charge{
		ID: newID("ch"), Object: "charge", Amount: pi.Amount, BillingDetails: pm.BillingDetails,
		CalculatedStatementDescriptor: nstr("STOREFRONT"), Created: s.now().Unix(), Currency: pi.Currency,
		Description: pi.Description, FraudDetails: map[string]string{}, Metadata: copyMap(pi.Metadata),
		PaymentMethod: &pm.ID, ReceiptEmail: pi.ReceiptEmail, Shipping: pi.Shipping,
		customerID: pi.customerID, piID: pi.ID,
		PaymentMethodDetails: pmDetails{Type: "card", Card: &chargeCard{
			Brand: card.Brand, Checks: card.Checks, Country: card.Country, ExpMonth: card.ExpMonth,
			ExpYear: card.ExpYear, Fingerprint: card.Fingerprint, Funding: card.Funding, Last4: card.Last4,
			Network: card.Brand, RegulatedStatus: card.RegulatedStatus,
		}},
	}
	switch pm.Type {
	case "ideal":
		ch.PaymentMethodDetails = pmDetails{Type: "ideal", Ideal: map[string]any{"bank": pm.Ideal.Bank,
			"bic": pm.Ideal.Bic, "iban_last4": "5264", "verified_name": deref(pm.BillingDetails.Name)}}
	case "sepa_debit":
		d := *pm.SepaDebit
		d.Mandate = nstr(newID("mandate"))
		ch.PaymentMethodDetails = pmDetails{Type: "sepa_debit", SepaDebit: &d}
	}
	if threeDS {
		ch.PaymentMethodDetails.Card.ThreeDSecure = map[string]any{
			"authentication_flow": "challenge", "electronic_commerce_indicator": "05", "exemption_indicator": nil,
			"result": "authenticated", "result_reason": nil, "transaction_id": newID("3ds"), "version": "2.2.0",
		}
	}
	switch {
	case b.kind == outcomeDecline:
		ch.Status = "failed"
		ch.FailureCode = nstr(b.code)
		ch.FailureMessage = nstr(b.message)
		ch.FailureBalanceTransaction = nil
		ch.Outcome = chargeOutcome{NetworkStatus: "declined_by_network", Reason: nstr(b.declineCode),
			RiskLevel: "normal", RiskScore: 30, Type: "issuer_declined",
			SellerMessage: "The bank did not return any further details with this decline."}
		if b.blocked {
			ch.Outcome = chargeOutcome{NetworkStatus: "not_sent_to_network", Reason: nstr("highest_risk_level"),
				RiskLevel: "highest", RiskScore: 95, Type: "blocked",
				SellerMessage: "Stripe blocked this payment as too risky."}
		}
	default:
		amount := pi.Amount
		ch.Status, ch.Paid, ch.Captured = "succeeded", true, true
		ch.AmountCaptured = pi.Amount
		ch.BalanceTransaction = nstr(newID("txn"))
		if c := ch.PaymentMethodDetails.Card; c != nil {
			c.AmountAuthorized = &amount
			c.AuthorizationCode = nstr(randomString(6))
			c.NetworkTransactionID = nstr(randomString(15))
		}
		ch.ReceiptURL = nstr("https://pay.stripe.com/receipts/simulated/" + ch.ID)
		ch.Outcome = chargeOutcome{NetworkStatus: "approved_by_network", RiskLevel: "normal", RiskScore: 20,
			SellerMessage: "Payment complete.", Type: "authorized"}
		if b.riskLevel != "" {
			ch.Outcome.RiskLevel, ch.Outcome.RiskScore = b.riskLevel, 70
		}
	}
	s.st.charges.put(ch.ID, ch)
	return ch
}

// renderCharge is ch as answered, with the requested fields expanded.
func (s *Sim) renderCharge(ch *charge, expand map[string]bool) *charge {
	if ch == nil {
		return nil
	}
	out := *ch
	out.Customer = s.expandable(ch.customerID, expand["customer"], func(id string) any { return s.st.customers.get(id) })
	out.PaymentIntent = s.expandable(ch.piID, expand["payment_intent"], func(id string) any {
		return s.renderPI(s.st.paymentIntents.get(id), nil)
	})
	return &out
}

// retrieveCharge serves GET /v1/charges/:id.
func (s *Sim) retrieveCharge(c *call) (any, error) {
	ch := s.st.charges.get(c.args[0])
	if ch == nil {
		return nil, notFound("charge", "id", c.args[0])
	}
	if err := checkExpand(c.expand, "customer", "payment_intent"); err != nil {
		return nil, err
	}
	return s.renderCharge(ch, c.expand), nil
}
