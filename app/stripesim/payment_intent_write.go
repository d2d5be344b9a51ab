package stripesim

import "strings"

// currencies the simulator accepts (lowercase ISO codes Stripe supports).
func supportedCurrency(cur string) bool {
	const list = " usd eur gbp cad aud nzd chf sek nok dkk pln czk huf ron bgn isk jpy krw sgd hkd twd " +
		"mxn brl clp cop pen inr idr myr php thb vnd ils aed sar qar zar try cny egp ngn kes " +
		"bhd jod kwd omr tnd bif djf gnf kmf mga pyg rwf ugx vuv xaf xof xpf "
	return len(cur) == 3 && strings.Contains(list, " "+cur+" ")
}

// zeroDecimal lists Stripe's zero-decimal currencies: amounts are whole units.
var zeroDecimal = map[string]bool{"bif": true, "clp": true, "djf": true, "gnf": true, "jpy": true, "kmf": true,
	"krw": true, "mga": true, "pyg": true, "rwf": true, "ugx": true, "vnd": true, "vuv": true, "xaf": true,
	"xof": true, "xpf": true}

// threeDecimal lists Stripe's three-decimal currencies: the last digit of an
// amount must be 0.
var threeDecimal = map[string]bool{"bhd": true, "jod": true, "kwd": true, "omr": true, "tnd": true}

// minimumCharge is Stripe's table of minimum charge amounts in minor units;
// other currencies need about USD 0.50, approximated here.
var minimumCharge = map[string]int64{
	"usd": 50, "aed": 200, "aud": 50, "bgn": 100, "brl": 50, "cad": 50, "chf": 50, "czk": 1500, "dkk": 250,
	"eur": 50, "gbp": 30, "hkd": 400, "huf": 17500, "inr": 50, "jpy": 50, "mxn": 1000, "myr": 200, "nok": 300,
	"nzd": 50, "pln": 200, "ron": 200, "sek": 300, "sgd": 50, "thb": 1000,
	"krw": 700, "vnd": 13000, "clp": 500, "xaf": 300, "xof": 300, "ugx": 2000,
	"bhd": 200, "jod": 400, "kwd": 200, "omr": 200, "tnd": 1600,
}

// checkAmount applies Stripe's per-currency minimum and maximum charge
// amounts and the three-decimal rounding rule, with Stripe's error codes.
func checkAmount(amount int64, currency string) error {
	min, ok := minimumCharge[currency]
	if !ok {
		min = 50
	}
	if amount < min {
		return invalidRequest("amount_too_small", "amount", "Amount must be at least %s %s",
			money(min, currency), currency)
	}
	if amount > 99999999 {
		return invalidRequest("amount_too_large", "amount", "Amount must be no more than %s %s",
			money(99999999, currency), currency)
	}
	if threeDecimal[currency] && amount%10 != 0 {
		return invalidRequest("invalid_amount", "amount",
			"Invalid amount: %d. Amounts in %s must be divisible by 10 (the last digit must be 0).",
			amount, strings.ToUpper(currency))
	}
	return nil
}

