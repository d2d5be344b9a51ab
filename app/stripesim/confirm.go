package stripesim

import (
	"encoding/json"
	"net/http"
	"time"
)

// disputeDelay is how long after paying a dispute card the dispute opens.
const disputeDelay = 300 * time.Millisecond

// confirm runs a confirmation of pi with the token or PaymentMethod in p
// and charges the card. A decline answers 402 with the updated pi.
func (s *Sim) confirm(c *call, pi *paymentIntent, p *pnode) error {
	tok, returnURL, err := s.checkConfirm(pi, p)
	if err != nil {
		return err
	}
	pmParam := p.str("payment_method")

	var pm *paymentMethod
	switch {
	case tok != nil && tok.savedPM != "":
		pm = s.st.paymentMethods.get(tok.savedPM)
		if pm == nil {
			return notFound("PaymentMethod", "confirmation_token", tok.savedPM)
		}
	case tok != nil && tok.bank.typ != "":
		prev := tok.PaymentMethodPreview
		pm = s.createBankPaymentMethod(tok.bank, prev.BillingDetails, prev.AllowRedisplay, tok.metadata)
	case tok != nil:
		prev := tok.PaymentMethodPreview
		pm = s.createPaymentMethod(tok.card, prev.BillingDetails, prev.AllowRedisplay, tok.metadata)
	case pmParam != "":
		found, err := s.resolvePaymentMethod(pmParam)
		if err != nil {
			return err
		}
		pm = found
	case pi.paymentMethodID != "":
		pm = s.st.paymentMethods.get(pi.paymentMethodID)
	}
	if pm == nil {
		return unexpectedState("payment_intent_unexpected_state",
			"You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method or ConfirmationToken.")
	}
	if pm.Customer != nil && *pm.Customer != pi.customerID {
		return invalidRequest("", "payment_method",
			"The provided PaymentMethod was previously attached to a Customer (%s). To use it, the PaymentIntent must have that customer set.", *pm.Customer)
	}

	if err := checkMethodType(pi, pm.Type); err != nil {
		return err
	}
	if tok != nil && tok.elementsCurrency != "" && tok.elementsCurrency != pi.Currency {
		return invalidRequest("", "confirmation_token",
			"The currency of this PaymentIntent (%s) does not match the currency (%s) of the Elements used to create the ConfirmationToken. Create the PaymentIntent with the currency Elements was given, or update Elements with elements.update({currency}).",
			pi.Currency, tok.elementsCurrency)
	}
	if tok != nil {
		tok.PaymentIntent = &pi.ID
		if tok.Shipping != nil {
			pi.Shipping = tok.Shipping
		}
		if tok.SetupFutureUsage != nil {
			pi.SetupFutureUsage = tok.SetupFutureUsage
		}
	}
	if p.has("receipt_email") {
		pi.ReceiptEmail = nstr(p.str("receipt_email"))
	}
	if p.has("shipping") {
		pi.Shipping = shippingFrom(p.get("shipping"))
	}
	if p.has("setup_future_usage") {
		pi.SetupFutureUsage = nstr(p.str("setup_future_usage"))
	}
	applyCVCRecollection(pi, p)
	pi.returnURL = returnURL
	pi.paymentMethodID = pm.ID
	pi.LastPaymentError, pi.NextAction = nil, nil

	switch pm.Type {
	case "ideal":
		return s.redirectPI(c, pi)
	case "sepa_debit":
		s.processPI(c, pi, pm, ibanBehavior(pm.iban))
		return nil
	}
	b := behaviorFor(pm.number)
	if b.kind == outcomeRequiresAction && p.boolAt("error_on_requires_action") {
		b = cardBehavior{kind: outcomeDecline, code: "authentication_required", declineCode: "authentication_required",
			message: "Your card was declined. This transaction requires authentication."}
	}
	switch b.kind {
	case outcomeRequiresAction:
		pi.Status = piRequiresAction
		sdk, _ := json.Marshal(map[string]any{
			"type": "three_d_secure_redirect", "source": newID("src"), "known_frame_issues": "false",
			"stripe_js": s.cfg.BasePath + "/v1/payment_intents/" + pi.ID + "/authenticate",
		})
		pi.NextAction = &nextAction{Type: "use_stripe_sdk", UseStripeSDK: sdk}
		s.emit(c, "payment_intent.requires_action", s.renderPI(pi, nil))
		return nil
	case outcomeDecline:
		return s.declinePI(c, pi, pm, b)
	case outcomeProcessing:
		s.processPI(c, pi, pm, b)
		return nil
	}
	if s.currentFaults().CardProcessing {
		s.processPI(c, pi, pm, b)
		return nil
	}
	s.succeedPI(c, pi, pm, b, false)
	return nil
}

