package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// webhooksResult is part 2: signed events through POST /webhooks/stripe into the SQLite inbox, then applied.
type webhooksResult struct {
	ack          *stats
	acked        int           // events stored (acknowledged, not duplicates)
	realShare    string        // which share of the events were for real orders
	appliedAfter time.Duration // from the end of the burst until the worker had applied every event
	retried      float64       // inbox attempts that will be retried during the run (should be 0)
	err          error
}

// paidOrder is an order made by a real checkout before the burst.
type paidOrder struct{ id, paymentIntent string }

// runWebhooks sends a burst of signed events at the highest rate conns connections reach: three in four are
// payment_intent.succeeded for PaymentIntents the shop did not make (no metadata order_id: the worker ignores
// them, outcome "ignored"), one in four repeat the succeeded event of a real paid order under a new event id
// (the worker locks and re-reads the order in a write transaction and changes nothing). Both kinds are
// applied at once; none is retried. Then it polls /metrics until every stored event is applied.
func runWebhooks(ctx context.Context, c *child, cfg config) webhooksResult {
	var r webhooksResult
	orders, err := paidOrders(ctx, c, 40)
	if err != nil {
		r.err = fmt.Errorf("make orders for the webhook run: %w", err)
		return r
	}
	r.realShare = fmt.Sprintf("1 in 4 for %d real orders", len(orders))
	applied0, err1 := c.metric("storefront_webhook_events_applied_total", "")
	retried0, err2 := c.metric("storefront_webhook_events_retried_total", "")
	if err := firstErr(err1, err2); err != nil {
		r.err = err
		return r
	}
	var seq atomic.Int64
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	tr := func(t *vegeta.Target) error {
		n := seq.Add(1)
		var o *paidOrder
		if n%4 == 0 {
			o = &orders[int(n/4)%len(orders)]
		}
		body, sig := signedEvent("evt_load_"+run+"_"+strconv.FormatInt(n, 10), o)
		*t = vegeta.Target{Method: http.MethodPost, URL: c.base + "/webhooks/stripe", Body: body,
			Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}, "Stripe-Signature": {sig},
				"User-Agent": {"Stripe/1.0 (+https://stripe.com/docs/webhooks)"}}}
		return nil
	}
	into := map[string]*stats{}
	acked := 0
	attack("webhooks", tr, attackOptions{rate: maxRate, duration: cfg.duration, conns: cfg.conns}, func(res *vegeta.Result) (string, bool) {
		ok := res.Error == "" && res.Code == http.StatusOK && bytes.Contains(res.Body, []byte(`"duplicate":false`))
		if ok {
			acked++
		}
		return "ack", ok
	}, into)
	end := time.Now()
	r.ack, r.acked = into["ack"], acked
	for {
		applied, err := c.metric("storefront_webhook_events_applied_total", "")
		if err != nil {
			r.err = err
			return r
		}
		if int(applied-applied0) >= acked {
			r.appliedAfter = time.Since(end)
			break
		}
		if time.Since(end) > 2*time.Minute {
			r.err = fmt.Errorf("only %d of %d events applied 2 minutes after the burst", int(applied-applied0), acked)
			return r
		}
		time.Sleep(10 * time.Millisecond)
	}
	retried, err := c.metric("storefront_webhook_events_retried_total", "")
	r.retried, r.err = retried-retried0, err
	return r
}

// paidOrders pays n orders through real checkouts (in-process simulator), waits until the simulator's own
// webhooks for them are applied, and reads the orders' ids and PaymentIntents from the database.
func paidOrders(ctx context.Context, c *child, n int) ([]paidOrder, error) {
	products, err := productIDs(c.base)
	if err != nil {
		return nil, err
	}
	shoppers, err := prepareShoppers(ctx, c.base, c.base+"/__stripe", products, n)
	if err != nil {
		return nil, err
	}
	for _, s := range shoppers {
		if err := postConfirm(c.base, s); err != nil {
			return nil, err
		}
	}
	db, err := sql.Open("sqlite3", "file:"+c.dbPath+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := waitInboxIdle(ctx, db); err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, "SELECT id, payment_intent_id FROM orders WHERE status = 'paid' AND payment_intent_id IS NOT NULL")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []paidOrder
	for rows.Next() {
		var o paidOrder
		if err := rows.Scan(&o.id, &o.paymentIntent); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) < n {
		return nil, fmt.Errorf("%d of %d checkouts ended paid", len(out), n)
	}
	return out, nil
}

