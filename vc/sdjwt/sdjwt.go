package sdjwt

import (
	"fmt"
	"strings"

	"github.com/polity-id/polity/internal/jose"
)

// Token types ("typ" header values).
const (
	TypeVC       = "dc+sd-jwt" // SD-JWT VC (draft-ietf-oauth-sd-jwt-vc)
	TypeVCLegacy = "vc+sd-jwt" // earlier SD-JWT VC drafts, and VC-JOSE-COSE's SD-JWT credentials
	TypeVP       = "vp+sd-jwt" // VC-JOSE-COSE: a VCDM 2.0 presentation secured with SD-JWT
	TypeKB       = "kb+jwt"    // Key Binding JWT
)

// Default caps, used when the corresponding [Limits] field is zero.
const (
	DefaultMaxBytes       = 256 << 10 // whole serialized SD-JWT
	DefaultMaxDisclosures = 256
	DefaultMaxDepth       = 32 // JSON nesting, counting disclosed values
)

// Limits caps attacker-controlled input. The zero value (or nil) means the
// defaults.
type Limits struct {
	MaxBytes       int // serialized SD-JWT, bytes
	MaxDisclosures int // number of disclosures
	MaxDepth       int // JSON nesting of the processed payload
}

func (l *Limits) maxBytes() int {
	if l == nil || l.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return l.MaxBytes
}

func (l *Limits) maxDisclosures() int {
	if l == nil || l.MaxDisclosures <= 0 {
		return DefaultMaxDisclosures
	}
	return l.MaxDisclosures
}

func (l *Limits) maxDepth() int {
	if l == nil || l.MaxDepth <= 0 {
		return DefaultMaxDepth
	}
	return l.MaxDepth
}

// SDJWT is a parsed, unverified SD-JWT in compact form (RFC 9901 section
// 4): <issuer JWT>~<disclosure>~...~<disclosure>~[<KB-JWT>].
type SDJWT struct {
	JWT         string        // issuer-signed JWT, compact
	Disclosures []*Disclosure // in serialization order
	KBJWT       string        // Key Binding JWT, "" if absent
}

// Parse splits and decodes an SD-JWT or SD-JWT+KB without verifying
// anything. Disclosures are decoded and checked for form (see
// [ParseDisclosure]); digests are computed later, once "_sd_alg" is known.
// Errors wrap [ErrMalformed], [ErrDisclosure] or [ErrTooLarge].
func Parse(s string, lim *Limits) (*SDJWT, error) {
	if len(s) > lim.maxBytes() {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(s), lim.maxBytes())
	}
	first := strings.IndexByte(s, '~')
	if first < 0 {
		return nil, fmt.Errorf("%w: no '~' separator", ErrMalformed)
	}
	last := strings.LastIndexByte(s, '~')
	out := &SDJWT{JWT: s[:first], KBJWT: s[last+1:]}
	if out.JWT == "" {
		return nil, fmt.Errorf("%w: empty issuer JWT", ErrMalformed)
	}
	if first < last {
		middle := s[first+1 : last]
		n := strings.Count(middle, "~") + 1
		if n > lim.maxDisclosures() {
			return nil, fmt.Errorf("%w: %d disclosures, limit %d", ErrTooLarge, n, lim.maxDisclosures())
		}
		out.Disclosures = make([]*Disclosure, 0, n)
		for enc := range strings.SplitSeq(middle, "~") {
			if enc == "" {
				return nil, fmt.Errorf("%w: empty disclosure", ErrMalformed)
			}
			d, err := ParseDisclosure(enc, lim)
			if err != nil {
				return nil, err
			}
			out.Disclosures = append(out.Disclosures, d)
		}
	}
	if out.KBJWT != "" && strings.Count(out.KBJWT, ".") != 2 {
		return nil, fmt.Errorf("%w: key binding JWT is not a compact JWS", ErrMalformed)
	}
	if strings.Count(out.JWT, ".") != 2 {
		return nil, fmt.Errorf("%w: issuer JWT is not a compact JWS", ErrMalformed)
	}
	return out, nil
}

// String serializes the SD-JWT in compact form; without a KB-JWT it ends
// in '~'.
func (s *SDJWT) String() string {
	var b strings.Builder
	b.WriteString(s.withoutKB())
	b.WriteString(s.KBJWT)
	return b.String()
}

// withoutKB is the string the KB-JWT's sd_hash covers.
func (s *SDJWT) withoutKB() string {
	var b strings.Builder
	b.WriteString(s.JWT)
	b.WriteByte('~')
	for _, d := range s.Disclosures {
		b.WriteString(d.Encoded)
		b.WriteByte('~')
	}
	return b.String()
}

// payload decodes the issuer JWT's header and payload without verifying
// the signature.
func (s *SDJWT) payload(lim *Limits) (*jose.JWS, map[string]any, error) {
	j, err := jose.Parse(s.JWT, &jose.Options{MaxTokenBytes: lim.maxBytes()})
	if err != nil {
		return nil, nil, joseErr("issuer JWT", err)
	}
	m, err := decodeObject(j.Payload, lim)
	if err != nil {
		return nil, nil, err
	}
	return j, m, nil
}

// isVCDM reports whether a vc+sd-jwt payload is a VCDM 2.0 document (it has an
// "@context"), as VC-JOSE-COSE secures it, rather than an SD-JWT VC: such a
// credential is typed by its "type", so the SD-JWT VC "vct" rules do not apply.
func isVCDM(typ string, hasContext bool) bool {
	return typ == TypeVCLegacy && hasContext
}