// availableTypes are the payment method types pi accepts: those it was
// created with, or under automatic payment methods card plus, for EUR, the
// simulator's bank redirect (iDEAL, unless redirects are "never") and
// delayed-notification method (SEPA Debit), as Stripe offers by currency.
func availableTypes(pi *paymentIntent) []string {
	if pi.AutomaticPaymentMethods == nil {
		return pi.PaymentMethodTypes
	}
	types := []string{"card"}
	if pi.Currency == "eur" {
		if pi.AutomaticPaymentMethods.AllowRedirects != "never" {
			types = append(types, "ideal")
		}
		types = append(types, "sepa_debit")
	}
	return types
}

// checkMethodType refuses a PaymentMethod pi does not accept, or one
// whose currency rules forbid pi's currency (iDEAL and SEPA Debit: EUR).
func checkMethodType(pi *paymentIntent, typ string) error {
	if (typ == "ideal" || typ == "sepa_debit") && pi.Currency != "eur" {
		return invalidRequest("payment_intent_invalid_parameter", "payment_method",
			"The currency provided (%s) is invalid. Payments with %s support the following currencies: eur.", pi.Currency, typ)
	}
	for _, t := range availableTypes(pi) {
		if t == typ {
			return nil
		}
	}
	return invalidRequest("payment_intent_invalid_parameter", "payment_method",
		"The PaymentMethod provided (%s) is not allowed for this PaymentIntent. Allowed types: %v.", typ, availableTypes(pi))
}

// ibanBehavior is how Stripe's SEPA Debit test IBANs settle: the failing
// ones end in …3202 / …3205 / …13001, everything else succeeds.
func ibanBehavior(iban string) cardBehavior {
	switch iban {
	case "AT861904300235473202", "AT051904300235473205", "DE62370400440532013001":
		return cardBehavior{kind: outcomeProcessing, code: "insufficient_funds", declineCode: "insufficient_funds",
			message: "The customer's account has insufficient funds to cover this payment."}
	}
	return cardBehavior{kind: outcomeProcessing}
}

// redirectPI asks for the bank redirect of an iDEAL payment: the shopper
// goes to the stand-in bank page (next_action.redirect_to_url) and comes
// back to return_url with payment_intent, payment_intent_client_secret and
// redirect_status.
func (s *Sim) redirectPI(c *call, pi *paymentIntent) error {
	if pi.returnURL == "" {
		return invalidRequest("", "return_url", "A return_url must be specified because this Payment Intent is configured to use a redirect-based payment method.")
	}
	pi.Status = piRequiresAction
	pi.NextAction = &nextAction{Type: "redirect_to_url", RedirectToURL: &redirectToURL{
		URL:       s.cfg.BasePath + "/bank/" + pi.ID + "?client_secret=" + pi.ClientSecret,
		ReturnURL: pi.returnURL,
	}}
	s.emit(c, "payment_intent.requires_action", s.renderPI(pi, nil))
	return nil
}

