package policy

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/polity-id/polity/vc"
)

// Op is a constraint operator.
type Op string

// Constraint operators.
const (
	OpEquals Op = "equals" // the claim equals Value (a string, number or boolean)
	OpIn     Op = "in"     // the claim equals one of Value (an array of strings, numbers or booleans)
	OpExists Op = "exists" // the claim is present and not null; Value must be absent
	OpBefore Op = "before" // the claim is a dateTimeStamp before Value (a dateTimeStamp or "now")
	OpAfter  Op = "after"  // the claim is a dateTimeStamp after Value (a dateTimeStamp or "now")
	OpMin    Op = "min"    // the claim is a number >= Value
	OpMax    Op = "max"    // the claim is a number <= Value
)

// Constraint is a rule on one claim of the credential's JSON.
//
// Path is a dot-separated member path from the top of the credential, such as
// "credentialSubject.role" or "issuer.id". An issuer, holder or subject given as a
// plain string is read as an object with that id. Arrays along the path are
// searched element by element, and the constraint holds when any value found
// satisfies it (a credential with two subjects passes when one of them does).
// A path that finds no value fails with MISSING_CLAIM; values that all fail the
// operator give CLAIM_MISMATCH.
type Constraint struct {
	Path  string
	Op    Op
	Value any // a string, json.Number, bool or []any of them, by Op

	segs  []string
	bound time.Time // before/after; zero with now = true means "now"
	now   bool
	num   *big.Rat // min/max
}

type constraintJSON struct {
	Path  string `json:"path"`
	Op    Op     `json:"op"`
	Value any    `json:"value,omitempty"`
}

// MarshalJSON encodes c as {"path","op","value"}.
func (c Constraint) MarshalJSON() ([]byte, error) {
	return json.Marshal(constraintJSON{Path: c.Path, Op: c.Op, Value: c.Value})
}

// UnmarshalJSON decodes c; numbers become json.Number. The constraint is checked
// by [Policy.Validate].
func (c *Constraint) UnmarshalJSON(data []byte) error {
	var j struct {
		Path  string          `json:"path"`
		Op    Op              `json:"op"`
		Value json.RawMessage `json:"value"`
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return &FieldError{Field: "constraints", Reason: describeDecodeError(err)}
	}
	*c = Constraint{Path: j.Path, Op: j.Op}
	if len(j.Value) > 0 && string(j.Value) != "null" {
		d := json.NewDecoder(strings.NewReader(string(j.Value)))
		d.UseNumber()
		if err := d.Decode(&c.Value); err != nil {
			return &FieldError{Field: "constraints.value", Reason: "wrong JSON structure"}
		}
	}
	return nil
}

// validate checks the constraint and prepares it for evaluation.
func (c *Constraint) validate(field string) error {
	segs, err := splitPath(c.Path)
	if err != nil {
		return fieldErr(field+".path", "%v", err)
	}
	c.segs = segs
	switch c.Op {
	case OpEquals:
		if !isScalar(c.Value) {
			return fieldErr(field+".value", "equals needs a string, number or boolean")
		}
	case OpIn:
		list, ok := c.Value.([]any)
		if !ok || len(list) == 0 || len(list) > MaxInValues {
			return fieldErr(field+".value", "in needs an array of 1 to %d values", MaxInValues)
		}
		for _, v := range list {
			if !isScalar(v) {
				return fieldErr(field+".value", "in needs strings, numbers or booleans")
			}
		}
	case OpExists:
		if c.Value != nil {
			return fieldErr(field+".value", "exists takes no value")
		}
	case OpBefore, OpAfter:
		s, ok := c.Value.(string)
		if !ok {
			return fieldErr(field+".value", "%s needs a dateTimeStamp or \"now\"", c.Op)
		}
		if s == "now" {
			c.now = true
			break
		}
		t, err := vc.ParseDateTime(s)
		if err != nil {
			return fieldErr(field+".value", "%s needs a dateTimeStamp or \"now\"", c.Op)
		}
		c.bound = t
	case OpMin, OpMax:
		n, ok := c.Value.(json.Number)
		if !ok {
			return fieldErr(field+".value", "%s needs a number", c.Op)
		}
		r, ok := parseNumber(n)
		if !ok {
			return fieldErr(field+".value", "%s needs a number", c.Op)
		}
		c.num = r
	case "":
		return fieldErr(field+".op", "missing")
	default:
		return fieldErr(field+".op", "unknown operator (want equals, in, exists, before, after, min or max)")
	}
	return nil
}

