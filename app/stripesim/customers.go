package stripesim

// customer is Stripe's customer object.
type customer struct {
	ID                  string            `json:"id"`
	Object              string            `json:"object"`
	Address             *address          `json:"address"`
	Balance             int64             `json:"balance"`
	Created             int64             `json:"created"`
	Currency            *string           `json:"currency"`
	DefaultSource       *string           `json:"default_source"`
	Delinquent          bool              `json:"delinquent"`
	Description         *string           `json:"description"`
	Discount            any               `json:"discount"`
	Email               *string           `json:"email"`
	InvoicePrefix       string            `json:"invoice_prefix"`
	InvoiceSettings     invoiceSettings   `json:"invoice_settings"`
	Livemode            bool              `json:"livemode"`
	Metadata            map[string]string `json:"metadata"`
	Name                *string           `json:"name"`
	NextInvoiceSequence int64             `json:"next_invoice_sequence"`
	Phone               *string           `json:"phone"`
	PreferredLocales    []string          `json:"preferred_locales"`
	Shipping            *shipping         `json:"shipping"`
	TaxExempt           string            `json:"tax_exempt"`
	TestClock           *string           `json:"test_clock"`
}

type invoiceSettings struct {
	CustomFields         any     `json:"custom_fields"`
	DefaultPaymentMethod *string `json:"default_payment_method"`
	Footer               *string `json:"footer"`
	RenderingOptions     any     `json:"rendering_options"`
}

func customerParams() map[string]*spec {
	return map[string]*spec{
		"email": pStr(), "name": pStr(), "description": pStr(), "phone": pStr(),
		"metadata": pHash(), "address": addressSpec(), "shipping": shippingSpec(),
		"preferred_locales": pArr(pStr()), "expand": pArr(pStr()),
	}
}

// createCustomer serves POST /v1/customers.
func (s *Sim) createCustomer(c *call) (any, error) {
	p := c.p
	cus := &customer{
		ID: newID("cus"), Object: "customer", Created: s.now().Unix(),
		Description: nstr(p.str("description")), Email: nstr(p.str("email")),
		InvoicePrefix: randomString(8), Metadata: mergeMetadata(nil, p.get("metadata")),
		Name: nstr(p.str("name")), NextInvoiceSequence: 1, Phone: nstr(p.str("phone")),
		PreferredLocales: p.list("preferred_locales"), Shipping: shippingFrom(p.get("shipping")),
		TaxExempt: "none",
	}
	if cus.PreferredLocales == nil {
		cus.PreferredLocales = []string{}
	}
	if p.has("address") {
		cus.Address = addressFrom(p.get("address"))
	}
	s.st.customers.put(cus.ID, cus)
	s.emit(c, "customer.created", cus)
	return cus, nil
}

func (s *Sim) findCustomer(id, param string) (*customer, error) {
	cus := s.st.customers.get(id)
	if cus == nil {
		return nil, notFound("customer", param, id)
	}
	return cus, nil
}

// retrieveCustomer serves GET /v1/customers/:id.
func (s *Sim) retrieveCustomer(c *call) (any, error) {
	return s.findCustomer(c.args[0], "id")
}

// updateCustomer serves POST /v1/customers/:id.
func (s *Sim) updateCustomer(c *call) (any, error) {
	cus, err := s.findCustomer(c.args[0], "id")
	if err != nil {
		return nil, err
	}
	p := c.p
	if p.has("email") {
		cus.Email = nstr(p.str("email"))
	}
	if p.has("name") {
		cus.Name = nstr(p.str("name"))
	}
	if p.has("description") {
		cus.Description = nstr(p.str("description"))
	}
	if p.has("phone") {
		cus.Phone = nstr(p.str("phone"))
	}
	if p.has("address") {
		cus.Address = addressFrom(p.get("address"))
	}
	if p.has("shipping") {
		cus.Shipping = shippingFrom(p.get("shipping"))
	}
	if p.has("preferred_locales") {
		cus.PreferredLocales = p.list("preferred_locales")
	}
	cus.Metadata = mergeMetadata(cus.Metadata, p.get("metadata"))
	s.emit(c, "customer.updated", cus)
	return cus, nil
}
