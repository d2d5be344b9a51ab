package stripesim

import (
	"encoding/json"
	"strings"

	"github.com/stripe/stripe-go/v82"
)

// event is Stripe's event object; data.object is a snapshot taken when the
// event happened.
type event struct {
	ID              string       `json:"id"`
	Object          string       `json:"object"`
	APIVersion      string       `json:"api_version"`
	Created         int64        `json:"created"`
	Data            eventData    `json:"data"`
	Livemode        bool         `json:"livemode"`
	PendingWebhooks int64        `json:"pending_webhooks"`
	Request         eventRequest `json:"request"`
	Type            string       `json:"type"`
}

type eventData struct {
	Object json.RawMessage `json:"object"`
}

type eventRequest struct {
	ID             *string `json:"id"`
	IdempotencyKey *string `json:"idempotency_key"`
}

// handledEvents are the events the storefront listens to; the configured
// webhook endpoint is enabled for exactly these.
func handledEvents() []string {
	return []string{
		"payment_intent.succeeded", "payment_intent.processing", "payment_intent.requires_action",
		"payment_intent.payment_failed", "payment_intent.canceled", "charge.refunded",
		"charge.dispute.created", "charge.dispute.closed",
		"refund.created", "refund.updated", "refund.failed", "charge.refund.updated",
	}
}

// emit records an event about obj and queues its delivery. c is the API
// call that caused it, nil for changes made by the simulator itself.
// The caller holds s.mu.
func (s *Sim) emit(c *call, typ string, obj any) {
	snap, err := json.Marshal(obj)
	if err != nil {
		s.log.Error("stripe simulator could not encode event object", "type", typ, "err", err)
		return
	}
	// An event keeps the API version it was created with (the account's
	// at that time), however it is fetched later.
	version := s.currentFaults().EventAPIVersion
	if version == "" {
		version = stripe.APIVersion
	}
	ev := &event{
		ID: newID("evt"), Object: "event", APIVersion: version, Created: s.now().Unix(),
		Data: eventData{Object: snap}, Type: typ,
	}
	if c != nil {
		ev.Request.ID = nstr(c.reqID)
		ev.Request.IdempotencyKey = nstr(c.idemKey)
	}
	urls := s.endpointURLsFor(typ)
	ev.PendingWebhooks = int64(len(urls))
	payload, err := json.MarshalIndent(ev, "", "  ")
	if err != nil {
		s.log.Error("stripe simulator could not encode event", "type", typ, "err", err)
		return
	}
	s.st.events.put(ev.ID, ev)
	if pi, ok := obj.(*paymentIntent); ok {
		s.indexPI(s.st.paymentIntents.get(pi.ID))
	}
	for _, u := range urls {
		s.hooks.enqueue(ev.ID, typ, u, payload)
	}
}

// endpointURLsFor lists the endpoints enabled for an event type.
func (s *Sim) endpointURLsFor(typ string) []string {
	var urls []string
	if u := s.hooks.url(); u != "" && eventEnabled(handledEvents(), typ) {
		urls = append(urls, u)
	}
	for _, we := range s.st.webhookEndpoints.newestFirst() {
		if we.Status == "enabled" && eventEnabled(we.EnabledEvents, typ) {
			urls = append(urls, we.URL)
		}
	}
	return urls
}

// eventEnabled matches a type against enabled_events ("*" and "charge.*" too).
func eventEnabled(enabled []string, typ string) bool {
	for _, e := range enabled {
		if e == "*" || e == typ || (strings.HasSuffix(e, ".*") && strings.HasPrefix(typ, strings.TrimSuffix(e, "*"))) {
			return true
		}
	}
	return false
}

// retrieveEvent serves GET /v1/events/:id.
func (s *Sim) retrieveEvent(c *call) (any, error) {
	ev := s.st.events.get(c.args[0])
	if ev == nil {
		return nil, notFound("event", "id", c.args[0])
	}
	return ev, nil
}

// listEvents serves GET /v1/events (type, types[], created, pagination).
func (s *Sim) listEvents(c *call) (any, error) {
	var filter []string
	if t := c.p.str("type"); t != "" {
		filter = append(filter, t)
	}
	filter = append(filter, c.p.list("types")...)
	var items []*event
	for _, ev := range s.st.events.newestFirst() {
		if len(filter) > 0 && !eventEnabled(filter, ev.Type) {
			continue
		}
		if !createdMatches(c.p, ev.Created) {
			continue
		}
		items = append(items, ev)
	}
	page, more, err := paginate(items, func(e *event) string { return e.ID }, c.p, "event")
	if err != nil {
		return nil, err
	}
	out := listObject{Object: "list", Data: []any{}, HasMore: more, URL: "/v1/events"}
	for _, ev := range page {
		out.Data = append(out.Data, ev)
	}
	return out, nil
}