func isScalar(v any) bool {
	switch v := v.(type) {
	case string, bool:
		return true
	case json.Number:
		_, ok := parseNumber(v)
		return ok
	}
	return false
}

// parseNumber reads a JSON number exactly; very long numbers are refused.
func parseNumber(n json.Number) (*big.Rat, bool) {
	if len(n) == 0 || len(n) > 64 {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(string(n))
	return r, ok
}

// splitPath checks a claim path and returns its segments.
func splitPath(p string) ([]string, error) {
	if p == "" {
		return nil, fmt.Errorf("empty path")
	}
	segs := strings.Split(p, ".")
	if len(segs) > MaxPathSegments {
		return nil, fmt.Errorf("more than %d segments", MaxPathSegments)
	}
	for _, s := range segs {
		if s == "" {
			return nil, fmt.Errorf("empty segment")
		}
		for _, r := range s {
			if r < 0x20 || r == 0x7f || r == '[' || r == ']' {
				return nil, fmt.Errorf("segment with a control character or bracket")
			}
		}
	}
	return segs, nil
}

// lookup returns every non-null value at segs in doc, searching arrays.
func lookup(doc any, segs []string) []any {
	cur := []any{doc}
	for i, seg := range segs {
		var next []any
		for _, v := range flatten(cur) {
			switch m := v.(type) {
			case map[string]any:
				if x, ok := m[seg]; ok && x != nil {
					next = append(next, x)
				}
			case string:
				// An issuer, holder or subject given as a URL string stands for {"id": it}.
				if seg == "id" && i > 0 {
					next = append(next, m)
				}
			}
		}
		cur = next
		if len(cur) == 0 {
			return nil
		}
	}
	return flatten(cur)
}

func flatten(vs []any) []any {
	var out []any
	for _, v := range vs {
		if a, ok := v.([]any); ok {
			for _, x := range a {
				if x != nil {
					out = append(out, x)
				}
			}
		} else if v != nil {
			out = append(out, v)
		}
	}
	return out
}

// holds reports whether v satisfies c at now.
func (c *Constraint) holds(v any, now time.Time) bool {
	switch c.Op {
	case OpExists:
		return true
	case OpEquals:
		return scalarEqual(v, c.Value)
	case OpIn:
		for _, w := range c.Value.([]any) {
			if scalarEqual(v, w) {
				return true
			}
		}
		return false
	case OpBefore, OpAfter:
		s, ok := v.(string)
		if !ok {
			return false
		}
		t, err := vc.ParseDateTime(s)
		if err != nil {
			return false
		}
		bound := c.bound
		if c.now {
			bound = now
		}
		if c.Op == OpBefore {
			return t.Before(bound)
		}
		return t.After(bound)
	case OpMin, OpMax:
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		r, ok := parseNumber(n)
		if !ok {
			return false
		}
		if c.Op == OpMin {
			return r.Cmp(c.num) >= 0
		}
		return r.Cmp(c.num) <= 0
	}
	return false
}

func scalarEqual(a, b any) bool {
	switch a := a.(type) {
	case string:
		b, ok := b.(string)
		return ok && a == b
	case bool:
		b, ok := b.(bool)
		return ok && a == b
	case json.Number:
		b, ok := b.(json.Number)
		if !ok {
			return false
		}
		x, ok1 := parseNumber(a)
		y, ok2 := parseNumber(b)
		return ok1 && ok2 && x.Cmp(y) == 0
	}
	return false
}
