// Package jsonx parses untrusted JSON strictly: one value, valid UTF-8, no duplicate member
// names, no lone surrogates, and bounded size and depth. Signed documents must have exactly
// one meaning, and encoding/json silently keeps the last of two duplicate members.
//
// One parser serves every strict decode of the module, in one pass over the input:
// [Decode] (numbers as their text, json.Number: what JCS and proof verification need),
// [DecodeFloat] (numbers as float64: what JSON-LD processing needs) and [Check] (validation
// only, no allocation). [Unmarshal] checks, then decodes into a Go value with
// encoding/json.
package jsonx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// Default limits, used when a Limits field is zero.
const (
	DefaultMaxBytes = 1 << 20 // 1 MiB
	DefaultMaxDepth = 64
)

// Errors. ErrDuplicateKey, ErrTooLarge and ErrTooDeep also match ErrMalformed.
var (
	ErrMalformed    = errors.New("jsonx: malformed JSON")
	ErrDuplicateKey = &kindError{"jsonx: duplicate member name"}
	ErrTooLarge     = &kindError{"jsonx: input too large"}
	ErrTooDeep      = &kindError{"jsonx: nesting too deep"}
)

type kindError struct{ msg string }

func (e *kindError) Error() string        { return e.msg }
func (e *kindError) Is(target error) bool { return target == ErrMalformed }

// Limits bounds the input. The zero value means the defaults.
type Limits struct {
	MaxBytes int // maximum input size in bytes; 0 = DefaultMaxBytes
	MaxDepth int // maximum nesting of objects and arrays; 0 = DefaultMaxDepth
}

func (l Limits) maxBytes() int {
	if l.MaxBytes > 0 {
		return l.MaxBytes
	}
	return DefaultMaxBytes
}

func (l Limits) maxDepth() int {
	if l.MaxDepth > 0 {
		return l.MaxDepth
	}
	return DefaultMaxDepth
}

// SyntaxError reports where strict parsing failed. It unwraps to its kind
// (ErrMalformed, ErrDuplicateKey, ErrTooLarge or ErrTooDeep).
type SyntaxError struct {
	Offset int    // byte offset of the problem
	Msg    string // what is wrong, without echoing the input
	kind   error
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%v at byte %d: %s", e.kind, e.Offset, e.Msg)
}

func (e *SyntaxError) Unwrap() error { return e.kind }

// Check reports whether data is exactly one strict JSON value within lim. It runs the
// parser of [Decode] without building values.
func Check(data []byte, lim Limits) error {
	_, err := parse(data, lim, modeCheck)
	return err
}

// Unmarshal checks data with Check and then decodes it into v. Numbers decode as
// json.Number when the target is an interface.
func Unmarshal(data []byte, v any, lim Limits) error {
	if err := Check(data, lim); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return nil
}

// Decode parses data strictly, in one pass, and returns it as generic values:
// map[string]any, []any, string, json.Number (the number's text exactly as written),
// bool or nil. It accepts exactly what Check accepts and, on that input, gives the
// same values as encoding/json with UseNumber. Empty objects and arrays are non-nil.
//
// Strings that hold no escapes share one copy of data; the result never aliases data
// itself. Errors are *SyntaxError, matching ErrMalformed and their kind.
func Decode(data []byte, lim Limits) (any, error) {
	return parse(data, lim, modeNumber)
}

// DecodeFloat is Decode with numbers as float64, the form JSON-LD processing uses. A
// number outside the range of a float64 (1e400) is an error wrapping ErrMalformed;
// one too small (1e-400) becomes 0, as in encoding/json.
func DecodeFloat(data []byte, lim Limits) (any, error) {
	return parse(data, lim, modeFloat)
}

type mode uint8

const (
	modeCheck  mode = iota // validate only
	modeNumber             // build values, numbers as json.Number
	modeFloat              // build values, numbers as float64
)

func parse(data []byte, lim Limits, m mode) (any, error) {
	if len(data) > lim.maxBytes() {
		return nil, &SyntaxError{Offset: lim.maxBytes(), Msg: fmt.Sprintf("input is %d bytes, limit %d", len(data), lim.maxBytes()), kind: ErrTooLarge}
	}
	p := parsers.Get().(*parser)
	defer p.release()
	p.data, p.pos, p.maxDepth, p.mode = data, 0, lim.maxDepth(), m
	if m != modeCheck {
		p.s = string(data)
	}
	p.skipSpace()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return nil, p.fail("unexpected data after the JSON value")
	}
	return v, nil
}

// smallObject is the member count up to which the validating mode finds duplicate
// names by linear search.
const smallObject = 16

