package vc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/polity-id/polity/internal/jsonx"
)

// The helpers below work on JSON that jsonx.Check (or encoding/json, before it calls an
// UnmarshalJSON method) has already validated; they still fail cleanly, never panic, on
// anything unexpected.

// errSyntax is returned by the scanners when validated input is not what they expect.
var errSyntax = errors.New("unexpected JSON")

// member is one name/value pair of an object, with the value's raw bytes.
type member struct {
	key string
	raw []byte
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// scanString returns the index after the closing quote of the string starting at b[i].
func scanString(b []byte, i int) (end int, escaped bool, err error) {
	if i >= len(b) || b[i] != '"' {
		return 0, false, errSyntax
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j + 1, escaped, nil
		}
	}
	return 0, false, errSyntax
}

// scanValue returns the index after the value starting at b[i].
func scanValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errSyntax
	}
	switch b[i] {
	case '"':
		end, _, err := scanString(b, i)
		return end, err
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, _, err := scanString(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errSyntax
	default:
		j := i
		for j < len(b) && !isSpace(b[j]) && b[j] != ',' && b[j] != '}' && b[j] != ']' {
			j++
		}
		if j == i {
			return 0, errSyntax
		}
		return j, nil
	}
}

// decodeKey unquotes the string b[i:end].
func unquote(raw []byte, escaped bool) (string, error) {
	if !escaped {
		if s, ok := commonStrings[string(raw[1:len(raw)-1])]; ok {
			return s, nil // no allocation for member names and values credentials repeat
		}
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", errSyntax
	}
	return s, nil
}

// commonStrings interns the member names of the data model and a few values nearly
// every credential has, so that reading them allocates nothing.
var commonStrings = func() map[string]string {
	m := make(map[string]string)
	for _, s := range []string{
		"@context", "id", "type", "name", "description", "issuer", "validFrom", "validUntil",
		"issuanceDate", "expirationDate", "credentialSubject", "credentialStatus",
		"credentialSchema", "termsOfUse", "evidence", "refreshService", "proof",
		"@value", "@language", "@direction", "holder", "verifiableCredential",
		ContextV2, ContextV1, ContextPolity, ContextDataIntegrityV2,
		TypeCredential, TypePresentation, TypeEnvelopedCredential,
	} {
		m[s] = s
	}
	return m
}()

// splitObject returns the members of the object b in order. ok is false when b is not an
// object. It does not look for duplicate names: every entry point runs jsonx.Check first.
func splitObject(b []byte) (ms []member, ok bool, err error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, false, nil
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return nil, true, checkTrailing(b, i+1)
	}
	ms = make([]member, 0, 8)
	for {
		end, esc, err := scanString(b, i)
		if err != nil {
			return nil, true, err
		}
		key, err := unquote(b[i:end], esc)
		if err != nil {
			return nil, true, err
		}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return nil, true, errSyntax
		}
		i = skipSpace(b, i+1)
		vend, err := scanValue(b, i)
		if err != nil {
			return nil, true, err
		}
		ms = append(ms, member{key: key, raw: b[i:vend]})
		i = skipSpace(b, vend)
		if i >= len(b) {
			return nil, true, errSyntax
		}
		if b[i] == '}' {
			return ms, true, checkTrailing(b, i+1)
		}
		if b[i] != ',' {
			return nil, true, errSyntax
		}
		i = skipSpace(b, i+1)
	}
}

// splitArray returns the raw elements of the array b. ok is false when b is not an array.
func splitArray(b []byte) (elems [][]byte, ok bool, err error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return nil, false, nil
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return [][]byte{}, true, checkTrailing(b, i+1)
	}
	for {
		end, err := scanValue(b, i)
		if err != nil {
			return nil, true, err
		}
		elems = append(elems, b[i:end])
		i = skipSpace(b, end)
		if i >= len(b) {
			return nil, true, errSyntax
		}
		if b[i] == ']' {
			return elems, true, checkTrailing(b, i+1)
		}
		if b[i] != ',' {
			return nil, true, errSyntax
		}
		i = skipSpace(b, i+1)
	}
}

func checkTrailing(b []byte, i int) error {
	if skipSpace(b, i) != len(b) {
		return errSyntax
	}
	return nil
}

// oneOrMany returns the elements of an array, or b itself as the only element.
func oneOrMany(b []byte) ([][]byte, bool, error) {
	elems, isArray, err := splitArray(b)
	if err != nil || isArray {
		return elems, true, err
	}
	return [][]byte{b}, false, nil
}

// decodeString decodes a JSON string. ok is false when b is not a string.
func decodeString(b []byte) (s string, ok bool) {
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '"' {
		return "", false
	}
	end, esc, err := scanString(b, 0)
	if err != nil || end != len(b) {
		return "", false
	}
	s, err = unquote(b, esc)
	return s, err == nil
}

