package stripesim

// paginate cuts a newest-first list by limit, starting_after and
// ending_before, as Stripe's list endpoints do.
func paginate[T any](items []*T, idOf func(*T) string, p *pnode, kindName string) ([]*T, bool, error) {
	limit := int64(10)
	if p.has("limit") {
		limit = p.int64At("limit")
		if limit < 1 || limit > 100 {
			return nil, false, invalidRequest("", "limit", "Invalid limit: must be between 1 and 100")
		}
	}
	if after := p.str("starting_after"); after != "" {
		i := indexOf(items, idOf, after)
		if i < 0 {
			return nil, false, notFound(kindName, "starting_after", after)
		}
		items = items[i+1:]
	}
	if before := p.str("ending_before"); before != "" {
		i := indexOf(items, idOf, before)
		if i < 0 {
			return nil, false, notFound(kindName, "ending_before", before)
		}
		items = items[:i]
		if int64(len(items)) > limit {
			return items[int64(len(items))-limit:], true, nil
		}
		return items, false, nil
	}
	if int64(len(items)) > limit {
		return items[:limit], true, nil
	}
	return items, false, nil
}

func indexOf[T any](items []*T, idOf func(*T) string, id string) int {
	for i, it := range items {
		if idOf(it) == id {
			return i
		}
	}
	return -1
}

// createdMatches applies a created[gt|gte|lt|lte] filter.
func createdMatches(p *pnode, created int64) bool {
	f := p.get("created")
	if f == nil || f.leaf {
		return true
	}
	if f.has("gt") && !(created > f.int64At("gt")) {
		return false
	}
	if f.has("gte") && !(created >= f.int64At("gte")) {
		return false
	}
	if f.has("lt") && !(created < f.int64At("lt")) {
		return false
	}
	if f.has("lte") && !(created <= f.int64At("lte")) {
		return false
	}
	return true
}
