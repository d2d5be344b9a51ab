package stripesim

import (
	"net/http"
	"sync"
	"time"
)

// idempotencyWindow is how long Stripe keeps idempotency keys.
const idempotencyWindow = 24 * time.Hour

// idemEntry is what one idempotency key remembers.
type idemEntry struct {
	fingerprint string // method, path and canonical params of the first use
	created     time.Time
	done        bool
	status      int
	body        []byte
	reqID       string
}

// idempotencyStore remembers answers by (API key, Idempotency-Key).
type idempotencyStore struct {
	mu      sync.Mutex
	m       map[string]*idemEntry
	inserts int // since the last sweep of expired keys
}

func newIdempotencyStore() *idempotencyStore {
	return &idempotencyStore{m: map[string]*idemEntry{}}
}

// begin claims key for a request. isNew means the caller runs the request
// and must call finish; otherwise entry is the answer to replay.
// Keys expire on the simulator's clock (now), so a test can move past 24 h.
func (st *idempotencyStore) begin(apiKey, key, fingerprint string, now time.Time) (entry *idemEntry, isNew bool, err *apiError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	id := apiKey + "\x00" + key
	e, ok := st.m[id]
	if ok && e.done && now.Sub(e.created) > idempotencyWindow {
		delete(st.m, id)
		ok = false
	}
	if !ok {
		st.sweepLocked(now)
		e = &idemEntry{fingerprint: fingerprint, created: now}
		st.m[id] = e
		return e, true, nil
	}
	if !e.done {
		return nil, false, &apiError{status: http.StatusConflict, body: errorBody{
			Type: typeIdempotency, Code: "idempotency_key_in_use",
			Message: "There is currently another in-progress request using this Idempotent Key (that probably means " +
				"you submitted twice, and the other request is still going through): " + key + ". Please try again later.",
			DocURL: docURL("idempotency_key_in_use"),
		}}
	}
	if e.fingerprint != fingerprint {
		return nil, false, &apiError{status: http.StatusBadRequest, body: errorBody{
			Type: typeIdempotency,
			Message: "Keys for idempotent requests can only be used with the same parameters they were first used with. " +
				"Try using a key other than '" + key + "' if you meant to execute a different request.",
		}}
	}
	return e, false, nil
}

// finish stores the answer, or forgets the key when the request never ran
// (failed validation), as Stripe does.
func (st *idempotencyStore) finish(apiKey, key string, e *idemEntry, status int, body []byte, reqID string, executed bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if !executed {
		delete(st.m, apiKey+"\x00"+key)
		return
	}
	e.done, e.status, e.body, e.reqID = true, status, body, reqID
}

// sweepLocked forgets expired keys now and then, so a long-running
// simulator (stripe-go sends a key with every POST) does not grow forever.
func (st *idempotencyStore) sweepLocked(now time.Time) {
	st.inserts++
	if st.inserts < 1000 {
		return
	}
	st.inserts = 0
	for id, e := range st.m {
		if e.done && now.Sub(e.created) > idempotencyWindow {
			delete(st.m, id)
		}
	}
}
