// Package canon turns documents into the exact bytes that get hashed and signed: RDF datasets
// with RDFC-1.0 (W3C RDF Dataset Canonicalization), JSON with JCS (RFC 8785).
//
// The first entry point is [Canonicalize]: Data Integrity proofs such as eddsa-rdfc-2022 hash
// the canonical N-Quads of a credential, and two parties only agree on that hash if they agree
// on every byte. [JCS] does the same for the *-jcs-* cryptosuites.
//
// # Sections
//
//   - RDFC-1.0: [Canonicalize], [CanonicalizeContext], [CanonicalizeNQuads], [Options], [Result]
//   - Work limits: [Options.MaxNDegreeCalls], [Options.MaxPermutations], [ErrTooComplex], [LimitError]
//   - JCS: [JCS], [JCSLimits], [JCSValue]
//
// Canonicalization is pure and bounded: no I/O, no shared mutable state, and attacker-built datasets
// that would make RDFC-1.0 run for hours stop early with [ErrTooComplex].
package canon

import (
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
)

// HashAlgorithm is the hash function RDFC-1.0 uses to label blank nodes. The zero value is
// SHA256, the RDFC-1.0 default.
type HashAlgorithm uint8

// Hash algorithms for Options.Hash.
const (
	SHA256 HashAlgorithm = iota // SHA-256, the RDFC-1.0 default
	SHA384                      // SHA-384
)

// String returns "SHA-256" or "SHA-384".
func (h HashAlgorithm) String() string {
	switch h {
	case SHA256:
		return "SHA-256"
	case SHA384:
		return "SHA-384"
	}
	return fmt.Sprintf("HashAlgorithm(%d)", uint8(h))
}

// New returns a new hash.Hash for h. It panics for an unknown HashAlgorithm (misuse).
func (h HashAlgorithm) New() hash.Hash {
	switch h {
	case SHA256:
		return sha256.New()
	case SHA384:
		return sha512.New384()
	}
	panic("canon: unknown HashAlgorithm " + h.String())
}

// Sum returns the digest of data under h, e.g. the hash of a canonical document.
func (h HashAlgorithm) Sum(data []byte) []byte {
	switch h {
	case SHA384:
		s := sha512.Sum384(data)
		return s[:]
	default:
		s := sha256.Sum256(data)
		return s[:]
	}
}

func (h HashAlgorithm) size() int {
	if h == SHA384 {
		return sha512.Size384
	}
	return sha256.Size
}

// Default work limits, used when an Options field is zero.
const (
	// DefaultMaxQuads bounds the dataset size.
	DefaultMaxQuads = 100_000
	// DefaultMaxNDegreeCalls bounds the calls of the Hash N-Degree Quads algorithm, the
	// exponential part of RDFC-1.0. Credentials need none or a few; no test of the W3C
	// suite needs more than 468 (and 2,880 permutations).
	DefaultMaxNDegreeCalls = 2000
	// DefaultMaxPermutations bounds the permutations of related blank nodes tried in total.
	DefaultMaxPermutations = 20_000
)

// Options tunes [Canonicalize]. A nil *Options or a zero field means the default.
type Options struct {
	// Hash is the hash algorithm; the zero value is SHA256.
	Hash HashAlgorithm
	// MaxQuads is the largest dataset accepted; 0 = DefaultMaxQuads.
	MaxQuads int
	// MaxNDegreeCalls bounds calls of Hash N-Degree Quads; 0 = DefaultMaxNDegreeCalls.
	MaxNDegreeCalls int
	// MaxPermutations bounds permutations tried in Hash N-Degree Quads;
	// 0 = DefaultMaxPermutations.
	MaxPermutations int
}

func (o *Options) get() (h HashAlgorithm, maxQuads, maxCalls, maxPerms int, err error) {
	maxQuads, maxCalls, maxPerms = DefaultMaxQuads, DefaultMaxNDegreeCalls, DefaultMaxPermutations
	if o == nil {
		return
	}
	h = o.Hash
	if h != SHA256 && h != SHA384 {
		return 0, 0, 0, 0, fmt.Errorf("canon: unknown hash algorithm %v", h)
	}
	if o.MaxQuads > 0 {
		maxQuads = o.MaxQuads
	}
	if o.MaxNDegreeCalls > 0 {
		maxCalls = o.MaxNDegreeCalls
	}
	if o.MaxPermutations > 0 {
		maxPerms = o.MaxPermutations
	}
	return
}

// Result is a canonicalized dataset.
type Result struct {
	// Canonical is the canonical N-Quads document: one line per distinct quad, each ending in
	// "\n", sorted in code point order, blank nodes labeled c14n0, c14n1, ... This is what
	// gets hashed.
	Canonical []byte
	// Issued is the issued identifiers map: input blank node label to canonical label, both
	// without "_:" (e.g. "b0" -> "c14n0").
	Issued map[string]string
}

// Lines returns the canonical N-Quads lines, each with its trailing "\n".
func (r *Result) Lines() []string {
	var lines []string
	s := string(r.Canonical)
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != '\n' {
			i++
		}
		if i < len(s) {
			i++
		}
		lines = append(lines, s[:i])
		s = s[i:]
	}
	return lines
}