// waitInboxIdle waits until the inbox has had no pending event for half a second (the simulator's deliveries
// are done and applied).
func waitInboxIdle(ctx context.Context, db *sql.DB) error {
	quietSince := time.Time{}
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		var pending int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM webhook_events WHERE status = 'pending'").Scan(&pending); err != nil {
			return err
		}
		switch {
		case pending > 0:
			quietSince = time.Time{}
		case quietSince.IsZero():
			quietSince = time.Now()
		case time.Since(quietSince) > 500*time.Millisecond:
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("the webhook inbox did not empty within a minute")
}

// postConfirm pays a prepared shopper's cart like checkout.js does (outside any timed run).
func postConfirm(base string, s shopper) error {
	req, _ := http.NewRequest(http.MethodPost, base+"/checkout/confirm", bytes.NewReader(confirmBody(s.token)))
	req.Header = confirmHeader(s)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var out struct {
		Status string `json:"status"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusOK || out.Status != "succeeded" {
		return fmt.Errorf("confirm: status %d %q (%v)", res.StatusCode, out.Status, err)
	}
	return nil
}

// signedEvent is a payment_intent.succeeded event the size and shape of Stripe's (about 2 KB), signed now with
// the child's webhook secret. With an order it is that order's PaymentIntent (metadata order_id), without one
// a PaymentIntent the shop did not make. The body is made once per order and second, then only the ids change,
// so the load generator spends its share of the two cores on sending, not on encoding JSON.
func signedEvent(id string, o *paidOrder) ([]byte, string) {
	now := time.Now()
	key := eventTemplateKey{o, now.Unix()}
	tmpl, ok := eventTemplates.Load(key)
	if !ok {
		tmpl, _ = eventTemplates.LoadOrStore(key, eventTemplate(o, now.Unix()))
	}
	suffix := []byte(id[len("evt_load_"):])
	body := bytes.ReplaceAll(tmpl.([]byte), []byte(idPlaceholder), suffix)
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: webhookSecret, Timestamp: now})
	return sp.Payload, sp.Header
}

const idPlaceholder = "@@ID@@"

type eventTemplateKey struct {
	order   *paidOrder
	created int64
}

var eventTemplates sync.Map // eventTemplateKey → []byte

func eventTemplate(o *paidOrder, created int64) []byte {
	piID, meta := "pi_load_"+idPlaceholder, map[string]string{}
	if o != nil {
		piID, meta = o.paymentIntent, map[string]string{"order_id": o.id}
	}
	pi := map[string]any{
		"id": piID, "object": "payment_intent", "amount": 2400, "amount_received": 2400, "amount_capturable": 0,
		"currency": "usd", "status": "succeeded", "capture_method": "automatic_async", "confirmation_method": "automatic",
		"client_secret": piID + "_secret_Zk3n8Qp2Rt6Vw9Xy", "created": created, "description": "Order SF-8K2D-QX7M-4PZN-T9WA",
		"latest_charge": "ch_load_" + idPlaceholder, "livemode": false, "metadata": meta,
		"payment_method": "pm_1Q0PsIJvEtkwdCNYMSaVuRz6", "payment_method_types": []string{"card", "link"},
		"receipt_email": "jenny.rosen@example.com", "setup_future_usage": nil, "statement_descriptor": nil,
		"shipping": map[string]any{"name": "Jenny Rosen", "phone": nil, "carrier": nil, "tracking_number": nil,
			"address": map[string]any{"line1": "1234 Main Street", "line2": nil, "city": "San Francisco", "state": "CA",
				"postal_code": "94111", "country": "US"}},
		"payment_method_options": map[string]any{"card": map[string]any{"request_three_d_secure": "automatic",
			"installments": nil, "mandate_options": nil, "network": nil}, "link": map[string]any{"persistent_token": nil}},
		"automatic_payment_methods": map[string]any{"allow_redirects": "always", "enabled": true},
	}
	body, _ := json.Marshal(map[string]any{
		"id": "evt_load_" + idPlaceholder, "object": "event", "type": "payment_intent.succeeded", "api_version": stripe.APIVersion,
		"created": created, "livemode": false, "pending_webhooks": 1,
		"request": map[string]any{"id": "req_" + idPlaceholder, "idempotency_key": nil},
		"data":    map[string]any{"object": pi},
	})
	return body
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
