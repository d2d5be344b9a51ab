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
	now    func() time.Time
}

func (c *stripeClock) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := c.next.RoundTrip(r)
	if err == nil {
		if at, perr := http.ParseTime(res.Header.Get("Date")); perr == nil {
			// Date has whole seconds (Stripe's time is somewhere in the second after it): an offset under two
			// seconds is within that error and taken as none, so that clocks kept by NTP are not made worse.
			off := at.Add(500 * time.Millisecond).Sub(c.now())
			if off > -2*time.Second && off < 2*time.Second {
				off = 0
			}
			c.offset.Store(int64(off))
		}
	}
	return res, err
}

// Now is Stripe's time as last seen (the shop's own clock until Stripe has answered once).
func (c *stripeClock) Now() time.Time {
	return c.now().Add(time.Duration(c.offset.Load()))
}
