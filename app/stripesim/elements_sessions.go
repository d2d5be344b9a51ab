package stripesim

// elementsSession is what the stand-in Stripe.js loads for the Payment
// Element: the session's features and the cards it may show.
type elementsSession struct {
	Object   string            `json:"object"`
	Customer *elementsCustomer `json:"customer"`
	Livemode bool              `json:"livemode"`
}

type elementsCustomer struct {
	ID             string            `json:"id"`
	PaymentMethods []*paymentMethod  `json:"payment_methods"`
	Session        elementsCSSummary `json:"customer_session"`
}

type elementsCSSummary struct {
	Components csComponents `json:"components"`
	ExpiresAt  int64        `json:"expires_at"`
}

func elementsSessionSpec() *spec {
	return pObj(map[string]*spec{"customer_session_client_secret": pStr()})
}

// retrieveElementsSession serves GET /v1/elements/sessions (publishable key).
// Only the session's own customer's cards are ever listed.
func (s *Sim) retrieveElementsSession(c *call) (any, error) {
	out := elementsSession{Object: "elements_session"}
	secret := c.p.str("customer_session_client_secret")
	if secret == "" {
		return out, nil
	}
	cs := s.liveSession(secret)
	if cs == nil {
		return nil, invalidRequest("customer_session_expired", "customer_session_client_secret",
			"The provided customer_session_client_secret is invalid or has expired.")
	}
	out.Customer = &elementsCustomer{
		ID:             cs.customerID,
		PaymentMethods: s.redisplayable(cs),
		Session:        elementsCSSummary{Components: cs.Components, ExpiresAt: cs.ExpiresAt},
	}
	return out, nil
}

// detachSessionPaymentMethod serves POST /v1/elements/payment_methods/:id/detach:
// the Payment Element's remove button, allowed only for the session's customer.
func (s *Sim) detachSessionPaymentMethod(c *call) (any, error) {
	pm := s.st.paymentMethods.get(c.args[0])
	secret := c.p.str("customer_session_client_secret")
	if pm == nil || !s.sessionOwns(secret, pm) {
		return nil, notFound("PaymentMethod", "payment_method", c.args[0])
	}
	f := s.liveSession(secret).Components.PaymentElement.Features
	if f == nil || f.PaymentMethodRemove != "enabled" {
		return nil, invalidRequest("", "customer_session_client_secret",
			"This CustomerSession does not allow removing payment methods (payment_method_remove is disabled).")
	}
	pm.Customer = nil
	s.emit(c, "payment_method.detached", pm)
	return pm, nil
}
