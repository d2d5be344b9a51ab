package payments

import (
	"net/http"
	"sync/atomic"
	"time"
)

// stripeClock learns Stripe's clock from the Date header of its answers, so that a PaymentIntent read from the
// API can be ordered against Stripe's events by Stripe's time, never by the shop's clock against Stripe's.
type stripeClock struct {
	next   http.RoundTripper
	offset atomic.Int64 // Stripe's clock minus ours, in nanoseconds, from the latest answer
	known  atomic.Bool
	now    func() time.Time
}

func (c *stripeClock) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := c.next.RoundTrip(r)
	if err == nil {
		if at, perr := http.ParseTime(res.Header.Get("Date")); perr == nil {
			// Date has whole seconds: keep the offset whole seconds too, so it does not jitter.
			c.offset.Store(int64(at.Sub(c.now()).Round(time.Second)))
			c.known.Store(true)
		}
	}
	return res, err
}

// Now is Stripe's time as last seen (the shop's own clock until Stripe has answered once).
func (c *stripeClock) Now() time.Time {
	return c.now().Add(time.Duration(c.offset.Load()))
}