// parser is the one strict JSON parser of the package. In modeCheck it only validates;
// otherwise it builds values, collecting the members and elements of open objects and
// arrays on shared stacks so that each map and slice is allocated once at its final
// size.
type parser struct {
	data     []byte
	s        string // string(data), shared by decoded strings (build modes only)
	pos      int
	maxDepth int
	mode     mode

	keys  []string // names of the members of open objects
	offs  []int    // their offsets (for error messages)
	ckeys [][]byte // names of the members of open objects, in modeCheck
	vals  []any    // values of the members and elements of open objects and arrays
	buf   []byte   // scratch for unescaping
}

// parsers holds parsers with their stacks, reused across calls.
var parsers = sync.Pool{New: func() any { return new(parser) }}

// maxPooledStack is the largest stack capacity kept in a pooled parser.
const maxPooledStack = 1024

// release drops the parser's references to the input and returns it to the pool.
func (p *parser) release() {
	clear(p.keys[:cap(p.keys)])
	clear(p.ckeys[:cap(p.ckeys)])
	clear(p.vals[:cap(p.vals)])
	clear(p.buf[:cap(p.buf)])
	p.data, p.s = nil, ""
	p.keys, p.offs, p.ckeys, p.vals = p.keys[:0], p.offs[:0], p.ckeys[:0], p.vals[:0]
	if cap(p.keys) > maxPooledStack || cap(p.ckeys) > maxPooledStack || cap(p.vals) > maxPooledStack || cap(p.buf) > 64*maxPooledStack {
		return
	}
	parsers.Put(p)
}

func (p *parser) fail(msg string) error {
	return &SyntaxError{Offset: p.pos, Msg: msg, kind: ErrMalformed}
}

func (p *parser) tooDeep() error {
	return &SyntaxError{Offset: p.pos, Msg: fmt.Sprintf("more than %d nested objects and arrays", p.maxDepth), kind: ErrTooDeep}
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (any, error) {
	if p.pos >= len(p.data) {
		return nil, p.fail("unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		if p.mode == modeCheck {
			_, _, _, err := p.str()
			return nil, err
		}
		s, err := p.strValue()
		if err != nil {
			return nil, err
		}
		return s, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	default:
		return nil, p.fail(fmt.Sprintf("unexpected character %q", c))
	}
}

func (p *parser) literal(lit string) error {
	if len(p.data)-p.pos < len(lit) || string(p.data[p.pos:p.pos+len(lit)]) != lit {
		return p.fail("invalid literal")
	}
	p.pos += len(lit)
	return nil
}

func (p *parser) object(depth int) (any, error) {
	if depth > p.maxDepth {
		return nil, p.tooDeep()
	}
	p.pos++ // {
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		if p.mode == modeCheck {
			return nil, nil
		}
		return map[string]any{}, nil
	}
	mark, vmark := len(p.keys), len(p.vals)
	if p.mode == modeCheck {
		mark = len(p.ckeys)
	}
	defer func() {
		if p.mode == modeCheck {
			p.ckeys = p.ckeys[:mark]
			return
		}
		clear(p.vals[vmark:])
		p.keys, p.offs, p.vals = p.keys[:mark], p.offs[:mark], p.vals[:vmark]
	}()
	// The validating mode compares names linearly in small objects and switches to a
	// set in large ones, so that an object with many members costs linear time.
	var seen map[string]struct{}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.fail("expected a member name")
		}
		start := p.pos
		if p.mode == modeCheck {
			ks, ke, escaped, err := p.str()
			if err != nil {
				return nil, err
			}
			key := p.data[ks:ke]
			if escaped {
				key = bytes.Clone(p.buf)
			}
			dup := false
			if seen != nil {
				_, dup = seen[string(key)]
				seen[string(key)] = struct{}{}
			} else {
				for _, k := range p.ckeys[mark:] {
					if bytes.Equal(k, key) {
						dup = true
						break
					}
				}
				p.ckeys = append(p.ckeys, key)
				if len(p.ckeys)-mark > smallObject {
					seen = make(map[string]struct{}, 4*smallObject)
					for _, k := range p.ckeys[mark:] {
						seen[string(k)] = struct{}{}
					}
				}
			}
			if dup {
				return nil, duplicate(start, string(key))
			}
		} else {
			key, err := p.strValue()
			if err != nil {
				return nil, err
			}
			p.keys = append(p.keys, key)
			p.offs = append(p.offs, start)
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.fail("expected ':' after a member name")
		}
		p.pos++
		p.skipSpace()
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		if p.mode != modeCheck {
			p.vals = append(p.vals, v)
		}
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.fail("unexpected end of input in an object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			if p.mode == modeCheck {
				return nil, nil
			}
			return p.makeMap(mark, vmark)
		default:
			return nil, p.fail("expected ',' or '}' in an object")
		}
	}
}

