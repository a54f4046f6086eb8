package jsonld

import (
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/polity-id/polity/internal/jsonx"
)

// decodeJSON parses data strictly (internal/jsonx decides what is valid: one value, valid
// UTF-8, no duplicate member names, size and depth caps) into generic values: map[string]any,
// []any, string, float64, bool and nil, the form both processing paths use. It gives the
// same values as encoding/json, faster: strings without escapes share one copy of the
// input.
func decodeJSON(data []byte, lim jsonx.Limits) (any, error) {
	if err := jsonx.Check(data, lim); err != nil {
		return nil, err
	}
	d := decoder{s: string(data)}
	d.space()
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	return v, nil
}

type decoder struct {
	s   string
	pos int
}

func (d *decoder) fail(msg string) error {
	return fmt.Errorf("%w: at byte %d: %s", jsonx.ErrMalformed, d.pos, msg)
}

func (d *decoder) space() {
	for d.pos < len(d.s) {
		switch d.s[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value() (any, error) {
	if d.pos >= len(d.s) {
		return nil, d.fail("unexpected end of input")
	}
	switch c := d.s[d.pos]; {
	case c == '{':
		return d.object()
	case c == '[':
		return d.array()
	case c == '"':
		return d.str()
	case c == 't':
		d.pos += 4
		return true, nil
	case c == 'f':
		d.pos += 5
		return false, nil
	case c == 'n':
		d.pos += 4
		return nil, nil
	default:
		return d.number()
	}
}

func (d *decoder) object() (any, error) {
	d.pos++ // {
	m := make(map[string]any, 8)
	d.space()
	if d.pos < len(d.s) && d.s[d.pos] == '}' {
		d.pos++
		return m, nil
	}
	for {
		d.space()
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		d.space()
		if d.pos >= len(d.s) || d.s[d.pos] != ':' {
			return nil, d.fail("expected ':'")
		}
		d.pos++
		d.space()
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		m[k] = v
		d.space()
		if d.pos >= len(d.s) {
			return nil, d.fail("unexpected end of input")
		}
		switch d.s[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return m, nil
		default:
			return nil, d.fail("expected ',' or '}'")
		}
	}
}

func (d *decoder) array() (any, error) {
	d.pos++ // [
	a := make([]any, 0, 4)
	d.space()
	if d.pos < len(d.s) && d.s[d.pos] == ']' {
		d.pos++
		return a, nil
	}
	for {
		d.space()
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		d.space()
		if d.pos >= len(d.s) {
			return nil, d.fail("unexpected end of input")
		}
		switch d.s[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return a, nil
		default:
			return nil, d.fail("expected ',' or ']'")
		}
	}
}

func (d *decoder) number() (any, error) {
	start := d.pos
	for d.pos < len(d.s) {
		c := d.s[d.pos]
		if c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			d.pos++
			continue
		}
		break
	}
	f, err := strconv.ParseFloat(d.s[start:d.pos], 64)
	if err != nil {
		return nil, d.fail("number out of range")
	}
	return f, nil
}

// str decodes a string starting at its opening quote.
func (d *decoder) str() (string, error) {
	if d.pos >= len(d.s) || d.s[d.pos] != '"' {
		return "", d.fail("expected a string")
	}
	d.pos++
	start := d.pos
	for d.pos < len(d.s) {
		switch d.s[d.pos] {
		case '"':
			s := d.s[start:d.pos]
			d.pos++
			return s, nil
		case '\\':
			return d.escaped(start)
		}
		d.pos++
	}
	return "", d.fail("unterminated string")
}

// escaped finishes decoding a string that holds escapes.
func (d *decoder) escaped(start int) (string, error) {
	b := make([]byte, 0, d.pos-start+16)
	b = append(b, d.s[start:d.pos]...)
	for d.pos < len(d.s) {
		c := d.s[d.pos]
		switch {
		case c == '"':
			d.pos++
			return string(b), nil
		case c != '\\':
			b = append(b, c)
			d.pos++
			continue
		}
		if d.pos+1 >= len(d.s) {
			break
		}
		e := d.s[d.pos+1]
		d.pos += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", d.fail("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				if d.pos+1 < len(d.s) && d.s[d.pos] == '\\' && d.s[d.pos+1] == 'u' {
					d.pos += 2
					r2, ok := d.hex4()
					if !ok {
						return "", d.fail("invalid \\u escape")
					}
					r = utf16.DecodeRune(r, r2)
				} else {
					r = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", d.fail("invalid escape")
		}
	}
	return "", d.fail("unterminated string")
}

func (d *decoder) hex4() (rune, bool) {
	if d.pos+4 > len(d.s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(d.s[d.pos : d.pos+4]) {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	d.pos += 4
	return r, true
}
