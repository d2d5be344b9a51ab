package stripesim

// paymentMethod is Stripe's payment_method object (cards only).
type paymentMethod struct {
	ID             string            `json:"id"`
	Object         string            `json:"object"`
	AllowRedisplay string            `json:"allow_redisplay"`
	BillingDetails billingDetails    `json:"billing_details"`
	Card           *pmCard           `json:"card"`
	Created        int64             `json:"created"`
	Customer       *string           `json:"customer"`
	Livemode       bool              `json:"livemode"`
	Metadata       map[string]string `json:"metadata"`
	Type           string            `json:"type"`
	Ideal          *pmIdeal          `json:"ideal,omitempty"`
	SepaDebit      *pmSepaDebit      `json:"sepa_debit,omitempty"`

	number string // drives the test-card behaviour; never answered
	iban   string // drives the test-IBAN behaviour; never answered
}

// pmIdeal is the ideal hash of an iDEAL PaymentMethod.
type pmIdeal struct {
	Bank *string `json:"bank"`
	Bic  *string `json:"bic"`
}

// pmSepaDebit is the sepa_debit hash of a SEPA Direct Debit PaymentMethod.
type pmSepaDebit struct {
	BankCode      string  `json:"bank_code"`
	BranchCode    string  `json:"branch_code"`
	Country       string  `json:"country"`
	Fingerprint   string  `json:"fingerprint"`
	GeneratedFrom any     `json:"generated_from"`
	Last4         string  `json:"last4"`
	Mandate       *string `json:"mandate,omitempty"`
}

// bankMethod is what a token holds for a non-card PaymentMethod.
type bankMethod struct {
	typ  string // "ideal" or "sepa_debit"
	bank string
	iban string
}

// createBankPaymentMethod stores a new iDEAL or SEPA Debit PaymentMethod.
func (s *Sim) createBankPaymentMethod(bm bankMethod, bd billingDetails, allowRedisplay string, meta map[string]string) *paymentMethod {
	if allowRedisplay == "" {
		allowRedisplay = "unspecified"
	}
	if meta == nil {
		meta = map[string]string{}
	}
	pm := &paymentMethod{ID: newID("pm"), Object: "payment_method", AllowRedisplay: allowRedisplay,
		BillingDetails: bd, Created: s.now().Unix(), Metadata: meta, Type: bm.typ, iban: bm.iban}
	switch bm.typ {
	case "ideal":
		pm.Ideal = &pmIdeal{Bank: nstr(bm.bank), Bic: nstr("INGBNL2A")}
	case "sepa_debit":
		pm.SepaDebit = sepaDetails(bm.iban)
	}
	s.st.paymentMethods.put(pm.ID, pm)
	return pm
}

func sepaDetails(iban string) *pmSepaDebit {
	d := &pmSepaDebit{Fingerprint: fingerprint(iban), Last4: last4(iban)}
	if len(iban) >= 12 {
		d.Country, d.BankCode, d.BranchCode = iban[:2], iban[4:12], ""
	}
	return d
}

// pmCard is the card hash of a PaymentMethod (and of a token's preview).
type pmCard struct {
	Brand             string         `json:"brand"`
	Checks            cardChecks     `json:"checks"`
	Country           string         `json:"country"`
	DisplayBrand      string         `json:"display_brand"`
	ExpMonth          int64          `json:"exp_month"`
	ExpYear           int64          `json:"exp_year"`
	Fingerprint       string         `json:"fingerprint"`
	Funding           string         `json:"funding"`
	GeneratedFrom     any            `json:"generated_from"`
	Last4             string         `json:"last4"`
	Networks          cardNetworks   `json:"networks"`
	RegulatedStatus   string         `json:"regulated_status"`
	ThreeDSecureUsage threeDSSupport `json:"three_d_secure_usage"`
	Wallet            any            `json:"wallet"`
}

type cardChecks struct {
	AddressLine1Check      *string `json:"address_line1_check"`
	AddressPostalCodeCheck *string `json:"address_postal_code_check"`
	CVCCheck               *string `json:"cvc_check"`
}

type cardNetworks struct {
	Available []string `json:"available"`
	Preferred *string  `json:"preferred"`
}

type threeDSSupport struct {
	Supported bool `json:"supported"`
}

