package dataintegrity

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"sync"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/internal/canon"
	"github.com/polity-id/polity/internal/jsonld"
	"github.com/polity-id/polity/internal/vcerr"
)

// suite describes one cryptosuite (or the legacy Ed25519Signature2020 type).
type suite struct {
	name      string // cryptosuite name, or the proof type for the legacy suite
	proofType string
	rdfc      bool // RDFC-1.0 (true) or JCS (false)
	ecdsa     bool // P-256/P-384 (true) or Ed25519 (false)
}

var (
	suiteEdDSARDFC = &suite{EdDSARDFC2022, TypeDataIntegrityProof, true, false}
	suiteEdDSAJCS  = &suite{EdDSAJCS2022, TypeDataIntegrityProof, false, false}
	suiteECDSARDFC = &suite{ECDSARDFC2019, TypeDataIntegrityProof, true, true}
	suiteECDSAJCS  = &suite{ECDSAJCS2019, TypeDataIntegrityProof, false, true}
	suiteEd2020    = &suite{Ed25519Signature2020, Ed25519Signature2020, true, false}
)

// ContextEd25519Signature2020 is the context that defines Ed25519Signature2020.
const ContextEd25519Signature2020 = "https://w3id.org/security/suites/ed25519-2020/v1"

// suiteByName maps an Options.Cryptosuite value to its suite.
func suiteByName(name string) *suite {
	switch name {
	case EdDSARDFC2022:
		return suiteEdDSARDFC
	case EdDSAJCS2022:
		return suiteEdDSAJCS
	case ECDSARDFC2019:
		return suiteECDSARDFC
	case ECDSAJCS2019:
		return suiteECDSAJCS
	case Ed25519Signature2020:
		return suiteEd2020
	}
	return nil
}

// suiteFor returns the suite of a proof's type and cryptosuite.
func suiteFor(typ, cryptosuite string) (*suite, error) {
	switch typ {
	case TypeDataIntegrityProof:
		if s := suiteByName(cryptosuite); s != nil && s != suiteEd2020 {
			return s, nil
		}
		return nil, fmt.Errorf("%w: cryptosuite %q", vcerr.ErrUnsupportedSuite, clip(cryptosuite))
	case Ed25519Signature2020:
		return suiteEd2020, nil
	}
	return nil, fmt.Errorf("%w: proof type %q", vcerr.ErrUnsupportedSuite, clip(typ))
}

// fits reports whether keys of type t can sign for s.
func (s *suite) fits(t did.KeyType) bool {
	if s.ecdsa {
		return t == did.KeyP256 || t == did.KeyP384
	}
	return t == did.KeyEd25519
}

// hashSize is the size of each of the two hashes for key type t.
func hashSize(t did.KeyType) int {
	if t == did.KeyP384 {
		return sha512.Size384
	}
	return sha256.Size
}

func appendHash(dst []byte, t did.KeyType, data []byte) []byte {
	if t == did.KeyP384 {
		h := sha512.Sum384(data)
		return append(dst, h[:]...)
	}
	h := sha256.Sum256(data)
	return append(dst, h[:]...)
}

// rdfcOptions returns the RDFC-1.0 options for key type t. The hash RDFC-1.0 labels
// blank nodes with is the one the suite hashes with: SHA-384 for P-384 keys (as in the
// vc-di-ecdsa test vectors, whose canonical documents are labelled with SHA-384), the
// RDFC-1.0 default SHA-256 for every other key.
func rdfcOptions(t did.KeyType) *canon.Options {
	if t == did.KeyP384 {
		return &canon.Options{Hash: canon.SHA384}
	}
	return nil
}

// canonical returns the canonical form of a JSON-LD document (decoded JSON) for s
// and key type t: RDFC-1.0 N-Quads, or JCS after checking the document's contexts in
// safe mode.
//
// With checked set, a JCS suite skips the context check: the caller has already
// processed a document that contains this one (Verify checks the secured document
// once, proofs included).
func (s *suite) canonical(ctx context.Context, p *jsonld.Processor, t did.KeyType, doc map[string]any, checked bool) ([]byte, error) {
	if !s.rdfc {
		if !checked {
			if err := p.Check(ctx, doc); err != nil {
				return nil, jsonldError(err)
			}
		}
		return jcsValue(doc)
	}
	quads, err := p.ToRDF(ctx, doc)
	if err != nil {
		return nil, jsonldError(err)
	}
	res, err := canon.CanonicalizeContext(ctx, quads, rdfcOptions(t))
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", vcerr.ErrMalformed, err)
	}
	return res.Canonical, nil
}

