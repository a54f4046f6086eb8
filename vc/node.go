package vc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// LDContext is one item of a @context: a URL, or an inline context object kept as raw JSON.
// Exactly one of the fields is set.
type LDContext struct {
	URL    string
	Inline json.RawMessage
}

func decodeContexts(field string, b []byte) ([]LDContext, error) {
	elems, _, err := oneOrMany(b)
	if err != nil {
		return nil, malformed(field, "invalid JSON")
	}
	out := make([]LDContext, 0, len(elems))
	for i, e := range elems {
		if s, ok := decodeString(e); ok {
			out = append(out, LDContext{URL: s})
			continue
		}
		if e = bytes.TrimSpace(e); len(e) > 0 && e[0] == '{' {
			out = append(out, LDContext{Inline: json.RawMessage(e)})
			continue
		}
		return nil, malformed(indexed(field, i, len(elems)), "neither a URL nor a context object")
	}
	return out, nil
}

func encodeContexts(field string, cs []LDContext) ([]byte, error) {
	if cs == nil {
		return nil, nil
	}
	items := make([][]byte, len(cs))
	for i, c := range cs {
		switch {
		case c.URL != "" && c.Inline == nil:
			items[i] = quote(c.URL)
		case c.URL == "" && c.Inline != nil:
			if !json.Valid(c.Inline) {
				return nil, malformed(fmt.Sprintf("%s[%d]", field, i), "inline context is not valid JSON")
			}
			items[i] = c.Inline
		default:
			return nil, malformed(fmt.Sprintf("%s[%d]", field, i), "set exactly one of URL and Inline")
		}
	}
	return encodeList(items, true), nil
}

// LangString is a natural-language string: a plain string (Language and Direction empty)
// or a language value object {"@value", "@language", "@direction"}.
type LangString struct {
	Value     string
	Language  string // BCP 47 tag, optional
	Direction string // "ltr" or "rtl", optional
}

func decodeLangStrings(field string, b []byte) ([]LangString, error) {
	if s, ok := decodeString(b); ok {
		return []LangString{{Value: s}}, nil
	}
	elems, isArray, err := oneOrMany(b)
	if err != nil {
		return nil, malformed(field, "invalid JSON")
	}
	if isArray && len(elems) == 0 {
		return nil, malformed(field, "empty array")
	}
	out := make([]LangString, 0, len(elems))
	for i, e := range elems {
		f := indexed(field, i, len(elems))
		ms, ok, err := splitObject(e)
		if err != nil || !ok {
			return nil, malformed(f, "neither a string nor a language value object")
		}
		var ls LangString
		var hasValue bool
		for _, m := range ms {
			s, ok := decodeString(m.raw)
			if !ok {
				return nil, malformed(f+"."+m.key, "not a string")
			}
			if s == "" && m.key != "@value" {
				return nil, malformed(f+"."+m.key, "empty")
			}
			switch m.key {
			case "@value":
				ls.Value, hasValue = s, true
			case "@language":
				ls.Language = s
			case "@direction":
				ls.Direction = s
			default:
				return nil, malformed(f, "unexpected member %q in a language value object", m.key)
			}
		}
		if !hasValue {
			return nil, malformed(f, "language value object without @value")
		}
		out = append(out, ls)
	}
	return out, nil
}

func encodeLangStrings(ls []LangString) []byte {
	if ls == nil {
		return nil
	}
	if len(ls) == 1 && ls[0].Language == "" && ls[0].Direction == "" {
		return quote(ls[0].Value)
	}
	items := make([][]byte, len(ls))
	for i, l := range ls {
		var e encoder
		e.begin()
		e.member("@value", quote(l.Value))
		if l.Language != "" {
			e.member("@language", quote(l.Language))
		}
		if l.Direction != "" {
			e.member("@direction", quote(l.Direction))
		}
		items[i] = e.end()
	}
	return encodeList(items, false)
}

