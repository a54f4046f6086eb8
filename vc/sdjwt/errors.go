package sdjwt

import (
	"errors"
	"fmt"

	"github.com/polity-id/polity/internal/jose"
	"github.com/polity-id/polity/internal/vcerr"
)

// Sentinel error kinds. Each one also matches the shared vc kind named in
// its comment, so errors.Is(err, vc.ErrMalformed) works on every structural
// failure and errors.Is(err, vc.ErrInvalidSignature) on every signature one.
var (
	// ErrMalformed: not an SD-JWT (separators, base64url, JSON, JWS form).
	ErrMalformed error = vcerr.ErrMalformed
	// ErrInvalidSignature: the issuer-signed JWT does not verify.
	ErrInvalidSignature error = vcerr.ErrInvalidSignature
	// ErrExpired / ErrNotYetValid: "exp" / "nbf" of the issuer-signed JWT.
	ErrExpired     error = vcerr.ErrExpired
	ErrNotYetValid error = vcerr.ErrNotYetValid
	// ErrUnsupportedAlg: a JWS "alg" or "_sd_alg" outside the allow-list
	// (matches vc.ErrUnsupportedSuite).
	ErrUnsupportedAlg = &kind{"sdjwt: unsupported algorithm", vcerr.ErrUnsupportedSuite}
	// ErrDisclosure: a disclosure that is malformed, reuses a reserved name,
	// duplicates a digest, collides with a claim or is not referenced by
	// the payload (matches vc.ErrMalformed).
	ErrDisclosure = &kind{"sdjwt: invalid disclosure", vcerr.ErrMalformed}
	// ErrTooLarge: a cap of [Limits] was exceeded (matches vc.ErrMalformed).
	ErrTooLarge = &kind{"sdjwt: too large", vcerr.ErrMalformed}
	// ErrKeyBinding: the Key Binding JWT is missing when required, or fails
	// a check (typ, sd_hash, aud, nonce, iat, holder key). Signature
	// failures also match vc.ErrInvalidSignature.
	ErrKeyBinding = &kind{"sdjwt: key binding failed", nil}
	// ErrChallenge: the Key Binding JWT's "nonce" or "aud" is not the one the
	// verifier expects, as when a presentation made for another verifier or
	// an earlier request is replayed (also matches ErrKeyBinding).
	ErrChallenge = &kind{"sdjwt: key binding nonce or audience mismatch", ErrKeyBinding}
	// ErrType: wrong "typ" header, or an SD-JWT VC without "vct" (matches
	// vc.ErrMalformed).
	ErrType = &kind{"sdjwt: wrong token type", vcerr.ErrMalformed}
	// ErrPath: a claim path given to Issue or Present that is malformed or
	// names no claim.
	ErrPath = &kind{"sdjwt: bad claim path", nil}
)

type kind struct {
	msg    string
	parent error
}

func (k *kind) Error() string { return k.msg }
func (k *kind) Unwrap() error { return k.parent }

// joseErr maps an internal/jose error to this package's kinds, keeping it
// wrapped.
func joseErr(what string, err error) error {
	switch {
	case errors.Is(err, jose.ErrTooLarge):
		return fmt.Errorf("%w: %s: %w", ErrTooLarge, what, err)
	case errors.Is(err, jose.ErrUnsupportedAlg), errors.Is(err, jose.ErrUnsupportedKey):
		return fmt.Errorf("%w: %s: %w", ErrUnsupportedAlg, what, err)
	case errors.Is(err, jose.ErrMalformed):
		return fmt.Errorf("%w: %s: %w", ErrMalformed, what, err)
	case errors.Is(err, jose.ErrInvalidSignature), errors.Is(err, jose.ErrAlgMismatch):
		return fmt.Errorf("%w: %s: %w", ErrInvalidSignature, what, err)
	}
	return fmt.Errorf("sdjwt: %s: %w", what, err)
}
