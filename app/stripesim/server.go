package stripesim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/stripe/stripe-go/v82"
)

// call is one API request on its way through the simulator.
type call struct {
	r           *http.Request
	p           *pnode
	args        []string // path wildcards, in order
	publishable bool     // made with the publishable key
	reqID       string
	idemKey     string
	expand      map[string]bool
}

// rawJSON is a response body that is already encoded.
type rawJSON []byte

// ServeHTTP serves everything under BasePath: the REST API under /v1, the
// stand-in Stripe.js, the try-it page and the control endpoints.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	base := s.cfg.BasePath
	if r.URL.Path != base && !strings.HasPrefix(r.URL.Path, base+"/") {
		http.NotFound(w, r)
		return
	}
	rel := strings.TrimPrefix(r.URL.Path, base)
	switch {
	case rel == "":
		http.Redirect(w, r, base+"/", http.StatusFound)
	case rel == "/":
		s.servePage(w, r)
	case rel == "/js/v3/stripe.js":
		s.serveJS(w, r)
	case rel == "/js/v3/stripe.css":
		s.serveCSS(w, r)
	case strings.HasPrefix(rel, "/__control/"):
		s.serveControl(w, r, strings.TrimPrefix(rel, "/__control"))
	case strings.HasPrefix(rel, "/bank/"):
		s.serveBank(w, r, strings.TrimPrefix(rel, "/bank/"))
	case strings.HasPrefix(rel, "/demo/"):
		s.serveDemo(w, r, strings.TrimPrefix(rel, "/demo"))
	case rel == "/v1" || strings.HasPrefix(rel, "/v1/"):
		s.serveAPI(w, r, rel)
	default:
		http.NotFound(w, r)
	}
}

// setCORS lets the stand-in Stripe.js call the API from another origin.
func setCORS(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key, Stripe-Version")
	h.Set("Access-Control-Expose-Headers", "Request-Id, Idempotent-Replayed")
	h.Set("Access-Control-Max-Age", "300")
}

// serveAPI runs one /v1 request: auth, faults, idempotency, params, handler.
func (s *Sim) serveAPI(w http.ResponseWriter, r *http.Request, rel string) {
	setCORS(w)
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	c := &call{r: r, reqID: "req_" + randomString(14), idemKey: strings.TrimSpace(r.Header.Get("Idempotency-Key"))}
	w.Header().Set("Request-Id", c.reqID)
	w.Header().Set("Stripe-Version", stripe.APIVersion)
	w.Header().Set("Cache-Control", "no-cache, no-store")
	// Stripe's Date header is Stripe's clock (skewed and advanced here too).
	w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
	s.sleep(r.Context(), s.cfg.Latency)

	key, aerr := s.authenticate(r)
	if aerr != nil {
		writeJSON(w, aerr.status, marshalError(aerr))
		return
	}
	c.publishable = key == s.cfg.PublishableKey
	rt, args := s.match(r.Method, strings.TrimPrefix(rel, "/v1"))
	if rt == nil {
		e := unrecognizedURL(r.Method, rel)
		writeJSON(w, e.status, marshalError(e))
		return
	}
	c.args = args
	if c.publishable && rt.keys == secretOnly {
		e := secretKeyRequired()
		writeJSON(w, e.status, marshalError(e))
		return
	}

	after := ""
	if !c.publishable {
		kind, latency := s.faults.pick()
		s.sleep(r.Context(), latency)
		if e := immediateFault(kind); e != nil {
			if e.shouldRetry != "" {
				w.Header().Set("Stripe-Should-Retry", e.shouldRetry)
			}
			writeJSON(w, e.status, marshalError(e))
			return
		}
		after = kind
	}

	vals, err := readForm(r)
	if err != nil {
		e := invalidRequest("", "", "Invalid request body: %v", err)
		writeJSON(w, e.status, marshalError(e))
		return
	}
	c.p = parseForm(vals)

	status, body, replayed := s.runIdempotent(c, key, rel, rt, after)
	if c.idemKey != "" && r.Method == http.MethodPost {
		w.Header().Set("Idempotency-Key", c.idemKey)
	}
	if replayed != nil {
		w.Header().Set("Idempotent-Replayed", "true")
		w.Header().Set("Original-Request", replayed.reqID)
		w.Header().Set("Request-Id", replayed.reqID)
	}
	s.log.Debug("stripe simulator request", "method", r.Method, "path", rel, "status", status,
		"request_id", c.reqID, "fault", after, "replayed", replayed != nil)
	switch after {
	case FaultDisconnect:
		abortConnection(w, status, body)
		return
	case FaultTimeout:
		s.sleep(r.Context(), timeoutFaultSleep)
		if r.Context().Err() != nil || s.closing.Err() != nil {
			return
		}
	}
	writeJSON(w, status, body)
}