// decodeStrings decodes a string or an array of strings.
func decodeStrings(field string, b []byte) ([]string, error) {
	elems, _, err := oneOrMany(b)
	if err != nil {
		return nil, malformed(field, "invalid JSON")
	}
	out := make([]string, 0, len(elems))
	for i, e := range elems {
		s, ok := decodeString(e)
		if !ok {
			return nil, malformed(indexed(field, i, len(elems)), "not a string")
		}
		out = append(out, s)
	}
	return out, nil
}

func indexed(field string, i, n int) string {
	if n == 1 {
		return field
	}
	return fmt.Sprintf("%s[%d]", field, i)
}

// decodeAny decodes validated JSON into the types encoding/json uses, with numbers as
// json.Number so that they re-encode unchanged. Depth is bounded by the caller's check.
func decodeAny(b []byte) (any, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil, errSyntax
	}
	switch b[0] {
	case '"':
		s, ok := decodeString(b)
		if !ok {
			return nil, errSyntax
		}
		return s, nil
	case '{':
		ms, _, err := splitObject(b)
		if err != nil {
			return nil, err
		}
		m := make(map[string]any, len(ms))
		for _, x := range ms {
			v, err := decodeAny(x.raw)
			if err != nil {
				return nil, err
			}
			m[x.key] = v
		}
		return m, nil
	case '[':
		elems, _, err := splitArray(b)
		if err != nil {
			return nil, err
		}
		a := make([]any, len(elems))
		for i, e := range elems {
			if a[i], err = decodeAny(e); err != nil {
				return nil, err
			}
		}
		return a, nil
	}
	switch string(b) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	if b[0] == '-' || (b[0] >= '0' && b[0] <= '9') {
		return json.Number(b), nil
	}
	return nil, errSyntax
}

// encoder writes a JSON object member by member.
type encoder struct {
	buf bytes.Buffer
	n   int
}

func (e *encoder) begin() { e.buf.WriteByte('{') }
func (e *encoder) end() []byte {
	e.buf.WriteByte('}')
	return e.buf.Bytes()
}

func (e *encoder) member(key string, raw []byte) {
	if e.n > 0 {
		e.buf.WriteByte(',')
	}
	e.n++
	writeString(&e.buf, key)
	e.buf.WriteByte(':')
	e.buf.Write(raw)
}

// writeString writes s as a JSON string the way encoding/json does without HTML
// escaping (quotes, backslashes and control characters escaped, U+2028 and U+2029 as
// \u2028 and \u2029), with each invalid UTF-8 byte replaced by U+FFFD.
func writeString(buf *bytes.Buffer, s string) {
	buf.Write(appendString(buf.AvailableBuffer(), s))
}

// appendString appends s as writeString writes it.
func appendString(b []byte, s string) []byte { return jsonx.AppendString(b, s, false) }

func quote(s string) []byte {
	var buf bytes.Buffer
	writeString(&buf, s)
	return buf.Bytes()
}

// marshalValue encodes v without HTML escaping.
func marshalValue(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// encodeStrings encodes one string as a string and several as an array.
func encodeStrings(ss []string, forceArray bool) []byte {
	if len(ss) == 1 && !forceArray {
		return quote(ss[0])
	}
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i, s := range ss {
		if i > 0 {
			buf.WriteByte(',')
		}
		writeString(&buf, s)
	}
	buf.WriteByte(']')
	return buf.Bytes()
}

// encodeList encodes one item alone (unless forceArray) and several as an array.
func encodeList(items [][]byte, forceArray bool) []byte {
	if len(items) == 1 && !forceArray {
		return items[0]
	}
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(it)
	}
	buf.WriteByte(']')
	return buf.Bytes()
}

// objectField describes how one known property is decoded into and encoded from T.
type objectField[T any] struct {
	key    string
	decode func(t *T, raw []byte) error
	// encode returns the property's JSON, or nil when it is absent.
	encode func(t *T) ([]byte, error)
	// fromTree, if not nil, decodes the property from its already decoded value (the
	// document tree of a strict parse) as decode would from its JSON, and reports false
	// when it cannot, for decode to run (and name the error).
	fromTree func(t *T, v any) bool
}

