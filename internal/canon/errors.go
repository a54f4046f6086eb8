package canon

import (
	"errors"
	"fmt"
)

// Error kinds. Errors from this package wrap one of them (JCS errors wrap the jsonx kinds,
// see [JCS]).
var (
	// ErrTooComplex: canonicalization needed more work than Options allow. Datasets built to
	// exhaust RDFC-1.0 ("poison graphs") fail with this error quickly instead of running for
	// hours. Errors of this kind are *LimitError.
	ErrTooComplex = errors.New("canon: dataset too complex to canonicalize")
	// ErrTooLarge: the dataset has more quads than Options.MaxQuads.
	ErrTooLarge = errors.New("canon: dataset too large")
	// ErrInvalidQuad: a quad cannot be written as canonical N-Quads without changing its
	// meaning. Such errors also wrap rdf.ErrInvalidTerm.
	ErrInvalidQuad = errors.New("canon: quad cannot be canonicalized")
	// ErrNumber: a JSON number has no IEEE 754 double value (JCS), e.g. 1e400.
	ErrNumber = errors.New("canon: JSON number out of range")
)

// LimitError reports which work limit stopped canonicalization. It unwraps to ErrTooComplex,
// or to ErrTooLarge for MaxQuads.
type LimitError struct {
	Limit string // the Options field, e.g. "MaxNDegreeCalls"
	Max   int    // its effective value
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%v: more than %s=%d", e.Unwrap(), e.Limit, e.Max)
}

func (e *LimitError) Unwrap() error {
	if e.Limit == "MaxQuads" {
		return ErrTooLarge
	}
	return ErrTooComplex
}

// JCSError reports where JCS input was rejected. It unwraps to its kind: jsonx.ErrMalformed,
// jsonx.ErrDuplicateKey, jsonx.ErrTooLarge, jsonx.ErrTooDeep or ErrNumber. Msg never echoes
// the input.
type JCSError struct {
	Offset int    // byte offset of the problem
	Msg    string // what is wrong
	Err    error  // the kind
}

func (e *JCSError) Error() string { return fmt.Sprintf("%v: offset %d: %s", e.Err, e.Offset, e.Msg) }

func (e *JCSError) Unwrap() error { return e.Err }
