package stripesim

import (
	"slices"
	"strconv"
	"strings"
)

// kind is the type a parameter must have.
type kind int

const (
	kStr  kind = iota // any string
	kInt              // integer
	kBool             // "true" or "false"
	kEnum             // one of spec.enum
	kObj              // hash with the keys in spec.fields
	kHash             // hash of free-form string values (metadata)
	kArr              // array of spec.elem
)

// spec says which parameters an endpoint takes; anything else is rejected
// with parameter_unknown, as Stripe does.
type spec struct {
	kind    kind
	fields  map[string]*spec
	elem    *spec
	enum    []string
	noEmpty bool // "" is refused instead of meaning "unset"
}

func pStr() *spec                        { return &spec{kind: kStr} }
func pReqStr() *spec                     { return &spec{kind: kStr, noEmpty: true} }
func pInt() *spec                        { return &spec{kind: kInt} }
func pBool() *spec                       { return &spec{kind: kBool} }
func pEnum(vals ...string) *spec         { return &spec{kind: kEnum, enum: vals} }
func pObj(fields map[string]*spec) *spec { return &spec{kind: kObj, fields: fields} }
func pHash() *spec                       { return &spec{kind: kHash} }
func pArr(elem *spec) *spec              { return &spec{kind: kArr, elem: elem} }

// with returns a copy of an object spec with more fields.
func (sp *spec) with(fields map[string]*spec) *spec {
	out := &spec{kind: kObj, fields: map[string]*spec{}}
	for k, v := range sp.fields {
		out.fields[k] = v
	}
	for k, v := range fields {
		out.fields[k] = v
	}
	return out
}

// validate checks n against sp; path names n in errors.
func (sp *spec) validate(n *pnode, path []string) *apiError {
	param := formatParam(path)
	switch sp.kind {
	case kObj, kHash, kArr:
		if n.leaf {
			if n.val == "" && !sp.noEmpty {
				return nil // "" unsets a hash or empties an array
			}
			if sp.kind == kArr {
				return invalidRequest("", param, "Invalid array")
			}
			return invalidRequest("", param, "Invalid object")
		}
		for k, kid := range n.kids {
			kp := append(append([]string{}, path...), k)
			var ks *spec
			switch sp.kind {
			case kObj:
				ks = sp.fields[k]
				if ks == nil {
					return unknownParam(formatParam(kp))
				}
			case kHash:
				ks = pStr()
			case kArr:
				if _, err := strconv.Atoi(k); err != nil {
					return invalidRequest("", param, "Invalid array")
				}
				ks = sp.elem
			}
			if err := ks.validate(kid, kp); err != nil {
				return err
			}
		}
		return nil
	}
	if !n.leaf {
		return invalidRequest("", param, "Invalid %s: expected a single value, not a hash", param)
	}
	if n.val == "" {
		if sp.kind == kStr && !sp.noEmpty {
			return nil
		}
		if sp.kind == kEnum && slices.Contains(sp.enum, "") {
			return nil // Stripe's spec lists "" among the values: sending it unsets the field
		}
		return invalidRequest("parameter_invalid_empty", param,
			"You passed an empty string for '%s'. We assume empty values are an attempt to unset a parameter; however '%s' cannot be unset. You should remove '%s' from your request or supply a non-empty value.",
			param, param, param)
	}
	switch sp.kind {
	case kInt:
		if _, err := strconv.ParseInt(n.val, 10, 64); err != nil {
			return invalidRequest("parameter_invalid_integer", param, "Invalid integer: %s", n.val)
		}
	case kBool:
		if n.val != "true" && n.val != "false" {
			return invalidRequest("", param, "Invalid boolean: %s", n.val)
		}
	case kEnum:
		for _, v := range sp.enum {
			if v == n.val {
				return nil
			}
		}
		return invalidRequest("", param, "Invalid %s: must be one of %s", param, oneOf(sp.enum))
	}
	return nil
}

// oneOf lists values as "a, b, or c".
func oneOf(vals []string) string {
	switch len(vals) {
	case 0:
		return ""
	case 1:
		return vals[0]
	}
	return strings.Join(vals[:len(vals)-1], ", ") + ", or " + vals[len(vals)-1]
}

// Shared parameter shapes.

func addressSpec() *spec {
	return pObj(map[string]*spec{
		"city": pStr(), "country": pStr(), "line1": pStr(), "line2": pStr(),
		"postal_code": pStr(), "state": pStr(),
	})
}

func shippingSpec() *spec {
	return pObj(map[string]*spec{
		"address": addressSpec(), "name": pStr(), "phone": pStr(),
		"carrier": pStr(), "tracking_number": pStr(),
	})
}

func billingDetailsSpec() *spec {
	return pObj(map[string]*spec{
		"address": addressSpec(), "email": pStr(), "name": pStr(), "phone": pStr(),
	})
}

func listSpec(fields map[string]*spec) *spec {
	return pObj(map[string]*spec{
		"limit": pInt(), "starting_after": pStr(), "ending_before": pStr(), "expand": pArr(pStr()),
	}).with(fields)
}

func createdFilterSpec() *spec {
	// created=123 or created[gt]=123…; a leaf is validated as an integer below.
	return pObj(map[string]*spec{"gt": pInt(), "gte": pInt(), "lt": pInt(), "lte": pInt()})
}

func expandOnly() *spec { return pObj(map[string]*spec{"expand": pArr(pStr())}) }
