package query

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"time"
	"unicode/utf8"
)

// maxSchemaDepth caps the nesting of filter schemas.
const maxSchemaDepth = 32

// Filter is a compiled JSON Schema subset used by Presentation Exchange
// field filters: type, const, enum, pattern (RE2), minimum, maximum,
// exclusiveMinimum, exclusiveMaximum, minLength, maxLength, minItems,
// maxItems, contains, items, not, properties, required, format (date,
// date-time) with formatMinimum, formatMaximum, formatExclusiveMinimum and
// formatExclusiveMaximum. Annotations ($schema, title, description, ...)
// are ignored; composition keywords (allOf, anyOf, oneOf, $ref, if, ...)
// report ErrUnsupported rather than being silently skipped.
type Filter struct {
	types      []string
	hasConst   bool
	constV     any
	enum       []any
	hasEnum    bool
	pattern    *regexp.Regexp
	min, max   *float64
	exMin      *float64
	exMax      *float64
	minLen     *int
	maxLen     *int
	minItems   *int
	maxItems   *int
	contains   *Filter
	items      *Filter
	not        *Filter
	props      map[string]*Filter
	required   []string
	format     string
	fmtBounds  [4]*time.Time // min, max, exclusive min, exclusive max
	fmtIsDate  bool
	alwaysFail bool // the schema `false`
}

var unsupportedKeywords = map[string]bool{
	"allOf": true, "anyOf": true, "oneOf": true, "$ref": true, "$dynamicRef": true, "if": true, "then": true,
	"else": true, "dependentSchemas": true, "dependentRequired": true, "patternProperties": true,
	"additionalProperties": true, "propertyNames": true, "unevaluatedProperties": true,
	"unevaluatedItems": true, "prefixItems": true, "additionalItems": true, "uniqueItems": true,
	"multipleOf": true, "minContains": true, "maxContains": true, "minProperties": true, "maxProperties": true,
}

// ParseFilter compiles a decoded JSON Schema (a map, or a boolean).
func ParseFilter(v any) (*Filter, error) { return parseFilter(v, 0) }

func parseFilter(v any, depth int) (*Filter, error) {
	if depth > maxSchemaDepth {
		return nil, fmt.Errorf("%w: filter nested deeper than %d", ErrLimit, maxSchemaDepth)
	}
	if b, ok := v.(bool); ok {
		return &Filter{alwaysFail: !b}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: filter is not an object", ErrMalformed)
	}
	f := &Filter{}
	var err error
	for k, val := range m {
		if unsupportedKeywords[k] {
			return nil, fmt.Errorf("%w: filter keyword %q", ErrUnsupported, k)
		}
		switch k {
		case "type":
			switch t := val.(type) {
			case string:
				f.types = []string{t}
			case []any:
				for _, e := range t {
					s, ok := e.(string)
					if !ok {
						return nil, fmt.Errorf("%w: type entry is not a string", ErrMalformed)
					}
					f.types = append(f.types, s)
				}
			default:
				return nil, fmt.Errorf("%w: type is not a string or array", ErrMalformed)
			}
			for _, t := range f.types {
				switch t {
				case "string", "number", "integer", "boolean", "object", "array", "null":
				default:
					return nil, fmt.Errorf("%w: unknown type %q", ErrMalformed, t)
				}
			}
		case "const":
			f.hasConst, f.constV = true, val
		case "enum":
			list, ok := val.([]any)
			if !ok {
				return nil, fmt.Errorf("%w: enum is not an array", ErrMalformed)
			}
			f.hasEnum, f.enum = true, list
		case "pattern":
			s, ok := val.(string)
			if !ok || len(s) > MaxPathLength {
				return nil, fmt.Errorf("%w: pattern is not a string of at most %d bytes", ErrMalformed, MaxPathLength)
			}
			if f.pattern, err = regexp.Compile(s); err != nil {
				return nil, fmt.Errorf("%w: pattern: %v", ErrMalformed, err)
			}
		case "minimum":
			f.min, err = numPtr(k, val)
		case "maximum":
			f.max, err = numPtr(k, val)
		case "exclusiveMinimum", "exclusiveMaximum":
			if _, isBool := val.(bool); isBool {
				continue // draft-04 form, resolved below
			}
			if k == "exclusiveMinimum" {
				f.exMin, err = numPtr(k, val)
			} else {
				f.exMax, err = numPtr(k, val)
			}
		case "minLength":
			f.minLen, err = intPtr(k, val)
		case "maxLength":
			f.maxLen, err = intPtr(k, val)
		case "minItems":
			f.minItems, err = intPtr(k, val)
		case "maxItems":
			f.maxItems, err = intPtr(k, val)
		case "contains":
			f.contains, err = parseFilter(val, depth+1)
		case "items":
			f.items, err = parseFilter(val, depth+1)
		case "not":
			f.not, err = parseFilter(val, depth+1)
		case "properties":
			pm, ok := val.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%w: properties is not an object", ErrMalformed)
			}
			f.props = map[string]*Filter{}
			for name, sub := range pm {
				if f.props[name], err = parseFilter(sub, depth+1); err != nil {
					return nil, err
				}
			}
		case "required":
			list, ok := val.([]any)
			if !ok {
				return nil, fmt.Errorf("%w: required is not an array", ErrMalformed)
			}
			for _, e := range list {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("%w: required entry is not a string", ErrMalformed)
				}
				f.required = append(f.required, s)
			}
		case "format":
			s, _ := val.(string)
			f.format = s
		}
		if err != nil {
			return nil, err
		}
	}
	// draft-04 boolean exclusive bounds turn minimum/maximum exclusive.
	if b, _ := m["exclusiveMinimum"].(bool); b && f.min != nil {
		f.exMin, f.min = f.min, nil
	}
	if b, _ := m["exclusiveMaximum"].(bool); b && f.max != nil {
		f.exMax, f.max = f.max, nil
	}
	f.fmtIsDate = f.format == "date"
	for i, k := range []string{"formatMinimum", "formatMaximum", "formatExclusiveMinimum", "formatExclusiveMaximum"} {
		val, ok := m[k]
		if !ok {
			continue
		}
		s, _ := val.(string)
		t, ok := parseDateFormat(s, f.format)
		if !ok {
			return nil, fmt.Errorf("%w: %s %q is not a %s", ErrMalformed, k, s, formatName(f.format))
		}
		f.fmtBounds[i] = &t
	}
	return f, nil
}

