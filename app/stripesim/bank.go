package stripesim

import (
	"html/template"
	"net/http"
	"net/url"
)

// bankPage is the stand-in bank of a redirect payment method (iDEAL), like
// the page Stripe shows in test mode: authorize or fail the payment.
var bankPage = template.Must(template.New("bank").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Simulated iDEAL bank</title></head>
<body style="font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#30313d">
<h1 style="font-size:1.4rem">iDEAL test payment</h1>
<p>Simulated bank page for a payment of <strong id="sim-bank-amount">{{.Amount}}</strong>.
Choose how the account holder answers.</p>
<form method="post"><input type="hidden" name="client_secret" value="{{.Secret}}">
<button id="sim-bank-authorize" name="outcome" value="authorize" style="display:block;width:100%;padding:12px;margin:8px 0;background:#635bff;color:#fff;border:0;border-radius:6px;font:inherit;font-weight:600">Authorize test payment</button>
<button id="sim-bank-fail" name="outcome" value="fail" style="display:block;width:100%;padding:12px;margin:8px 0;background:#fff;color:#df1b41;border:1px solid #df1b41;border-radius:6px;font:inherit;font-weight:600">Fail test payment</button>
</form></body></html>`))

// serveBank serves GET|POST BasePath/bank/:payment_intent?client_secret=.
// POST settles the redirect and sends the shopper back to return_url with
// payment_intent, payment_intent_client_secret and redirect_status.
func (s *Sim) serveBank(w http.ResponseWriter, r *http.Request, id string) {
	secret := r.URL.Query().Get("client_secret")
	if r.Method == http.MethodPost {
		secret = r.PostFormValue("client_secret")
	}
	s.mu.Lock()
	pi := s.st.paymentIntents.get(id)
	if pi == nil || secret != pi.ClientSecret {
		s.mu.Unlock()
		http.Error(w, "unknown payment or client secret", http.StatusNotFound)
		return
	}
	if r.Method != http.MethodPost {
		amount, currency := pi.Amount, pi.Currency
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_ = bankPage.Execute(w, map[string]string{"Amount": money(amount, currency), "Secret": secret})
		return
	}
	redirecting := pi.Status == piRequiresAction && pi.NextAction != nil && pi.NextAction.RedirectToURL != nil
	if redirecting {
		pm := s.st.paymentMethods.get(pi.paymentMethodID)
		if r.PostFormValue("outcome") == "authorize" && pm != nil {
			s.succeedPI(nil, pi, pm, cardBehavior{kind: outcomeSucceed}, false)
		} else {
			pi.Status, pi.NextAction, pi.paymentMethodID = piRequiresPaymentMethod, nil, ""
			pi.LastPaymentError = &errorBody{Type: typeInvalidRequest, Code: "payment_intent_authentication_failure",
				DocURL:        docURL("payment_intent_authentication_failure"),
				Message:       "The provided ideal PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.",
				PaymentMethod: pm}
			s.emit(nil, "payment_intent.payment_failed", s.renderPI(pi, nil))
		}
	}
	status := "failed"
	switch pi.Status {
	case piSucceeded:
		status = "succeeded"
	case piProcessing:
		status = "pending"
	}
	ret := pi.returnURL
	s.mu.Unlock()
	back, err := url.Parse(ret)
	if err != nil || ret == "" {
		http.Error(w, "payment has no return_url", http.StatusBadRequest)
		return
	}
	q := back.Query()
	q.Set("payment_intent", id)
	q.Set("payment_intent_client_secret", secret)
	q.Set("redirect_status", status)
	back.RawQuery = q.Encode()
	http.Redirect(w, r, back.String(), http.StatusSeeOther)
}
