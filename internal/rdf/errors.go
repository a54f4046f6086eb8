package rdf

import (
	"errors"
	"fmt"
)

// Error kinds. Every error from this package wraps one of them.
var (
	// ErrSyntax: the input is not valid N-Quads.
	ErrSyntax = errors.New("rdf: N-Quads syntax error")
	// ErrTooLarge: the input exceeds a ParseOptions limit.
	ErrTooLarge = errors.New("rdf: input too large")
	// ErrInvalidTerm: a term cannot be written as N-Quads without changing its meaning
	// (an IRI with forbidden characters, a bad language tag, invalid UTF-8, a term of
	// the wrong kind for its position).
	ErrInvalidTerm = errors.New("rdf: term cannot be written as N-Quads")
)

// SyntaxError reports where N-Quads parsing stopped. It unwraps to ErrSyntax or
// ErrTooLarge. Msg never echoes the input.
type SyntaxError struct {
	Line   int    // 1-based line number
	Column int    // 1-based byte column
	Msg    string // what is wrong
	Err    error  // ErrSyntax or ErrTooLarge
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%v: line %d column %d: %s", e.Err, e.Line, e.Column, e.Msg)
}

func (e *SyntaxError) Unwrap() error { return e.Err }
