package stripesim

import (
	"slices"
	"time"
)

// customerSessionTTL is how long a CustomerSession's client secret works.
const customerSessionTTL = 30 * time.Minute

// customerSession is Stripe's customer_session object, keyed by client secret.
type customerSession struct {
	Object       string       `json:"object"`
	ClientSecret string       `json:"client_secret"`
	Components   csComponents `json:"components"`
	Created      int64        `json:"created"`
	Customer     any          `json:"customer"`
	ExpiresAt    int64        `json:"expires_at"`
	Livemode     bool         `json:"livemode"`

	customerID string
}

type csComponents struct {
	BuyButton      csEnabled        `json:"buy_button"`
	PaymentElement csPaymentElement `json:"payment_element"`
	PricingTable   csEnabled        `json:"pricing_table"`
}

type csEnabled struct {
	Enabled bool `json:"enabled"`
}

type csPaymentElement struct {
	Enabled  bool        `json:"enabled"`
	Features *csFeatures `json:"features"`
}

// csFeatures are the Payment Element features a session turns on.
type csFeatures struct {
	PaymentMethodAllowRedisplayFilters      []string `json:"payment_method_allow_redisplay_filters"`
	PaymentMethodRedisplay                  string   `json:"payment_method_redisplay"`
	PaymentMethodRedisplayLimit             int64    `json:"payment_method_redisplay_limit"`
	PaymentMethodRemove                     string   `json:"payment_method_remove"`
	PaymentMethodSave                       string   `json:"payment_method_save"`
	PaymentMethodSaveAllowRedisplayOverride *string  `json:"payment_method_save_allow_redisplay_override"`
	PaymentMethodSaveUsage                  *string  `json:"payment_method_save_usage"`
}

func customerSessionSpec() *spec {
	on := func() *spec { return pEnum("enabled", "disabled") }
	enabledOnly := func() *spec { return pObj(map[string]*spec{"enabled": pBool()}) }
	return pObj(map[string]*spec{
		"customer": pStr(), "expand": pArr(pStr()),
		"components": pObj(map[string]*spec{
			"buy_button": enabledOnly(), "pricing_table": enabledOnly(),
			"payment_element": pObj(map[string]*spec{
				"enabled": pBool(),
				"features": pObj(map[string]*spec{
					"payment_method_allow_redisplay_filters":       pArr(pEnum("always", "limited", "unspecified")),
					"payment_method_redisplay":                     on(),
					"payment_method_redisplay_limit":               pInt(),
					"payment_method_remove":                        on(),
					"payment_method_save":                          on(),
					"payment_method_save_allow_redisplay_override": pEnum("always", "limited", "unspecified"),
					"payment_method_save_usage":                    pEnum("off_session", "on_session"),
				}),
			}),
		}),
	})
}

// createCustomerSession serves POST /v1/customer_sessions.
func (s *Sim) createCustomerSession(c *call) (any, error) {
	p := c.p
	if !p.has("customer") {
		return nil, missingParam("customer")
	}
	if !p.has("components") {
		return nil, missingParam("components")
	}
	if err := checkExpand(c.expand, "customer"); err != nil {
		return nil, err
	}
	if _, err := s.findCustomer(p.str("customer"), "customer"); err != nil {
		return nil, err
	}
	comp := csComponents{
		BuyButton:    csEnabled{Enabled: p.boolAt("components", "buy_button", "enabled")},
		PricingTable: csEnabled{Enabled: p.boolAt("components", "pricing_table", "enabled")},
	}
	pe := p.get("components", "payment_element")
	if pe != nil && pe.boolAt("enabled") {
		f := &csFeatures{
			PaymentMethodAllowRedisplayFilters:      []string{"always"},
			PaymentMethodRedisplay:                  orDefault(pe.str("features", "payment_method_redisplay"), "disabled"),
			PaymentMethodRedisplayLimit:             3,
			PaymentMethodRemove:                     orDefault(pe.str("features", "payment_method_remove"), "disabled"),
			PaymentMethodSave:                       orDefault(pe.str("features", "payment_method_save"), "disabled"),
			PaymentMethodSaveAllowRedisplayOverride: nstr(pe.str("features", "payment_method_save_allow_redisplay_override")),
			PaymentMethodSaveUsage:                  nstr(pe.str("features", "payment_method_save_usage")),
		}
		if filters := pe.list("features", "payment_method_allow_redisplay_filters"); len(filters) > 0 {
			f.PaymentMethodAllowRedisplayFilters = filters
		}
		if pe.has("features", "payment_method_redisplay_limit") {
			f.PaymentMethodRedisplayLimit = pe.int64At("features", "payment_method_redisplay_limit")
			if f.PaymentMethodRedisplayLimit < 1 || f.PaymentMethodRedisplayLimit > 10 {
				return nil, invalidRequest("", "components[payment_element][features][payment_method_redisplay_limit]",
					"payment_method_redisplay_limit must be between 1 and 10.")
			}
		}
		comp.PaymentElement = csPaymentElement{Enabled: true, Features: f}
	}
	if !comp.PaymentElement.Enabled && !comp.BuyButton.Enabled && !comp.PricingTable.Enabled {
		return nil, invalidRequest("", "components", "You must enable at least one component.")
	}
	now := s.now()
	cs := &customerSession{
		Object: "customer_session", ClientSecret: "cuss_secret_" + randomString(40), Components: comp,
		Created: now.Unix(), ExpiresAt: now.Add(customerSessionTTL).Unix(), customerID: p.str("customer"),
	}
	s.st.sessions.put(cs.ClientSecret, cs)
	out := *cs
	out.Customer = s.expandable(cs.customerID, c.expand["customer"], func(id string) any { return s.st.customers.get(id) })
	return &out, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// liveSession finds an unexpired session whose Payment Element is enabled.
func (s *Sim) liveSession(secret string) *customerSession {
	cs := s.st.sessions.get(secret)
	if cs == nil || s.now().Unix() >= cs.ExpiresAt || !cs.Components.PaymentElement.Enabled {
		return nil
	}
	return cs
}

// sessionOwns reports whether a session's customer owns pm.
func (s *Sim) sessionOwns(secret string, pm *paymentMethod) bool {
	cs := s.liveSession(secret)
	return cs != nil && pm.Customer != nil && *pm.Customer == cs.customerID
}

// redisplayable lists the saved cards a session may show, newest first.
func (s *Sim) redisplayable(cs *customerSession) []*paymentMethod {
	f := cs.Components.PaymentElement.Features
	out := []*paymentMethod{}
	if f == nil || f.PaymentMethodRedisplay != "enabled" {
		return out
	}
	for _, pm := range s.st.paymentMethods.newestFirst() {
		if deref(pm.Customer) != cs.customerID || !slices.Contains(f.PaymentMethodAllowRedisplayFilters, pm.AllowRedisplay) {
			continue
		}
		if int64(len(out)) >= f.PaymentMethodRedisplayLimit {
			break
		}
		out = append(out, pm)
	}
	return out
}
