package stripesim

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Fault kinds for Faults.FailKind.
const (
	FaultAPIError = "api_error" // 500 api_error, nothing done; stored under the idempotency key
	// FaultAPIErrorAfter runs the request (objects made, cards charged,
	// webhooks sent) and then answers 500, stored under the idempotency key.
	FaultAPIErrorAfter = "api_error_after"
	FaultRateLimit     = "rate_limit"   // 429 rate_limit, nothing done
	FaultLockTimeout   = "lock_timeout" // 429 lock_timeout, nothing done
	FaultDisconnect    = "disconnect"   // request done, connection closed without an answer
	FaultTimeout       = "timeout"      // request done, answer held back longer than clients wait
)

// timeoutFaultSleep bounds how long a "timeout" fault holds the answer.
const timeoutFaultSleep = 30 * time.Second

// Faults are failures injected into server-side (secret key) API calls and
// into webhook delivery.
type Faults struct {
	Latency              time.Duration // added to every secret-key API call
	FailNext             int           // the next N secret-key calls fail with FailKind
	FailKind             string        // see the Fault* constants; "" = api_error
	FailRate             float64       // 0..1 chance any secret-key call fails with FailKind
	Seed                 int64         // seeds the random choices; 0 = from the clock
	WebhookDelay         time.Duration // wait before the first delivery attempt
	WebhookDuplicateRate float64       // 0..1 chance an event is delivered twice
	WebhookDropRate      float64       // 0..1 chance an event is never delivered
	WebhookReorder       bool          // hold small batches and deliver them shuffled

	// SearchLag hides objects (and their changes) from search for this
	// long; 0 = DefaultSearchLag, negative = search sees writes at once.
	SearchLag time.Duration
	// ClockSkew moves the simulator's clock (created times, signatures,
	// expiries) ahead of (positive) or behind (negative) the machine's.
	ClockSkew time.Duration
	// ProcessingDelay is how long delayed-notification payments (SEPA
	// Debit, CardProcessing) stay processing and pending refunds stay
	// pending; 0 = DefaultProcessingDelay, negative = settle at once.
	ProcessingDelay time.Duration
	// CardProcessing makes card payments go to processing first and
	// succeed only after ProcessingDelay, with the webhooks in between.
	CardProcessing bool
	// RefundOutcome applies to every refund: "" (as the card says),
	// "pending" (pending, then succeeded) or "fail" (succeeded, then failed).
	RefundOutcome string
	// EventAPIVersion is the API version new events are created with;
	// "" = the version of the stripe-go the simulator was built with.
	EventAPIVersion string
}

// Defaults of the knobs whose zero value means "as Stripe".
const (
	DefaultSearchLag       = 3 * time.Second         // Stripe: searchable in under a minute
	DefaultProcessingDelay = 1500 * time.Millisecond // SEPA Debit and pending refunds settle later
)

// searchLag is the lag in force (zero when search is immediate).
func (f Faults) searchLag() time.Duration {
	switch {
	case f.SearchLag < 0:
		return 0
	case f.SearchLag == 0:
		return DefaultSearchLag
	}
	return f.SearchLag
}

// processingDelay is the settle delay in force.
func (f Faults) processingDelay() time.Duration {
	switch {
	case f.ProcessingDelay < 0:
		return 0
	case f.ProcessingDelay == 0:
		return DefaultProcessingDelay
	}
	return f.ProcessingDelay
}

// faultsJSON is the wire form used by the control endpoint.
type faultsJSON struct {
	LatencyMS            int64   `json:"latency_ms"`
	FailNext             int     `json:"fail_next"`
	FailKind             string  `json:"fail_kind"`
	FailRate             float64 `json:"fail_rate"`
	Seed                 int64   `json:"seed"`
	WebhookDelayMS       int64   `json:"webhook_delay_ms"`
	WebhookDuplicateRate float64 `json:"webhook_duplicate_rate"`
	WebhookDropRate      float64 `json:"webhook_drop_rate"`
	WebhookReorder       bool    `json:"webhook_reorder"`
	SearchLagMS          int64   `json:"search_lag_ms"`
	ClockSkewMS          int64   `json:"clock_skew_ms"`
	ProcessingDelayMS    int64   `json:"processing_delay_ms"`
	CardProcessing       bool    `json:"card_processing"`
	RefundOutcome        string  `json:"refund_outcome"`
	EventAPIVersion      string  `json:"event_api_version"`
}

// MarshalJSON writes the snake_case form with durations in milliseconds.
func (f Faults) MarshalJSON() ([]byte, error) {
	return json.Marshal(faultsJSON{
		LatencyMS: f.Latency.Milliseconds(), FailNext: f.FailNext, FailKind: f.FailKind,
		FailRate: f.FailRate, Seed: f.Seed, WebhookDelayMS: f.WebhookDelay.Milliseconds(),
		WebhookDuplicateRate: f.WebhookDuplicateRate, WebhookDropRate: f.WebhookDropRate,
		WebhookReorder: f.WebhookReorder, SearchLagMS: f.SearchLag.Milliseconds(),
		ClockSkewMS: f.ClockSkew.Milliseconds(), ProcessingDelayMS: f.ProcessingDelay.Milliseconds(),
		CardProcessing: f.CardProcessing, RefundOutcome: f.RefundOutcome, EventAPIVersion: f.EventAPIVersion,
	})
}

