// Package multi holds the multiformats helpers the rest of Polity needs: multibase
// encoding with size caps (base58btc 'z', base64url without padding 'u') and multicodec
// varint prefixes for public and private keys.
//
// It is the only package that imports github.com/multiformats/go-multibase.
package multi

import (
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/multiformats/go-multibase"
)

// Errors returned by this package. Decoders wrap them with context.
var (
	// ErrMalformed reports input that is not valid for the expected encoding.
	ErrMalformed = errors.New("multi: malformed input")
	// ErrTooLarge reports input whose decoded size would exceed the caller's cap.
	ErrTooLarge = errors.New("multi: input too large")
	// ErrUnsupportedEncoding reports a multibase prefix other than the one expected.
	ErrUnsupportedEncoding = errors.New("multi: unsupported multibase encoding")
	// ErrUnknownCodec reports a multicodec prefix that is not in the table.
	ErrUnknownCodec = errors.New("multi: unknown multicodec")
)

// DefaultMaxBytes is the decoded-size cap used when a caller passes max <= 0.
const DefaultMaxBytes = 64 << 10

// Multibase prefixes.
const (
	Base58BTC    = 'z'
	Base64URL    = 'u'
	maxVarintLen = 9 // multiformats unsigned-varint is capped at 9 bytes (63 bits)
)

// Multicodec codes for keys.
const (
	Ed25519Pub    uint64 = 0xed
	X25519Pub     uint64 = 0xec
	Secp256k1Pub  uint64 = 0xe7
	P256Pub       uint64 = 0x1200
	P384Pub       uint64 = 0x1201
	P521Pub       uint64 = 0x1202
	Ed448Pub      uint64 = 0x1203
	X448Pub       uint64 = 0x1204
	RSAPub        uint64 = 0x1205
	BLS12381G1Pub uint64 = 0xea
	BLS12381G2Pub uint64 = 0xeb
	Ed25519Priv   uint64 = 0x1300
	Secp256k1Priv uint64 = 0x1301
	X25519Priv    uint64 = 0x1302
	P256Priv      uint64 = 0x1306
	P384Priv      uint64 = 0x1307
)

func capOf(max int) int {
	if max <= 0 {
		return DefaultMaxBytes
	}
	return max
}

// EncodeBase58 returns the multibase base58btc form of b ('z' prefix).
func EncodeBase58(b []byte) string {
	s, err := multibase.Encode(multibase.Base58BTC, b)
	if err != nil { // cannot happen for a known encoding
		panic(err)
	}
	return s
}

// DecodeBase58 decodes a multibase base58btc string ('z' prefix). Input whose decoded
// size could exceed max bytes (max <= 0: [DefaultMaxBytes]) is rejected with
// [ErrTooLarge] before decoding.
func DecodeBase58(s string, max int) ([]byte, error) {
	if s == "" {
		return nil, fmt.Errorf("%w: empty multibase string", ErrMalformed)
	}
	if s[0] != Base58BTC {
		return nil, fmt.Errorf("%w: want base58btc 'z' prefix", ErrUnsupportedEncoding)
	}
	return decodeRawBase58(s[1:], max)
}

// EncodeRawBase58 returns the plain base58btc (Bitcoin alphabet) form of b, without a
// multibase prefix, as used by publicKeyBase58.
func EncodeRawBase58(b []byte) string {
	return EncodeBase58(b)[1:]
}

// DecodeRawBase58 decodes plain base58btc without a multibase prefix, capped like
// [DecodeBase58].
func DecodeRawBase58(s string, max int) ([]byte, error) {
	return decodeRawBase58(s, max)
}

