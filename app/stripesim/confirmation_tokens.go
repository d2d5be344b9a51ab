package stripesim

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// confirmationTokenTTL is how long a ConfirmationToken can be used, as at Stripe.
const confirmationTokenTTL = 12 * time.Hour

// confirmationToken is Stripe's confirmation_token object.
type confirmationToken struct {
	ID                   string     `json:"id"`
	Object               string     `json:"object"`
	Created              int64      `json:"created"`
	ExpiresAt            int64      `json:"expires_at"`
	Livemode             bool       `json:"livemode"`
	MandateData          any        `json:"mandate_data"`
	PaymentIntent        *string    `json:"payment_intent"`
	PaymentMethodOptions any        `json:"payment_method_options"`
	PaymentMethodPreview pmPreview  `json:"payment_method_preview"`
	ReturnURL            *string    `json:"return_url"`
	SetupFutureUsage     *string    `json:"setup_future_usage"`
	SetupIntent          *string    `json:"setup_intent"`
	Shipping             *shipping  `json:"shipping"`
	UseStripeSDK         bool       `json:"use_stripe_sdk"`
	card                 cardData   // the card to create a PaymentMethod from
	bank                 bankMethod // or the iDEAL / SEPA Debit details (bank.typ != "")
	savedPM              string     // or the saved PaymentMethod it reuses
	metadata             map[string]string
	elementsCurrency     string // currency of the Elements that made it (Stripe.js)
}

// pmPreview is a ConfirmationToken's payment_method_preview.
type pmPreview struct {
	AllowRedisplay string         `json:"allow_redisplay"`
	BillingDetails billingDetails `json:"billing_details"`
	Card           *pmCard        `json:"card"`
	Customer       *string        `json:"customer"`
	Type           string         `json:"type"`
	Ideal          *pmIdeal       `json:"ideal,omitempty"`
	SepaDebit      *pmSepaDebit   `json:"sepa_debit,omitempty"`
}

// tokenSpec is what both token endpoints take; cardFields adds the raw card
// fields only the stand-in Stripe.js may send.
func tokenSpec(browser bool) *spec {
	pmData := map[string]*spec{
		"type": pEnum("card", "ideal", "sepa_debit"), "billing_details": billingDetailsSpec(),
		"ideal":           pObj(map[string]*spec{"bank": pStr()}),
		"sepa_debit":      pObj(map[string]*spec{"iban": pStr()}),
		"allow_redisplay": pEnum("always", "limited", "unspecified"), "metadata": pHash(),
	}
	fields := map[string]*spec{
		"payment_method": pStr(), "return_url": pStr(), "expand": pArr(pStr()),
		"setup_future_usage": pEnum("off_session", "on_session"),
		"shipping":           pObj(map[string]*spec{"address": addressSpec(), "name": pStr(), "phone": pStr()}),
		"payment_method_options": pObj(map[string]*spec{"card": pObj(map[string]*spec{
			"installments": pObj(map[string]*spec{"plan": pObj(map[string]*spec{
				"count": pInt(), "interval": pStr(), "type": pStr()})})})}),
	}
	if browser {
		pmData["card"] = pObj(map[string]*spec{"number": pStr(), "exp_month": pInt(), "exp_year": pInt(), "cvc": pStr()})
		fields["customer_session_client_secret"] = pStr()
		// What the stand-in Elements was created or updated with; checked
		// against the PaymentIntent at confirm.
		fields["client_context"] = pObj(map[string]*spec{"currency": pStr(), "mode": pStr(), "amount": pInt()})
	}
	fields["payment_method_data"] = pObj(pmData)
	return pObj(fields)
}

// createTestConfirmationToken serves POST /v1/test_helpers/confirmation_tokens.
func (s *Sim) createTestConfirmationToken(c *call) (any, error) { return s.createConfirmationToken(c) }

