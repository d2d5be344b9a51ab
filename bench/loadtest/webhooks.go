package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/mattn/go-sqlite3"
	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
	vegeta "github.com/tsenart/vegeta/v12/lib"
	"golang.org/x/sync/errgroup"
)

// webhooksResult is one burst of part 2: signed events through POST /webhooks/stripe into the inbox, then applied.
type webhooksResult struct {
	what         string
	ack          *stats
	acked        int           // events stored (acknowledged, not duplicates)
	realShare    string        // which share of the events were for real orders
	appliedAfter time.Duration // from the end of the burst until the worker had applied every event
	retried      float64       // inbox attempts that will be retried during the run (should be 0)
	target       bool          // the row carries the target (≥ 3,000 events/s, applied ≤ 1 s after)
	err          error
}

// paidOrder is an order made by a real checkout before the burst.
type paidOrder struct{ id, paymentIntent string }

// webhookOrders is how many real orders the events of a burst are for.
const webhookOrders = 300

// runWebhooks sends bursts of signed events to the child at the highest rate conns connections reach: first
// every event for one of 300 orders paid through real checkouts just before (each repeats the succeeded event
// of its order under a new event id: the worker finds the order, locks and re-reads it in a write transaction,
// and changes nothing), then the old mix, where three in four are for PaymentIntents the shop did not make (no
// metadata order_id: the worker ignores them at once). After each burst it polls /metrics until every stored
// event is applied.
func runWebhooks(ctx context.Context, c *child, cfg config) []webhooksResult {
	db, err := openChildDB("sqlite://" + c.dbPath)
	if err != nil {
		return []webhooksResult{{what: "webhooks (SQLite)", err: err}}
	}
	defer db.Close()
	orders, err := paidOrders(ctx, c, db, webhookOrders)
	if err != nil {
		return []webhooksResult{{what: "webhooks (SQLite)", err: fmt.Errorf("make orders for the webhook run: %w", err)}}
	}
	all := webhookBurst(ctx, []*child{c}, orders, 1, cfg)
	all.what, all.target = "webhooks `POST /webhooks/stripe` → SQLite inbox → applied, **every event for a real order**", true
	mix := webhookBurst(ctx, []*child{c}, orders[:40], 4, cfg)
	mix.what = "webhooks, the old mix (3 in 4 for PaymentIntents the shop did not make), SQLite"
	return []webhooksResult{all, mix}
}

// runWebhooksPostgres is the real-order burst against two instances sharing a PostgreSQL database made for the
// run on the server of pgURL (and dropped after): the senders alternate between the two instances.
func runWebhooksPostgres(ctx context.Context, bin string, cfg config) webhooksResult {
	r := webhooksResult{what: "webhooks, every event for a real order, **PostgreSQL, two instances**", target: true}
	dbURL, drop, err := freshPostgres(ctx, cfg.postgres)
	if err != nil {
		r.err = err
		return r
	}
	defer drop()
	env := map[string]string{"DATABASE_URL": dbURL}
	a, err := startChild(ctx, bin, childOptions{env: env})
	if err != nil {
		r.err = err
		return r
	}
	defer a.stop()
	b, err := startChild(ctx, bin, childOptions{env: env})
	if err != nil {
		r.err = err
		return r
	}
	defer b.stop()
	db, err := openChildDB(dbURL)
	if err != nil {
		r.err = err
		return r
	}
	defer db.Close()
	orders, err := paidOrders(ctx, a, db, webhookOrders)
	if err != nil {
		r.err = fmt.Errorf("make orders for the webhook run: %w", err)
		return r
	}
	res := webhookBurst(ctx, []*child{a, b}, orders, 1, cfg)
	res.what, res.target = r.what, true
	return res
}

