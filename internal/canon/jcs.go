package canon

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/polity-id/polity/internal/jsonx"
)

// JCS returns the RFC 8785 JSON Canonicalization Scheme form of one JSON document, with the
// default jsonx limits (1 MiB, depth 64). See [JCSLimits].
func JCS(data []byte) ([]byte, error) {
	return JCSLimits(data, jsonx.Limits{})
}

// JCSLimits returns the RFC 8785 canonical form of data: no insignificant whitespace, object
// members sorted by the UTF-16 code units of their names, strings with the minimal escapes,
// numbers as ECMAScript's Number.prototype.toString writes them.
//
// The input must be I-JSON (RFC 7493): valid UTF-8, no lone surrogates (escaped or not), no
// duplicate member names after unescaping, numbers within IEEE 754 double range. Errors are
// *JCSError wrapping jsonx.ErrMalformed, jsonx.ErrDuplicateKey, jsonx.ErrTooLarge,
// jsonx.ErrTooDeep (the last three also match jsonx.ErrMalformed), or ErrNumber for a number
// too large for a double (1e400). Numbers too small for a double become 0, as in ECMAScript.
func JCSLimits(data []byte, lim jsonx.Limits) ([]byte, error) {
	maxBytes, maxDepth := lim.MaxBytes, lim.MaxDepth
	if maxBytes <= 0 {
		maxBytes = jsonx.DefaultMaxBytes
	}
	if maxDepth <= 0 {
		maxDepth = jsonx.DefaultMaxDepth
	}
	if len(data) > maxBytes {
		return nil, &JCSError{Offset: maxBytes, Msg: fmt.Sprintf("input is %d bytes, limit %d", len(data), maxBytes), Err: jsonx.ErrTooLarge}
	}
	p := jcsParser{data: data, maxDepth: maxDepth}
	p.skipSpace()
	out, err := p.value(make([]byte, 0, len(data)), 0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(data) {
		return nil, p.fail(jsonx.ErrMalformed, "data after the JSON value")
	}
	return out, nil
}

type jcsParser struct {
	data     []byte
	pos      int
	maxDepth int
	sbuf     []byte
}

func (p *jcsParser) fail(kind error, msg string) error {
	return &JCSError{Offset: p.pos, Msg: msg, Err: kind}
}

func (p *jcsParser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jcsParser) value(dst []byte, depth int) ([]byte, error) {
	if p.pos == len(p.data) {
		return nil, p.fail(jsonx.ErrMalformed, "unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(dst, depth+1)
	case c == '[':
		return p.array(dst, depth+1)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return appendJCSString(dst, s), nil
	case c == '-' || c >= '0' && c <= '9':
		return p.number(dst)
	case c == 't':
		return p.literal(dst, "true")
	case c == 'f':
		return p.literal(dst, "false")
	case c == 'n':
		return p.literal(dst, "null")
	}
	return nil, p.fail(jsonx.ErrMalformed, "unexpected character")
}

func (p *jcsParser) literal(dst []byte, lit string) ([]byte, error) {
	if len(p.data)-p.pos < len(lit) || string(p.data[p.pos:p.pos+len(lit)]) != lit {
		return nil, p.fail(jsonx.ErrMalformed, "invalid literal")
	}
	p.pos += len(lit)
	return append(dst, lit...), nil
}

type member struct {
	name     string
	off, end int // canonical "name":value in the scratch copy
}

func (p *jcsParser) object(dst []byte, depth int) ([]byte, error) {
	if depth > p.maxDepth {
		return nil, p.fail(jsonx.ErrTooDeep, fmt.Sprintf("more than %d nested objects and arrays", p.maxDepth))
	}
	p.pos++ // '{'
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return append(dst, '{', '}'), nil
	}
	start := len(dst)
	var members []member
	for {
		if p.pos == len(p.data) || p.data[p.pos] != '"' {
			return nil, p.fail(jsonx.ErrMalformed, "expected member name")
		}
		name, err := p.str()
		if err != nil {
			return nil, err
		}
		off := len(dst)
		dst = appendJCSString(dst, name)
		dst = append(dst, ':')
		p.skipSpace()
		if p.pos == len(p.data) || p.data[p.pos] != ':' {
			return nil, p.fail(jsonx.ErrMalformed, "expected ':'")
		}
		p.pos++
		p.skipSpace()
		if dst, err = p.value(dst, depth); err != nil {
			return nil, err
		}
		members = append(members, member{name, off - start, len(dst) - start})
		p.skipSpace()
		if p.pos == len(p.data) {
			return nil, p.fail(jsonx.ErrMalformed, "unterminated object")
		}
		if p.data[p.pos] == '}' {
			p.pos++
			break
		}
		if p.data[p.pos] != ',' {
			return nil, p.fail(jsonx.ErrMalformed, "expected ',' or '}'")
		}
		p.pos++
		p.skipSpace()
	}
	slices.SortStableFunc(members, func(a, b member) int { return compareUTF16(a.name, b.name) })
	for i := 1; i < len(members); i++ {
		if members[i].name == members[i-1].name {
			return nil, p.fail(jsonx.ErrDuplicateKey, "duplicate member name")
		}
	}
	scratch := slices.Clone(dst[start:])
	dst = append(dst[:start], '{')
	for i, m := range members {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, scratch[m.off:m.end]...)
	}
	return append(dst, '}'), nil
}