// processPI leaves pi processing with a pending charge, as delayed-
// notification payments do, and settles it after ProcessingDelay: failed
// when b carries a decline code, else succeeded, with the webhooks of each.
func (s *Sim) processPI(c *call, pi *paymentIntent, pm *paymentMethod, b cardBehavior) {
	ch := s.newCharge(pi, pm, cardBehavior{kind: outcomeSucceed}, false)
	ch.Status, ch.Paid, ch.Captured, ch.AmountCaptured, ch.BalanceTransaction = "pending", false, false, 0, nil
	ch.Outcome.SellerMessage, ch.Outcome.NetworkStatus = "Payment pending.", "approved_by_network"
	pi.Status = piProcessing
	pi.latestChargeID = ch.ID
	s.emit(c, "charge.pending", s.renderCharge(ch, nil))
	s.emit(c, "payment_intent.processing", s.renderPI(pi, nil))
	piID, chID := pi.ID, ch.ID
	s.after(s.currentFaults().processingDelay(), func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		pi, ch := s.st.paymentIntents.get(piID), s.st.charges.get(chID)
		if pi == nil || ch == nil || pi.Status != piProcessing {
			return
		}
		pm := s.st.paymentMethods.get(pi.paymentMethodID)
		if b.code != "" {
			ch.Status, ch.FailureCode, ch.FailureMessage = "failed", nstr(b.code), nstr(b.message)
			ch.Outcome = chargeOutcome{NetworkStatus: "declined_by_network", Reason: nstr(b.declineCode),
				RiskLevel: "normal", RiskScore: 30, Type: "issuer_declined",
				SellerMessage: "The bank returned the decline code `" + b.declineCode + "`."}
			lpe := errorBody{Type: typeCard, Code: b.code, DeclineCode: b.declineCode, Message: b.message,
				DocURL: docURL(b.code), Charge: ch.ID, PaymentMethod: pm}
			pi.Status, pi.LastPaymentError, pi.paymentMethodID = piRequiresPaymentMethod, &lpe, ""
			s.emit(nil, "charge.failed", s.renderCharge(ch, nil))
			s.emit(nil, "payment_intent.payment_failed", s.renderPI(pi, nil))
			return
		}
		ch.Status, ch.Paid, ch.Captured, ch.AmountCaptured = "succeeded", true, true, ch.Amount
		ch.BalanceTransaction = nstr(newID("txn"))
		ch.Outcome.SellerMessage = "Payment complete."
		s.completePI(nil, pi, pm, ch, b)
	})
}

// checkConfirm refuses a confirmation before anything changes: a final
// status, both a token and a PaymentMethod, an unusable token, or no
// return_url where redirects are allowed.
func (s *Sim) checkConfirm(pi *paymentIntent, p *pnode) (*confirmationToken, string, error) {
	if !confirmable(pi.Status) {
		return nil, "", s.stateError(pi)
	}
	tokID := p.str("confirmation_token")
	if tokID != "" && p.str("payment_method") != "" {
		return nil, "", invalidRequest("parameters_exclusive", "confirmation_token",
			"You may only specify one of these parameters: confirmation_token, payment_method.")
	}
	var tok *confirmationToken
	if tokID != "" {
		t, err := s.usableConfirmationToken(tokID)
		if err != nil {
			return nil, "", err
		}
		tok = t
	}
	returnURL := pi.returnURL
	if p.has("return_url") {
		returnURL = p.str("return_url")
	}
	if returnURL == "" && tok != nil {
		returnURL = deref(tok.ReturnURL)
	}
	if apm := pi.AutomaticPaymentMethods; apm != nil && apm.AllowRedirects != "never" && returnURL == "" {
		return nil, "", invalidRequest("", "return_url",
			"This PaymentIntent is configured to accept payment methods enabled in your Dashboard. Because some of these payment methods might redirect your customer off of your page, you must provide a `return_url`. If you don't want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.")
	}
	return tok, returnURL, nil
}

