package stripesim

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

const (
	webhookAttempts     = 8                      // tries per delivery before giving up
	webhookFirstBackoff = 100 * time.Millisecond // doubled after each failed try
	webhookMaxBackoff   = 3 * time.Second
	webhookBatchSize    = 3                      // events held back when reordering
	webhookBatchWait    = 200 * time.Millisecond // longest an event is held back
)

// delivery is one event on its way to one endpoint.
type delivery struct {
	eventID string
	typ     string
	url     string
	payload []byte
	delay   time.Duration
}

// webhookQueue delivers events in the background, never blocking API calls.
type webhookQueue struct {
	s      *Sim
	client *http.Client

	mu        sync.Mutex
	target    string        // the configured WebhookURL
	pending   int           // deliveries not yet made or given up
	idle      chan struct{} // closed when pending drops to zero
	held      []*delivery   // reorder batch
	heldTimer bool
}

func newWebhookQueue(s *Sim, target string) *webhookQueue {
	idle := make(chan struct{})
	close(idle)
	return &webhookQueue{
		s:      s,
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}},
		target: target,
		idle:   idle,
	}
}

func (q *webhookQueue) setURL(u string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.target = u
}

func (q *webhookQueue) url() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.target
}

// enqueue schedules delivery of payload to url, applying the webhook faults.
func (q *webhookQueue) enqueue(eventID, typ, url string, payload []byte) {
	plan := q.s.faults.planWebhook()
	if plan.drop {
		q.s.log.Info("stripe simulator dropped webhook (fault)", "event", eventID, "type", typ)
		return
	}
	copies := 1
	if plan.dup {
		copies = 2
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for range copies {
		d := &delivery{eventID: eventID, typ: typ, url: url, payload: payload, delay: plan.delay}
		q.addPendingLocked()
		if !plan.reorder {
			q.startLocked(d)
			continue
		}
		q.held = append(q.held, d)
	}
	if !plan.reorder {
		return
	}
	if len(q.held) >= webhookBatchSize {
		q.flushLocked()
		return
	}
	if !q.heldTimer {
		q.heldTimer = true
		started := q.s.goBackground(func() {
			q.s.sleep(context.Background(), webhookBatchWait)
			q.mu.Lock()
			defer q.mu.Unlock()
			q.flushLocked()
		})
		if !started {
			q.flushLocked()
		}
	}
}

// flushLocked starts the held batch in shuffled order.
func (q *webhookQueue) flushLocked() {
	batch := q.held
	q.held = nil
	q.heldTimer = false
	q.s.faults.shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
	for i, d := range batch {
		// Stagger the batch so the shuffled order is the order of arrival.
		d.delay += time.Duration(i) * 20 * time.Millisecond
		q.startLocked(d)
	}
}

func (q *webhookQueue) addPendingLocked() {
	if q.pending == 0 {
		q.idle = make(chan struct{})
	}
	q.pending++
}

func (q *webhookQueue) doneLocked() {
	q.pending--
	if q.pending == 0 {
		close(q.idle)
	}
}

// startLocked delivers d in its own goroutine.
func (q *webhookQueue) startLocked(d *delivery) {
	ok := q.s.goBackground(func() {
		q.deliver(d)
		q.mu.Lock()
		defer q.mu.Unlock()
		q.doneLocked()
	})
	if !ok {
		q.doneLocked()
	}
}

// deliver POSTs the event until it gets a 2xx, backing off between tries.
func (q *webhookQueue) deliver(d *delivery) {
	ctx := q.s.closing
	q.s.sleep(ctx, d.delay)
	backoff := webhookFirstBackoff
	for attempt := 1; attempt <= webhookAttempts; attempt++ {
		if ctx.Err() != nil {
			return
		}
		status, err := q.post(ctx, d)
		if err == nil && status >= 200 && status < 300 {
			q.s.log.Debug("stripe simulator delivered webhook", "event", d.eventID, "type", d.typ, "attempt", attempt)
			return
		}
		q.s.log.Info("stripe simulator webhook delivery failed", "event", d.eventID, "type", d.typ,
			"attempt", attempt, "status", status, "err", err)
		if attempt == webhookAttempts {
			break
		}
		q.s.sleep(ctx, backoff)
		backoff = min(backoff*2, webhookMaxBackoff)
	}
	q.s.log.Warn("stripe simulator gave up delivering webhook", "event", d.eventID, "type", d.typ)
}

func (q *webhookQueue) post(ctx context.Context, d *delivery) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(d.payload))
	if err != nil {
		return 0, fmt.Errorf("build webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
	req.Header.Set("Stripe-Signature", signPayload(d.payload, q.s.cfg.WebhookSecret, q.s.now()))
	resp, err := q.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("post webhook: %w", err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

// wait blocks until nothing is pending or ctx ends.
func (q *webhookQueue) wait(ctx context.Context) error {
	for {
		q.mu.Lock()
		if q.pending == 0 {
			q.mu.Unlock()
			return nil
		}
		idle := q.idle
		q.mu.Unlock()
		select {
		case <-idle:
		case <-ctx.Done():
			return fmt.Errorf("wait for webhooks: %w", ctx.Err())
		}
	}
}

// signPayload is the Stripe-Signature header value for payload: the time
// and an HMAC-SHA256 of "time.payload" keyed with the endpoint secret.
func signPayload(payload []byte, secret string, t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(payload)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}
