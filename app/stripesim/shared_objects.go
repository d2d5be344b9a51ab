package stripesim

// address is Stripe's address hash; unset fields are null.
type address struct {
	City       *string `json:"city"`
	Country    *string `json:"country"`
	Line1      *string `json:"line1"`
	Line2      *string `json:"line2"`
	PostalCode *string `json:"postal_code"`
	State      *string `json:"state"`
}

// shipping is the shipping hash of PaymentIntents, Charges and ConfirmationTokens.
type shipping struct {
	Address        *address `json:"address"`
	Carrier        *string  `json:"carrier,omitempty"`
	Name           *string  `json:"name"`
	Phone          *string  `json:"phone"`
	TrackingNumber *string  `json:"tracking_number,omitempty"`
}

// billingDetails is a PaymentMethod's or Charge's billing_details hash.
type billingDetails struct {
	Address *address `json:"address"`
	Email   *string  `json:"email"`
	Name    *string  `json:"name"`
	Phone   *string  `json:"phone"`
	TaxID   *string  `json:"tax_id"`
}

// listObject is Stripe's list envelope.
type listObject struct {
	Object  string `json:"object"`
	Data    []any  `json:"data"`
	HasMore bool   `json:"has_more"`
	URL     string `json:"url"`
}

// nstr is a nullable string: nil when empty.
func nstr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// deref is the value of a nullable string, "" for null.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// addressFrom reads an address param; a missing one is all nulls.
func addressFrom(n *pnode) *address {
	if n == nil {
		return &address{}
	}
	return &address{
		City: nstr(n.str("city")), Country: nstr(n.str("country")), Line1: nstr(n.str("line1")),
		Line2: nstr(n.str("line2")), PostalCode: nstr(n.str("postal_code")), State: nstr(n.str("state")),
	}
}

// shippingFrom reads a shipping param; nil when absent or "" (unset).
func shippingFrom(n *pnode) *shipping {
	if n == nil || n.leaf {
		return nil
	}
	return &shipping{
		Address: addressFrom(n.get("address")), Name: nstr(n.str("name")), Phone: nstr(n.str("phone")),
		Carrier: nstr(n.str("carrier")), TrackingNumber: nstr(n.str("tracking_number")),
	}
}

// billingFrom reads a billing_details param.
func billingFrom(n *pnode) billingDetails {
	if n == nil || n.leaf {
		return billingDetails{Address: &address{}}
	}
	return billingDetails{
		Address: addressFrom(n.get("address")), Email: nstr(n.str("email")),
		Name: nstr(n.str("name")), Phone: nstr(n.str("phone")),
	}
}

// mergeMetadata applies a metadata param: "" values delete keys, and
// metadata="" clears everything.
func mergeMetadata(cur map[string]string, n *pnode) map[string]string {
	if cur == nil {
		cur = map[string]string{}
	}
	if n == nil {
		return cur
	}
	if n.leaf {
		return map[string]string{}
	}
	for k, v := range n.kids {
		if v.val == "" {
			delete(cur, k)
		} else {
			cur[k] = v.val
		}
	}
	return cur
}

// copyMap copies a metadata map.
func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