func decodeRawBase58(s string, max int) ([]byte, error) {
	max = capOf(max)
	if s == "" {
		return nil, fmt.Errorf("%w: empty base58 string", ErrMalformed)
	}
	// Each base58 digit carries log2(58) ~ 5.86 bits; leading '1's are one zero byte
	// each. Bound the character count so the quadratic decoder never sees huge input.
	if len(s) > max*138/100+2 {
		return nil, fmt.Errorf("%w: base58 string of %d characters exceeds %d bytes", ErrTooLarge, len(s), max)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '1' || c > 'z' || c == 'I' || c == 'O' || c == 'l' || c == '0' ||
			(c > '9' && c < 'A') || (c > 'Z' && c < 'a') {
			return nil, fmt.Errorf("%w: invalid base58 character at offset %d", ErrMalformed, i)
		}
	}
	_, b, err := multibase.Decode(string(Base58BTC) + s)
	if err != nil {
		return nil, fmt.Errorf("%w: base58: %v", ErrMalformed, err)
	}
	if len(b) > max {
		return nil, fmt.Errorf("%w: %d bytes exceeds %d", ErrTooLarge, len(b), max)
	}
	return b, nil
}

// EncodeBase64URL returns the multibase base64url (no padding) form of b ('u' prefix).
func EncodeBase64URL(b []byte) string {
	return string(Base64URL) + base64.RawURLEncoding.EncodeToString(b)
}

// DecodeBase64URL decodes a multibase base64url string ('u' prefix, no padding,
// canonical trailing bits), capped at max decoded bytes (max <= 0: [DefaultMaxBytes]).
func DecodeBase64URL(s string, max int) ([]byte, error) {
	if s == "" {
		return nil, fmt.Errorf("%w: empty multibase string", ErrMalformed)
	}
	if s[0] != Base64URL {
		return nil, fmt.Errorf("%w: want base64url 'u' prefix", ErrUnsupportedEncoding)
	}
	return DecodeRawBase64URL(s[1:], max)
}

// DecodeRawBase64URL decodes unpadded base64url without a multibase prefix (as in JOSE),
// rejecting padding, other alphabets and non-canonical trailing bits, capped at max
// decoded bytes (max <= 0: [DefaultMaxBytes]).
func DecodeRawBase64URL(s string, max int) ([]byte, error) {
	max = capOf(max)
	if base64.RawURLEncoding.DecodedLen(len(s)) > max {
		return nil, fmt.Errorf("%w: base64url string of %d characters exceeds %d bytes", ErrTooLarge, len(s), max)
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: base64url: %v", ErrMalformed, err)
	}
	return b, nil
}

// EncodeRawBase64URL returns unpadded base64url without a multibase prefix.
func EncodeRawBase64URL(b []byte) string {
	return base64.RawURLEncoding.EncodeToString(b)
}

// Decode decodes any multibase string of a supported encoding ('z' or 'u'), capped at
// max decoded bytes, and returns the encoding prefix with the bytes.
func Decode(s string, max int) (byte, []byte, error) {
	if s == "" {
		return 0, nil, fmt.Errorf("%w: empty multibase string", ErrMalformed)
	}
	switch s[0] {
	case Base58BTC:
		b, err := DecodeBase58(s, max)
		return Base58BTC, b, err
	case Base64URL:
		b, err := DecodeBase64URL(s, max)
		return Base64URL, b, err
	}
	return 0, nil, fmt.Errorf("%w: prefix %q", ErrUnsupportedEncoding, s[0])
}

// AppendCodec appends the unsigned-varint form of code and then data to dst.
func AppendCodec(dst []byte, code uint64, data []byte) []byte {
	for code >= 0x80 {
		dst = append(dst, byte(code)|0x80)
		code >>= 7
	}
	dst = append(dst, byte(code))
	return append(dst, data...)
}

// SplitCodec reads a minimally encoded unsigned-varint multicodec prefix from b and
// returns it with the rest of b (not copied). It does not check that the code is known.
func SplitCodec(b []byte) (uint64, []byte, error) {
	var code uint64
	for i := 0; i < len(b) && i < maxVarintLen; i++ {
		c := b[i]
		code |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			if c == 0 && i > 0 {
				return 0, nil, fmt.Errorf("%w: non-minimal varint", ErrMalformed)
			}
			return code, b[i+1:], nil
		}
	}
	return 0, nil, fmt.Errorf("%w: truncated or overlong varint", ErrMalformed)
}
