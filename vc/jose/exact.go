package jose

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/polity-id/polity/internal/jsonx"
)

// unmarshalFields decodes into the struct v only the object members whose names are
// exactly v's json names. encoding/json alone matches names without regard to case
// and keeps the last match, so {"issuer":A,"ISSUER":B} would read as B here while
// every exact reader (the credential model, JSON-LD) sees A: a signer could then be
// checked against one issuer and reported as another.
func unmarshalFields(data []byte, v any, lim jsonx.Limits) error {
	var m map[string]json.RawMessage
	if err := jsonx.Unmarshal(data, &m, lim); err != nil {
		return err
	}
	if m == nil { // JSON null: leave v at its zero value, as encoding/json does
		return nil
	}
	rt := reflect.TypeOf(v).Elem()
	keep := make(map[string]json.RawMessage, rt.NumField())
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if raw, ok := m[name]; ok && name != "" && name != "-" {
			keep[name] = raw
		}
	}
	b, err := json.Marshal(keep)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// member returns the member of a JSON object named exactly name (nil when raw is
// not an object or has no such member).
func member(raw json.RawMessage, name string) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m[name]
}

// decodePayload decodes a JWS payload strictly (jsonx: no duplicate names, caps) in one
// pass. Members are then read by exact name from the map, so only exact names count.
// It returns nil for JSON null and an error when data is neither an object nor null.
func decodePayload(data []byte, lim jsonx.Limits) (map[string]any, error) {
	v, err := jsonx.Decode(data, lim)
	if err != nil {
		return nil, err
	}
	switch m := v.(type) {
	case map[string]any:
		return m, nil
	case nil:
		return nil, nil
	}
	return nil, errNotObject
}

var (
	errNotObject = errors.New("not a JSON object")
	errNotString = errors.New("member is not a string")
)

// optString reads member name as encoding/json fills a *string field: absent or
// null is nil, a string is itself, anything else an error.
func optString(m map[string]any, name string) (*string, error) {
	switch s := m[name].(type) {
	case nil:
		return nil, nil
	case string:
		return &s, nil
	}
	return nil, fmt.Errorf("%q: %w", name, errNotString)
}

// rawValue is the JSON text of member name of a decoded object, nil when absent:
// what a json.RawMessage field would hold. Numbers keep their text.
func rawValue(m map[string]any, name string) json.RawMessage {
	v, ok := m[name]
	switch {
	case !ok:
		return nil
	case v == nil:
		return json.RawMessage("null")
	}
	if n, ok := v.(json.Number); ok {
		return json.RawMessage(n)
	}
	b, err := json.Marshal(v)
	if err != nil { // not reached for decoded JSON values
		return json.RawMessage(`""`)
	}
	return b
}

// hasTypeValue is hasType on a decoded value, for a non-empty want: a string equal
// to want, or an array of strings (or nulls) containing it.
func hasTypeValue(v any, want string) bool {
	switch t := v.(type) {
	case string:
		return t == want
	case []any:
		found := false
		for _, e := range t {
			switch s := e.(type) {
			case string:
				found = found || s == want
			case nil: // encoding/json leaves a string at "" for null
				found = found || want == ""
			default:
				return false
			}
		}
		return found
	}
	return false
}

// idOfValue is idOf on a decoded member (present false when absent).
func idOfValue(v any, present bool) (string, error) {
	if !present {
		return "", nil
	}
	switch t := v.(type) {
	case string:
		if t == "" {
			return "", fmt.Errorf("%w: empty issuer/holder", ErrMalformed)
		}
		return t, nil
	case nil:
		return "", fmt.Errorf("%w: empty issuer/holder", ErrMalformed)
	case map[string]any:
		if s, ok := t["id"].(string); ok && s != "" {
			return s, nil
		}
	}
	return "", fmt.Errorf("%w: issuer/holder must be a string or an object with an id", ErrMalformed)
}

// rawMember returns the text of the member named exactly name of the JSON object
// obj, which jsonx has already accepted (so it has at most one such member), or nil
// when there is none. It never panics, whatever obj holds.
func rawMember(obj []byte, name string) []byte {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return nil
	}
	i++
	for {
		i = skipSpace(obj, i)
		if i >= len(obj) || obj[i] != '"' {
			return nil
		}
		kEnd := stringEnd(obj, i)
		if kEnd > len(obj) {
			return nil
		}
		key := obj[i:kEnd]
		i = skipSpace(obj, kEnd)
		if i >= len(obj) || obj[i] != ':' {
			return nil
		}
		i = skipSpace(obj, i+1)
		vEnd := valueEnd(obj, i)
		if vEnd > len(obj) || vEnd <= i {
			return nil
		}
		if keyIs(key, name) {
			return obj[i:vEnd:vEnd]
		}
		i = skipSpace(obj, vEnd)
		if i >= len(obj) || obj[i] != ',' {
			return nil
		}
		i++
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index after the string starting at b[i] == '"'
// (len(b)+1 when it does not end).
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b) + 1
}

// valueEnd returns the index after the value starting at b[i] (len(b)+1 when it
// does not end).
func valueEnd(b []byte, i int) int {
	if i >= len(b) {
		return len(b) + 1
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = stringEnd(b, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return len(b) + 1
	}
	j := i
	for j < len(b) && !strings.ContainsRune(",}] \t\n\r", rune(b[j])) {
		j++
	}
	return j
}

// keyIs reports whether the quoted member name key decodes to name.
func keyIs(key []byte, name string) bool {
	inner := key[1 : len(key)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return string(inner) == name
	}
	var s string
	return json.Unmarshal(key, &s) == nil && s == name
}
