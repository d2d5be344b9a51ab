package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/storefront/storefront/app/stripesim"
)

// confirmResult is part 3: POST /checkout/confirm against the simulator with no added latency.
type confirmResult struct {
	client   *stats          // as the load generator saw it
	server   []time.Duration // the shop's own access-log duration of each confirm
	sim      []time.Duration // the simulator's handler time for that confirm's PaymentIntent call
	overhead []time.Duration // server − sim, per confirm
	rate     int
	err      error
}

// timedSim serves the simulator for the child and times, per order number, how long the simulator itself spends
// on the create-and-confirm PaymentIntent call (from its handler's start to its end; the network is not in it).
type timedSim struct {
	sim     *stripesim.Sim
	mu      sync.Mutex
	byOrder map[string]time.Duration
}

func (t *timedSim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/v1" || strings.HasPrefix(r.URL.Path, "/v1/") { // stripe-go calls /v1/… at the root
		r.URL.Path = "/__stripe" + r.URL.Path
	}
	order := ""
	if r.Method == http.MethodPost && r.URL.Path == "/__stripe/v1/payment_intents" {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if vals, err := url.ParseQuery(string(body)); err == nil {
			order = vals.Get("metadata[order_number]")
		}
	}
	start := time.Now()
	t.sim.ServeHTTP(w, r)
	if order != "" {
		t.mu.Lock()
		t.byOrder[order] += time.Since(start)
		t.mu.Unlock()
	}
}

// runConfirm pays prepared carts at a steady rate. To tell the shop's own time from the simulator's, the child
// uses the simulator in this process (as it would use stripe-mock: STRIPE_API_BASE and the simulator's test
// keys), which times its handler per order; the shop's time per confirm is its access-log duration (the whole
// request inside the server, middleware included), joined by the X-Request-Id of each response.
func runConfirm(ctx context.Context, bin string, cfg config) confirmResult {
	r := confirmResult{rate: cfg.confirmRate}
	ts := &timedSim{sim: stripesim.New(stripesim.Config{WebhookSecret: webhookSecret}), byOrder: map[string]time.Duration{}}
	defer ts.sim.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		r.err = err
		return r
	}
	srv := &http.Server{Handler: ts}
	go srv.Serve(ln)
	defer srv.Close()
	simBase := "http://" + ln.Addr().String()
	c, products, err := startStockedChild(ctx, bin, childOptions{env: map[string]string{
		"STRIPE_SECRET_KEY": "sk_test_simulator", "STRIPE_PUBLISHABLE_KEY": "pk_test_simulator", "STRIPE_API_BASE": simBase}})
	if err != nil {
		r.err = err
		return r
	}
	defer c.stop()
	ts.sim.SetWebhookURL(c.base + "/webhooks/stripe")
	n := int(cfg.duration.Seconds()*float64(cfg.confirmRate)) + 1
	shoppers, err := prepareShoppers(ctx, c.base, simBase, products, n)
	if err != nil {
		r.err = fmt.Errorf("prepare %d carts: %w", n, err)
		return r
	}
	q := &shopperQueue{list: shoppers}
	tr := func(t *vegeta.Target) error {
		s, ok := q.next()
		if !ok {
			return vegeta.ErrNoTargets
		}
		*t = vegeta.Target{Method: http.MethodPost, URL: c.base + "/checkout/confirm", Body: confirmBody(s.token), Header: confirmHeader(s)}
		return nil
	}
	orderOf := map[string]string{} // X-Request-Id → order number
	into := map[string]*stats{}
	attack("confirm", tr, attackOptions{rate: vegeta.Rate{Freq: cfg.confirmRate, Per: time.Second}, duration: cfg.duration, conns: cfg.conns},
		func(res *vegeta.Result) (string, bool) {
			var out struct {
				Status      string `json:"status"`
				OrderNumber string `json:"order_number"`
			}
			ok := res.Error == "" && res.Code == http.StatusOK && json.Unmarshal(res.Body, &out) == nil && out.Status == "succeeded"
			if ok {
				orderOf[res.Headers.Get("X-Request-Id")] = out.OrderNumber
			}
			return "confirm", ok
		}, into)
	r.client = into["confirm"]
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	_ = ts.sim.WaitWebhooks(wctx)
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for _, l := range c.logLines() {
		if l.Msg != "request" || l.Path != "/checkout/confirm" {
			continue
		}
		order, ok := orderOf[l.RequestID]
		if !ok {
			continue
		}
		server, sim := time.Duration(l.Duration), ts.byOrder[order]
		r.server = append(r.server, server)
		r.sim = append(r.sim, sim)
		r.overhead = append(r.overhead, server-sim)
	}
	if len(r.server) != len(orderOf) {
		r.err = fmt.Errorf("found %d of %d confirms in the access log", len(r.server), len(orderOf))
	}
	return r
}
