package jose

import (
	"errors"
	"fmt"

	ijose "github.com/polity-id/polity/internal/jose"
	"github.com/polity-id/polity/internal/vcerr"
)

// Sentinel error kinds. They are the shared vc kinds (so errors.Is(err,
// vc.ErrExpired) works) plus two specific kinds that match a shared one.
var (
	ErrMalformed        error = vcerr.ErrMalformed        // not a vc+jwt / vp+jwt / JWT-VC
	ErrInvalidSignature error = vcerr.ErrInvalidSignature // signature does not verify with the resolved key
	ErrUnsupportedAlg   error = vcerr.ErrUnsupportedSuite // alg or key type outside EdDSA, ES256, ES384, ES256K
	ErrUnresolvableDID  error = vcerr.ErrUnresolvableDID  // the kid could not be resolved to a key
	ErrKeyNotAuthorized error = vcerr.ErrKeyNotAuthorized // key not in assertionMethod/authentication, or not the issuer's/holder's
	ErrExpired          error = vcerr.ErrExpired          // exp / validUntil passed
	ErrNotYetValid      error = vcerr.ErrNotYetValid      // nbf / validFrom in the future

	// ErrMediaType reports a wrong "typ" or "cty" header, or a payload of
	// the wrong kind (matches vc.ErrMalformed).
	ErrMediaType = &kind{"vc/jose: wrong media type", vcerr.ErrMalformed}
	// ErrChallenge reports a presentation whose "nonce" or "aud" is not the
	// one the verifier expects (matches vc.ErrKeyNotAuthorized: the holder
	// proved possession for another request).
	ErrChallenge = &kind{"vc/jose: nonce or audience mismatch", vcerr.ErrKeyNotAuthorized}
)

type kind struct {
	msg    string
	parent error
}

func (k *kind) Error() string { return k.msg }
func (k *kind) Unwrap() error { return k.parent }

func joseErr(err error) error {
	switch {
	case errors.Is(err, ijose.ErrUnsupportedAlg), errors.Is(err, ijose.ErrUnsupportedKey):
		return fmt.Errorf("%w: %w", ErrUnsupportedAlg, err)
	case errors.Is(err, ijose.ErrMalformed):
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	case errors.Is(err, ijose.ErrInvalidSignature), errors.Is(err, ijose.ErrAlgMismatch):
		return fmt.Errorf("%w: %w", ErrInvalidSignature, err)
	}
	return fmt.Errorf("vc/jose: %w", err)
}
