package query

import "errors"

// Error kinds. Errors from this package wrap one of them.
var (
	// ErrMalformed means a request (definition, DCQL query, path or filter) is invalid.
	ErrMalformed = errors.New("query: malformed request")
	// ErrUnsupported means a request uses a feature outside the supported subset.
	ErrUnsupported = errors.New("query: unsupported feature")
	// ErrNoMatch means the credentials cannot satisfy the request. The result
	// returned with it still lists what did match.
	ErrNoMatch = errors.New("query: request cannot be satisfied")
	// ErrLimit means a request is above a size cap.
	ErrLimit = errors.New("query: limit exceeded")
)