// runIdempotent runs the handler once per idempotency key, replaying the
// stored answer to repeats of the same request. fault is the injected
// failure that reaches the endpoint: api_error answers 500 without running
// it, api_error_after runs it and then answers 500; both are stored.
func (s *Sim) runIdempotent(c *call, apiKey, rel string, rt *route, fault string) (int, []byte, *idemEntry) {
	if c.r.Method != http.MethodPost || c.idemKey == "" {
		status, body, _ := s.executeWithFault(c, rt, fault)
		return status, body, nil
	}
	fp := c.r.Method + " " + rel + "?" + c.p.canonical()
	entry, isNew, e := s.idem.begin(apiKey, c.idemKey, fp, s.now())
	if e != nil {
		return e.status, marshalError(e), nil
	}
	if !isNew {
		return entry.status, entry.body, entry
	}
	status, body, began := s.executeWithFault(c, rt, fault)
	// Like Stripe, remember every answer of a request whose endpoint began
	// executing, 4xx and 500 included. A request refused by parameter
	// validation never began and may be retried with the same key.
	s.idem.finish(apiKey, c.idemKey, entry, status, body, c.reqID, began)
	return status, body, nil
}

// executeWithFault runs the request with an injected 500, if any; began
// reports whether the endpoint started (and so its answer is stored).
func (s *Sim) executeWithFault(c *call, rt *route, fault string) (int, []byte, bool) {
	switch fault {
	case FaultAPIError:
		e := apiErrorFault()
		return e.status, marshalError(e), true
	case FaultAPIErrorAfter:
		_, _, began := s.execute(c, rt)
		e := apiErrorFault()
		return e.status, marshalError(e), began
	}
	return s.execute(c, rt)
}

// execute validates params and runs the handler under the store lock;
// began is false when the params were refused before the handler ran.
func (s *Sim) execute(c *call, rt *route) (status int, body []byte, began bool) {
	if e := rt.params.validate(c.p, nil); e != nil {
		return e.status, marshalError(e), false
	}
	c.expand = c.p.expandSet()
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := rt.handle(c)
	if err != nil {
		var e *apiError
		if !errors.As(err, &e) {
			s.log.Error("stripe simulator handler failed", "err", err, "request_id", c.reqID)
			e = apiFailure("An unknown error occurred")
		}
		// A missing or malformed parameter is validation, not execution.
		began := e.body.Code != "parameter_missing" && e.body.Code != "parameter_unknown" &&
			!strings.HasPrefix(e.body.Code, "parameter_invalid")
		return e.status, marshalError(e), began
	}
	if raw, ok := v.(rawJSON); ok {
		return http.StatusOK, raw, true
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		e := apiFailure("could not encode response")
		return e.status, marshalError(e), true
	}
	return http.StatusOK, b, true
}

// readForm reads the query string and, for POST, the url-encoded body.
func readForm(r *http.Request) (url.Values, error) {
	vals := r.URL.Query()
	if r.Method != http.MethodPost || r.Body == nil {
		return vals, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	body, err := url.ParseQuery(string(b))
	if err != nil {
		return nil, err
	}
	for k, v := range body {
		vals[k] = append(vals[k], v...)
	}
	return vals, nil
}

// abortConnection drops the connection in the middle of the answer: the
// status line and headers go out, then half the body. (Closing before any
// byte is sent would let Go's transport silently resend a request that
// carries an Idempotency-Key, hiding the failure.)
func abortConnection(w http.ResponseWriter, status int, body []byte) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	_, _ = fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n",
		status, http.StatusText(status), len(body))
	for _, h := range []string{"Request-Id", "Idempotency-Key", "Stripe-Version"} {
		if v := w.Header().Get(h); v != "" {
			_, _ = fmt.Fprintf(buf, "%s: %s\r\n", h, v)
		}
	}
	_, _ = buf.WriteString("\r\n")
	_, _ = buf.Write(body[:len(body)/2])
	_ = buf.Flush()
}
