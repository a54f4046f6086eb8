package jose

import "errors"

// Sentinel error kinds. Every error returned by this package wraps exactly
// one of them (and [ErrMalformed] is also matched by the more specific
// parse kinds [ErrTooLarge], [ErrBadEncoding] and [ErrForbiddenHeader]).
var (
	// ErrMalformed reports a token that is not a well-formed JWS compact
	// serialization: wrong number of parts, invalid header JSON, missing or
	// mistyped header parameters.
	ErrMalformed = errors.New("jose: malformed JWS")

	// ErrTooLarge reports a token or header above the configured caps.
	ErrTooLarge = errors.New("jose: token too large")

	// ErrBadEncoding reports a part that is not canonical unpadded
	// base64url (RFC 7515 section 2): padding, whitespace, characters
	// outside the alphabet or non-zero trailing bits.
	ErrBadEncoding = errors.New("jose: invalid base64url")

	// ErrForbiddenHeader reports a header parameter that is refused unless
	// explicitly allowed (jwk, jku, x5u, x5c), an unknown "crit" entry, or
	// an unsupported "b64": false (RFC 7797).
	ErrForbiddenHeader = errors.New("jose: forbidden header parameter")

	// ErrUnsupportedAlg reports an algorithm outside the allow-list
	// (EdDSA, ES256, ES384, ES256K), including "none" and every HMAC and
	// RSA algorithm.
	ErrUnsupportedAlg = errors.New("jose: unsupported algorithm")

	// ErrAlgMismatch reports a header "alg" that differs from the algorithm
	// of the verification key. The key decides; the header never does.
	ErrAlgMismatch = errors.New("jose: algorithm does not match key")

	// ErrUnsupportedKey reports a key type or curve this package does not
	// handle, or an invalid key.
	ErrUnsupportedKey = errors.New("jose: unsupported key")

	// ErrInvalidSignature reports a signature that does not verify.
	ErrInvalidSignature = errors.New("jose: invalid signature")
)

// kindError wraps a sentinel with an extra kind, so that errors.Is matches
// both (for example ErrTooLarge and ErrMalformed).
type kindError struct {
	kind, parent error
	msg          string
}

func (e *kindError) Error() string   { return e.msg }
func (e *kindError) Unwrap() []error { return []error{e.kind, e.parent} }

func malformed(kind error, msg string) error {
	return &kindError{kind: kind, parent: ErrMalformed, msg: kind.Error() + ": " + msg}
}