// createConfirmationToken serves POST /v1/confirmation_tokens (Stripe.js)
// and the test helper: from a card, a saved PaymentMethod or a test pm_card_….
func (s *Sim) createConfirmationToken(c *call) (any, error) {
	p := c.p
	now := s.now()
	tok := &confirmationToken{
		ID: newID("ctoken"), Object: "confirmation_token", Created: now.Unix(),
		ExpiresAt: now.Add(confirmationTokenTTL).Unix(), ReturnURL: nstr(p.str("return_url")),
		SetupFutureUsage: nstr(p.str("setup_future_usage")), Shipping: shippingFrom(p.get("shipping")),
		metadata:         p.strMap("payment_method_data", "metadata"),
		elementsCurrency: strings.ToLower(p.str("client_context", "currency")),
	}
	if tok.Shipping != nil {
		tok.Shipping.Carrier, tok.Shipping.TrackingNumber = nil, nil
	}
	bd := billingFrom(p.get("payment_method_data", "billing_details"))
	allow := p.str("payment_method_data", "allow_redisplay")
	if allow == "" {
		allow = "unspecified"
	}
	switch pmID := p.str("payment_method"); {
	case pmID != "":
		if number, ok := testPaymentMethodNumber(pmID); ok {
			tok.card = cardData{number: number, expMonth: 12, expYear: int64(now.Year() + 3)}
			break
		}
		pm := s.st.paymentMethods.get(pmID)
		if pm == nil || (c.publishable && !s.sessionOwns(p.str("customer_session_client_secret"), pm)) {
			return nil, notFound("PaymentMethod", "payment_method", pmID)
		}
		tok.savedPM = pm.ID
		tok.PaymentMethodPreview = pmPreview{AllowRedisplay: pm.AllowRedisplay, BillingDetails: pm.BillingDetails,
			Card: pm.Card, Customer: pm.Customer, Type: pm.Type}
		s.st.tokens.put(tok.ID, tok)
		return tok, nil
	case p.has("payment_method_data", "card"):
		cd, err := cardFromParams(p.get("payment_method_data", "card"), now)
		if err != nil {
			return nil, err
		}
		tok.card = cd
	case p.str("payment_method_data", "type") == "ideal" || p.str("payment_method_data", "type") == "sepa_debit":
		bm, err := bankFromParams(p.get("payment_method_data"), bd)
		if err != nil {
			return nil, err
		}
		tok.bank = bm
		tok.PaymentMethodPreview = pmPreview{AllowRedisplay: allow, BillingDetails: bd, Type: bm.typ}
		if bm.typ == "ideal" {
			tok.PaymentMethodPreview.Ideal = &pmIdeal{Bank: nstr(bm.bank), Bic: nstr("INGBNL2A")}
		} else {
			tok.PaymentMethodPreview.SepaDebit = sepaDetails(bm.iban)
		}
		s.st.tokens.put(tok.ID, tok)
		return tok, nil
	case p.has("payment_method_data"):
		if p.str("payment_method_data", "type") != "card" {
			return nil, missingParam("payment_method_data[type]")
		}
		if c.publishable {
			return nil, missingParam("payment_method_data[card]")
		}
		// The test helper cannot carry raw card data: default to Visa 4242.
		tok.card = cardData{number: "4242424242424242", expMonth: 12, expYear: int64(now.Year() + 3)}
	default:
		return nil, missingParam("payment_method_data")
	}
	tok.PaymentMethodPreview = pmPreview{AllowRedisplay: allow, BillingDetails: bd,
		Card: newPMCard(tok.card, deref(bd.Address.PostalCode)), Type: "card"}
	s.st.tokens.put(tok.ID, tok)
	return tok, nil
}