func (p *jcsParser) array(dst []byte, depth int) ([]byte, error) {
	if depth > p.maxDepth {
		return nil, p.fail(jsonx.ErrTooDeep, fmt.Sprintf("more than %d nested objects and arrays", p.maxDepth))
	}
	p.pos++ // '['
	dst = append(dst, '[')
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return append(dst, ']'), nil
	}
	for first := true; ; first = false {
		if !first {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = p.value(dst, depth); err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.pos == len(p.data) {
			return nil, p.fail(jsonx.ErrMalformed, "unterminated array")
		}
		if p.data[p.pos] == ']' {
			p.pos++
			return append(dst, ']'), nil
		}
		if p.data[p.pos] != ',' {
			return nil, p.fail(jsonx.ErrMalformed, "expected ',' or ']'")
		}
		p.pos++
		p.skipSpace()
	}
}

// str parses a JSON string at p.pos and returns its value.
func (p *jcsParser) str() (string, error) {
	p.pos++ // '"'
	start := p.pos
	// Fast path: no escapes, ASCII or valid UTF-8.
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if c == '"' {
			raw := p.data[start:p.pos]
			if !utf8.Valid(raw) {
				p.pos = start
				return "", p.fail(jsonx.ErrMalformed, "string is not valid UTF-8")
			}
			p.pos++
			return string(raw), nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", p.fail(jsonx.ErrMalformed, "control character in string")
		}
		p.pos++
	}
	b := append(p.sbuf[:0], p.data[start:p.pos]...)
	for {
		if p.pos == len(p.data) {
			return "", p.fail(jsonx.ErrMalformed, "unterminated string")
		}
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			p.sbuf = b
			if !utf8.Valid(b) {
				return "", p.fail(jsonx.ErrMalformed, "string is not valid UTF-8")
			}
			return string(b), nil
		case c < 0x20:
			return "", p.fail(jsonx.ErrMalformed, "control character in string")
		case c != '\\':
			b = append(b, c)
			p.pos++
			continue
		}
		if p.pos+1 == len(p.data) {
			return "", p.fail(jsonx.ErrMalformed, "unterminated string")
		}
		e := p.data[p.pos+1]
		p.pos += 2
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
			r, ok := p.hex4()
			if !ok {
				return "", p.fail(jsonx.ErrMalformed, "invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				if r >= 0xDC00 || p.pos+1 >= len(p.data) || p.data[p.pos] != '\\' || p.data[p.pos+1] != 'u' {
					return "", p.fail(jsonx.ErrMalformed, "lone surrogate in string")
				}
				p.pos += 2
				r2, ok := p.hex4()
				if !ok || r2 < 0xDC00 || r2 > 0xDFFF {
					return "", p.fail(jsonx.ErrMalformed, "lone surrogate in string")
				}
				r = utf16.DecodeRune(r, r2)
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", p.fail(jsonx.ErrMalformed, "invalid escape")
		}
	}
}

func (p *jcsParser) hex4() (rune, bool) {
	if len(p.data)-p.pos < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.data[p.pos : p.pos+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	p.pos += 4
	return r, true
}

func (p *jcsParser) number(dst []byte) ([]byte, error) {
	start := p.pos
	d := p.data
	i := p.pos
	if d[i] == '-' {
		i++
	}
	digits := func() bool {
		s := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		return i > s
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case !digits():
		p.pos = i
		return nil, p.fail(jsonx.ErrMalformed, "invalid number")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if !digits() {
			p.pos = i
			return nil, p.fail(jsonx.ErrMalformed, "invalid number")
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if !digits() {
			p.pos = i
			return nil, p.fail(jsonx.ErrMalformed, "invalid number")
		}
	}
	p.pos = i
	f, err := strconv.ParseFloat(string(d[start:i]), 64)
	if err != nil && math.IsInf(f, 0) {
		p.pos = start
		return nil, p.fail(ErrNumber, "number out of IEEE 754 double range")
	}
	return AppendES6Number(dst, f)
}

// AppendES6Number appends f as ECMAScript's Number.prototype.toString writes it (the number
// format of RFC 8785): shortest round-trip digits, exponent form below 1e-6 and from 1e21,
// "0" for -0. NaN and infinities wrap ErrNumber.
func AppendES6Number(dst []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return dst, fmt.Errorf("%w: %v is not a JSON number", ErrNumber, f)
	}
	if f == 0 {
		return append(dst, '0'), nil
	}
	if f < 0 {
		dst = append(dst, '-')
		f = -f
	}
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, 64) // d[.ddd]e±xx
	var digits [24]byte
	k := 0
	j := 0
	for ; e[j] != 'e'; j++ {
		if e[j] != '.' {
			digits[k] = e[j]
			k++
		}
	}
	exp, _ := strconv.Atoi(string(e[j+1:]))
	n := exp + 1 // value = 0.digits × 10^n
	ds := digits[:k]
	switch {
	case k <= n && n <= 21:
		dst = append(dst, ds...)
		for range n - k {
			dst = append(dst, '0')
		}
	case 0 < n && n <= 21:
		dst = append(dst, ds[:n]...)
		dst = append(dst, '.')
		dst = append(dst, ds[n:]...)
	case -6 < n && n <= 0:
		dst = append(dst, '0', '.')
		for range -n {
			dst = append(dst, '0')
		}
		dst = append(dst, ds...)
	default:
		dst = append(dst, ds[0])
		if k > 1 {
			dst = append(dst, '.')
			dst = append(dst, ds[1:]...)
		}
		dst = append(dst, 'e')
		if n-1 >= 0 {
			dst = append(dst, '+')
		}
		dst = strconv.AppendInt(dst, int64(n-1), 10)
	}
	return dst, nil
}

