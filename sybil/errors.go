package sybil

import (
	"errors"
	"fmt"
)

// Sentinel error kinds for contributions, stamps and vote weights. Errors
// returned by this package wrap one of them (or one of the graph kinds such
// as [ErrBadGraph]) with context; test them with [errors.Is].
var (
	// ErrInvalidInput reports a malformed input value: an empty id, a NaN,
	// infinite or negative amount, a zero time, a bad configuration field.
	ErrInvalidInput = errors.New("sybil: invalid input")

	// ErrDuplicate reports an input id that must be unique but appears twice,
	// such as two contributions or stamps with the same credential id.
	ErrDuplicate = errors.New("sybil: duplicate entry")

	// ErrDuplicateBallot reports a voter who cast more than one ballot, or a
	// ballot that names the same option twice.
	ErrDuplicateBallot = errors.New("sybil: duplicate ballot")

	// ErrInsufficientCredits reports a quadratic-voting ballot that costs
	// more credits than the voter holds. The error is a [*CreditsError].
	ErrInsufficientCredits = errors.New("sybil: insufficient credits")

	// ErrNotEligible reports a voter that fails the eligibility gate. Tallies
	// do not fail on it (the voter gets weight 0 and the reason is explained);
	// [Gate.Check] returns it.
	ErrNotEligible = errors.New("sybil: not eligible")

	// ErrTooLarge reports an input over one of the documented size caps.
	ErrTooLarge = errors.New("sybil: input too large")
)

// CreditsError reports a quadratic-voting ballot whose cost exceeds the
// voter's credits. It unwraps to [ErrInsufficientCredits].
type CreditsError struct {
	Voter   string // the voter whose ballot overspends
	Cost    int64  // the ballot's cost, the sum of votes squared
	Credits int64  // the credits the voter holds
}

func (e *CreditsError) Error() string {
	return fmt.Sprintf("sybil: insufficient credits: voter %q: ballot costs %d, has %d", e.Voter, e.Cost, e.Credits)
}

// Unwrap returns [ErrInsufficientCredits].
func (e *CreditsError) Unwrap() error { return ErrInsufficientCredits }
