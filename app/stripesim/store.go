package stripesim

// table holds objects by ID and remembers the order they were created in.
type table[T any] struct {
	byID  map[string]*T
	order []string
}

func newTable[T any]() *table[T] { return &table[T]{byID: map[string]*T{}} }

func (t *table[T]) put(id string, v *T) {
	if _, ok := t.byID[id]; !ok {
		t.order = append(t.order, id)
	}
	t.byID[id] = v
}

func (t *table[T]) get(id string) *T { return t.byID[id] }

// newestFirst returns every object, most recently created first.
func (t *table[T]) newestFirst() []*T {
	out := make([]*T, 0, len(t.order))
	for i := len(t.order) - 1; i >= 0; i-- {
		out = append(out, t.byID[t.order[i]])
	}
	return out
}

// store is the whole simulated account. Sim.mu guards it.
type store struct {
	paymentIntents   *table[paymentIntent]
	charges          *table[charge]
	paymentMethods   *table[paymentMethod]
	customers        *table[customer]
	tokens           *table[confirmationToken]
	sessions         *table[customerSession] // by client secret
	refunds          *table[refund]
	disputes         *table[dispute]
	events           *table[event]
	webhookEndpoints *table[webhookEndpoint]
}

func newStore() *store {
	return &store{
		paymentIntents:   newTable[paymentIntent](),
		charges:          newTable[charge](),
		paymentMethods:   newTable[paymentMethod](),
		customers:        newTable[customer](),
		tokens:           newTable[confirmationToken](),
		sessions:         newTable[customerSession](),
		refunds:          newTable[refund](),
		disputes:         newTable[dispute](),
		events:           newTable[event](),
		webhookEndpoints: newTable[webhookEndpoint](),
	}
}