// appendJCSString writes s as RFC 8785 requires: '"' and '\' escaped, control characters
// as \b \t \n \f \r or \u00xx (lowercase hex), everything else as UTF-8.
func appendJCSString(dst []byte, s string) []byte {
	const hexLower = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		start = i + 1
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\r':
			dst = append(dst, '\\', 'r')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexLower[c>>4], hexLower[c&0xf])
		}
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// compareUTF16 orders valid UTF-8 strings by their UTF-16 code units (RFC 8785 section 3.2.3).
func compareUTF16(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			return utf16Key(ra) - utf16Key(rb)
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) - len(b)
}

// utf16Key maps a rune to a number ordered as its UTF-16 encoding: runes above U+FFFF sort
// by their high surrogate (0xD800-0xDBFF), below U+E000-U+FFFF. Distinct supplementary runes
// with the same high surrogate keep their own order after it.
func utf16Key(r rune) int {
	if r < 0x10000 {
		return int(r) << 10 // U+E000..U+FFFF land above every surrogate pair
	}
	hi, lo := utf16.EncodeRune(r)
	return int(hi)<<10 | int(lo-0xDC00)
}

// JCSValue returns the RFC 8785 form of a decoded JSON value: nil, bool, string, float64,
// json.Number, int, int64, map[string]any and []any, nested at most jsonx.DefaultMaxDepth
// deep. Strings must be valid UTF-8. Errors wrap jsonx.ErrMalformed (bad string, unsupported
// type), jsonx.ErrTooDeep or ErrNumber.
func JCSValue(v any) ([]byte, error) {
	return appendJCSValue(nil, v, 0)
}

func appendJCSValue(dst []byte, v any, depth int) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case bool:
		if v {
			return append(dst, "true"...), nil
		}
		return append(dst, "false"...), nil
	case string:
		if !utf8.ValidString(v) {
			return nil, fmt.Errorf("%w: string is not valid UTF-8", jsonx.ErrMalformed)
		}
		return appendJCSString(dst, v), nil
	case float64:
		return AppendES6Number(dst, v)
	case int:
		return AppendES6Number(dst, float64(v))
	case int64:
		return AppendES6Number(dst, float64(v))
	case json.Number:
		if v == "" {
			return nil, fmt.Errorf("%w: empty number", jsonx.ErrMalformed)
		}
		p := jcsParser{data: []byte(v)}
		out, err := p.number(dst)
		if err == nil && p.pos != len(v) {
			err = fmt.Errorf("%w: invalid number", jsonx.ErrMalformed)
		}
		return out, err
	case []any:
		if depth++; depth > jsonx.DefaultMaxDepth {
			return nil, fmt.Errorf("%w: more than %d nested objects and arrays", jsonx.ErrTooDeep, jsonx.DefaultMaxDepth)
		}
		dst = append(dst, '[')
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = appendJCSValue(dst, e, depth); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	case map[string]any:
		if depth++; depth > jsonx.DefaultMaxDepth {
			return nil, fmt.Errorf("%w: more than %d nested objects and arrays", jsonx.ErrTooDeep, jsonx.DefaultMaxDepth)
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			if !utf8.ValidString(k) {
				return nil, fmt.Errorf("%w: member name is not valid UTF-8", jsonx.ErrMalformed)
			}
			keys = append(keys, k)
		}
		slices.SortFunc(keys, compareUTF16)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJCSString(dst, k)
			dst = append(dst, ':')
			var err error
			if dst, err = appendJCSValue(dst, v[k], depth); err != nil {
				return nil, err
			}
		}
		return append(dst, '}'), nil
	}
	return nil, fmt.Errorf("%w: unsupported Go type %T", jsonx.ErrMalformed, v)
}
