package jsonld

import (
	"errors"
	"math"
	"slices"
	"strconv"

	"github.com/polity-id/polity/internal/canon"
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
		return canon.AppendJCSString(b, t), nil
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
		slices.SortFunc(keys, canon.CompareUTF16)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = canon.AppendJCSString(b, k)
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
