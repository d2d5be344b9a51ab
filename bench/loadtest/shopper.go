package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// A shopper is prepared before a timed run with a plain HTTP client, the way a browser gets there: the catalog
// (CSRF cookie and token), one product added to the cart (session cookie). The run then replays requests with
// the shopper's cookies and token; vegeta sends them and times them.
type shopper struct {
	ip     string // X-Forwarded-For: each shopper is a client of its own behind the trusted proxy (loopback)
	cookie string // Cookie header: sf_csrf and sf_session
	csrf   string
	token  string // a ConfirmationToken for 4242 4242 4242 4242, made at the simulator like Stripe.js does
}

var (
	csrfMeta      = regexp.MustCompile(`<meta name="csrf-token" content="([^"]*)"`)
	productIDForm = regexp.MustCompile(`name="product_id" value="([0-9A-Z]{26})"`)
)

// productIDs reads the ids of the products on the catalog.
func productIDs(base string) ([]string, error) {
	body, _, err := get(http.DefaultClient, base+"/")
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, m := range productIDForm.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("no products on %s/", base)
	}
	return ids, nil
}

// prepareShoppers makes n shoppers with a product in the cart; with simBase set each also gets a
// ConfirmationToken from the simulator at simBase (the child's own /__stripe or an outside one).
func prepareShoppers(ctx context.Context, base, simBase string, products []string, n int) ([]shopper, error) {
	out := make([]shopper, n)
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i := range n {
		g.Go(func() error {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			s, err := newShopper(base, shopperIP(i), products[i%len(products)])
			if err != nil {
				return err
			}
			if simBase != "" {
				if s.token, err = confirmationToken(simBase, base); err != nil {
					return err
				}
			}
			out[i] = s
			return nil
		})
	}
	return out, g.Wait()
}

func newShopper(base, ip, productID string) (shopper, error) {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: forwardedFor{ip},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	body, _, err := get(client, base+"/")
	if err != nil {
		return shopper{}, err
	}
	m := csrfMeta.FindStringSubmatch(body)
	if m == nil {
		return shopper{}, fmt.Errorf("no CSRF token on %s/", base)
	}
	s := shopper{ip: ip, csrf: m[1]}
	form := url.Values{"csrf_token": {s.csrf}, "product_id": {productID}, "quantity": {"1"}}
	res, err := client.PostForm(base+"/cart/items", form)
	if err != nil {
		return s, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return s, fmt.Errorf("add to cart: status %d", res.StatusCode)
	}
	u, _ := url.Parse(base)
	var parts []string
	for _, c := range jar.Cookies(u) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	s.cookie = strings.Join(parts, "; ")
	return s, nil
}

// shopperIP is the made-up address of shopper i (10.0.0.0/8). The shop limits payments per client address (card
// testing), and every shopper of the run comes from the load generator's one loopback address: the children
// trust loopback as a proxy (TRUSTED_PROXIES), as a shop behind a load balancer does, and each shopper sends
// its own X-Forwarded-For.
func shopperIP(i int) string {
	return fmt.Sprintf("10.%d.%d.%d", (i>>16)&255, (i>>8)&255, i&255)
}

// forwardedFor adds the shopper's X-Forwarded-For to every request of the preparing client.
type forwardedFor struct{ ip string }

func (f forwardedFor) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", f.ip)
	return http.DefaultTransport.RoundTrip(r)
}

// confirmationToken makes a ConfirmationToken for Stripe's succeeding test card with the publishable key, as the
// stand-in Stripe.js does in the browser (card data goes to the simulator, never to the shop).
func confirmationToken(simBase, shopBase string) (string, error) {
	form := url.Values{
		"payment_method_data[type]":                                  {"card"},
		"payment_method_data[card][number]":                          {"4242424242424242"},
		"payment_method_data[card][exp_month]":                       {"12"},
		"payment_method_data[card][exp_year]":                        {"2031"},
		"payment_method_data[card][cvc]":                             {"123"},
		"payment_method_data[billing_details][address][postal_code]": {"94111"},
		"return_url": {shopBase + "/checkout/complete"},
	}
	req, _ := http.NewRequest(http.MethodPost, simBase+"/v1/confirmation_tokens", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer pk_test_simulator")
	res, err := simClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var tok struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || res.StatusCode != http.StatusOK || tok.ID == "" {
		return "", fmt.Errorf("confirmation token: status %d (%v)", res.StatusCode, err)
	}
	return tok.ID, nil
}

var simClient = &http.Client{Timeout: 30 * time.Second}

// confirmBody is what checkout.js posts to /checkout/confirm.
func confirmBody(token string) []byte {
	b, _ := json.Marshal(map[string]any{
		"confirmation_token_id": token,
		"email":                 "jenny.rosen@example.com",
		"shipping": map[string]any{"name": "Jenny Rosen", "address": map[string]any{
			"line1": "1234 Main Street", "city": "San Francisco", "state": "CA", "postal_code": "94111", "country": "US"}},
	})
	return b
}

// confirmHeader is the header of a confirm from checkout.js: JSON, the CSRF token, the shopper's cookies.
func confirmHeader(s shopper) http.Header {
	return http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"},
		"X-Csrf-Token": {s.csrf}, "Cookie": {s.cookie}, "X-Forwarded-For": {s.ip}}
}

// shopperQueue hands each prepared shopper out once, safely from vegeta's workers.
type shopperQueue struct {
	mu   sync.Mutex
	list []shopper
}

func (q *shopperQueue) next() (shopper, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.list) == 0 {
		return shopper{}, false
	}
	s := q.list[0]
	q.list = q.list[1:]
	return s, true
}

func get(client *http.Client, u string) (string, int, error) {
	res, err := client.Get(u)
	if err != nil {
		return "", 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: status %d", u, res.StatusCode)
	}
	return string(b), res.StatusCode, err
}
