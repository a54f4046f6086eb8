package did

import (
	"errors"
	"fmt"
)

// Sentinel error kinds. Every error returned by this package and its method packages
// wraps one (or more) of them, so callers test with [errors.Is].
var (
	// ErrInvalidDID reports a string that is not a DID (DID Core §3.1).
	ErrInvalidDID = errors.New("did: invalid DID")
	// ErrInvalidDIDURL reports a string that is not a DID URL (DID Core §3.2).
	ErrInvalidDIDURL = errors.New("did: invalid DID URL")
	// ErrMethodNotSupported reports a DID method no resolver is registered for.
	ErrMethodNotSupported = errors.New("did: method not supported")
	// ErrNotFound reports a DID, document or verification method that does not exist.
	ErrNotFound = errors.New("did: not found")
	// ErrInvalidDocument reports a DID document that breaks DID Core rules.
	ErrInvalidDocument = errors.New("did: invalid DID document")
	// ErrInvalidKey reports key material that is malformed (length, encoding, point
	// not on the curve, private parts where a public key was expected, ...).
	ErrInvalidKey = errors.New("did: invalid key")
	// ErrUnsupportedKeyType reports a well-formed key of a type Polity does not support
	// (RSA, P-521, BLS12-381, unknown multicodec, ...).
	ErrUnsupportedKeyType = errors.New("did: unsupported key type")
	// ErrInvalidSignature reports a signature that does not verify.
	ErrInvalidSignature = errors.New("did: invalid signature")
	// ErrNotAuthorized reports a verification method that exists but is not in the
	// verification relationship the caller asked for.
	ErrNotAuthorized = errors.New("did: verification method not authorized for relationship")
	// ErrResolution reports a failure to resolve a DID (network, cache, method driver).
	ErrResolution = errors.New("did: resolution failed")
	// ErrBlockedAddress reports a fetch refused by the address policy (loopback,
	// private, link-local, ... addresses; redirects to another host).
	ErrBlockedAddress = errors.New("did: address blocked")
	// ErrTooLarge reports input over a size cap.
	ErrTooLarge = errors.New("did: input too large")
	// ErrKeyFileExists reports an attempt to overwrite a key file without asking.
	ErrKeyFileExists = errors.New("did: key file exists")
)

// SyntaxReason says which part of a DID or DID URL is malformed.
type SyntaxReason uint8

// Syntax reasons reported in [SyntaxError].
const (
	ReasonTooLong          SyntaxReason = iota + 1 // over [MaxLength] bytes
	ReasonScheme                                   // does not start with "did:"
	ReasonMethodName                               // empty or not [a-z0-9]+
	ReasonMethodSpecificID                         // empty, bad character or trailing ':'
	ReasonPercentEncoding                          // '%' not followed by two hex digits
	ReasonPath                                     // bad character in the path
	ReasonQuery                                    // bad character in the query
	ReasonFragment                                 // bad character in the fragment
	ReasonNotPlainDID                              // a DID was expected, a DID URL given
)

var reasonText = map[SyntaxReason]string{
	ReasonTooLong:          "too long",
	ReasonScheme:           `missing "did:" scheme`,
	ReasonMethodName:       "method name must be one or more of [a-z0-9]",
	ReasonMethodSpecificID: "invalid method-specific id",
	ReasonPercentEncoding:  "invalid percent-encoding",
	ReasonPath:             "invalid path",
	ReasonQuery:            "invalid query",
	ReasonFragment:         "invalid fragment",
	ReasonNotPlainDID:      "has a path, query or fragment",
}

func (r SyntaxReason) String() string {
	if s, ok := reasonText[r]; ok {
		return s
	}
	return "syntax error"
}

// SyntaxError describes a malformed DID or DID URL. It unwraps to [ErrInvalidDID] or
// [ErrInvalidDIDURL].
type SyntaxError struct {
	Kind   error        // ErrInvalidDID or ErrInvalidDIDURL
	Reason SyntaxReason // which rule failed
	Offset int          // byte offset of the offending character, or -1
	Input  string       // the input, truncated to 80 bytes
}

func (e *SyntaxError) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("%v: %q: %v at offset %d", e.Kind, e.Input, e.Reason, e.Offset)
	}
	return fmt.Sprintf("%v: %q: %v", e.Kind, e.Input, e.Reason)
}

func (e *SyntaxError) Unwrap() error { return e.Kind }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func jsonxIs(err, target error) bool { return errors.Is(err, target) }
