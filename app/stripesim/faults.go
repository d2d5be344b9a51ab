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
	FaultAPIError    = "api_error"    // 500 api_error, nothing done
	FaultRateLimit   = "rate_limit"   // 429 rate_limit, nothing done
	FaultLockTimeout = "lock_timeout" // 429 lock_timeout, nothing done
	FaultDisconnect  = "disconnect"   // request done, connection closed without an answer
	FaultTimeout     = "timeout"      // request done, answer held back longer than clients wait
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
}

// MarshalJSON writes the snake_case form with durations in milliseconds.
func (f Faults) MarshalJSON() ([]byte, error) {
	return json.Marshal(faultsJSON{
		LatencyMS: f.Latency.Milliseconds(), FailNext: f.FailNext, FailKind: f.FailKind,
		FailRate: f.FailRate, Seed: f.Seed, WebhookDelayMS: f.WebhookDelay.Milliseconds(),
		WebhookDuplicateRate: f.WebhookDuplicateRate, WebhookDropRate: f.WebhookDropRate,
		WebhookReorder: f.WebhookReorder,
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
		WebhookReorder: j.WebhookReorder,
	}
	return nil
}

// validate reports a fault set that makes no sense.
func (f Faults) validate() error {
	switch f.FailKind {
	case "", FaultAPIError, FaultRateLimit, FaultLockTimeout, FaultDisconnect, FaultTimeout:
	default:
		return fmt.Errorf("unknown fail_kind %q", f.FailKind)
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
	case "", FaultAPIError, FaultRateLimit, FaultLockTimeout, FaultDisconnect, FaultTimeout:
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

// immediateFault is the error answered at once for kind, or nil for kinds
// that let the request run (disconnect, timeout) and for no fault.
func immediateFault(kind string) *apiError {
	switch kind {
	case FaultAPIError:
		return &apiError{status: http.StatusInternalServerError, body: errorBody{Type: typeAPI,
			Message: "Sorry, something went wrong. We've already been notified of the problem, but if you need any help, " +
				"you can reach us at support.stripe.com/contact."}}
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