// marshalObject encodes t: the members of orig first, in their order, each kept byte for
// byte when its typed value is unchanged; then known properties set since parsing, in
// fields order; then extra properties in name order.
func marshalObject[T any](t *T, fields []objectField[T], orig []member, extra map[string]json.RawMessage) ([]byte, error) {
	var e encoder
	e.begin()
	done := make(map[string]bool, len(orig))
	find := func(key string) *objectField[T] {
		for i := range fields {
			if fields[i].key == key {
				return &fields[i]
			}
		}
		return nil
	}
	for _, m := range orig {
		if f := find(m.key); f != nil {
			cur, err := f.encode(t)
			if err != nil {
				return nil, err
			}
			done[m.key] = true
			if cur == nil {
				continue
			}
			var was T
			if f.decode(&was, m.raw) == nil {
				if prev, err := f.encode(&was); err == nil && bytes.Equal(prev, cur) {
					cur = m.raw
				}
			}
			e.member(m.key, cur)
			continue
		}
		v, ok := extra[m.key]
		done[m.key] = true
		if !ok {
			continue
		}
		if !bytes.Equal(v, m.raw) && !json.Valid(v) {
			return nil, malformed(m.key, "extra property is not valid JSON")
		}
		e.member(m.key, v)
	}
	for i := range fields {
		f := &fields[i]
		if done[f.key] {
			continue
		}
		cur, err := f.encode(t)
		if err != nil {
			return nil, err
		}
		if cur != nil {
			e.member(f.key, cur)
		}
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		if !done[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if find(k) != nil {
			return nil, malformed(k, "known property set in Extra")
		}
		if !json.Valid(extra[k]) {
			return nil, malformed(k, "extra property is not valid JSON")
		}
		e.member(k, extra[k])
	}
	return slices.Clone(e.end()), nil
}

// unmarshalObject splits b and decodes each known property; the others go to extra.
func unmarshalObject[T any](t *T, what string, b []byte, fields []objectField[T]) (orig []member, extra map[string]json.RawMessage, err error) {
	return unmarshalObjectTree(t, what, b, fields, nil)
}

// unmarshalObjectTree is unmarshalObject for JSON whose decoded value tree (strict
// parse, json.Number leaves) is also at hand: properties with a fromTree decoder are read
// from it instead of from their JSON. The values so read share the tree's maps and
// slices. tree nil means none.
func unmarshalObjectTree[T any](t *T, what string, b []byte, fields []objectField[T], tree map[string]any) (orig []member, extra map[string]json.RawMessage, err error) {
	ms, ok, err := splitObject(b)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: invalid JSON", ErrMalformed)
	}
	if !ok {
		return nil, nil, malformed(what, "not a JSON object")
	}
next:
	for _, m := range ms {
		for i := range fields {
			if fields[i].key == m.key {
				if f := fields[i].fromTree; f != nil && tree != nil {
					if v, ok := tree[m.key]; ok && f(t, v) {
						continue next
					}
				}
				if err := fields[i].decode(t, m.raw); err != nil {
					return nil, nil, err
				}
				continue next
			}
		}
		if extra == nil {
			extra = make(map[string]json.RawMessage)
		}
		extra[m.key] = json.RawMessage(m.raw)
	}
	return ms, extra, nil
}

// nodeFromTree is decodeNode for a decoded value (json.Number leaves), sharing its
// member values. It reports false when decodeNode would fail.
func nodeFromTree(v any, allowString bool) (Node, bool) {
	switch t := v.(type) {
	case string:
		return Node{ID: t}, allowString
	case map[string]any:
		var n Node
		for k, e := range t {
			switch k {
			case "id":
				s, ok := e.(string)
				if !ok || s == "" {
					return Node{}, false
				}
				n.ID = s
			case "type":
				ts, ok := stringsFromTree(e)
				if !ok {
					return Node{}, false
				}
				n.Types = ts
			default:
				if n.Props == nil {
					n.Props = make(map[string]any, len(t))
				}
				n.Props[k] = e
			}
		}
		if n.Props == nil && n.ID == "" && n.Types == nil {
			n.Props = map[string]any{}
		}
		return n, true
	}
	return Node{}, false
}

// nodesFromTree is decodeNodes for a decoded value.
func nodesFromTree(v any) ([]Node, bool) {
	if a, isArray := v.([]any); isArray {
		out := make([]Node, 0, len(a))
		for _, e := range a {
			n, ok := nodeFromTree(e, false)
			if !ok {
				return nil, false
			}
			out = append(out, n)
		}
		return out, true
	}
	n, ok := nodeFromTree(v, false)
	if !ok {
		return nil, false
	}
	return []Node{n}, true
}

// stringsFromTree is decodeStrings for a decoded value.
func stringsFromTree(v any) ([]string, bool) {
	switch t := v.(type) {
	case string:
		return []string{t}, true
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// contextsFromTree is decodeContexts for a decoded value whose items are all URLs; it
// reports false for anything else (inline contexts keep their JSON, so decodeContexts
// reads them).
func contextsFromTree(v any) ([]LDContext, bool) {
	switch t := v.(type) {
	case string:
		return []LDContext{{URL: t}}, true
	case []any:
		out := make([]LDContext, 0, len(t))
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, LDContext{URL: s})
		}
		return out, true
	}
	return nil, false
}
