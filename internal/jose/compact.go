package jose

import (
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Default caps, used when the corresponding [Options] field is zero.
const (
	// DefaultMaxTokenBytes caps a whole compact token (256 KiB).
	DefaultMaxTokenBytes = 256 << 10
	// DefaultMaxHeaderBytes caps the decoded protected header (8 KiB).
	DefaultMaxHeaderBytes = 8 << 10
	// maxHeaderDepth caps header JSON nesting.
	maxHeaderDepth = 8
)

// embeddedKeyHeaders are refused unless listed in [Options.AllowHeaders]:
// a verifier must never take its key, or a URL to fetch one, from the
// token it is checking.
var embeddedKeyHeaders = []string{"jwk", "jku", "x5u", "x5c"}

// registeredHeaders may not appear in "crit" (RFC 7515 section 4.1.11).
var registeredHeaders = []string{"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit"}

// Options tunes parsing. The zero value (or nil) is strict: default caps,
// no embedded keys, no "crit" extensions.
type Options struct {
	// MaxTokenBytes caps the compact token; 0 means DefaultMaxTokenBytes.
	MaxTokenBytes int
	// MaxHeaderBytes caps the decoded header; 0 means DefaultMaxHeaderBytes.
	MaxHeaderBytes int
	// AllowHeaders lists embedded-key parameters (jwk, jku, x5u, x5c) the
	// caller accepts in the header. They are only exposed in
	// [Header.Params]; nothing is ever fetched.
	AllowHeaders []string
	// Crit lists extension parameter names the caller understands and
	// processes; any other name in "crit" is refused.
	Crit []string
}

func (o *Options) maxToken() int {
	if o == nil || o.MaxTokenBytes <= 0 {
		return DefaultMaxTokenBytes
	}
	return o.MaxTokenBytes
}

func (o *Options) maxHeader() int {
	if o == nil || o.MaxHeaderBytes <= 0 {
		return DefaultMaxHeaderBytes
	}
	return o.MaxHeaderBytes
}

// Header is the decoded JWS protected header.
type Header struct {
	Alg  string   // "alg" as written; verification never trusts it
	Typ  string   // "typ", "" if absent
	Cty  string   // "cty", "" if absent
	Kid  string   // "kid", "" if absent
	Crit []string // "crit", nil if absent
	// Params holds every member, numbers as json.Number.
	Params map[string]any
}

// JWS is a parsed, not yet verified, compact JWS.
type JWS struct {
	Header    Header
	RawHeader []byte // decoded header JSON
	Payload   []byte // decoded payload
	Signature []byte // decoded signature
	// SigningInput is the ASCII "header.payload" the signature covers.
	SigningInput string

	signingInput []byte // SigningInput as bytes, set by Parse
}

// Parse decodes a compact JWS (RFC 7515 section 7.1) without verifying it.
// It enforces the caps and header rules of opts (nil = strict defaults) and
// returns errors wrapping [ErrMalformed], [ErrTooLarge], [ErrBadEncoding],
// [ErrForbiddenHeader] or [ErrUnsupportedAlg] ("none" is refused here, as
// is any algorithm off the allow-list).
func Parse(token string, opts *Options) (*JWS, error) {
	if len(token) > opts.maxToken() {
		return nil, malformed(ErrTooLarge, fmt.Sprintf("token of %d bytes exceeds %d", len(token), opts.maxToken()))
	}
	h, rest, ok := strings.Cut(token, ".")
	if !ok {
		return nil, fmt.Errorf("%w: want 3 dot-separated parts", ErrMalformed)
	}
	p, s, ok := strings.Cut(rest, ".")
	if !ok || strings.IndexByte(s, '.') >= 0 {
		return nil, fmt.Errorf("%w: want 3 dot-separated parts", ErrMalformed)
	}
	if len(h) == 0 || len(s) == 0 {
		return nil, fmt.Errorf("%w: empty header or signature", ErrMalformed)
	}
	if base64.RawURLEncoding.DecodedLen(len(h)) > opts.maxHeader() {
		return nil, malformed(ErrTooLarge, fmt.Sprintf("header exceeds %d bytes", opts.maxHeader()))
	}
	// One buffer holds the signing input and the three decoded segments.
	in := len(h) + 1 + len(p)
	buf := make([]byte, len(token), len(token)+decodedLen(h)+decodedLen(p)+decodedLen(s))
	copy(buf, token)
	rawHeader, rest2, err := decodeInto(buf[len(token):], buf[:len(h)])
	if err != nil {
		return nil, fmt.Errorf("%w (header)", err)
	}
	hdr, err := parseHeader(rawHeader, opts)
	if err != nil {
		return nil, err
	}
	payload, rest2, err := decodeInto(rest2, buf[len(h)+1:in])
	if err != nil {
		return nil, fmt.Errorf("%w (payload)", err)
	}
	sig, _, err := decodeInto(rest2, buf[in+1:])
	if err != nil {
		return nil, fmt.Errorf("%w (signature)", err)
	}
	return &JWS{Header: hdr, RawHeader: rawHeader, Payload: payload, Signature: sig,
		SigningInput: token[:in], signingInput: buf[:in:in]}, nil
}

// ParseHeader decodes only the protected header of a compact JWS, for
// routing (typ, cty, kid, alg) before verification. The same caps and
// header rules as [Parse] apply. Nothing in it is authenticated yet.
func ParseHeader(token string, opts *Options) (*Header, error) {
	if len(token) > opts.maxToken() {
		return nil, malformed(ErrTooLarge, fmt.Sprintf("token of %d bytes exceeds %d", len(token), opts.maxToken()))
	}
	h, _, ok := strings.Cut(token, ".")
	if !ok || h == "" {
		return nil, fmt.Errorf("%w: no header part", ErrMalformed)
	}
	if base64.RawURLEncoding.DecodedLen(len(h)) > opts.maxHeader() {
		return nil, malformed(ErrTooLarge, fmt.Sprintf("header exceeds %d bytes", opts.maxHeader()))
	}
	raw, err := DecodeSegment(h)
	if err != nil {
		return nil, fmt.Errorf("%w (header)", err)
	}
	hdr, err := parseHeader(raw, opts)
	if err != nil {
		return nil, err
	}
	return &hdr, nil
}

// Verify checks the signature with pub, whose type fixes the algorithm
// (see [AlgForKey]). A header "alg" naming any other algorithm gives
// [ErrAlgMismatch]; a bad signature gives [ErrInvalidSignature].
func (j *JWS) Verify(pub crypto.PublicKey) error {
	alg, err := AlgForKey(pub)
	if err != nil {
		return err
	}
	if j.Header.Alg != string(alg) {
		return fmt.Errorf("%w: header %q, key %s", ErrAlgMismatch, j.Header.Alg, alg)
	}
	msg := j.signingInput
	if string(msg) != j.SigningInput { // a JWS not from Parse, or changed since
		msg = []byte(j.SigningInput)
	}
	return verifyWith(alg, pub, msg, j.Signature)
}

// Verify parses token with opts and verifies it with pub: the one call for
// "is this a JWS signed by this key". It returns the parsed token only when
// the signature is valid.
func Verify(token string, pub crypto.PublicKey, opts *Options) (*JWS, error) {
	j, err := Parse(token, opts)
	if err != nil {
		return nil, err
	}
	if err := j.Verify(pub); err != nil {
		return nil, err
	}
	return j, nil
}

// DecodeSegment decodes one base64url segment strictly: no padding, no
// whitespace, only the URL-safe alphabet, zero trailing bits. Errors wrap
// [ErrBadEncoding] (and [ErrMalformed]).
func DecodeSegment(s string) ([]byte, error) {
	out, _, err := decodeInto(make([]byte, 0, decodedLen(s)), []byte(s))
	return out, err
}

// strictB64 is the strict unpadded base64url encoding of every decode.
var strictB64 = base64.RawURLEncoding.Strict()

func decodedLen(s string) int { return base64.RawURLEncoding.DecodedLen(len(s)) }

func decodedLenB(s []byte) int { return base64.RawURLEncoding.DecodedLen(len(s)) }

// decodeInto decodes the segment s as DecodeSegment does into the free
// capacity of dst (len(dst) must be 0) and returns the decoded bytes and
// what remains of dst's capacity. It allocates only when dst is too small.
func decodeInto(dst, s []byte) (out, rest []byte, err error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return nil, dst, malformed(ErrBadEncoding, fmt.Sprintf("byte 0x%02x at offset %d", c, i))
		}
	}
	n := decodedLenB(s)
	if cap(dst) < n {
		dst = make([]byte, 0, n)
	}
	out = dst[:n:n]
	m, err := strictB64.Decode(out, s)
	if err != nil || m != n {
		return nil, dst, malformed(ErrBadEncoding, "non-canonical base64url")
	}
	return out, dst[n:n:cap(dst)], nil
}