// declinePI records a failed charge and answers Stripe's 402 card_error.
func (s *Sim) declinePI(c *call, pi *paymentIntent, pm *paymentMethod, b cardBehavior) error {
	ch := s.newCharge(pi, pm, b, false)
	body := errorBody{Type: typeCard, Code: b.code, DeclineCode: b.declineCode, Message: declineMessage(c, b),
		Param: b.param, DocURL: docURL(b.code), Charge: ch.ID, PaymentMethod: pm}
	lpe := body
	pi.Status = piRequiresPaymentMethod
	pi.LastPaymentError = &lpe
	pi.latestChargeID = ch.ID
	pi.paymentMethodID = ""
	s.emit(c, "charge.failed", s.renderCharge(ch, nil))
	s.emit(c, "payment_intent.payment_failed", s.renderPI(pi, nil))
	body.PaymentIntent = s.piJSON(pi)
	if c != nil {
		body.RequestLogURL = "https://dashboard.stripe.com/test/logs/" + c.reqID
	}
	return &apiError{status: http.StatusPaymentRequired, body: body}
}

// succeedPI charges the card, attaches it to the customer when asked to
// save it, and schedules the dispute of Stripe's dispute test card.
func (s *Sim) succeedPI(c *call, pi *paymentIntent, pm *paymentMethod, b cardBehavior, threeDS bool) {
	s.completePI(c, pi, pm, s.newCharge(pi, pm, b, threeDS), b)
}

// completePI marks pi succeeded with its successful charge ch.
func (s *Sim) completePI(c *call, pi *paymentIntent, pm *paymentMethod, ch *charge, b cardBehavior) {
	pi.Status = piSucceeded
	pi.AmountReceived = pi.Amount
	pi.latestChargeID = ch.ID
	pi.LastPaymentError, pi.NextAction = nil, nil
	if pm != nil && pi.customerID != "" && pi.SetupFutureUsage != nil && pm.Customer == nil {
		cus := pi.customerID
		pm.Customer = &cus
		s.emit(c, "payment_method.attached", pm)
	}
	s.emit(c, "charge.succeeded", s.renderCharge(ch, nil))
	s.emit(c, "payment_intent.succeeded", s.renderPI(pi, nil))
	if b.kind == outcomeDispute {
		chID := ch.ID
		s.after(disputeDelay, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if ch := s.st.charges.get(chID); ch != nil && !ch.Disputed {
				s.openDispute(ch)
			}
		})
	}
}

// authenticateSpec is what the stand-in 3-D Secure challenge sends.
func authenticateSpec() *spec {
	return pObj(map[string]*spec{"client_secret": pStr(), "outcome": pEnum("complete", "fail"), "expand": pArr(pStr())})
}

// authenticatePaymentIntent serves POST /v1/payment_intents/:id/authenticate,
// the answer of the stand-in 3-D Secure challenge (publishable key).
func (s *Sim) authenticatePaymentIntent(c *call) (any, error) {
	pi, err := s.findPI(c.args[0])
	if err != nil {
		return nil, err
	}
	if err := checkClientSecret(pi, c.p.str("client_secret")); err != nil && c.publishable {
		return nil, err
	}
	if pi.Status != piRequiresAction {
		return nil, unexpectedState("payment_intent_unexpected_state",
			"This PaymentIntent has a status of %s and does not need authentication.", pi.Status)
	}
	pm := s.st.paymentMethods.get(pi.paymentMethodID)
	if pm == nil {
		return nil, apiFailure("PaymentIntent has no payment method")
	}
	if c.p.str("outcome") == "complete" {
		b := behaviorFor(pm.number)
		if b.afterAuth != nil {
			// Authenticated, then declined by the issuer: the PaymentIntent
			// answers with the decline in last_payment_error.
			_ = s.declinePI(c, pi, pm, *b.afterAuth)
			return s.publishablePI(pi), nil
		}
		s.succeedPI(c, pi, pm, b, true)
		return s.publishablePI(pi), nil
	}
	pi.Status = piRequiresPaymentMethod
	pi.NextAction = nil
	pi.paymentMethodID = ""
	pi.LastPaymentError = &errorBody{Type: typeInvalidRequest, Code: "payment_intent_authentication_failure",
		DocURL: docURL("payment_intent_authentication_failure"),
		Message: say(c, "We are unable to authenticate your payment method. Please choose a different payment method and try again.",
			"sim.decline.authentication_failed"),
		PaymentMethod: pm}
	s.emit(c, "payment_intent.payment_failed", s.renderPI(pi, nil))
	return s.publishablePI(pi), nil
}
