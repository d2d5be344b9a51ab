package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// mixedResult is part 4: browsing, carts, checkouts and webhooks at once on one SQLite database.
type mixedResult struct {
	byKind  map[string]*stats
	total   *stats
	busy    int   // log lines with "database is locked" / SQLITE_BUSY
	ranOut  bool  // the prepared paying shoppers were all used before the end
	peakRSS int64 // VmHWM of the child
	err     error
}

var productHref = regexp.MustCompile(`href="/products/([a-z0-9-]+)"`)

// mixedCycle is the share of each kind of request, per 20 requests.
var mixedCycle = []string{
	"browse", "browse", "browse", "browse", // GET / as a first-time visitor
	"product", "product", "product", "product", // GET /products/:slug, first-time visitor
	"browse+cart", "product+cart", // the same with a session and a cart (the header counts the cart)
	"cart add", "cart add", "cart add", // POST /cart/items
	"cart view", "cart view", "cart view", // GET /cart
	"checkout",                      // POST /checkout/confirm, simulator, 4242 card
	"webhook", "webhook", "webhook", // POST /webhooks/stripe
}

// runMixed runs every kind of request together at the highest rate conns connections reach, on a fresh child
// with the in-process simulator (whose own webhooks for every payment arrive during the run, too).
func runMixed(ctx context.Context, bin string, cfg config) mixedResult {
	r := mixedResult{byKind: map[string]*stats{}}
	c, products, err := startStockedChild(ctx, bin, childOptions{})
	if err != nil {
		r.err = err
		return r
	}
	defer c.stop()
	page, _, err := get(http.DefaultClient, c.base+"/")
	if err != nil {
		r.err = err
		return r
	}
	var slugs []string
	for _, m := range productHref.FindAllStringSubmatch(page, -1) {
		slugs = append(slugs, m[1])
	}
	carts, err := prepareShoppers(ctx, c.base, "", products, 64)
	if err != nil {
		r.err = err
		return r
	}
	// Paying shoppers for up to 250 checkouts a second (one in 20 requests); should they run out, the checkout
	// slot views a cart instead and the table says so.
	payers, err := prepareShoppers(ctx, c.base, c.base+"/__stripe", products, int(cfg.duration.Seconds()*250))
	if err != nil {
		r.err = err
		return r
	}
	q := &shopperQueue{list: payers}
	var seq atomic.Int64
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	html := http.Header{"Accept": {"text/html"}, "Accept-Encoding": {"gzip"}}
	tr := func(t *vegeta.Target) error {
		n := int(seq.Add(1))
		kind := mixedCycle[n%len(mixedCycle)]
		shopper := carts[n%len(carts)]
		withCart := http.Header{"Accept": {"text/html"}, "Accept-Encoding": {"gzip"}, "Cookie": {shopper.cookie}, "X-Forwarded-For": {shopper.ip}}
		switch kind {
		case "browse":
			*t = vegeta.Target{Method: http.MethodGet, URL: c.base + "/", Header: html}
		case "product":
			*t = vegeta.Target{Method: http.MethodGet, URL: c.base + "/products/" + slugs[n%len(slugs)], Header: html}
		case "browse+cart":
			*t = vegeta.Target{Method: http.MethodGet, URL: c.base + "/", Header: withCart}
		case "product+cart":
			*t = vegeta.Target{Method: http.MethodGet, URL: c.base + "/products/" + slugs[n%len(slugs)], Header: withCart}
		case "cart add":
			// Each shopper adds the products in turn, so no line reaches the 99-per-line limit.
			form := url.Values{"csrf_token": {shopper.csrf}, "product_id": {products[(n/len(carts))%len(products)]}, "quantity": {"1"}}
			h := withCart.Clone()
			h.Set("Content-Type", "application/x-www-form-urlencoded")
			*t = vegeta.Target{Method: http.MethodPost, URL: c.base + "/cart/items", Body: []byte(form.Encode()), Header: h}
		case "cart view":
			*t = vegeta.Target{Method: http.MethodGet, URL: c.base + "/cart", Header: withCart}
		case "checkout":
			if p, ok := q.next(); ok {
				*t = vegeta.Target{Method: http.MethodPost, URL: c.base + "/checkout/confirm", Body: confirmBody(p.token), Header: confirmHeader(p)}
			} else {
				*t = vegeta.Target{Method: http.MethodGet, URL: c.base + "/cart", Header: withCart}
			}
		case "webhook":
			body, sig := signedEvent("evt_load_"+run+"_"+strconv.Itoa(n), nil)
			*t = vegeta.Target{Method: http.MethodPost, URL: c.base + "/webhooks/stripe", Body: body,
				Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}, "Stripe-Signature": {sig}}}
		}
		return nil
	}
	total := newStats()
	attack("mixed", tr, attackOptions{rate: maxRate, duration: cfg.duration, conns: cfg.conns}, func(res *vegeta.Result) (string, bool) {
		kind, want := mixedKind(res)
		ok := res.Error == "" && res.Code == want
		if kind == "checkout" {
			ok = ok && strings.Contains(string(res.Body), `"status":"succeeded"`)
		}
		total.requests++
		total.codes[res.Code]++
		if ok {
			total.ok++
		} else if res.Error != "" {
			total.errors[res.Error]++
		} else {
			total.errors[fmt.Sprintf("%s: status %d", kind, res.Code)]++
		}
		return kind, ok
	}, r.byKind)
	for _, st := range r.byKind {
		total.elapsed = st.elapsed
		total.lat = append(total.lat, st.lat...)
	}
	r.total = total
	// Let the simulator's webhooks of the last payments land before counting.
	time.Sleep(time.Second)
	r.busy = c.sqliteBusy()
	_, more := q.next()
	r.ranOut = !more
	r.peakRSS, r.err = c.peakRSS()
	return r
}

// mixedKind tells what a result was from its request and the status it must have.
func mixedKind(res *vegeta.Result) (string, uint16) {
	u, _ := url.Parse(res.URL)
	switch {
	case res.Method == http.MethodPost && u.Path == "/cart/items":
		return "cart add", http.StatusSeeOther
	case res.Method == http.MethodPost && u.Path == "/checkout/confirm":
		return "checkout", http.StatusOK
	case res.Method == http.MethodPost:
		return "webhook", http.StatusOK
	case u.Path == "/cart":
		return "cart view", http.StatusOK
	default:
		return "pages", http.StatusOK
	}
}