func jcsValue(doc map[string]any) ([]byte, error) {
	b, err := canon.JCSValue(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", vcerr.ErrMalformed, err)
	}
	return b, nil
}

// hashData computes hash(canonical proof config) || hash(canonical document), the
// data that is signed.
func (s *suite) hashData(ctx context.Context, p *jsonld.Processor, t did.KeyType, config, doc map[string]any, checked bool) ([]byte, error) {
	if !s.rdfc {
		return s.hashJCS(ctx, p, t, config, doc, checked)
	}
	cc, err := s.canonical(ctx, p, t, config, checked)
	if err != nil {
		return nil, fmt.Errorf("proof configuration: %w", err)
	}
	dc, err := s.canonical(ctx, p, t, doc, checked)
	if err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	out := make([]byte, 0, 2*hashSize(t))
	out = appendHash(out, t, cc)
	return appendHash(out, t, dc), nil
}

// hashJCS is hashData for a JCS suite: the canonical JSON is written to a pooled
// buffer and hashed at once.
func (s *suite) hashJCS(ctx context.Context, p *jsonld.Processor, t did.KeyType, config, doc map[string]any, checked bool) ([]byte, error) {
	if !checked {
		if err := p.Check(ctx, config); err != nil {
			return nil, fmt.Errorf("proof configuration: %w", jsonldError(err))
		}
		if err := p.Check(ctx, doc); err != nil {
			return nil, fmt.Errorf("document: %w", jsonldError(err))
		}
	}
	bp := jcsBuffers.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= maxPooledJCS {
			jcsBuffers.Put(bp)
		}
	}()
	out := make([]byte, 0, 2*hashSize(t))
	for _, v := range []map[string]any{config, doc} {
		b, err := canon.AppendJCSValue((*bp)[:0], v)
		if err != nil {
			what := "document"
			if len(out) == 0 {
				what = "proof configuration"
			}
			return nil, fmt.Errorf("%s: %w: %w", what, vcerr.ErrMalformed, err)
		}
		out = appendHash(out, t, b)
		*bp = b[:0]
	}
	return out, nil
}

// hashJCSEdits is hashJCS for a proof configuration and a document given as edits of
// the proof and of the secured document (see jcsEdits); the contexts are checked by
// the caller.
func hashJCSEdits(t did.KeyType, proof map[string]any, cfgEdits []canon.Member, doc map[string]any, docEdits []canon.Member) ([]byte, error) {
	bp := jcsBuffers.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= maxPooledJCS {
			jcsBuffers.Put(bp)
		}
	}()
	out := make([]byte, 0, 2*hashSize(t))
	b, err := canon.AppendJCSObject((*bp)[:0], proof, cfgEdits...)
	if err != nil {
		return nil, fmt.Errorf("proof configuration: %w: %w", vcerr.ErrMalformed, err)
	}
	out = appendHash(out, t, b)
	if b, err = canon.AppendJCSObject(b[:0], doc, docEdits...); err != nil {
		return nil, fmt.Errorf("document: %w: %w", vcerr.ErrMalformed, err)
	}
	out = appendHash(out, t, b)
	*bp = b[:0]
	return out, nil
}

// jcsBuffers recycles the buffers of hashJCS; maxPooledJCS bounds those kept.
var jcsBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

const maxPooledJCS = 64 << 10

// jsonldError maps a JSON-LD processing error to the shared kinds.
func jsonldError(err error) error {
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, jsonld.ErrUnknownContext):
		return fmt.Errorf("%w: %w", vcerr.ErrUnknownContext, err)
	}
	return fmt.Errorf("%w: %w", vcerr.ErrMalformed, err)
}

// clip shortens attacker-controlled strings quoted in errors.
func clip(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
