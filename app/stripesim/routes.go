package stripesim

import (
	"net/http"
	"strings"
)

// route is one REST endpoint under /v1.
type route struct {
	method  string
	pattern []string // path segments after /v1; ":id" matches any one segment
	keys    keyMode
	params  *spec
	handle  func(c *call) (any, error)
}

// routes lists every endpoint the simulator serves. Fixed paths come before
// the ":id" patterns they would otherwise match.
func (s *Sim) routes() []route {
	r := func(method, path string, keys keyMode, params *spec, h func(*call) (any, error)) route {
		return route{method: method, pattern: strings.Split(strings.Trim(path, "/"), "/"), keys: keys, params: params, handle: h}
	}
	get, post := http.MethodGet, http.MethodPost
	return []route{
		r(get, "/payment_intents/search", secretOnly, searchSpec(), s.searchPaymentIntents),
		r(get, "/payment_intents", secretOnly, listSpec(map[string]*spec{"customer": pStr(), "created": createdFilterSpec()}), s.listPaymentIntents),
		r(post, "/payment_intents", secretOnly, piCreateSpec(), s.createPaymentIntent),
		r(get, "/payment_intents/:id", publishableOK, pObj(map[string]*spec{"client_secret": pStr(), "expand": pArr(pStr())}), s.retrievePaymentIntent),
		r(post, "/payment_intents/:id", secretOnly, piUpdateSpec(), s.updatePaymentIntent),
		r(post, "/payment_intents/:id/confirm", secretOnly, piConfirmSpec(), s.confirmPaymentIntent),
		r(post, "/payment_intents/:id/cancel", secretOnly, pObj(map[string]*spec{
			"cancellation_reason": pEnum("duplicate", "fraudulent", "requested_by_customer", "abandoned"),
			"expand":              pArr(pStr())}), s.cancelPaymentIntent),
		r(post, "/payment_intents/:id/authenticate", publishableOK, authenticateSpec(), s.authenticatePaymentIntent),

		r(post, "/test_helpers/confirmation_tokens", secretOnly, tokenSpec(false), s.createTestConfirmationToken),
		r(post, "/confirmation_tokens", publishableOK, tokenSpec(true), s.createConfirmationToken),
		r(get, "/confirmation_tokens/:id", secretOnly, expandOnly(), s.retrieveConfirmationToken),

		r(post, "/customers", secretOnly, pObj(customerParams()), s.createCustomer),
		r(get, "/customers/:id", secretOnly, expandOnly(), s.retrieveCustomer),
		r(post, "/customers/:id", secretOnly, pObj(customerParams()), s.updateCustomer),
		r(get, "/customers/:id/payment_methods", secretOnly, listSpec(map[string]*spec{
			"type": pStr(), "allow_redisplay": pEnum("always", "limited", "unspecified")}), s.listCustomerPaymentMethods),
		r(get, "/payment_methods", secretOnly, listSpec(map[string]*spec{"customer": pStr(), "type": pStr()}), s.listPaymentMethods),
		r(get, "/payment_methods/:id", secretOnly, expandOnly(), s.retrievePaymentMethod),
		r(post, "/payment_methods/:id/detach", secretOnly, expandOnly(), s.detachPaymentMethod),

		r(post, "/customer_sessions", secretOnly, customerSessionSpec(), s.createCustomerSession),
		r(get, "/elements/sessions", publishableOK, elementsSessionSpec(), s.retrieveElementsSession),
		r(post, "/elements/payment_methods/:id/detach", publishableOK, elementsSessionSpec(), s.detachSessionPaymentMethod),

		r(post, "/refunds", secretOnly, refundSpec(), s.createRefund),
		r(get, "/refunds/:id", secretOnly, expandOnly(), s.retrieveRefund),
		r(get, "/charges/:id", secretOnly, expandOnly(), s.retrieveCharge),

		r(get, "/events", secretOnly, listSpec(map[string]*spec{"type": pStr(), "types": pArr(pStr()),
			"created": createdFilterSpec(), "delivery_success": pBool()}), s.listEvents),
		r(get, "/events/:id", secretOnly, expandOnly(), s.retrieveEvent),
		r(get, "/webhook_endpoints", secretOnly, listSpec(nil), s.listWebhookEndpoints),
		r(post, "/webhook_endpoints", secretOnly, webhookEndpointSpec(), s.createWebhookEndpoint),
	}
}

// match finds the route of a method and path (relative to /v1).
func (s *Sim) match(method, path string) (*route, []string) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := range s.table {
		rt := &s.table[i]
		if rt.method != method || len(rt.pattern) != len(segs) {
			continue
		}
		var args []string
		ok := true
		for j, p := range rt.pattern {
			switch {
			case strings.HasPrefix(p, ":"):
				if segs[j] == "" {
					ok = false
				}
				args = append(args, segs[j])
			case p != segs[j]:
				ok = false
			}
			if !ok {
				break
			}
		}
		if ok {
			return rt, args
		}
	}
	return nil, nil
}