// newPMCard describes a card the way Stripe does, from its number.
func newPMCard(cd cardData, postal string) *pmCard {
	brand := cardBrand(cd.number)
	c := &pmCard{
		Brand: brand, Country: "US", DisplayBrand: brand, ExpMonth: cd.expMonth, ExpYear: cd.expYear,
		Fingerprint: fingerprint(cd.number), Funding: funding(cd.number), Last4: last4(cd.number),
		Networks: cardNetworks{Available: []string{brand}}, RegulatedStatus: "unregulated",
		ThreeDSecureUsage: threeDSSupport{Supported: true},
	}
	if postal != "" {
		c.Checks.AddressPostalCodeCheck = nstr("unchecked")
	}
	if cd.cvc != "" {
		c.Checks.CVCCheck = nstr("unchecked")
	}
	return c
}

// createPaymentMethod stores a new card PaymentMethod.
func (s *Sim) createPaymentMethod(cd cardData, bd billingDetails, allowRedisplay string, meta map[string]string) *paymentMethod {
	if allowRedisplay == "" {
		allowRedisplay = "unspecified"
	}
	if meta == nil {
		meta = map[string]string{}
	}
	pm := &paymentMethod{
		ID: newID("pm"), Object: "payment_method", AllowRedisplay: allowRedisplay, BillingDetails: bd,
		Card: newPMCard(cd, deref(bd.Address.PostalCode)), Created: s.now().Unix(), Metadata: meta,
		Type: "card", number: cd.number,
	}
	s.st.paymentMethods.put(pm.ID, pm)
	return pm
}

func (s *Sim) findPaymentMethod(id, param string) (*paymentMethod, error) {
	pm := s.st.paymentMethods.get(id)
	if pm == nil {
		return nil, notFound("PaymentMethod", param, id)
	}
	return pm, nil
}

// retrievePaymentMethod serves GET /v1/payment_methods/:id.
func (s *Sim) retrievePaymentMethod(c *call) (any, error) {
	return s.findPaymentMethod(c.args[0], "id")
}

// listPaymentMethods serves GET /v1/payment_methods?customer=…&type=card.
func (s *Sim) listPaymentMethods(c *call) (any, error) {
	cus := c.p.str("customer")
	if cus != "" && s.st.customers.get(cus) == nil {
		return nil, notFound("customer", "customer", cus)
	}
	return s.paymentMethodList(c, cus, "/v1/payment_methods")
}

// listCustomerPaymentMethods serves GET /v1/customers/:id/payment_methods.
func (s *Sim) listCustomerPaymentMethods(c *call) (any, error) {
	cus := c.args[0]
	if s.st.customers.get(cus) == nil {
		return nil, notFound("customer", "customer", cus)
	}
	return s.paymentMethodList(c, cus, "/v1/customers/"+cus+"/payment_methods")
}

func (s *Sim) paymentMethodList(c *call, cus, url string) (any, error) {
	var items []*paymentMethod
	if cus != "" {
		for _, pm := range s.st.paymentMethods.newestFirst() {
			if deref(pm.Customer) != cus {
				continue
			}
			if t := c.p.str("type"); t != "" && t != pm.Type {
				continue
			}
			if ar := c.p.str("allow_redisplay"); ar != "" && ar != pm.AllowRedisplay {
				continue
			}
			items = append(items, pm)
		}
	}
	page, more, err := paginate(items, func(p *paymentMethod) string { return p.ID }, c.p, "PaymentMethod")
	if err != nil {
		return nil, err
	}
	out := listObject{Object: "list", Data: []any{}, HasMore: more, URL: url}
	for _, pm := range page {
		out.Data = append(out.Data, pm)
	}
	return out, nil
}

// detachPaymentMethod serves POST /v1/payment_methods/:id/detach.
func (s *Sim) detachPaymentMethod(c *call) (any, error) {
	pm, err := s.findPaymentMethod(c.args[0], "payment_method")
	if err != nil {
		return nil, err
	}
	if pm.Customer == nil {
		return nil, unexpectedState("payment_method_unexpected_state",
			"The payment method you provided is not attached to a customer so detachment is impossible.")
	}
	pm.Customer = nil
	s.emit(c, "payment_method.detached", pm)
	return pm, nil
}