// webhookBurst sends signed payment_intent.succeeded events round robin to the children at the highest rate:
// one in realEvery for one of orders (round robin), the others for PaymentIntents the shop did not make.
func webhookBurst(ctx context.Context, children []*child, orders []paidOrder, realEvery int64, cfg config) webhooksResult {
	var r webhooksResult
	if realEvery == 1 {
		r.realShare = fmt.Sprintf("every one for one of %d real orders", len(orders))
	} else {
		r.realShare = fmt.Sprintf("1 in %d for %d real orders", realEvery, len(orders))
	}
	applied := func() (float64, error) {
		sum := 0.0
		for _, c := range children {
			v, err := c.metric("storefront_webhook_events_applied_total", "")
			if err != nil {
				return 0, err
			}
			sum += v
		}
		return sum, nil
	}
	applied0, err1 := applied()
	retried0, err2 := children[0].metric("storefront_webhook_events_retried_total", "")
	if err := firstErr(err1, err2); err != nil {
		r.err = err
		return r
	}
	var seq atomic.Int64
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	tr := func(t *vegeta.Target) error {
		n := seq.Add(1)
		var o *paidOrder
		if n%realEvery == 0 {
			o = &orders[int(n/realEvery)%len(orders)]
		}
		body, sig := signedEvent("evt_load_"+run+"_"+strconv.FormatInt(n, 10), o)
		*t = vegeta.Target{Method: http.MethodPost, URL: children[int(n)%len(children)].base + "/webhooks/stripe", Body: body,
			Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}, "Stripe-Signature": {sig},
				"User-Agent": {"Stripe/1.0 (+https://stripe.com/docs/webhooks)"}}}
		return nil
	}
	into := map[string]*stats{}
	acked := 0
	waits := []func(){}
	for i, c := range children {
		waits = append(waits, profile(c, fmt.Sprintf("webhooks-%s-%d", strings.ReplaceAll(r.realShare, " ", "-")[:12], i), cfg.duration))
	}
	defer func() {
		for _, w := range waits {
			w()
		}
	}()
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
		n, err := applied()
		if err != nil {
			r.err = err
			return r
		}
		if int(n-applied0) >= acked {
			r.appliedAfter = time.Since(end)
			break
		}
		if time.Since(end) > 2*time.Minute {
			r.err = fmt.Errorf("only %d of %d events applied 2 minutes after the burst", int(n-applied0), acked)
			return r
		}
		time.Sleep(10 * time.Millisecond)
	}
	retried := 0.0
	for _, c := range children {
		v, err := c.metric("storefront_webhook_events_retried_total", "")
		if err != nil {
			r.err = err
			return r
		}
		retried += v
	}
	r.retried = retried - retried0
	return r
}

// openChildDB opens a child's database for the load generator's own checks (and to raise the stock).
func openChildDB(dbURL string) (*sql.DB, error) {
	if path, ok := strings.CutPrefix(dbURL, "sqlite://"); ok {
		return sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	}
	return sql.Open("pgx", dbURL)
}

// freshPostgres creates an empty database for the run on the server of serverURL and returns its URL and a
// function that drops it.
func freshPostgres(ctx context.Context, serverURL string) (string, func(), error) {
	admin, err := sql.Open("pgx", serverURL)
	if err != nil {
		return "", nil, err
	}
	name := "storefront_loadtest_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create database for the PostgreSQL run: %w", err)
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() {
		admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	}
	return u.String(), drop, nil
}

// paidOrders pays n orders through real checkouts (in-process simulator), waits until the simulator's own
// webhooks for them are applied, and reads the orders' ids and PaymentIntents from the database.
func paidOrders(ctx context.Context, c *child, db *sql.DB, n int) ([]paidOrder, error) {
	products, err := productIDs(c.base)
	if err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, "UPDATE products SET stock = 1000000"); err != nil { // never sold out
		return nil, err
	}
	shoppers, err := prepareShoppers(ctx, c.base, c.base+"/__stripe", products, n)
	if err != nil {
		return nil, err
	}
	g, _ := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for _, s := range shoppers {
		g.Go(func() error { return postConfirm(c.base, s) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
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
