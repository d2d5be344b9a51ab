package stripesim

import (
	"encoding/json"
	"slices"
	"strings"
)

// paymentIntent is Stripe's payment_intent object. Expandable fields are
// filled by render from the IDs kept beside them.
type paymentIntent struct {
	ID                                string                   `json:"id"`
	Object                            string                   `json:"object"`
	Amount                            int64                    `json:"amount"`
	AmountCapturable                  int64                    `json:"amount_capturable"`
	AmountDetails                     map[string]any           `json:"amount_details"`
	AmountReceived                    int64                    `json:"amount_received"`
	Application                       *string                  `json:"application"`
	ApplicationFeeAmount              *int64                   `json:"application_fee_amount"`
	AutomaticPaymentMethods           *automaticPaymentMethods `json:"automatic_payment_methods"`
	CanceledAt                        *int64                   `json:"canceled_at"`
	CancellationReason                *string                  `json:"cancellation_reason"`
	CaptureMethod                     string                   `json:"capture_method"`
	ClientSecret                      string                   `json:"client_secret"`
	ConfirmationMethod                string                   `json:"confirmation_method"`
	Created                           int64                    `json:"created"`
	Currency                          string                   `json:"currency"`
	Customer                          any                      `json:"customer"`
	Description                       *string                  `json:"description"`
	ExcludedPaymentMethodTypes        []string                 `json:"excluded_payment_method_types"`
	LastPaymentError                  *errorBody               `json:"last_payment_error"`
	LatestCharge                      any                      `json:"latest_charge"`
	Livemode                          bool                     `json:"livemode"`
	Metadata                          map[string]string        `json:"metadata"`
	NextAction                        *nextAction              `json:"next_action"`
	OnBehalfOf                        *string                  `json:"on_behalf_of"`
	PaymentMethod                     any                      `json:"payment_method"`
	PaymentMethodConfigurationDetails *pmcDetails              `json:"payment_method_configuration_details"`
	PaymentMethodOptions              map[string]any           `json:"payment_method_options"`
	PaymentMethodTypes                []string                 `json:"payment_method_types"`
	Processing                        any                      `json:"processing"`
	ReceiptEmail                      *string                  `json:"receipt_email"`
	Review                            *string                  `json:"review"`
	SetupFutureUsage                  *string                  `json:"setup_future_usage"`
	Shipping                          *shipping                `json:"shipping"`
	Source                            *string                  `json:"source"`
	StatementDescriptor               *string                  `json:"statement_descriptor"`
	StatementDescriptorSuffix         *string                  `json:"statement_descriptor_suffix"`
	Status                            string                   `json:"status"`
	TransferData                      any                      `json:"transfer_data"`
	TransferGroup                     *string                  `json:"transfer_group"`

	customerID      string
	latestChargeID  string
	paymentMethodID string
	returnURL       string
	searchIndex     []piSnapshot // what search sees, by the time each write was made
}

type automaticPaymentMethods struct {
	AllowRedirects string `json:"allow_redirects"`
	Enabled        bool   `json:"enabled"`
}

type pmcDetails struct {
	ID     string  `json:"id"`
	Parent *string `json:"parent"`
}

// nextAction is a PaymentIntent's next_action for 3-D Secure.
type nextAction struct {
	Type          string          `json:"type"`
	UseStripeSDK  json.RawMessage `json:"use_stripe_sdk,omitempty"`
	RedirectToURL *redirectToURL  `json:"redirect_to_url,omitempty"`
}

// redirectToURL is next_action.redirect_to_url of a bank redirect.
type redirectToURL struct {
	ReturnURL string `json:"return_url"`
	URL       string `json:"url"`
}

// PaymentIntent statuses.
const (
	piRequiresPaymentMethod = "requires_payment_method"
	piRequiresConfirmation  = "requires_confirmation"
	piRequiresAction        = "requires_action"
	piProcessing            = "processing"
	piSucceeded             = "succeeded"
	piCanceled              = "canceled"
)