func formatName(format string) string {
	if format == "" {
		return "date or date-time"
	}
	return format
}

// parseDateFormat parses s as a date (YYYY-MM-DD) or date-time (RFC 3339)
// according to format; with no format either is accepted.
func parseDateFormat(s, format string) (time.Time, bool) {
	if format != "date" {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t, true
		}
	}
	if format != "date-time" {
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func numPtr(k string, v any) (*float64, error) {
	f, ok := toFloat(v)
	if !ok {
		return nil, fmt.Errorf("%w: %s is not a number", ErrMalformed, k)
	}
	return &f, nil
}

func intPtr(k string, v any) (*int, error) {
	f, ok := toFloat(v)
	if !ok || f < 0 || f != math.Trunc(f) || f > math.MaxInt32 {
		return nil, fmt.Errorf("%w: %s is not a non-negative integer", ErrMalformed, k)
	}
	n := int(f)
	return &n, nil
}

func toFloat(v any) (float64, bool) {
	switch t := v.(type) {
	case float64:
		return t, true
	case json.Number:
		f, err := t.Float64()
		return f, err == nil && !math.IsInf(f, 0)
	case int:
		return float64(t), true
	}
	return 0, false
}

func jsonType(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	default:
		if f, ok := toFloat(t); ok {
			if f == math.Trunc(f) {
				return "integer"
			}
			return "number"
		}
	}
	return "unknown"
}

// Match reports whether v (decoded JSON) is valid against f.
func (f *Filter) Match(v any) bool { return f.match(v, 0) }

func (f *Filter) match(v any, depth int) bool {
	if f.alwaysFail || depth > maxSchemaDepth+maxDescend {
		return false
	}
	if len(f.types) > 0 {
		jt, ok := jsonType(v), false
		for _, t := range f.types {
			if t == jt || (t == "number" && jt == "integer") {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if f.hasConst && !Equal(v, f.constV) {
		return false
	}
	if f.hasEnum {
		ok := false
		for _, e := range f.enum {
			if Equal(v, e) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if n, isNum := toFloat(v); isNum {
		if (f.min != nil && n < *f.min) || (f.max != nil && n > *f.max) ||
			(f.exMin != nil && n <= *f.exMin) || (f.exMax != nil && n >= *f.exMax) {
			return false
		}
	}
	if s, isStr := v.(string); isStr {
		if f.pattern != nil && !f.pattern.MatchString(s) {
			return false
		}
		n := utf8.RuneCountInString(s)
		if (f.minLen != nil && n < *f.minLen) || (f.maxLen != nil && n > *f.maxLen) {
			return false
		}
		if f.format == "date" || f.format == "date-time" || f.hasFormatBounds() {
			t, ok := parseDateFormat(s, f.format)
			if !ok {
				return false
			}
			b := f.fmtBounds
			if (b[0] != nil && t.Before(*b[0])) || (b[1] != nil && t.After(*b[1])) ||
				(b[2] != nil && !t.After(*b[2])) || (b[3] != nil && !t.Before(*b[3])) {
				return false
			}
		}
	}
	if arr, isArr := v.([]any); isArr {
		if (f.minItems != nil && len(arr) < *f.minItems) || (f.maxItems != nil && len(arr) > *f.maxItems) {
			return false
		}
		if f.items != nil {
			for _, e := range arr {
				if !f.items.match(e, depth+1) {
					return false
				}
			}
		}
		if f.contains != nil {
			ok := false
			for _, e := range arr {
				if f.contains.match(e, depth+1) {
					ok = true
					break
				}
			}
			if !ok {
				return false
			}
		}
	}
	if obj, isObj := v.(map[string]any); isObj {
		for _, r := range f.required {
			if _, ok := obj[r]; !ok {
				return false
			}
		}
		for name, sub := range f.props {
			if pv, ok := obj[name]; ok && !sub.match(pv, depth+1) {
				return false
			}
		}
	}
	if f.not != nil && f.not.match(v, depth+1) {
		return false
	}
	return true
}

func (f *Filter) hasFormatBounds() bool {
	for _, b := range f.fmtBounds {
		if b != nil {
			return true
		}
	}
	return false
}

// Equal reports whether two decoded JSON values are equal, comparing numbers
// by value (so json.Number("1.0") equals float64(1)).
func Equal(a, b any) bool {
	if fa, ok := toFloat(a); ok {
		fb, ok := toFloat(b)
		return ok && fa == fb
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !Equal(xv, yv) {
				return false
			}
		}
		return true
	}
	return false
}
