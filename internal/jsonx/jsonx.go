// Package jsonx parses untrusted JSON strictly: one value, valid UTF-8, no duplicate member
// names, and bounded size and depth. Signed documents must have exactly one meaning, and
// encoding/json silently keeps the last of two duplicate members.
package jsonx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
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

// Check reports whether data is exactly one strict JSON value within lim.
func Check(data []byte, lim Limits) error {
	if len(data) > lim.maxBytes() {
		return &SyntaxError{Offset: lim.maxBytes(), Msg: fmt.Sprintf("input is %d bytes, limit %d", len(data), lim.maxBytes()), kind: ErrTooLarge}
	}
	s := scanner{data: data, maxDepth: lim.maxDepth()}
	s.skipSpace()
	if err := s.value(0); err != nil {
		return err
	}
	s.skipSpace()
	if s.pos != len(s.data) {
		return s.fail("unexpected data after the JSON value")
	}
	return nil
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

// Decode checks data and returns it as a generic value: map[string]any, []any, string,
// json.Number, bool or nil.
func Decode(data []byte, lim Limits) (any, error) {
	var v any
	if err := Unmarshal(data, &v, lim); err != nil {
		return nil, err
	}
	return v, nil
}

// smallObject is the member count up to which duplicate names are found by linear search.
const smallObject = 16

type scanner struct {
	data     []byte
	pos      int
	maxDepth int
	keys     [][]byte // scratch for duplicate detection, reused across objects
}

func (s *scanner) fail(msg string) error {
	return &SyntaxError{Offset: s.pos, Msg: msg, kind: ErrMalformed}
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *scanner) value(depth int) error {
	if s.pos >= len(s.data) {
		return s.fail("unexpected end of input")
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return s.object(depth + 1)
	case c == '[':
		return s.array(depth + 1)
	case c == '"':
		_, _, err := s.str()
		return err
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	default:
		return s.fail(fmt.Sprintf("unexpected character %q", c))
	}
}

func (s *scanner) literal(lit string) error {
	if !bytes.HasPrefix(s.data[s.pos:], []byte(lit)) {
		return s.fail("invalid literal")
	}
	s.pos += len(lit)
	return nil
}

func (s *scanner) object(depth int) error {
	if depth > s.maxDepth {
		return &SyntaxError{Offset: s.pos, Msg: fmt.Sprintf("more than %d nested objects and arrays", s.maxDepth), kind: ErrTooDeep}
	}
	s.pos++ // {
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return nil
	}
	mark := len(s.keys)
	defer func() { s.keys = s.keys[:mark] }()
	// Small objects compare names linearly; large ones switch to a set so that an object
	// with many members costs linear, not quadratic, time.
	var seen map[string]struct{}
	for {
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			return s.fail("expected a member name")
		}
		start := s.pos
		raw, escaped, err := s.str()
		if err != nil {
			return err
		}
		key := raw
		if escaped {
			key = unquote(raw)
		}
		dup := false
		if seen != nil {
			_, dup = seen[string(key)]
			seen[string(key)] = struct{}{}
		} else {
			for _, k := range s.keys[mark:] {
				if bytes.Equal(k, key) {
					dup = true
					break
				}
			}
			s.keys = append(s.keys, key)
			if len(s.keys)-mark > smallObject {
				seen = make(map[string]struct{}, 2*smallObject)
				for _, k := range s.keys[mark:] {
					seen[string(k)] = struct{}{}
				}
			}
		}
		if dup {
			return &SyntaxError{Offset: start, Msg: fmt.Sprintf("member %s appears twice", strconv.Quote(truncate(string(key)))), kind: ErrDuplicateKey}
		}
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return s.fail("expected ':' after a member name")
		}
		s.pos++
		s.skipSpace()
		if err := s.value(depth); err != nil {
			return err
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.fail("unexpected end of input in an object")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return nil
		default:
			return s.fail("expected ',' or '}' in an object")
		}
	}
}

func (s *scanner) array(depth int) error {
	if depth > s.maxDepth {
		return &SyntaxError{Offset: s.pos, Msg: fmt.Sprintf("more than %d nested objects and arrays", s.maxDepth), kind: ErrTooDeep}
	}
	s.pos++ // [
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return nil
	}
	for {
		s.skipSpace()
		if err := s.value(depth); err != nil {
			return err
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.fail("unexpected end of input in an array")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return nil
		default:
			return s.fail("expected ',' or ']' in an array")
		}
	}
}

// str scans a string starting at the opening quote. It returns the raw contents between the
// quotes and whether they hold escapes.
func (s *scanner) str() (raw []byte, escaped bool, err error) {
	s.pos++ // opening quote
	start := s.pos
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			raw = s.data[start:s.pos]
			s.pos++
			return raw, escaped, nil
		case c == '\\':
			escaped = true
			if s.pos+1 >= len(s.data) {
				return nil, false, s.fail("unterminated escape")
			}
			switch s.data[s.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.pos += 2
			case 'u':
				r, ok := hex4(s.data, s.pos+2)
				if !ok {
					return nil, false, s.fail("invalid \\u escape")
				}
				s.pos += 6
				if utf16.IsSurrogate(r) {
					// A high surrogate must be followed by a low one; a lone surrogate is not text.
					r2, ok := rune(0), false
					if r < 0xDC00 && s.pos+1 < len(s.data) && s.data[s.pos] == '\\' && s.data[s.pos+1] == 'u' {
						r2, ok = hex4(s.data, s.pos+2)
					}
					if !ok || r2 < 0xDC00 || r2 > 0xDFFF {
						return nil, false, s.fail("lone UTF-16 surrogate in \\u escape")
					}
					s.pos += 6
				}
			default:
				return nil, false, s.fail("invalid escape")
			}
		case c < 0x20:
			return nil, false, s.fail("control character in string")
		case c < utf8.RuneSelf:
			s.pos++
		default:
			r, size := utf8.DecodeRune(s.data[s.pos:])
			if r == utf8.RuneError && size <= 1 {
				return nil, false, s.fail("invalid UTF-8")
			}
			s.pos += size
		}
	}
	return nil, false, s.fail("unterminated string")
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

// unquote decodes the contents of an already validated string.
func unquote(raw []byte) []byte {
	q := make([]byte, 0, len(raw)+2)
	q = append(q, '"')
	q = append(q, raw...)
	q = append(q, '"')
	var s string
	if err := json.Unmarshal(q, &s); err != nil {
		return raw // unreachable for validated input
	}
	return []byte(s)
}

func (s *scanner) number() error {
	start := s.pos
	if s.data[s.pos] == '-' {
		s.pos++
	}
	digits := func() int {
		n := 0
		for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
			s.pos++
			n++
		}
		return n
	}
	if s.pos < len(s.data) && s.data[s.pos] == '0' {
		s.pos++
	} else if digits() == 0 {
		s.pos = start
		return s.fail("invalid number")
	}
	if s.pos < len(s.data) && s.data[s.pos] == '.' {
		s.pos++
		if digits() == 0 {
			return s.fail("invalid number: no digits after '.'")
		}
	}
	if s.pos < len(s.data) && (s.data[s.pos] == 'e' || s.data[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.data) && (s.data[s.pos] == '+' || s.data[s.pos] == '-') {
			s.pos++
		}
		if digits() == 0 {
			return s.fail("invalid number: no digits in exponent")
		}
	}
	return nil
}

func truncate(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