// cardFromParams validates raw card fields the way Stripe's card
// tokenization does, answering 402 card_error for a bad card.
func cardFromParams(n *pnode, now time.Time) (cardData, error) {
	number := strings.NewReplacer(" ", "", "-", "").Replace(n.str("number"))
	cardErr := func(code, param, msg string) error {
		return &apiError{status: http.StatusPaymentRequired, body: errorBody{
			Type: typeCard, Code: code, Param: param, Message: msg, DocURL: docURL(code)}}
	}
	if number == "" {
		return cardData{}, missingParam("payment_method_data[card][number]")
	}
	if !luhnValid(number) {
		return cardData{}, cardErr("incorrect_number", "number", "Your card number is incorrect.")
	}
	month, year := n.int64At("exp_month"), n.int64At("exp_year")
	if year > 0 && year < 100 {
		year += 2000
	}
	if month < 1 || month > 12 {
		return cardData{}, cardErr("invalid_expiry_month", "exp_month", "Your card's expiration month is invalid.")
	}
	if year < int64(now.Year()) || year > int64(now.Year())+50 {
		return cardData{}, cardErr("invalid_expiry_year", "exp_year", "Your card's expiration year is invalid.")
	}
	if year == int64(now.Year()) && month < int64(now.Month()) {
		return cardData{}, cardErr("invalid_expiry_month", "exp_month", "Your card's expiration month is invalid.")
	}
	cvc := n.str("cvc")
	if cvc != "" {
		if _, err := strconv.Atoi(cvc); err != nil || len(cvc) < 3 || len(cvc) > 4 {
			return cardData{}, cardErr("invalid_cvc", "cvc", "Your card's security code is invalid.")
		}
	}
	return cardData{number: number, expMonth: month, expYear: year, cvc: cvc}, nil
}

// bankFromParams reads iDEAL (bank) or SEPA Debit (iban, with the
// account holder's name and email Stripe requires) payment method data.
func bankFromParams(n *pnode, bd billingDetails) (bankMethod, error) {
	bm := bankMethod{typ: n.str("type")}
	if bm.typ == "ideal" {
		bm.bank = n.str("ideal", "bank")
		return bm, nil
	}
	bm.iban = strings.ToUpper(strings.ReplaceAll(n.str("sepa_debit", "iban"), " ", ""))
	if bm.iban == "" {
		return bm, missingParam("payment_method_data[sepa_debit][iban]")
	}
	if !ibanValid(bm.iban) {
		return bm, invalidRequest("invalid_bank_account_iban", "payment_method_data[sepa_debit][iban]",
			"The IBAN you provided (%s) is invalid.", bm.iban)
	}
	if deref(bd.Name) == "" || deref(bd.Email) == "" {
		return bm, invalidRequest("", "payment_method_data[billing_details]",
			"Missing required billing_details: name and email are required for sepa_debit PaymentMethods.")
	}
	return bm, nil
}

// ibanValid checks an IBAN's ISO 13616 mod-97 checksum.
func ibanValid(iban string) bool {
	if len(iban) < 15 || len(iban) > 34 {
		return false
	}
	r := iban[4:] + iban[:4]
	rem := 0
	for _, c := range r {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A'+10)) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// retrieveConfirmationToken serves GET /v1/confirmation_tokens/:id.
func (s *Sim) retrieveConfirmationToken(c *call) (any, error) {
	tok := s.st.tokens.get(c.args[0])
	if tok == nil {
		return nil, notFound("confirmation_token", "id", c.args[0])
	}
	return tok, nil
}

// usableConfirmationToken finds a token that can still confirm a payment.
func (s *Sim) usableConfirmationToken(id string) (*confirmationToken, error) {
	tok := s.st.tokens.get(id)
	if tok == nil {
		return nil, notFound("confirmation_token", "confirmation_token", id)
	}
	if tok.PaymentIntent != nil || tok.SetupIntent != nil {
		return nil, invalidRequest("token_already_used", "confirmation_token",
			"This ConfirmationToken (%s) has already been used to confirm a PaymentIntent. Create a new ConfirmationToken and try again.", id)
	}
	if s.now().Unix() >= tok.ExpiresAt {
		return nil, invalidRequest("", "confirmation_token",
			"This ConfirmationToken (%s) has expired. Create a new ConfirmationToken and try again.", id)
	}
	return tok, nil
}
