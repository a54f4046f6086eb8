package vote

import (
	"errors"
	"fmt"
)

// Sentinel error kinds. Every error of this package wraps one of them; test them with
// errors.Is.
var (
	// ErrMalformed reports a proposal, governance config, ballot or result that is not
	// strict JSON or breaks its format. Format violations are *FieldError.
	ErrMalformed = errors.New("vote: malformed input")

	// ErrConfig reports a proposal and governance config that cannot be tallied
	// together: an unknown class, another community, no eligibility policy, or a
	// quorum fraction without a declared electorate size.
	ErrConfig = errors.New("vote: invalid governance configuration")

	// ErrTooLarge reports input over a cap (ballots, ballot size, options).
	ErrTooLarge = errors.New("vote: input too large")

	// ErrNotResult reports a credential that is not a VoteResultCredential.
	ErrNotResult = errors.New("vote: not a vote result credential")

	// ErrIssuerProof reports a result credential without a valid proof by its issuer.
	ErrIssuerProof = errors.New("vote: result not signed by its issuer")

	// ErrApprovals reports a result credential with fewer valid steward proofs than
	// required; the error is an *ApprovalError.
	ErrApprovals = errors.New("vote: not enough steward approvals")
)

// FieldError reports a member of a proposal, governance config or ballot that breaks
// the format. It unwraps to ErrMalformed and to the underlying error, if any.
type FieldError struct {
	Field  string // JSON path, such as "classes.critical.fraction"
	Reason string // what is wrong; never echoes the value
	Err    error  // the underlying error, or nil
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%v: %s", ErrMalformed, e.Reason)
	}
	return fmt.Sprintf("%v: %s: %s", ErrMalformed, e.Field, e.Reason)
}

// Unwrap returns ErrMalformed and the underlying error.
func (e *FieldError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrMalformed}
	}
	return []error{ErrMalformed, e.Err}
}

func fieldErr(field, format string, a ...any) error {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, a...)}
}

// ApprovalError reports a result credential with too few distinct valid steward proofs.
// It unwraps to ErrApprovals.
type ApprovalError struct {
	Have, Need int
}

func (e *ApprovalError) Error() string {
	return fmt.Sprintf("%v: %d of %d required steward proofs", ErrApprovals, e.Have, e.Need)
}

func (e *ApprovalError) Unwrap() error { return ErrApprovals }
