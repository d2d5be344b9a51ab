package stripesim

import "github.com/stripe/stripe-go/v82"

// webhookEndpoint is Stripe's webhook_endpoint object.
type webhookEndpoint struct {
	ID            string            `json:"id"`
	Object        string            `json:"object"`
	APIVersion    *string           `json:"api_version"`
	Application   *string           `json:"application"`
	Created       int64             `json:"created"`
	Description   *string           `json:"description"`
	EnabledEvents []string          `json:"enabled_events"`
	Livemode      bool              `json:"livemode"`
	Metadata      map[string]string `json:"metadata"`
	Secret        string            `json:"secret,omitempty"`
	Status        string            `json:"status"`
	URL           string            `json:"url"`
}

func webhookEndpointSpec() *spec {
	return pObj(map[string]*spec{
		"url": pStr(), "enabled_events": pArr(pStr()), "description": pStr(), "metadata": pHash(),
		"api_version": pStr(), "connect": pBool(), "expand": pArr(pStr()),
	})
}

// listWebhookEndpoints serves GET /v1/webhook_endpoints: the configured
// WebhookURL first, then any created over the API.
func (s *Sim) listWebhookEndpoints(c *call) (any, error) {
	out := listObject{Object: "list", Data: []any{}, URL: "/v1/webhook_endpoints"}
	if u := s.hooks.url(); u != "" {
		v := stripe.APIVersion
		out.Data = append(out.Data, &webhookEndpoint{
			ID: "we_simulator", Object: "webhook_endpoint", APIVersion: &v, EnabledEvents: handledEvents(),
			Metadata: map[string]string{}, Status: "enabled", URL: u, Description: nstr("Storefront simulator endpoint"),
		})
	}
	for _, we := range s.st.webhookEndpoints.newestFirst() {
		cp := *we
		cp.Secret = ""
		out.Data = append(out.Data, &cp)
	}
	return out, nil
}

// createWebhookEndpoint serves POST /v1/webhook_endpoints; events are then
// also delivered there, signed with the simulator's webhook secret.
func (s *Sim) createWebhookEndpoint(c *call) (any, error) {
	p := c.p
	if p.str("url") == "" {
		return nil, missingParam("url")
	}
	events := p.list("enabled_events")
	if len(events) == 0 {
		return nil, missingParam("enabled_events")
	}
	we := &webhookEndpoint{
		ID: newID("we"), Object: "webhook_endpoint", APIVersion: nstr(p.str("api_version")), Created: s.now().Unix(),
		Description: nstr(p.str("description")), EnabledEvents: events, Metadata: mergeMetadata(nil, p.get("metadata")),
		Secret: s.cfg.WebhookSecret, Status: "enabled", URL: p.str("url"),
	}
	s.st.webhookEndpoints.put(we.ID, we)
	return we, nil
}
