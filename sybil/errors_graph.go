package sybil

import (
	"errors"
	"fmt"
)

// Sentinel error kinds for the trust graph and the ranking methods. Errors
// returned by the graph functions wrap one of them with context; test them
// with [errors.Is].
var (
	// ErrBadGraph reports a graph that cannot be built or ranked: an
	// attestation with an empty id or a bad weight or time, a bad
	// [GraphConfig] or [RankOptions] field, a graph over the size caps.
	ErrBadGraph = errors.New("sybil: bad graph")

	// ErrBadEdgeList reports a malformed edge list or seed list. The error
	// is a [*LineError] that carries the line number.
	ErrBadEdgeList = errors.New("sybil: bad edge list")

	// ErrUnknownNode reports an id (a seed, a node to explain) that is not
	// a node of the graph.
	ErrUnknownNode = errors.New("sybil: unknown node")

	// ErrNoSeeds reports a ranking asked for without any trusted seed.
	ErrNoSeeds = errors.New("sybil: no trusted seeds")
)

// LineError reports a malformed line of an edge list or seed list. It
// unwraps to [ErrBadEdgeList] and, for a line over the size caps, also to
// [ErrTooLarge].
type LineError struct {
	Line   int    // 1-based line number
	Reason string // what is wrong with the line
	Err    error  // ErrBadEdgeList, or ErrTooLarge for a cap
}

func (e *LineError) Error() string {
	if e.Err == ErrTooLarge {
		return fmt.Sprintf("%v: %v: line %d: %s", ErrBadEdgeList, ErrTooLarge, e.Line, e.Reason)
	}
	return fmt.Sprintf("%v: line %d: %s", ErrBadEdgeList, e.Line, e.Reason)
}

// Unwrap returns [ErrBadEdgeList] and, for a cap, [ErrTooLarge].
func (e *LineError) Unwrap() []error {
	if e.Err == ErrTooLarge {
		return []error{ErrBadEdgeList, ErrTooLarge}
	}
	return []error{ErrBadEdgeList}
}
