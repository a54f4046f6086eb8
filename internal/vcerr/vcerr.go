// Package vcerr holds the verification error vocabulary shared by every verifier in Polity:
// the sentinel kinds, each with a stable machine-readable code, and [Code], which finds the
// code of any wrapped error.
//
// The public names live in package vc (vc.ErrExpired is vcerr.ErrExpired). This package
// exists so that vc/dataintegrity, vc/jose, vc/sdjwt and vc/status, which must not import
// vc, return errors that vc callers can match with errors.Is.
package vcerr

// Codes of the sentinel kinds, as they appear in JSON results.
const (
	CodeMalformed        = "MALFORMED"
	CodeUnknownContext   = "UNKNOWN_CONTEXT"
	CodeUnsupportedSuite = "UNSUPPORTED_SUITE"
	CodeInvalidSignature = "INVALID_SIGNATURE"
	CodeUnresolvableDID  = "UNRESOLVABLE_DID"
	CodeKeyNotAuthorized = "KEY_NOT_AUTHORIZED"
	CodeExpired          = "EXPIRED"
	CodeNotYetValid      = "NOT_YET_VALID"
	CodeRevoked          = "REVOKED"
	CodeSuspended        = "SUSPENDED"
	CodeUntrustedIssuer  = "UNTRUSTED_ISSUER"
	CodeStatusUnknown    = "STATUS_UNAVAILABLE"

	// Codes of the presentation kinds.
	CodeChallengeMismatch = "CHALLENGE_MISMATCH"
	CodeDomainMismatch    = "DOMAIN_MISMATCH"
	CodeHolderMismatch    = "HOLDER_MISMATCH"
	CodeReplay            = "REPLAY"

	CodeUnknown    = "ERROR" // a non-nil error of none of the kinds above
	maxUnwrapDepth = 100
)

// Kind is the type of the sentinel errors. Its values are compared by identity.
type Kind struct {
	code string
	msg  string
}

// Error returns the kind's message, such as "vc: credential expired".
func (k *Kind) Error() string { return k.msg }

// Code returns the kind's code, such as "EXPIRED".
func (k *Kind) Code() string { return k.code }

// The sentinel kinds. Wrap them with context, for example
// fmt.Errorf("%w: proof 0: method %q not in issuer document", vcerr.ErrKeyNotAuthorized, vm).
var (
	ErrMalformed        = &Kind{CodeMalformed, "vc: malformed"}
	ErrUnknownContext   = &Kind{CodeUnknownContext, "vc: unknown JSON-LD context"}
	ErrUnsupportedSuite = &Kind{CodeUnsupportedSuite, "vc: unsupported proof suite"}
	ErrInvalidSignature = &Kind{CodeInvalidSignature, "vc: invalid signature"}
	ErrUnresolvableDID  = &Kind{CodeUnresolvableDID, "vc: unresolvable DID"}
	ErrKeyNotAuthorized = &Kind{CodeKeyNotAuthorized, "vc: key not authorized"}
	ErrExpired          = &Kind{CodeExpired, "vc: credential expired"}
	ErrNotYetValid      = &Kind{CodeNotYetValid, "vc: credential not yet valid"}
	ErrRevoked          = &Kind{CodeRevoked, "vc: credential revoked"}
	ErrSuspended        = &Kind{CodeSuspended, "vc: credential suspended"}
	ErrUntrustedIssuer  = &Kind{CodeUntrustedIssuer, "vc: untrusted issuer"}
	ErrStatusUnknown    = &Kind{CodeStatusUnknown, "vc: credential status could not be determined"}
)

// The presentation kinds: a holder's proof made for another request, a credential
// presented by someone other than its subject, and a presentation used twice.
var (
	ErrChallengeMismatch = &Kind{CodeChallengeMismatch, "vc: challenge mismatch"}
	ErrDomainMismatch    = &Kind{CodeDomainMismatch, "vc: domain mismatch"}
	ErrHolderMismatch    = &Kind{CodeHolderMismatch, "vc: holder is not the credential subject"}
	ErrReplay            = &Kind{CodeReplay, "vc: presentation replayed"}
)

// Kinds lists the credential kinds, in the order of the codes above; see
// [PresentationKinds] for the others.
func Kinds() []*Kind {
	return []*Kind{
		ErrMalformed, ErrUnknownContext, ErrUnsupportedSuite, ErrInvalidSignature,
		ErrUnresolvableDID, ErrKeyNotAuthorized, ErrExpired, ErrNotYetValid,
		ErrRevoked, ErrSuspended, ErrUntrustedIssuer, ErrStatusUnknown,
	}
}

// PresentationKinds lists the kinds that only presentations give.
func PresentationKinds() []*Kind {
	return []*Kind{ErrChallengeMismatch, ErrDomainMismatch, ErrHolderMismatch, ErrReplay}
}

// Code returns the code of the first kind found in err's tree, searched depth first in
// the order errors.Is uses (so for a joined error, the first failure's kind wins).
// It returns "" for a nil error and [CodeUnknown] when no kind is found.
func Code(err error) string {
	if err == nil {
		return ""
	}
	if k := Find(err); k != nil {
		return k.code
	}
	return CodeUnknown
}

// Find returns the first kind in err's tree, or nil.
func Find(err error) *Kind {
	return find(err, 0)
}

func find(err error, depth int) *Kind {
	for ; err != nil && depth < maxUnwrapDepth; depth++ {
		if k, ok := err.(*Kind); ok {
			return k
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if k := find(e, depth+1); k != nil {
					return k
				}
			}
			return nil
		default:
			return nil
		}
	}
	return nil
}
