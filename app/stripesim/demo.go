package stripesim

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// serveDemo is the "server" of the try-it page: what a shop's backend does.
//
//	POST /demo/confirm {amount, currency, confirmation_token, customer?} → {status, client_secret, payment_intent} | {error}
//	POST /demo/session {shopper} → {customer, customer_session_client_secret}
func (s *Sim) serveDemo(w http.ResponseWriter, r *http.Request, rel string) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var in struct {
		Amount            int64  `json:"amount"`
		Currency          string `json:"currency"`
		ConfirmationToken string `json:"confirmation_token"`
		Customer          string `json:"customer"`
		Shopper           string `json:"shopper"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&in); err != nil {
		http.Error(w, "bad JSON", http.StatusBadRequest)
		return
	}
	answer := func(v any, err error) {
		var e *apiError
		if errors.As(err, &e) {
			b, _ := json.Marshal(map[string]any{"error": e.body})
			writeJSON(w, e.status, b)
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		b, _ := json.Marshal(v)
		writeJSON(w, http.StatusOK, b)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch rel {
	case "/confirm":
		vals := url.Values{"amount": {strconv.FormatInt(in.Amount, 10)}, "currency": {orDefault(in.Currency, "usd")},
			"confirm": {"true"}, "confirmation_token": {in.ConfirmationToken}}
		if in.Customer != "" {
			vals.Set("customer", in.Customer)
		}
		c := s.internalCall(vals)
		if e := piCreateSpec().validate(c.p, nil); e != nil {
			answer(nil, e)
			return
		}
		v, err := s.createPaymentIntent(c)
		if err != nil {
			answer(nil, err)
			return
		}
		pi := v.(*paymentIntent)
		answer(map[string]any{"status": pi.Status, "client_secret": pi.ClientSecret, "payment_intent": pi.ID}, nil)
	case "/session":
		cus := s.demoCustomer(in.Shopper)
		c := s.internalCall(url.Values{
			"customer": {cus}, "components[payment_element][enabled]": {"true"},
			"components[payment_element][features][payment_method_redisplay]":  {"enabled"},
			"components[payment_element][features][payment_method_save]":       {"enabled"},
			"components[payment_element][features][payment_method_save_usage]": {"off_session"},
			"components[payment_element][features][payment_method_remove]":     {"enabled"},
		})
		v, err := s.createCustomerSession(c)
		if err != nil {
			answer(nil, err)
			return
		}
		answer(map[string]any{"customer": cus, "customer_session_client_secret": v.(*customerSession).ClientSecret}, nil)
	default:
		http.NotFound(w, r)
	}
}

// internalCall is a call made by the simulator's own page. Caller holds s.mu.
func (s *Sim) internalCall(vals url.Values) *call {
	return &call{p: parseForm(vals), reqID: "req_" + randomString(14), expand: map[string]bool{}}
}

// demoCustomer finds or creates the customer of a demo shopper. Caller holds s.mu.
func (s *Sim) demoCustomer(shopper string) string {
	email := orDefault(shopper, "shopper") + "@example.com"
	for _, cus := range s.st.customers.newestFirst() {
		if deref(cus.Email) == email {
			return cus.ID
		}
	}
	v, _ := s.createCustomer(s.internalCall(url.Values{"email": {email}, "name": {shopper}}))
	return v.(*customer).ID
}