// Node is a JSON object with an optional id and type, such as an issuer, a
// credentialSubject, a credentialStatus entry or evidence. Props holds every other member,
// decoded with numbers as json.Number so they re-encode unchanged.
//
// An issuer or holder given as a plain URL string is a Node with only ID set, and a Node
// with only ID set encodes as that string where the property allows it.
type Node struct {
	ID    string
	Types []string
	Props map[string]any // other members; must not contain "id" or "type"
}

// HasType reports whether n's types include typ.
func (n *Node) HasType(typ string) bool {
	for _, t := range n.Types {
		if t == typ {
			return true
		}
	}
	return false
}

func decodeNode(field string, b []byte, allowString bool) (Node, error) {
	if allowString {
		if s, ok := decodeString(b); ok {
			return Node{ID: s}, nil
		}
	}
	ms, ok, err := splitObject(b)
	if err != nil {
		return Node{}, malformed(field, "invalid JSON object")
	}
	if !ok {
		if allowString {
			return Node{}, malformed(field, "neither a URL nor an object")
		}
		return Node{}, malformed(field, "not an object")
	}
	var n Node
	for _, m := range ms {
		switch m.key {
		case "id":
			s, err := decodeID(field+".id", m.raw)
			if err != nil {
				return Node{}, err
			}
			n.ID = s
		case "type":
			ts, err := decodeStrings(field+".type", m.raw)
			if err != nil {
				return Node{}, err
			}
			n.Types = ts
		default:
			v, err := decodeAny(m.raw)
			if err != nil {
				return Node{}, malformed(field+"."+m.key, "invalid JSON")
			}
			if n.Props == nil {
				n.Props = make(map[string]any, len(ms))
			}
			n.Props[m.key] = v
		}
	}
	if n.Props == nil && n.ID == "" && n.Types == nil {
		n.Props = map[string]any{} // keep "{}" distinct from an absent node
	}
	return n, nil
}

func encodeNode(field string, n Node, allowString bool) ([]byte, error) {
	if allowString && n.Types == nil && len(n.Props) == 0 && n.ID != "" {
		return quote(n.ID), nil
	}
	var e encoder
	e.begin()
	if n.ID != "" {
		e.member("id", quote(n.ID))
	}
	if n.Types != nil {
		e.member("type", encodeStrings(n.Types, false))
	}
	keys := make([]string, 0, len(n.Props))
	for k := range n.Props {
		if k == "id" || k == "type" {
			return nil, malformed(field+"."+k, "set in Props; use the Node field")
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, err := marshalValue(n.Props[k])
		if err != nil {
			return nil, malformed(field+"."+k, "cannot encode: %v", err)
		}
		e.member(k, v)
	}
	return e.end(), nil
}

func decodeNodes(field string, b []byte) ([]Node, error) {
	elems, isArray, err := oneOrMany(b)
	if err != nil {
		return nil, malformed(field, "invalid JSON")
	}
	out := make([]Node, 0, len(elems))
	for i, e := range elems {
		n, err := decodeNode(field, e, false)
		if err != nil {
			if isArray {
				return nil, rename(err, field, fmt.Sprintf("%s[%d]", field, i))
			}
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func encodeNodes(field string, ns []Node) ([]byte, error) {
	if ns == nil {
		return nil, nil
	}
	items := make([][]byte, len(ns))
	for i, n := range ns {
		b, err := encodeNode(fmt.Sprintf("%s[%d]", field, i), n, false)
		if err != nil {
			return nil, err
		}
		items[i] = b
	}
	return encodeList(items, false), nil
}

// decodeID decodes an id: a non-empty string (Validate checks that it is a URL).
func decodeID(field string, raw []byte) (string, error) {
	s, ok := decodeString(raw)
	if !ok {
		return "", malformed(field, "not a string")
	}
	if s == "" {
		return "", malformed(field, "empty")
	}
	return s, nil
}