// createPaymentIntent serves POST /v1/payment_intents, confirming at once
// with confirm=true.
func (s *Sim) createPaymentIntent(c *call) (any, error) {
	p := c.p
	if !p.has("amount") {
		return nil, missingParam("amount")
	}
	if !p.has("currency") {
		return nil, missingParam("currency")
	}
	cur := strings.ToLower(p.str("currency"))
	if !supportedCurrency(cur) {
		return nil, invalidRequest("", "currency", "Invalid currency: %s. Stripe currently supports these currencies: usd, eur, gbp, …", p.str("currency"))
	}
	amount := p.int64At("amount")
	if err := checkAmount(amount, cur); err != nil {
		return nil, err
	}
	if err := checkExpand(c.expand, "customer", "latest_charge", "payment_method"); err != nil {
		return nil, err
	}
	if p.has("confirmation_token") && !p.boolAt("confirm") {
		return nil, invalidRequest("", "confirmation_token",
			"confirmation_token can only be used when confirm=true. Set confirm=true or remove confirmation_token.")
	}
	if p.has("automatic_payment_methods") && p.has("payment_method_types") {
		return nil, invalidRequest("parameters_exclusive", "payment_method_types",
			"You may only specify one of these parameters: automatic_payment_methods, payment_method_types.")
	}
	id := newID("pi")
	pi := &paymentIntent{
		ID: id, Object: "payment_intent", Amount: amount, AmountDetails: map[string]any{"tip": map[string]any{}},
		CaptureMethod: "automatic_async", ClientSecret: id + "_secret_" + randomString(25),
		ConfirmationMethod: "automatic", Created: s.now().Unix(), Currency: cur,
		Metadata: mergeMetadata(nil, p.get("metadata")), Status: piRequiresPaymentMethod,
		PaymentMethodOptions: map[string]any{"card": map[string]any{
			"installments": nil, "mandate_options": nil, "network": nil, "request_three_d_secure": "automatic"}},
	}
	if cm := p.str("capture_method"); cm != "" {
		pi.CaptureMethod = cm
	}
	if types := p.list("payment_method_types"); len(types) > 0 {
		for _, t := range types {
			if t != "card" && t != "ideal" && t != "sepa_debit" {
				return nil, invalidRequest("payment_intent_invalid_parameter", "payment_method_types",
					"The payment method type %q is invalid. The simulator supports \"card\", \"ideal\" and \"sepa_debit\".", t)
			}
			if t != "card" && cur != "eur" {
				return nil, invalidRequest("payment_intent_invalid_parameter", "payment_method_types",
					"The currency provided (%s) is invalid. Payments with %s support the following currencies: eur.", cur, t)
			}
		}
		pi.PaymentMethodTypes = types
	} else {
		apm := &automaticPaymentMethods{Enabled: true, AllowRedirects: "always"}
		if p.has("automatic_payment_methods", "enabled") && !p.boolAt("automatic_payment_methods", "enabled") {
			return nil, invalidRequest("", "automatic_payment_methods[enabled]",
				"automatic_payment_methods[enabled] must be true when payment_method_types is not given.")
		}
		if ar := p.str("automatic_payment_methods", "allow_redirects"); ar != "" {
			apm.AllowRedirects = ar
		}
		pi.AutomaticPaymentMethods = apm
		pi.PaymentMethodTypes = availableTypes(pi)
		pi.PaymentMethodConfigurationDetails = &pmcDetails{ID: "pmc_simulator"}
	}
	if err := s.applyPIFields(pi, p); err != nil {
		return nil, err
	}
	if p.boolAt("confirm") {
		if _, _, err := s.checkConfirm(pi, p); err != nil {
			return nil, err
		}
	}
	s.st.paymentIntents.put(pi.ID, pi)
	s.emit(c, "payment_intent.created", s.renderPI(pi, nil))
	if p.boolAt("confirm") {
		if err := s.confirm(c, pi, p); err != nil {
			return nil, err
		}
	}
	return s.renderPI(pi, c.expand), nil
}

// applyPIFields sets the fields create and update share.
func (s *Sim) applyPIFields(pi *paymentIntent, p *pnode) error {
	if p.has("customer") {
		id := p.str("customer")
		if id != "" && s.st.customers.get(id) == nil {
			return notFound("customer", "customer", id)
		}
		pi.customerID = id
	}
	if p.has("payment_method") {
		pm, err := s.resolvePaymentMethod(p.str("payment_method"))
		if err != nil {
			return err
		}
		pi.paymentMethodID = pm.ID
		if pi.Status == piRequiresPaymentMethod {
			pi.Status = piRequiresConfirmation
		}
	}
	if p.has("description") {
		pi.Description = nstr(p.str("description"))
	}
	if p.has("receipt_email") {
		pi.ReceiptEmail = nstr(p.str("receipt_email"))
	}
	if p.has("setup_future_usage") {
		pi.SetupFutureUsage = nstr(p.str("setup_future_usage"))
	}
	if p.has("shipping") {
		pi.Shipping = shippingFrom(p.get("shipping"))
	}
	if p.has("statement_descriptor") {
		pi.StatementDescriptor = nstr(p.str("statement_descriptor"))
	}
	if p.has("statement_descriptor_suffix") {
		pi.StatementDescriptorSuffix = nstr(p.str("statement_descriptor_suffix"))
	}
	if p.has("return_url") {
		pi.returnURL = p.str("return_url")
	}
	applyCVCRecollection(pi, p)
	return nil
}

