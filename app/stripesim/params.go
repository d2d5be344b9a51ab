package stripesim

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// pnode is one node of a form decoded the way Stripe reads it:
// "shipping[address][city]=X" and "expand[0]=Y" become nested nodes.
type pnode struct {
	leaf bool
	val  string
	kids map[string]*pnode
}

// parseForm decodes url-encoded values into a tree.
func parseForm(vals url.Values) *pnode {
	root := &pnode{kids: map[string]*pnode{}}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range vals[k] {
			root.set(splitKey(k), v)
		}
	}
	return root
}

// splitKey turns "a[b][0]" into ["a","b","0"]; "a[]" ends with "".
func splitKey(k string) []string {
	i := strings.IndexByte(k, '[')
	if i < 0 {
		return []string{k}
	}
	parts := []string{k[:i]}
	rest := k[i:]
	for strings.HasPrefix(rest, "[") {
		j := strings.IndexByte(rest, ']')
		if j < 0 {
			break
		}
		parts = append(parts, rest[1:j])
		rest = rest[j+1:]
	}
	return parts
}

func (n *pnode) set(parts []string, v string) {
	cur := n
	for i, p := range parts {
		if cur.kids == nil {
			cur.kids = map[string]*pnode{}
		}
		if p == "" { // "a[]" appends
			p = strconv.Itoa(len(cur.kids))
		}
		next, ok := cur.kids[p]
		if !ok {
			next = &pnode{}
			cur.kids[p] = next
		}
		if i == len(parts)-1 {
			next.leaf, next.val = true, v
		}
		cur = next
	}
}

// get walks a path; nil when absent.
func (n *pnode) get(path ...string) *pnode {
	cur := n
	for _, p := range path {
		if cur == nil || cur.kids == nil {
			return nil
		}
		cur = cur.kids[p]
	}
	return cur
}

// has reports whether the path was sent at all.
func (n *pnode) has(path ...string) bool { return n.get(path...) != nil }

// str is the string at path, "" when absent.
func (n *pnode) str(path ...string) string {
	if c := n.get(path...); c != nil && c.leaf {
		return c.val
	}
	return ""
}

// int64At is the integer at path (already validated by the spec).
func (n *pnode) int64At(path ...string) int64 {
	v, _ := strconv.ParseInt(n.str(path...), 10, 64)
	return v
}

// boolAt is the boolean at path (already validated by the spec).
func (n *pnode) boolAt(path ...string) bool { return n.str(path...) == "true" }

// list is the values of an array param in index order.
func (n *pnode) list(path ...string) []string {
	c := n.get(path...)
	if c == nil {
		return nil
	}
	if c.leaf {
		if c.val == "" {
			return []string{}
		}
		return []string{c.val}
	}
	idx := make([]int, 0, len(c.kids))
	for k := range c.kids {
		i, _ := strconv.Atoi(k)
		idx = append(idx, i)
	}
	sort.Ints(idx)
	out := make([]string, 0, len(idx))
	for _, i := range idx {
		if k := c.kids[strconv.Itoa(i)]; k != nil && k.leaf {
			out = append(out, k.val)
		}
	}
	return out
}

// strMap is a metadata-style hash; nil when absent.
func (n *pnode) strMap(path ...string) map[string]string {
	c := n.get(path...)
	if c == nil {
		return nil
	}
	out := map[string]string{}
	for k, v := range c.kids {
		out[k] = v.val
	}
	return out
}

// expandSet is the expand[] param as a set.
func (n *pnode) expandSet() map[string]bool {
	out := map[string]bool{}
	for _, e := range n.list("expand") {
		out[e] = true
	}
	return out
}

// canonical is the form flattened in a stable order, for idempotency.
func (n *pnode) canonical() string {
	var b strings.Builder
	var walk func(prefix string, c *pnode)
	walk = func(prefix string, c *pnode) {
		if c.leaf {
			b.WriteString(prefix + "=" + c.val + "&")
		}
		keys := make([]string, 0, len(c.kids))
		for k := range c.kids {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if prefix != "" {
				p = prefix + "[" + k + "]"
			}
			walk(p, c.kids[k])
		}
	}
	walk("", n)
	return b.String()
}

// formatParam writes a path the way Stripe names params in errors.
func formatParam(path []string) string {
	if len(path) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(path[0])
	for _, p := range path[1:] {
		b.WriteString("[" + p + "]")
	}
	return b.String()
}
