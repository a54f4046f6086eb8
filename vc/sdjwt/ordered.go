package sdjwt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// object is a JSON object that keeps its member order, so issued
// disclosures follow the order of the caller's claims.
type object struct {
	keys []string
	vals map[string]any
}

func (o *object) set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

// decodeOrdered decodes already-checked JSON into *object, []any, string,
// json.Number, bool and nil.
func decodeOrdered(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return orderedValue(dec)
}

func orderedValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &object{vals: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := orderedValue(dec)
				if err != nil {
					return nil, err
				}
				o.set(k, v)
			}
			_, err := dec.Token()
			return o, err
		case '[':
			a := []any{}
			for dec.More() {
				v, err := orderedValue(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token()
			return a, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	}
	return tok, nil
}

// encoder writes JSON. Spaced output uses ", " and ": " separators and
// escapes non-ASCII as \uXXXX, the form of RFC 9901's examples; compact
// output has no spaces and keeps UTF-8.
type encoder struct {
	spaced bool
	buf    bytes.Buffer
}

func (e *encoder) sep(c byte) {
	e.buf.WriteByte(c)
	if e.spaced {
		e.buf.WriteByte(' ')
	}
}

func (e *encoder) value(v any) error {
	switch t := v.(type) {
	case nil:
		e.buf.WriteString("null")
	case bool:
		e.buf.WriteString(strconv.FormatBool(t))
	case json.Number:
		e.buf.WriteString(t.String())
	case string:
		e.str(t)
	case *object:
		e.buf.WriteByte('{')
		for i, k := range t.keys {
			if i > 0 {
				e.sep(',')
			}
			e.str(k)
			e.sep(':')
			if err := e.value(t.vals[k]); err != nil {
				return err
			}
		}
		e.buf.WriteByte('}')
	case []any:
		e.buf.WriteByte('[')
		for i, x := range t {
			if i > 0 {
				e.sep(',')
			}
			if err := e.value(x); err != nil {
				return err
			}
		}
		e.buf.WriteByte(']')
	case map[string]any:
		o := &object{vals: t}
		for k := range t {
			o.keys = append(o.keys, k)
		}
		slices.Sort(o.keys)
		return e.value(o)
	default:
		b, err := json.Marshal(t)
		if err != nil {
			return err
		}
		e.buf.Write(b)
	}
	return nil
}

const hexDigits = "0123456789abcdef"

func (e *encoder) str(s string) {
	b := &e.buf
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"':
				b.WriteString(`\"`)
			case c == '\\':
				b.WriteString(`\\`)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c == '\b':
				b.WriteString(`\b`)
			case c == '\f':
				b.WriteString(`\f`)
			case c < 0x20:
				b.WriteString(`\u00`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&0xf])
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if e.spaced {
			if r >= 0x10000 {
				r1, r2 := utf16.EncodeRune(r)
				e.u4(r1)
				e.u4(r2)
			} else {
				e.u4(r)
			}
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	b.WriteByte('"')
}

func (e *encoder) u4(r rune) {
	e.buf.WriteString(`\u`)
	for shift := 12; shift >= 0; shift -= 4 {
		e.buf.WriteByte(hexDigits[(r>>shift)&0xf])
	}
}
