package webhooks

import "github.com/prometheus/client_golang/prometheus"

// Metrics counts what happens to webhook events.
type Metrics struct {
	received   *prometheus.CounterVec
	duplicates prometheus.Counter
	rejected   *prometheus.CounterVec
	applied    *prometheus.CounterVec
	failed     prometheus.Counter
	retried    prometheus.Counter
	lag        prometheus.Histogram
}

// NewMetrics registers the webhook metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		received: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storefront_webhook_events_received_total",
			Help: "Verified Stripe events stored in the inbox, by type (duplicates included)."}, []string{"type"}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{Name: "storefront_webhook_events_duplicate_total",
			Help: "Stripe events received again and acknowledged without applying."}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storefront_webhook_events_rejected_total",
			Help: "Stripe events refused before the inbox, by reason (signature, api_version, size)."}, []string{"reason"}),
		applied: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "storefront_webhook_events_applied_total",
			Help: "Inbox events applied, by outcome (applied, ignored)."}, []string{"outcome"}),
		failed: prometheus.NewCounter(prometheus.CounterOpts{Name: "storefront_webhook_events_failed_total",
			Help: "Inbox events given up after the last attempt."}),
		retried: prometheus.NewCounter(prometheus.CounterOpts{Name: "storefront_webhook_events_retried_total",
			Help: "Inbox event attempts that will be retried."}),
		lag: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "storefront_webhook_inbox_lag_seconds",
			Help: "Time from receipt to applied.", Buckets: []float64{.005, .01, .05, .1, .5, 1, 2, 5, 15, 60, 300}}),
	}
	if reg != nil {
		reg.MustRegister(m.received, m.duplicates, m.rejected, m.applied, m.failed, m.retried, m.lag)
	}
	return m
}

// Rejected counts an event refused before verification (e.g. an oversized body).
func (m *Metrics) Rejected(reason string) { m.rejected.WithLabelValues(reason).Inc() }