// makeMap builds the object whose members are on the stacks from mark (names) and
// vmark (values). A duplicate
// name shows as a map smaller than the member count.
func (p *parser) makeMap(mark, vmark int) (any, error) {
	keys, vals := p.keys[mark:], p.vals[vmark:]
	m := make(map[string]any, len(keys))
	for i, k := range keys {
		m[k] = vals[i]
	}
	if len(m) != len(keys) {
		for i, k := range keys {
			for _, k2 := range keys[:i] {
				if k == k2 {
					return nil, duplicate(p.offs[mark+i], k)
				}
			}
		}
	}
	return m, nil
}

func duplicate(off int, key string) error {
	return &SyntaxError{Offset: off, Msg: fmt.Sprintf("member %s appears twice", strconv.Quote(truncate(key))), kind: ErrDuplicateKey}
}

func (p *parser) array(depth int) (any, error) {
	if depth > p.maxDepth {
		return nil, p.tooDeep()
	}
	p.pos++ // [
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		if p.mode == modeCheck {
			return nil, nil
		}
		return []any{}, nil
	}
	mark := len(p.vals)
	defer func() {
		clear(p.vals[mark:])
		p.vals = p.vals[:mark]
	}()
	for {
		p.skipSpace()
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		if p.mode != modeCheck {
			p.vals = append(p.vals, v)
		}
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.fail("unexpected end of input in an array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			if p.mode == modeCheck {
				return nil, nil
			}
			return append([]any(nil), p.vals[mark:]...), nil
		default:
			return nil, p.fail("expected ',' or ']' in an array")
		}
	}
}

// str parses the string starting at the opening quote. Without escapes, its value is
// data[start:end]; with escapes (escaped set), it is in p.buf until the next call.
func (p *parser) str() (start, end int, escaped bool, err error) {
	p.pos++ // opening quote
	start = p.pos
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return start, p.pos - 1, false, nil
		case c == '\\':
			err = p.escaped(start)
			return start, p.pos - 1, true, err
		case c < 0x20:
			return 0, 0, false, p.fail("control character in string")
		case c < utf8.RuneSelf:
			p.pos++
		default:
			r, size := utf8.DecodeRune(p.data[p.pos:])
			if r == utf8.RuneError && size <= 1 {
				return 0, 0, false, p.fail("invalid UTF-8")
			}
			p.pos += size
		}
	}
	return 0, 0, false, p.fail("unterminated string")
}

// strValue parses a string and returns its value (build modes).
func (p *parser) strValue() (string, error) {
	start, end, escaped, err := p.str()
	switch {
	case err != nil:
		return "", err
	case escaped:
		return string(p.buf), nil
	}
	return p.s[start:end], nil
}

// escaped unescapes a string that holds escapes into p.buf; p.pos is at the first
// backslash, and ends after the closing quote.
func (p *parser) escaped(start int) error {
	b := append(p.buf[:0], p.data[start:p.pos]...)
	defer func() { p.buf = b }()
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return nil
		case c < 0x20:
			return p.fail("control character in string")
		case c == '\\':
			if p.pos+1 >= len(p.data) {
				return p.fail("unterminated escape")
			}
			e := p.data[p.pos+1]
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
				r, ok := hex4(p.data, p.pos+2)
				if !ok {
					return p.fail("invalid \\u escape")
				}
				if utf16.IsSurrogate(r) {
					// A high surrogate must be followed by a low one; a lone surrogate is
					// not text.
					r2, ok := rune(0), false
					if r < 0xDC00 && p.pos+7 < len(p.data) && p.data[p.pos+6] == '\\' && p.data[p.pos+7] == 'u' {
						r2, ok = hex4(p.data, p.pos+8)
					}
					if !ok || r2 < 0xDC00 || r2 > 0xDFFF {
						return p.fail("lone UTF-16 surrogate in \\u escape")
					}
					r = utf16.DecodeRune(r, r2)
					p.pos += 6
				}
				b = utf8.AppendRune(b, r)
				p.pos += 4
			default:
				return p.fail("invalid escape")
			}
			p.pos += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			p.pos++
		default:
			r, size := utf8.DecodeRune(p.data[p.pos:])
			if r == utf8.RuneError && size <= 1 {
				return p.fail("invalid UTF-8")
			}
			b = append(b, p.data[p.pos:p.pos+size]...)
			p.pos += size
		}
	}
	return p.fail("unterminated string")
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
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
	return r, true
}

func (p *parser) number() (any, error) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if p.pos < len(p.data) && p.data[p.pos] == '0' {
		p.pos++
	} else if digits() == 0 {
		p.pos = start
		return nil, p.fail("invalid number")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return nil, p.fail("invalid number: no digits after '.'")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, p.fail("invalid number: no digits in exponent")
		}
	}
	switch p.mode {
	case modeNumber:
		return json.Number(p.s[start:p.pos]), nil
	case modeFloat:
		f, err := strconv.ParseFloat(p.s[start:p.pos], 64)
		if err != nil && math.IsInf(f, 0) {
			p.pos = start
			return nil, p.fail("number out of range")
		}
		return f, nil
	}
	return nil, nil
}

func truncate(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