// UnmarshalJSON reads the snake_case form written by MarshalJSON.
func (f *Faults) UnmarshalJSON(b []byte) error {
	var j faultsJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("decode faults: %w", err)
	}
	*f = Faults{
		Latency: time.Duration(j.LatencyMS) * time.Millisecond, FailNext: j.FailNext, FailKind: j.FailKind,
		FailRate: j.FailRate, Seed: j.Seed, WebhookDelay: time.Duration(j.WebhookDelayMS) * time.Millisecond,
		WebhookDuplicateRate: j.WebhookDuplicateRate, WebhookDropRate: j.WebhookDropRate,
		WebhookReorder: j.WebhookReorder, SearchLag: time.Duration(j.SearchLagMS) * time.Millisecond,
		ClockSkew:       time.Duration(j.ClockSkewMS) * time.Millisecond,
		ProcessingDelay: time.Duration(j.ProcessingDelayMS) * time.Millisecond,
		CardProcessing:  j.CardProcessing, RefundOutcome: j.RefundOutcome, EventAPIVersion: j.EventAPIVersion,
	}
	return nil
}

// validate reports a fault set that makes no sense.
func (f Faults) validate() error {
	switch f.FailKind {
	case "", FaultAPIError, FaultAPIErrorAfter, FaultRateLimit, FaultLockTimeout, FaultDisconnect, FaultTimeout:
	default:
		return fmt.Errorf("unknown fail_kind %q", f.FailKind)
	}
	switch f.RefundOutcome {
	case "", "pending", "fail":
	default:
		return fmt.Errorf("unknown refund_outcome %q (want \"\", \"pending\" or \"fail\")", f.RefundOutcome)
	}
	for name, r := range map[string]float64{"fail_rate": f.FailRate, "webhook_duplicate_rate": f.WebhookDuplicateRate, "webhook_drop_rate": f.WebhookDropRate} {
		if r < 0 || r > 1 {
			return fmt.Errorf("%s must be between 0 and 1", name)
		}
	}
	if f.FailNext < 0 || f.Latency < 0 || f.WebhookDelay < 0 {
		return fmt.Errorf("fail_next, latency and webhook delay must not be negative")
	}
	return nil
}

// faultState holds the current faults and their random source.
type faultState struct {
	mu  sync.Mutex
	f   Faults
	rng *rand.Rand
}

func newFaultState() *faultState { return &faultState{rng: seededRand(0)} }

func seededRand(seed int64) *rand.Rand {
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	return rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x5bd1e995))
}

// SetFaults replaces the injected faults; an invalid FailKind counts as api_error.
func (s *Sim) SetFaults(f Faults) { s.faults.set(f) }

// currentFaults returns the faults in force.
func (s *Sim) currentFaults() Faults {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	return s.faults.f
}

func (fs *faultState) set(f Faults) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	switch f.FailKind {
	case "", FaultAPIError, FaultAPIErrorAfter, FaultRateLimit, FaultLockTimeout, FaultDisconnect, FaultTimeout:
	default:
		f.FailKind = FaultAPIError
	}
	fs.f = f
	fs.rng = seededRand(f.Seed)
}

// pick decides the fault of one secret-key call: its kind ("" = none) and latency.
func (fs *faultState) pick() (string, time.Duration) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	kind := fs.f.FailKind
	if kind == "" {
		kind = FaultAPIError
	}
	switch {
	case fs.f.FailNext > 0:
		fs.f.FailNext--
		return kind, fs.f.Latency
	case fs.f.FailRate > 0 && fs.rng.Float64() < fs.f.FailRate:
		return kind, fs.f.Latency
	}
	return "", fs.f.Latency
}

// webhookPlan decides the fate of one event's delivery.
type webhookPlan struct {
	delay   time.Duration
	drop    bool
	dup     bool
	reorder bool
}

func (fs *faultState) planWebhook() webhookPlan {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	p := webhookPlan{delay: fs.f.WebhookDelay, reorder: fs.f.WebhookReorder}
	p.drop = fs.f.WebhookDropRate > 0 && fs.rng.Float64() < fs.f.WebhookDropRate
	p.dup = fs.f.WebhookDuplicateRate > 0 && fs.rng.Float64() < fs.f.WebhookDuplicateRate
	return p
}

// shuffle permutes n items with the fault random source.
func (fs *faultState) shuffle(n int, swap func(i, j int)) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.rng.Shuffle(n, swap)
}

// apiErrorFault is Stripe's 500 api_error.
func apiErrorFault() *apiError {
	return &apiError{status: http.StatusInternalServerError, body: errorBody{Type: typeAPI,
		Message: "Sorry, something went wrong. We've already been notified of the problem, but if you need any help, " +
			"you can reach us at support.stripe.com/contact."}}
}

// immediateFault is the error answered before the endpoint runs for kind
// (429s, which Stripe never stores under an idempotency key), or nil for
// kinds that reach the endpoint (api_error, api_error_after, disconnect,
// timeout) and for no fault.
func immediateFault(kind string) *apiError {
	switch kind {
	case FaultRateLimit:
		return &apiError{status: http.StatusTooManyRequests, body: errorBody{Type: typeInvalidRequest, Code: "rate_limit",
			Message: "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.",
			DocURL:  docURL("rate_limit")}}
	case FaultLockTimeout:
		return &apiError{status: http.StatusTooManyRequests, shouldRetry: "true", body: errorBody{Type: typeInvalidRequest,
			Code: "lock_timeout",
			Message: "This object cannot be accessed right now because another API request or Stripe process is currently " +
				"accessing it. If you see this error intermittently, retry the request. If you see this error frequently and " +
				"are making multiple concurrent requests to a single object, make your requests serially or at a lower rate. " +
				"See https://stripe.com/docs/rate-limits for more details.",
			DocURL: docURL("lock_timeout")}}
	}
	return nil
}
