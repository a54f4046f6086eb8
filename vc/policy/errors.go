package policy

import (
	"errors"
	"fmt"
	"strings"

	"github.com/polity-id/polity/vc"
)

// Sentinel error kinds. Test them with errors.Is.
var (
	// ErrMalformed reports a policy or trust registry file that is not strict JSON or
	// breaks the format (unknown operator, bad date, bad path, ...). Errors from
	// [Parse] and [ParseRegistry] wrap it, usually as a *[FieldError].
	ErrMalformed = errors.New("policy: malformed policy")

	// ErrUnsigned reports an unsigned trust registry where a signed one is required.
	ErrUnsigned = errors.New("policy: trust registry is not signed")

	// ErrRegistrySignature reports a signed trust registry that does not verify,
	// or that is not signed by the expected publisher. The verifier's error stays
	// wrapped.
	ErrRegistrySignature = errors.New("policy: trust registry signature not accepted")

	// ErrDenied is the kind of every denial: [Decision.Err] wraps it, and each
	// reason kind below also matches it.
	ErrDenied = errors.New("policy: denied")

	ErrNotVerified     = &reasonKind{CodeNotVerified, "policy: credential not verified"}
	ErrUntrustedIssuer = &reasonKind{CodeUntrustedIssuer, "policy: untrusted issuer"}
	ErrWrongType       = &reasonKind{CodeWrongType, "policy: credential type not accepted"}
	ErrMissingClaim    = &reasonKind{CodeMissingClaim, "policy: missing claim"}
	ErrClaimMismatch   = &reasonKind{CodeClaimMismatch, "policy: claim does not match"}
	ErrTooOld          = &reasonKind{CodeTooOld, "policy: credential too old"}
	ErrStatusRequired  = &reasonKind{CodeStatusRequired, "policy: status check required"}
	ErrLowScore        = &reasonKind{CodeLowScore, "policy: Sybil score too low"}
	ErrHolderMismatch  = &reasonKind{CodeHolderMismatch, "policy: subject is not the holder"}
)

// reasonKind is the sentinel of one reason code. It matches ErrDenied, and the
// reasons of the untrusted-issuer kind also match vc.ErrUntrustedIssuer.
type reasonKind struct {
	code Code
	msg  string
}

func (k *reasonKind) Error() string { return k.msg }

func (k *reasonKind) Is(target error) bool {
	if target == ErrDenied {
		return true
	}
	return k.code == CodeUntrustedIssuer && target == vc.ErrUntrustedIssuer
}

// FieldError reports a property of a policy or registry file that breaks the
// format. It unwraps to ErrMalformed (and to the strict JSON layer's error, when
// that was the cause).
type FieldError struct {
	Field  string // JSON path of the property, such as "constraints[1].op"
	Reason string // what is wrong; never echoes the value
	Err    error  // the underlying error, or nil
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return "policy: malformed policy: " + e.Reason
	}
	return fmt.Sprintf("policy: malformed policy: %s: %s", e.Field, e.Reason)
}

// Unwrap returns ErrMalformed and the underlying error.
func (e *FieldError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrMalformed, e.Err}
	}
	return []error{ErrMalformed}
}

func fieldErr(field, format string, a ...any) error {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, a...)}
}

// DeniedError is the error of a denying [Decision]. It unwraps to ErrDenied, to
// the kind of each reason (ErrUntrustedIssuer, ErrTooOld, ...) and to the
// verification errors behind NOT_VERIFIED reasons, so errors.Is(err,
// vc.ErrRevoked) works.
type DeniedError struct {
	Reasons []Reason
}

func (e *DeniedError) Error() string {
	var b strings.Builder
	b.WriteString("policy: denied")
	for i, r := range e.Reasons {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(string(r.Code))
		if r.Message != "" {
			b.WriteString(": ")
			b.WriteString(r.Message)
		}
	}
	return b.String()
}

// Unwrap returns ErrDenied and each reason's kind and cause.
func (e *DeniedError) Unwrap() []error {
	errs := []error{ErrDenied}
	for _, r := range e.Reasons {
		if k := kindOf(r.Code); k != nil {
			errs = append(errs, k)
		}
		if r.cause != nil {
			errs = append(errs, r.cause)
		}
	}
	return errs
}

// kindOf returns the sentinel of a reason code.
func kindOf(c Code) error {
	switch c {
	case CodeUntrustedIssuer:
		return ErrUntrustedIssuer
	case CodeWrongType:
		return ErrWrongType
	case CodeMissingClaim:
		return ErrMissingClaim
	case CodeClaimMismatch:
		return ErrClaimMismatch
	case CodeTooOld:
		return ErrTooOld
	case CodeStatusRequired:
		return ErrStatusRequired
	case CodeLowScore:
		return ErrLowScore
	case CodeHolderMismatch:
		return ErrHolderMismatch
	case CodeNotVerified, CodeExpired, CodeNotYetValid, CodeRevoked, CodeSuspended,
		CodeHolderBinding, CodeReplayed, CodeMalformed:
		return ErrNotVerified
	}
	return nil
}
