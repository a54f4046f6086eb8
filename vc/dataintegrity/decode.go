package dataintegrity

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/internal/vcerr"
)

// decodeDocument parses a secured or unsecured document: strict JSON (checked by
// jsonx: no duplicate names, valid UTF-8, size and depth caps) that is an object.
// It gives the same values as jsonx.Decode (numbers as json.Number) in one pass over
// already checked input, with unescaped strings sharing one copy of it.
func decodeDocument(data []byte) (map[string]any, error) {
	if err := jsonx.Check(data, jsonx.Limits{MaxBytes: MaxDocumentBytes, MaxDepth: MaxDocumentDepth}); err != nil {
		return nil, fmt.Errorf("%w: %w", vcerr.ErrMalformed, err)
	}
	p := parser{s: string(data)}
	p.space()
	if p.pos >= len(p.s) || p.s[p.pos] != '{' {
		return nil, fmt.Errorf("%w: document is not a JSON object", vcerr.ErrMalformed)
	}
	v := p.value()
	if p.bad {
		return nil, fmt.Errorf("%w: %w: undecodable JSON", vcerr.ErrMalformed, jsonx.ErrMalformed)
	}
	return v.(map[string]any), nil
}

// parser decodes JSON that jsonx.Check accepted; on anything unexpected it sets bad
// and stops.
type parser struct {
	s   string
	pos int
	bad bool
}

func (p *parser) space() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value() any {
	if p.bad || p.pos >= len(p.s) {
		p.bad = true
		return nil
	}
	switch c := p.s[p.pos]; c {
	case '{':
		p.pos++
		m := make(map[string]any, 8)
		p.space()
		if p.pos < len(p.s) && p.s[p.pos] == '}' {
			p.pos++
			return m
		}
		for !p.bad {
			p.space()
			k := p.str()
			p.space()
			if p.pos >= len(p.s) || p.s[p.pos] != ':' {
				p.bad = true
				return nil
			}
			p.pos++
			p.space()
			m[k] = p.value()
			p.space()
			if p.pos >= len(p.s) {
				p.bad = true
				return nil
			}
			if p.s[p.pos] == '}' {
				p.pos++
				return m
			}
			if p.s[p.pos] != ',' {
				p.bad = true
				return nil
			}
			p.pos++
		}
		return nil
	case '[':
		p.pos++
		a := make([]any, 0, 4)
		p.space()
		if p.pos < len(p.s) && p.s[p.pos] == ']' {
			p.pos++
			return a
		}
		for !p.bad {
			p.space()
			a = append(a, p.value())
			p.space()
			if p.pos >= len(p.s) {
				p.bad = true
				return nil
			}
			if p.s[p.pos] == ']' {
				p.pos++
				return a
			}
			if p.s[p.pos] != ',' {
				p.bad = true
				return nil
			}
			p.pos++
		}
		return nil
	case '"':
		return p.str()
	case 't':
		return p.literal("true", true)
	case 'f':
		return p.literal("false", false)
	case 'n':
		return p.literal("null", nil)
	}
	start := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if (c < '0' || c > '9') && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E' {
			break
		}
		p.pos++
	}
	if p.pos == start {
		p.bad = true
		return nil
	}
	return json.Number(p.s[start:p.pos])
}

func (p *parser) literal(lit string, v any) any {
	if !strings.HasPrefix(p.s[p.pos:], lit) {
		p.bad = true
		return nil
	}
	p.pos += len(lit)
	return v
}

// str decodes a string at its opening quote, like encoding/json (lone surrogate
// escapes become U+FFFD).
func (p *parser) str() string {
	if p.bad || p.pos >= len(p.s) || p.s[p.pos] != '"' {
		p.bad = true
		return ""
	}
	p.pos++
	start := p.pos
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case '"':
			p.pos++
			return p.s[start : p.pos-1]
		case '\\':
			return p.escaped(start)
		}
		p.pos++
	}
	p.bad = true
	return ""
}

func (p *parser) escaped(start int) string {
	b := []byte(p.s[start:p.pos])
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '"' {
			p.pos++
			return string(b)
		}
		if c != '\\' {
			b = append(b, c)
			p.pos++
			continue
		}
		if p.pos+1 >= len(p.s) {
			break
		}
		e := p.s[p.pos+1]
		p.pos += 2
		switch e {
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
			r := p.hex4()
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if strings.HasPrefix(p.s[p.pos:], `\u`) {
					save := p.pos
					p.pos += 2
					r2 = p.hex4()
					if utf16.DecodeRune(r, r2) == utf8.RuneError {
						p.pos, r2 = save, -1
					}
				}
				if r2 < 0 {
					r = utf8.RuneError
				} else {
					r = utf16.DecodeRune(r, r2)
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			b = append(b, e) // '"', '\\', '/'
		}
	}
	p.bad = true
	return ""
}

func (p *parser) hex4() rune {
	if p.pos+4 > len(p.s) {
		p.bad = true
		return utf8.RuneError
	}
	v, err := strconv.ParseUint(p.s[p.pos:p.pos+4], 16, 32)
	if err != nil {
		p.bad = true
		return utf8.RuneError
	}
	p.pos += 4
	return rune(v)
}
