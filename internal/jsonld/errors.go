package jsonld

import (
	"errors"
	"fmt"
)

// Error kinds. Every error returned by this package wraps exactly one of them, so callers
// test with errors.Is. Some kinds also match a broader kind, as noted.
var (
	// ErrMalformed: the input is not valid JSON or not valid JSON-LD (for example a value
	// object with a bad @value, an @id that is not a string, or a JSON-LD error that is not
	// about a context).
	ErrMalformed = errors.New("jsonld: malformed JSON-LD")

	// ErrInvalidContext: a context is invalid, could not be loaded, or redefines a
	// protected term. Unknown context URLs also match ErrUnknownContext.
	ErrInvalidContext = errors.New("jsonld: invalid context")

	// ErrUnknownContext: a context URL is neither embedded, registered in Options.Contexts,
	// nor served by Options.Loader. It always comes wrapped in an *UnknownContextError
	// (which names the URL) and, from ToRDF and Expand, inside an ErrInvalidContext error.
	ErrUnknownContext = errors.New("jsonld: unknown context URL")

	// ErrProtectedTermRedefinition: a context redefines a protected term (JSON-LD error
	// "protected term redefinition", or "invalid context nullification"). It also matches
	// ErrInvalidContext.
	ErrProtectedTermRedefinition error = &kindError{"jsonld: protected term redefinition", ErrInvalidContext}

	// ErrUndefinedTerm: safe mode found data that would silently not reach the RDF dataset:
	// a property or type that does not expand to an absolute IRI (an undefined term, a
	// relative IRI, a blank node property), an @id that is a relative IRI, an IRI or
	// language tag that the RDF conversion drops, or a base direction. The message names
	// the term. See Options.UnsafeAllowDroppedTerms.
	ErrUndefinedTerm = errors.New("jsonld: term dropped during expansion")

	// ErrTooLarge: the input document exceeds Options.MaxBytes. It also matches ErrMalformed.
	ErrTooLarge error = &kindError{"jsonld: document too large", ErrMalformed}

	// ErrTooDeep: the input nests objects and arrays deeper than Options.MaxDepth. It also
	// matches ErrMalformed.
	ErrTooDeep error = &kindError{"jsonld: document nested too deep", ErrMalformed}

	// ErrTooManyQuads: the RDF dataset would exceed Options.MaxQuads.
	ErrTooManyQuads = errors.New("jsonld: too many quads")

	// ErrUnsupported: the document is valid JSON-LD, but only the general (json-gold) path
	// could process it, and that path is known to get it wrong. This happens when a
	// document uses a term whose @container includes @graph together with a scoped
	// @context that redefines or removes the term (as VCDM 2.0 defines
	// verifiableCredential), and also needs a feature the fast path does not handle, or
	// when Options.DisableFastPath is set. Nothing is returned rather than a wrong dataset.
	ErrUnsupported = errors.New("jsonld: document needs JSON-LD processing this package cannot do correctly")
)

// kindError is an error kind that also matches a broader kind.
type kindError struct {
	msg    string
	parent error
}

func (e *kindError) Error() string        { return e.msg }
func (e *kindError) Is(target error) bool { return target == e.parent }

// UnknownContextError names a context URL that no loader serves. It matches
// ErrUnknownContext.
type UnknownContextError struct {
	URL string
}

func (e *UnknownContextError) Error() string {
	return fmt.Sprintf("%v: %q", ErrUnknownContext, truncate(e.URL))
}

func (e *UnknownContextError) Unwrap() error { return ErrUnknownContext }

// ProcessingError reports a JSON-LD processing failure. Code is the JSON-LD API error code
// (for example "invalid local context") when one applies. It unwraps to its kind
// (ErrMalformed, ErrInvalidContext, ErrProtectedTermRedefinition, ErrUndefinedTerm) and to
// its cause, if any (for example an *UnknownContextError or a Loader error).
type ProcessingError struct {
	Kind  error  // one of the package's error kinds
	Code  string // JSON-LD error code, or "" when none applies
	Msg   string // detail; never the input document
	Cause error  // underlying error, or nil
}

func (e *ProcessingError) Error() string {
	s := e.Kind.Error()
	if e.Code != "" {
		s += ": " + e.Code
	}
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

func (e *ProcessingError) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Cause}
}

// truncate shortens s for use in error messages.
func truncate(s string) string {
	const max = 96
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
