package sdjwt

import (
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"

	"github.com/polity-id/polity/internal/jose"
	"github.com/polity-id/polity/internal/jsonx"
)

// Hash algorithm names for "_sd_alg" (IANA Named Information registry).
const (
	SHA256 = "sha-256" // the default when "_sd_alg" is absent
	SHA384 = "sha-384"
	SHA512 = "sha-512"
)

func newHash(alg string) (hash.Hash, error) {
	switch alg {
	case SHA256:
		return sha256.New(), nil
	case SHA384:
		return sha512.New384(), nil
	case SHA512:
		return sha512.New(), nil
	}
	return nil, fmt.Errorf("%w: _sd_alg %q", ErrUnsupportedAlg, alg)
}

func digestOf(alg, s string) (string, error) {
	h, err := newHash(alg)
	if err != nil {
		return "", err
	}
	h.Write([]byte(s))
	return jose.EncodeSegment(h.Sum(nil)), nil
}

// minSaltLen is the shortest accepted salt, in base64url characters
// (16 characters = 96 bits; RFC 9901 section 9.3 recommends 128).
const minSaltLen = 16

// Disclosure is one disclosure (RFC 9901 section 4.2): a salted object
// property ([salt, name, value]) or array element ([salt, value]).
type Disclosure struct {
	Salt  string
	Name  string // claim name; "" for an array element
	Value any    // claim value (numbers as json.Number)
	// Element is true for an array element disclosure.
	Element bool
	// Encoded is the base64url form the digest is computed over.
	Encoded string
	// Digest is the base64url hash of Encoded under the token's "_sd_alg"
	// (set once the token's payload has been read).
	Digest string
	// Path is the claim path the disclosure fills in the processed payload,
	// such as "address.street_address" or "nationalities[1]" (set during
	// processing).
	Path string

	parent int // index of the enclosing disclosure, -1 at top
}

// ParseDisclosure decodes one encoded disclosure strictly: canonical
// base64url, strict JSON, an array of 2 or 3 elements, a string salt of at
// least 16 characters, a string claim name other than "_sd" and "...".
// Errors wrap [ErrDisclosure].
func ParseDisclosure(encoded string, lim *Limits) (*Disclosure, error) {
	raw, err := jose.DecodeSegment(encoded)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDisclosure, err)
	}
	v, err := jsonx.Decode(raw, jsonx.Limits{MaxBytes: lim.maxBytes(), MaxDepth: lim.maxDepth()})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDisclosure, err)
	}
	arr, ok := v.([]any)
	if !ok || (len(arr) != 2 && len(arr) != 3) {
		return nil, fmt.Errorf("%w: not an array of 2 or 3 elements", ErrDisclosure)
	}
	salt, ok := arr[0].(string)
	if !ok {
		return nil, fmt.Errorf("%w: salt is not a string", ErrDisclosure)
	}
	if len(salt) < minSaltLen {
		return nil, fmt.Errorf("%w: salt shorter than %d characters", ErrDisclosure, minSaltLen)
	}
	d := &Disclosure{Salt: salt, Encoded: encoded, parent: -1}
	if len(arr) == 2 {
		d.Element, d.Value = true, arr[1]
		return d, nil
	}
	name, ok := arr[1].(string)
	if !ok {
		return nil, fmt.Errorf("%w: claim name is not a string", ErrDisclosure)
	}
	if name == "_sd" || name == "..." {
		return nil, fmt.Errorf("%w: reserved claim name %q", ErrDisclosure, name)
	}
	d.Name, d.Value = name, arr[2]
	return d, nil
}
