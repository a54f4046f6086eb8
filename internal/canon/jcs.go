package canon

import (
	"encoding/json"
	"errors"
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
// duplicate member names after unescaping, numbers within IEEE 754 double range. It is
// parsed by jsonx.Decode, the strict parser every other decoder uses, and written with
// [JCSValue]'s serializer. Errors are *JCSError wrapping jsonx.ErrMalformed,
// jsonx.ErrDuplicateKey, jsonx.ErrTooLarge, jsonx.ErrTooDeep (the last three also match
// jsonx.ErrMalformed), or ErrNumber for a number too large for a double (1e400; its Offset
// is -1). Numbers too small for a double become 0, as in ECMAScript.
func JCSLimits(data []byte, lim jsonx.Limits) ([]byte, error) {
	v, err := jsonx.Decode(data, lim)
	if err != nil {
		var se *jsonx.SyntaxError
		if errors.As(err, &se) {
			return nil, &JCSError{Offset: se.Offset, Msg: se.Msg, Err: se.Unwrap()}
		}
		return nil, &JCSError{Offset: -1, Msg: "invalid JSON", Err: jsonx.ErrMalformed}
	}
	maxDepth := lim.MaxDepth
	if maxDepth <= 0 {
		maxDepth = jsonx.DefaultMaxDepth
	}
	out, err := appendJCSValue(make([]byte, 0, len(data)), v, 0, maxDepth)
	if err != nil {
		kind := jsonx.ErrMalformed
		if errors.Is(err, ErrNumber) {
			kind = ErrNumber
		}
		return nil, &JCSError{Offset: -1, Msg: err.Error(), Err: kind}
	}
	return out, nil
}

// appendNumber appends the JCS form of the JSON number text n.
func appendNumber(dst []byte, n string) ([]byte, error) {
	if !validNumber(n) {
		return nil, fmt.Errorf("%w: invalid number", jsonx.ErrMalformed)
	}
	f, err := strconv.ParseFloat(n, 64)
	if err != nil && math.IsInf(f, 0) {
		return nil, fmt.Errorf("%w: number out of IEEE 754 double range", ErrNumber)
	}
	return AppendES6Number(dst, f)
}

// validNumber reports whether n is a number in the JSON grammar (RFC 8259 section 6).
func validNumber(n string) bool {
	i := 0
	if i < len(n) && n[i] == '-' {
		i++
	}
	digits := func() bool {
		s := i
		for i < len(n) && n[i] >= '0' && n[i] <= '9' {
			i++
		}
		return i > s
	}
	switch {
	case i < len(n) && n[i] == '0':
		i++
	case !digits():
		return false
	}
	if i < len(n) && n[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(n) && (n[i] == 'e' || n[i] == 'E') {
		i++
		if i < len(n) && (n[i] == '+' || n[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(n)
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

// AppendJCSString appends s as RFC 8785 writes strings: '"' and '\' escaped, control characters
// as \b \t \n \f \r or \u00xx (lowercase hex), everything else as UTF-8.
func AppendJCSString(dst []byte, s string) []byte {
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

// CompareUTF16 orders valid UTF-8 strings by their UTF-16 code units (RFC 8785 section 3.2.3).
func CompareUTF16(a, b string) int {
	// Up to the first difference the orders agree; where that difference is between two
	// ASCII bytes, byte order is UTF-16 order.
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	switch {
	case i == len(a) || i == len(b):
		return len(a) - len(b)
	case a[i] < utf8.RuneSelf && b[i] < utf8.RuneSelf:
		return int(a[i]) - int(b[i])
	}
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
	return appendJCSValue(make([]byte, 0, 512), v, 0, jsonx.DefaultMaxDepth)
}

// AppendJCSValue is JCSValue appending to dst, for callers that reuse a buffer. On error
// it returns nil.
func AppendJCSValue(dst []byte, v any) ([]byte, error) {
	return appendJCSValue(dst, v, 0, jsonx.DefaultMaxDepth)
}

// Member changes one member of the object AppendJCSObject writes: the member Name gets
// Value, or is left out when Omit is set.
type Member struct {
	Name  string
	Value any
	Omit  bool
}

// AppendJCSObject appends the RFC 8785 form of the object whose members are those of m
// as changed by edits (of several edits of one name, the last applies), without copying
// m. The limits and errors are those of JCSValue; on error it returns nil.
func AppendJCSObject(dst []byte, m map[string]any, edits ...Member) ([]byte, error) {
	edit := func(name string) int { // index of the edit of name that applies, or -1
		for i := len(edits) - 1; i >= 0; i-- {
			if edits[i].Name == name {
				return i
			}
		}
		return -1
	}
	var kbuf [24]string
	keys := kbuf[:0]
	for k := range m {
		if edit(k) < 0 {
			keys = append(keys, k)
		}
	}
	for i, e := range edits {
		if !e.Omit && edit(e.Name) == i {
			keys = append(keys, e.Name)
		}
	}
	for _, k := range keys {
		if !utf8.ValidString(k) {
			return nil, fmt.Errorf("%w: member name is not valid UTF-8", jsonx.ErrMalformed)
		}
	}
	slices.SortFunc(keys, CompareUTF16)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendJCSString(dst, k)
		dst = append(dst, ':')
		v := m[k]
		if i := edit(k); i >= 0 {
			v = edits[i].Value
		}
		var err error
		if dst, err = appendJCSValue(dst, v, 1, jsonx.DefaultMaxDepth); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

func appendJCSValue(dst []byte, v any, depth, maxDepth int) ([]byte, error) {
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
		return AppendJCSString(dst, v), nil
	case float64:
		return AppendES6Number(dst, v)
	case int:
		return AppendES6Number(dst, float64(v))
	case int64:
		return AppendES6Number(dst, float64(v))
	case json.Number:
		return appendNumber(dst, string(v))
	case []any:
		if depth++; depth > maxDepth {
			return nil, fmt.Errorf("%w: more than %d nested objects and arrays", jsonx.ErrTooDeep, maxDepth)
		}
		dst = append(dst, '[')
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = appendJCSValue(dst, e, depth, maxDepth); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	case map[string]any:
		if depth++; depth > maxDepth {
			return nil, fmt.Errorf("%w: more than %d nested objects and arrays", jsonx.ErrTooDeep, maxDepth)
		}
		var kbuf [16]string
		keys := kbuf[:0]
		for k := range v {
			if !utf8.ValidString(k) {
				return nil, fmt.Errorf("%w: member name is not valid UTF-8", jsonx.ErrMalformed)
			}
			keys = append(keys, k)
		}
		slices.SortFunc(keys, CompareUTF16)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendJCSString(dst, k)
			dst = append(dst, ':')
			var err error
			if dst, err = appendJCSValue(dst, v[k], depth, maxDepth); err != nil {
				return nil, err
			}
		}
		return append(dst, '}'), nil
	}
	return nil, fmt.Errorf("%w: unsupported Go type %T", jsonx.ErrMalformed, v)
}