// EncodeSegment is unpadded base64url.
func EncodeSegment(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func parseHeader(raw []byte, opts *Options) (Header, error) {
	var h Header
	params, err := decodeObject(raw, opts.maxHeader(), maxHeaderDepth)
	if err != nil {
		return h, fmt.Errorf("%w: header: %w", ErrMalformed, err)
	}
	h.Params = params
	alg, ok := params["alg"].(string)
	if !ok {
		return h, fmt.Errorf("%w: header \"alg\" missing or not a string", ErrMalformed)
	}
	h.Alg = alg
	if !Alg(alg).Supported() {
		return h, fmt.Errorf("%w: %q", ErrUnsupportedAlg, alg)
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"typ", &h.Typ}, {"cty", &h.Cty}, {"kid", &h.Kid}} {
		v, present := params[f.name]
		if !present {
			continue
		}
		s, ok := v.(string)
		if !ok {
			return h, fmt.Errorf("%w: header %q is not a string", ErrMalformed, f.name)
		}
		*f.dst = s
	}
	for _, name := range embeddedKeyHeaders {
		if _, present := params[name]; present && (opts == nil || !slices.Contains(opts.AllowHeaders, name)) {
			return h, malformed(ErrForbiddenHeader, fmt.Sprintf("%q not allowed", name))
		}
	}
	if v, present := params["b64"]; present {
		if b, ok := v.(bool); !ok || !b {
			return h, malformed(ErrForbiddenHeader, "\"b64\": false (RFC 7797) not supported")
		}
	}
	if v, present := params["crit"]; present {
		list, ok := v.([]any)
		if !ok || len(list) == 0 {
			return h, fmt.Errorf("%w: header \"crit\" must be a non-empty array", ErrMalformed)
		}
		for _, e := range list {
			name, ok := e.(string)
			if !ok {
				return h, fmt.Errorf("%w: header \"crit\" entry is not a string", ErrMalformed)
			}
			if slices.Contains(registeredHeaders, name) {
				return h, fmt.Errorf("%w: \"crit\" lists registered parameter %q", ErrMalformed, name)
			}
			if slices.Contains(h.Crit, name) {
				return h, fmt.Errorf("%w: \"crit\" lists %q twice", ErrMalformed, name)
			}
			if opts == nil || !slices.Contains(opts.Crit, name) {
				return h, malformed(ErrForbiddenHeader, fmt.Sprintf("unknown critical parameter %q", name))
			}
			if _, present := params[name]; !present {
				return h, fmt.Errorf("%w: critical parameter %q absent", ErrMalformed, name)
			}
			h.Crit = append(h.Crit, name)
		}
	}
	return h, nil
}