func piSpec(extra map[string]*spec) *spec {
	return pObj(map[string]*spec{
		"amount": pInt(), "currency": pReqStr(), "customer": pStr(), "description": pStr(),
		"metadata": pHash(), "receipt_email": pStr(), "setup_future_usage": pEnum("off_session", "on_session"),
		"shipping": shippingSpec(), "payment_method": pStr(), "payment_method_types": pArr(pStr()),
		"expand": pArr(pStr()), "statement_descriptor": pStr(), "statement_descriptor_suffix": pStr(),
		"capture_method":         pEnum("automatic", "automatic_async"),
		"payment_method_options": pmOptionsSpec(),
	}).with(extra)
}

func pmOptionsSpec() *spec {
	return pObj(map[string]*spec{"card": pObj(map[string]*spec{
		"request_three_d_secure":   pEnum("any", "automatic", "challenge"),
		"setup_future_usage":       pEnum("", "none", "off_session", "on_session"),
		"require_cvc_recollection": pBool(),
	})})
}

// piUpdateSpec is what an update takes: as in Stripe's spec, setup_future_usage may be "" (unset it), which a
// create refuses.
func piUpdateSpec() *spec {
	return piSpec(map[string]*spec{"setup_future_usage": pEnum("", "off_session", "on_session")})
}

func piCreateSpec() *spec {
	return piSpec(map[string]*spec{
		"confirm": pBool(), "confirmation_token": pStr(), "return_url": pStr(), "use_stripe_sdk": pBool(),
		"error_on_requires_action": pBool(),
		"automatic_payment_methods": pObj(map[string]*spec{
			"enabled": pBool(), "allow_redirects": pEnum("always", "never")}),
	})
}

func piConfirmSpec() *spec {
	return pObj(map[string]*spec{
		"confirmation_token": pStr(), "payment_method": pStr(), "return_url": pStr(), "receipt_email": pStr(),
		// As in Stripe's spec, a confirm (and an update) may send "" to unset it; a create may not.
		"setup_future_usage": pEnum("", "off_session", "on_session"), "shipping": shippingSpec(),
		"expand": pArr(pStr()), "use_stripe_sdk": pBool(), "error_on_requires_action": pBool(),
		"payment_method_options": pmOptionsSpec(), "capture_method": pEnum("automatic", "automatic_async"),
		"payment_method_types": pArr(pStr()),
	})
}

// renderPI is pi as answered, with the requested fields expanded.
func (s *Sim) renderPI(pi *paymentIntent, expand map[string]bool) *paymentIntent {
	out := *pi
	out.Customer = s.expandable(pi.customerID, expand["customer"], func(id string) any { return s.st.customers.get(id) })
	out.LatestCharge = s.expandable(pi.latestChargeID, expand["latest_charge"], func(id string) any {
		return s.renderCharge(s.st.charges.get(id), nil)
	})
	out.PaymentMethod = s.expandable(pi.paymentMethodID, expand["payment_method"], func(id string) any {
		return s.st.paymentMethods.get(id)
	})
	return &out
}

// expandable is null, an ID, or the expanded object.
func (s *Sim) expandable(id string, expand bool, get func(string) any) any {
	if id == "" {
		return nil
	}
	if expand {
		return get(id)
	}
	return id
}

// piJSON is the unexpanded PaymentIntent as raw JSON, for errors and events.
func (s *Sim) piJSON(pi *paymentIntent) json.RawMessage {
	b, _ := json.Marshal(s.renderPI(pi, nil))
	return b
}

// checkExpand refuses expansions the simulator cannot make.
func checkExpand(expand map[string]bool, allowed ...string) error {
	for e := range expand {
		if !slices.Contains(allowed, e) {
			return invalidRequest("", "expand", "This property cannot be expanded (%s).", e)
		}
	}
	return nil
}

func (s *Sim) findPI(id string) (*paymentIntent, error) {
	pi := s.st.paymentIntents.get(id)
	if pi == nil {
		return nil, notFound("payment_intent", "intent", id)
	}
	return pi, nil
}

