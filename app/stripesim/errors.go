package stripesim

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// errorBody is Stripe's error object: the value of "error" in an error
// response and of a PaymentIntent's last_payment_error.
type errorBody struct {
	Charge        string          `json:"charge,omitempty"`
	Code          string          `json:"code,omitempty"`
	DeclineCode   string          `json:"decline_code,omitempty"`
	DocURL        string          `json:"doc_url,omitempty"`
	Message       string          `json:"message,omitempty"`
	Param         string          `json:"param,omitempty"`
	PaymentIntent json.RawMessage `json:"payment_intent,omitempty"`
	PaymentMethod any             `json:"payment_method,omitempty"`
	RequestLogURL string          `json:"request_log_url,omitempty"`
	Type          string          `json:"type"`
}

// apiError is an error answered to the client with an HTTP status.
type apiError struct {
	status      int
	shouldRetry string // Stripe-Should-Retry header, "" = none
	body        errorBody
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s %s: %s", e.status, e.body.Type, e.body.Code, e.body.Message)
}

const (
	typeInvalidRequest = "invalid_request_error"
	typeCard           = "card_error"
	typeAPI            = "api_error"
	typeIdempotency    = "idempotency_error"
)

// docURL is where Stripe documents an error code.
func docURL(code string) string {
	if code == "" {
		return ""
	}
	return "https://stripe.com/docs/error-codes/" + code
}

// invalidRequest is a 400 invalid_request_error.
func invalidRequest(code, param, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, body: errorBody{
		Type: typeInvalidRequest, Code: code, Param: param,
		Message: fmt.Sprintf(format, args...), DocURL: docURL(code),
	}}
}

// unknownParam answers a parameter the endpoint does not take.
func unknownParam(param string) *apiError {
	return invalidRequest("parameter_unknown", param, "Received unknown parameter: %s", param)
}

// missingParam answers a required parameter that was not sent.
func missingParam(param string) *apiError {
	return invalidRequest("parameter_missing", param, "Missing required param: %s.", param)
}

// notFound answers an ID that does not exist, as Stripe words it.
func notFound(kind, param, id string) *apiError {
	e := invalidRequest("resource_missing", param, "No such %s: '%s'", kind, id)
	e.status = http.StatusNotFound
	return e
}

// unexpectedState is the 400 Stripe answers for an action a status forbids.
func unexpectedState(code, format string, args ...any) *apiError {
	return invalidRequest(code, "", format, args...)
}

// unrecognizedURL is Stripe's 404 for a path it does not serve.
func unrecognizedURL(method, path string) *apiError {
	return &apiError{status: http.StatusNotFound, body: errorBody{
		Type: typeInvalidRequest,
		Message: fmt.Sprintf("Unrecognized request URL (%s: %s). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.",
			method, path),
	}}
}

// apiFailure is the 500 api_error of an internal failure.
func apiFailure(msg string) *apiError {
	return &apiError{status: http.StatusInternalServerError, body: errorBody{Type: typeAPI, Message: msg}}
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// marshalError renders e as Stripe's {"error":{…}} body.
func marshalError(e *apiError) []byte {
	b, err := json.MarshalIndent(struct {
		Error errorBody `json:"error"`
	}{e.body}, "", "  ")
	if err != nil {
		return []byte(`{"error":{"type":"api_error","message":"could not encode error"}}`)
	}
	return b
}
