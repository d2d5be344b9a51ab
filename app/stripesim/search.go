package stripesim

import (
	"maps"
	"strconv"
	"strings"
	"time"
)

// piSnapshot is a PaymentIntent as written at one time; search finds a
// write only once the search lag has passed since it was made.
type piSnapshot struct {
	at time.Time
	pi paymentIntent
}

// indexPI records pi's current state for search. The caller holds s.mu.
func (s *Sim) indexPI(pi *paymentIntent) {
	if pi == nil {
		return
	}
	snap := *pi
	snap.searchIndex = nil
	snap.Metadata = maps.Clone(pi.Metadata)
	pi.searchIndex = append(pi.searchIndex, piSnapshot{at: s.now(), pi: snap})
	if len(pi.searchIndex) > 16 { // keep the history short; old writes are long visible
		pi.searchIndex = pi.searchIndex[len(pi.searchIndex)-16:]
	}
}

// searchable is the newest write of pi that search can see at now, or nil.
func searchable(pi *paymentIntent, now time.Time, lag time.Duration) *paymentIntent {
	for i := len(pi.searchIndex) - 1; i >= 0; i-- {
		if !pi.searchIndex[i].at.After(now.Add(-lag)) {
			return &pi.searchIndex[i].pi
		}
	}
	return nil
}

// searchResult is Stripe's search envelope.
type searchResult struct {
	Object   string  `json:"object"`
	Data     []any   `json:"data"`
	HasMore  bool    `json:"has_more"`
	NextPage *string `json:"next_page"`
	URL      string  `json:"url"`
}

// clause is one term of a search query: field, operator, value.
type clause struct {
	negate bool
	field  string // "status", "metadata" …
	key    string // the metadata key
	op     string // ":", ">", "<", ">=", "<="
	value  string
}

func searchSpec() *spec {
	return pObj(map[string]*spec{"query": pStr(), "limit": pInt(), "page": pStr(), "expand": pArr(pStr())})
}

// parseQuery reads Stripe's search query language: clauses like
// status:'succeeded' or metadata['order_id']:'42' joined by AND or OR.
func parseQuery(q string) ([]clause, bool, error) {
	var out []clause
	or := false
	rest := strings.TrimSpace(q)
	bad := func() ([]clause, bool, error) {
		return nil, false, invalidRequest("", "query", "We were unable to parse your search query. Try using the format `metadata[\"key\"]:\"value\"` to query for metadata or `key:\"value\"` to query for other fields.")
	}
	for rest != "" {
		var cl clause
		if strings.HasPrefix(rest, "-") {
			cl.negate, rest = true, rest[1:]
		}
		i := strings.IndexAny(rest, ":<>[")
		if i <= 0 {
			return bad()
		}
		cl.field, rest = rest[:i], rest[i:]
		if strings.HasPrefix(rest, "[") {
			j := strings.IndexByte(rest, ']')
			if j < 0 {
				return bad()
			}
			cl.key = strings.Trim(rest[1:j], `'"`)
			rest = rest[j+1:]
		}
		for _, op := range []string{">=", "<=", ":", ">", "<"} {
			if strings.HasPrefix(rest, op) {
				cl.op, rest = op, rest[len(op):]
				break
			}
		}
		if cl.op == "" {
			return bad()
		}
		if rest != "" && (rest[0] == '\'' || rest[0] == '"') {
			j := strings.IndexByte(rest[1:], rest[0])
			if j < 0 {
				return bad()
			}
			cl.value, rest = rest[1:j+1], rest[j+2:]
		} else {
			j := strings.IndexByte(rest, ' ')
			if j < 0 {
				j = len(rest)
			}
			cl.value, rest = rest[:j], rest[j:]
		}
		out = append(out, cl)
		rest = strings.TrimSpace(rest)
		switch {
		case strings.HasPrefix(rest, "AND "):
			rest = strings.TrimSpace(rest[4:])
		case strings.HasPrefix(rest, "OR "):
			or, rest = true, strings.TrimSpace(rest[3:])
		case rest != "":
			return bad()
		}
	}
	if len(out) == 0 {
		return bad()
	}
	return out, or, nil
}

// piField is the value a clause compares for a PaymentIntent.
func piField(pi *paymentIntent, cl clause) (string, bool) {
	switch cl.field {
	case "metadata":
		v, ok := pi.Metadata[cl.key]
		return v, ok
	case "status":
		return pi.Status, true
	case "customer":
		return pi.customerID, true
	case "currency":
		return pi.Currency, true
	case "amount":
		return strconv.FormatInt(pi.Amount, 10), true
	case "created":
		return strconv.FormatInt(pi.Created, 10), true
	}
	return "", false
}

// matches applies one clause to a PaymentIntent.
func (cl clause) matches(pi *paymentIntent) bool {
	v, ok := piField(pi, cl)
	var hit bool
	switch cl.op {
	case ":":
		hit = ok && v == cl.value
	default:
		a, err1 := strconv.ParseInt(v, 10, 64)
		b, err2 := strconv.ParseInt(cl.value, 10, 64)
		if ok && err1 == nil && err2 == nil {
			hit = map[string]bool{">": a > b, "<": a < b, ">=": a >= b, "<=": a <= b}[cl.op]
		}
	}
	return hit != cl.negate
}

// searchPaymentIntents serves GET /v1/payment_intents/search.
func (s *Sim) searchPaymentIntents(c *call) (any, error) {
	q := c.p.str("query")
	if q == "" {
		return nil, missingParam("query")
	}
	clauses, or, err := parseQuery(q)
	if err != nil {
		return nil, err
	}
	for _, cl := range clauses {
		if _, ok := piField(&paymentIntent{Metadata: map[string]string{}}, cl); !ok && cl.field != "metadata" {
			return nil, invalidRequest("", "query", "Field `%s` is an unsupported search field for resource `payment_intents`.", cl.field)
		}
	}
	var hits []*paymentIntent
	now, lag := s.now(), s.currentFaults().searchLag()
	for _, pi := range s.st.paymentIntents.newestFirst() {
		// Like Stripe's index, search sees writes only after a lag.
		seen := searchable(pi, now, lag)
		if seen == nil {
			continue
		}
		all, some := true, false
		for _, cl := range clauses {
			m := cl.matches(seen)
			all, some = all && m, some || m
		}
		if (or && some) || (!or && all) {
			hits = append(hits, pi)
		}
	}
	limit := int64(10)
	if c.p.has("limit") {
		limit = c.p.int64At("limit")
		if limit < 1 || limit > 100 {
			return nil, invalidRequest("", "limit", "Invalid limit: must be between 1 and 100")
		}
	}
	offset := 0
	if page := c.p.str("page"); page != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(page, "page_"))
		if err != nil || n < 0 || n > len(hits) {
			return nil, invalidRequest("", "page", "Invalid page: %s", page)
		}
		offset = n
	}
	hits = hits[offset:]
	out := searchResult{Object: "search_result", Data: []any{}, URL: "/v1/payment_intents/search"}
	if int64(len(hits)) > limit {
		hits = hits[:limit]
		out.HasMore = true
		out.NextPage = nstr("page_" + strconv.Itoa(offset+int(limit)))
	}
	exp := dataExpand(c.expand)
	for _, pi := range hits {
		out.Data = append(out.Data, s.renderPI(pi, exp))
	}
	return out, nil
}