// retrievePaymentIntent serves GET /v1/payment_intents/:id, also with the
// publishable key and the client secret, as Stripe.js does.
func (s *Sim) retrievePaymentIntent(c *call) (any, error) {
	pi, err := s.findPI(c.args[0])
	if err != nil {
		return nil, err
	}
	if c.publishable {
		if err := checkClientSecret(pi, c.p.str("client_secret")); err != nil {
			return nil, err
		}
		return s.publishablePI(pi), nil
	}
	if err := checkExpand(c.expand, "customer", "latest_charge", "payment_method"); err != nil {
		return nil, err
	}
	return s.renderPI(pi, c.expand), nil
}

// checkClientSecret guards the publishable-key view of a PaymentIntent.
func checkClientSecret(pi *paymentIntent, secret string) error {
	if secret == "" {
		return secretKeyRequired()
	}
	if secret != pi.ClientSecret {
		return invalidRequest("", "client_secret",
			"The client_secret provided does not match the client_secret associated with the PaymentIntent.")
	}
	return nil
}

// publishablePI is the subset of fields Stripe shows to a publishable key.
func (s *Sim) publishablePI(pi *paymentIntent) rawJSON {
	var m map[string]json.RawMessage
	b, _ := json.Marshal(s.renderPI(pi, nil))
	_ = json.Unmarshal(b, &m)
	keep := []string{"id", "object", "amount", "amount_details", "automatic_payment_methods", "canceled_at",
		"cancellation_reason", "capture_method", "client_secret", "confirmation_method", "created", "currency",
		"description", "last_payment_error", "livemode", "next_action", "payment_method", "payment_method_types",
		"processing", "receipt_email", "setup_future_usage", "shipping", "status"}
	for k := range m {
		if !slices.Contains(keep, k) {
			delete(m, k)
		}
	}
	out, _ := json.MarshalIndent(m, "", "  ")
	return out
}

// listPaymentIntents serves GET /v1/payment_intents (customer, created, pagination).
func (s *Sim) listPaymentIntents(c *call) (any, error) {
	if err := checkExpand(c.expand, "data.customer", "data.latest_charge", "data.payment_method"); err != nil {
		return nil, err
	}
	var items []*paymentIntent
	for _, pi := range s.st.paymentIntents.newestFirst() {
		if cus := c.p.str("customer"); cus != "" && pi.customerID != cus {
			continue
		}
		if !createdMatches(c.p, pi.Created) {
			continue
		}
		items = append(items, pi)
	}
	page, more, err := paginate(items, func(p *paymentIntent) string { return p.ID }, c.p, "payment_intent")
	if err != nil {
		return nil, err
	}
	out := listObject{Object: "list", Data: []any{}, HasMore: more, URL: "/v1/payment_intents"}
	exp := dataExpand(c.expand)
	for _, pi := range page {
		out.Data = append(out.Data, s.renderPI(pi, exp))
	}
	return out, nil
}

// dataExpand turns list expansions ("data.x") into item expansions ("x").
func dataExpand(expand map[string]bool) map[string]bool {
	out := map[string]bool{}
	for e := range expand {
		if rest, ok := strings.CutPrefix(e, "data."); ok {
			out[rest] = true
		}
	}
	return out
}

// cancelPaymentIntent serves POST /v1/payment_intents/:id/cancel.
func (s *Sim) cancelPaymentIntent(c *call) (any, error) {
	pi, err := s.findPI(c.args[0])
	if err != nil {
		return nil, err
	}
	switch pi.Status {
	case piRequiresPaymentMethod, piRequiresConfirmation, piRequiresAction, piProcessing:
	default:
		return nil, unexpectedState("payment_intent_unexpected_state",
			"You cannot cancel this PaymentIntent because it has a status of %s. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.",
			pi.Status)
	}
	now := s.now().Unix()
	pi.Status = piCanceled
	pi.CanceledAt = &now
	pi.CancellationReason = nstr(c.p.str("cancellation_reason"))
	pi.NextAction = nil
	s.emit(c, "payment_intent.canceled", s.renderPI(pi, nil))
	return s.renderPI(pi, c.expand), nil
}
