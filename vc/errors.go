package vc

import (
	"fmt"
	"strings"
	"time"

	"github.com/polity-id/polity/internal/vcerr"
)

// Sentinel error kinds. Every error from this package and from vc/dataintegrity, vc/jose,
// vc/sdjwt and vc/status wraps one of them, so errors.Is(err, vc.ErrRevoked) works at
// any depth, and [Code] gives the kind's stable code ("REVOKED").
var (
	ErrMalformed        error = vcerr.ErrMalformed        // MALFORMED: not valid JSON or not a valid credential/presentation
	ErrUnknownContext   error = vcerr.ErrUnknownContext   // UNKNOWN_CONTEXT: a JSON-LD context outside the pinned set
	ErrUnsupportedSuite error = vcerr.ErrUnsupportedSuite // UNSUPPORTED_SUITE: proof type, cryptosuite or alg not supported
	ErrInvalidSignature error = vcerr.ErrInvalidSignature // INVALID_SIGNATURE: the proof does not verify
	ErrUnresolvableDID  error = vcerr.ErrUnresolvableDID  // UNRESOLVABLE_DID: the issuer's or holder's DID could not be resolved
	ErrKeyNotAuthorized error = vcerr.ErrKeyNotAuthorized // KEY_NOT_AUTHORIZED: the key is not in the needed verification relationship
	ErrExpired          error = vcerr.ErrExpired          // EXPIRED: past validUntil (or 1.1 expirationDate)
	ErrNotYetValid      error = vcerr.ErrNotYetValid      // NOT_YET_VALID: before validFrom (or 1.1 issuanceDate)
	ErrRevoked          error = vcerr.ErrRevoked          // REVOKED: the status list says revoked
	ErrSuspended        error = vcerr.ErrSuspended        // SUSPENDED: the status list says suspended
	ErrUntrustedIssuer  error = vcerr.ErrUntrustedIssuer  // UNTRUSTED_ISSUER: the trusted-issuer policy rejects the issuer
	ErrStatusUnknown    error = vcerr.ErrStatusUnknown    // STATUS_UNAVAILABLE: the status list could not be fetched, read or trusted
)

// Code returns the machine-readable code of err: the code of the first sentinel kind in its
// tree (for example "EXPIRED" for an error wrapping [ErrExpired]), "ERROR" for a non-nil
// error of no known kind, and "" for nil. The codes are the ones of the CLI's JSON output.
func Code(err error) string { return vcerr.Code(err) }

// FieldError reports a property that breaks the data model. It unwraps to its kind,
// [ErrMalformed] for every structural problem.
type FieldError struct {
	Field  string // JSON path of the property, such as "credentialSubject[1].id"
	Reason string // what is wrong; never echoes the value
	Err    error  // the kind
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%v: %s: %s", e.Err, e.Field, e.Reason)
}

func (e *FieldError) Unwrap() error { return e.Err }

func malformed(field, format string, args ...any) error {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...), Err: ErrMalformed}
}

// ValidityError reports a credential outside its validity period. It unwraps to
// [ErrExpired] or [ErrNotYetValid].
type ValidityError struct {
	Field string    // the property that decided: "validUntil", "expirationDate", "validFrom" or "issuanceDate"
	Bound time.Time // its value
	Now   time.Time // the time checked
	Skew  time.Duration
	Err   error // ErrExpired or ErrNotYetValid
}

func (e *ValidityError) Error() string {
	if e.Err == ErrExpired {
		return fmt.Sprintf("%v: %s %s is before %s (skew %s)", e.Err, e.Field,
			e.Bound.Format(time.RFC3339Nano), e.Now.Format(time.RFC3339Nano), e.Skew)
	}
	return fmt.Sprintf("%v: %s %s is after %s (skew %s)", e.Err, e.Field,
		e.Bound.Format(time.RFC3339Nano), e.Now.Format(time.RFC3339Nano), e.Skew)
}

func (e *ValidityError) Unwrap() error { return e.Err }

// rename replaces the prefix old of a FieldError's field with new; it keeps error
// messages cheap to build on the success path.
func rename(err error, old, new string) error {
	if fe, ok := err.(*FieldError); ok && strings.HasPrefix(fe.Field, old) {
		fe.Field = new + fe.Field[len(old):]
	}
	return err
}
