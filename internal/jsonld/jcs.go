package jsonld

import (
	"errors"
	"math"
	"sort"
	"strconv"
	"unicode/utf16"
)

// errJSONLiteral: the fast path leaves this JSON literal to the general path.
var errJSONLiteral = errors.New("jsonld: JSON literal not handled on the fast path")

// jsonLiteral returns the lexical form of an rdf:JSON literal: the JSON Canonicalization
// Scheme (RFC 8785) serialization of v. Numbers other than small integers are left to the
// general path, whose number formatting is the reference.
func jsonLiteral(v map[string]any) (string, error) {
	b, err := appendJCS(make([]byte, 0, 128), v, 0)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func appendJCS(b []byte, v any, depth int) ([]byte, error) {
	if depth > DefaultMaxDepth*2 {
		return nil, errJSONLiteral
	}
	switch t := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		return strconv.AppendBool(b, t), nil
	case string:
		return appendJCSString(b, t), nil
	case float64:
		if t != math.Trunc(t) || math.Abs(t) >= 1e11 {
			return nil, errJSONLiteral
		}
		if t == 0 {
			return append(b, '0'), nil
		}
		return strconv.AppendInt(b, int64(t), 10), nil
	case []any:
		b = append(b, '[')
		for i, e := range t {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJCS(b, e, depth+1); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return utf16Less(keys[i], keys[j]) })
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJCSString(b, k)
			b = append(b, ':')
			var err error
			if b, err = appendJCS(b, t[k], depth+1); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	}
	return nil, errJSONLiteral
}

// appendJCSString writes s as a JSON string the way RFC 8785 requires: only '"', '\\' and
// control characters are escaped.
func appendJCSString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			if c < 0x20 {
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			} else {
				b = append(b, c)
			}
		}
	}
	return append(b, '"')
}

// utf16Less orders strings by their UTF-16 code units, as RFC 8785 sorts member names.
func utf16Less(a, b string) bool {
	// Up to the first difference the orders agree; where it is between two ASCII bytes,
	// byte order is UTF-16 order.
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	switch {
	case i == len(a) || i == len(b):
		return len(a) < len(b)
	case a[i] < 0x80 && b[i] < 0x80:
		return a[i] < b[i]
	}
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return ua[i] < ub[i]
		}
	}
	return len(ua) < len(ub)
}