// applyCVCRecollection records payment_method_options[card][require_cvc_recollection] on the PaymentIntent.
// Stripe then wants a saved card's CVC again (a cvc_token from the Payment Element). Stripe documents no error
// for a saved card confirmed without one, so the simulator records the option and does not refuse: it does not
// make up an answer Stripe has not documented.
func applyCVCRecollection(pi *paymentIntent, p *pnode) {
	if !p.has("payment_method_options", "card", "require_cvc_recollection") {
		return
	}
	card, _ := pi.PaymentMethodOptions["card"].(map[string]any)
	if card == nil {
		card = map[string]any{}
		if pi.PaymentMethodOptions == nil {
			pi.PaymentMethodOptions = map[string]any{}
		}
		pi.PaymentMethodOptions["card"] = card
	}
	if p.boolAt("payment_method_options", "card", "require_cvc_recollection") {
		card["require_cvc_recollection"] = true
	} else {
		delete(card, "require_cvc_recollection")
	}
}

// resolvePaymentMethod finds a PaymentMethod, making one for Stripe's test
// IDs (pm_card_visa…) as test mode does.
func (s *Sim) resolvePaymentMethod(id string) (*paymentMethod, error) {
	if number, ok := testPaymentMethodNumber(id); ok {
		cd := cardData{number: number, expMonth: 12, expYear: int64(s.now().Year() + 3)}
		return s.createPaymentMethod(cd, billingDetails{Address: &address{}}, "", nil), nil
	}
	return s.findPaymentMethod(id, "payment_method")
}

// updatePaymentIntent serves POST /v1/payment_intents/:id.
func (s *Sim) updatePaymentIntent(c *call) (any, error) {
	pi, err := s.findPI(c.args[0])
	if err != nil {
		return nil, err
	}
	p := c.p
	if err := checkExpand(c.expand, "customer", "latest_charge", "payment_method"); err != nil {
		return nil, err
	}
	mutable := pi.Status == piRequiresPaymentMethod || pi.Status == piRequiresConfirmation || pi.Status == piRequiresAction
	for _, f := range []string{"amount", "currency", "customer", "payment_method", "setup_future_usage", "shipping",
		"payment_method_types", "capture_method", "payment_method_options"} {
		if p.has(f) && !mutable {
			return nil, unexpectedState("payment_intent_unexpected_state",
				"This PaymentIntent's %s could not be updated because it has a status of %s. You may only update the %s of a PaymentIntent with one of the following statuses: requires_payment_method, requires_confirmation, requires_action.",
				f, pi.Status, f)
		}
	}
	cur := pi.Currency
	if p.has("currency") {
		cur = strings.ToLower(p.str("currency"))
		if !supportedCurrency(cur) {
			return nil, invalidRequest("", "currency", "Invalid currency: %s.", p.str("currency"))
		}
	}
	amount := pi.Amount
	if p.has("amount") {
		amount = p.int64At("amount")
	}
	if err := checkAmount(amount, cur); err != nil {
		return nil, err
	}
	if err := s.applyPIFields(pi, p); err != nil {
		return nil, err
	}
	if (amount != pi.Amount || cur != pi.Currency) && pi.Status == piRequiresAction {
		// The authenticated amount changed: the payment needs confirming again.
		pi.Status, pi.NextAction = piRequiresConfirmation, nil
	}
	pi.Amount, pi.Currency = amount, cur
	if pi.AutomaticPaymentMethods != nil {
		pi.PaymentMethodTypes = availableTypes(pi)
	}
	pi.Metadata = mergeMetadata(pi.Metadata, p.get("metadata"))
	s.indexPI(pi)
	return s.renderPI(pi, c.expand), nil
}

// confirmPaymentIntent serves POST /v1/payment_intents/:id/confirm.
func (s *Sim) confirmPaymentIntent(c *call) (any, error) {
	pi, err := s.findPI(c.args[0])
	if err != nil {
		return nil, err
	}
	if err := checkExpand(c.expand, "customer", "latest_charge", "payment_method"); err != nil {
		return nil, err
	}
	if err := s.confirm(c, pi, c.p); err != nil {
		return nil, err
	}
	return s.renderPI(pi, c.expand), nil
}

func confirmable(status string) bool {
	return status == piRequiresPaymentMethod || status == piRequiresConfirmation || status == piRequiresAction
}

// stateError is the 400 for confirming a PaymentIntent in a final state;
// like Stripe's, its error carries the PaymentIntent as it is now.
func (s *Sim) stateError(pi *paymentIntent) error {
	e := unexpectedState("payment_intent_unexpected_state",
		"You cannot confirm this PaymentIntent because it has a status of %s. Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_action, requires_payment_method.",
		pi.Status)
	e.body.PaymentIntent = s.piJSON(pi)
	return e
}