var errNotObject = errors.New("not a JSON object")

// decodeObject decodes strict JSON (see jsonx) that must be an object.
func decodeObject(raw []byte, maxBytes, maxDepth int) (map[string]any, error) {
	v, err := decodeJSON(raw, maxBytes, maxDepth)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errNotObject
	}
	return m, nil
}

// headerJSON encodes a header with alg first, then typ, cty, kid, then the
// remaining parameters in sorted order (encoding/json map order).
func headerJSON(alg Alg, h Header) ([]byte, error) {
	b := []byte(`{"alg":`)
	b = appendJSONString(b, string(alg))
	for _, f := range []struct{ k, v string }{{"typ", h.Typ}, {"cty", h.Cty}, {"kid", h.Kid}} {
		if f.v == "" {
			continue
		}
		b = append(b, ',')
		b = appendJSONString(b, f.k)
		b = append(b, ':')
		b = appendJSONString(b, f.v)
	}
	if len(h.Crit) > 0 {
		c, err := json.Marshal(h.Crit)
		if err != nil {
			return nil, err
		}
		b = append(b, `,"crit":`...)
		b = append(b, c...)
	}
	extra := make(map[string]any, len(h.Params))
	for k, v := range h.Params {
		switch k {
		case "alg", "typ", "cty", "kid", "crit":
			continue
		}
		extra[k] = v
	}
	if len(extra) > 0 {
		e, err := json.Marshal(extra)
		if err != nil {
			return nil, fmt.Errorf("jose: header: %w", err)
		}
		b = append(b, ',')
		b = append(b, e[1:]...)
		return b, nil
	}
	return append(b, '}'), nil
}

func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}
