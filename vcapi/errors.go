package vcapi

import "errors"

// Sentinel error kinds of New and Serve.
var (
	// ErrConfig reports an unusable Config: an issuing key without a token, a token
	// without a key, or a token shorter than MinTokenBytes.
	ErrConfig = errors.New("vcapi: invalid configuration")
)

// Error codes of the JSON error entries, beyond the verification codes of package vc
// (vc.Code: MALFORMED, INVALID_SIGNATURE, EXPIRED, ...).
const (
	CodeBadRequest       = "BAD_REQUEST"       // the body is not the expected JSON
	CodeTooLarge         = "TOO_LARGE"         // the body is over Config.MaxBodyBytes
	CodeUnauthorized     = "UNAUTHORIZED"      // missing or wrong bearer token
	CodeIssuingDisabled  = "ISSUING_DISABLED"  // the server has no issuing key
	CodeInvalidChallenge = "INVALID_CHALLENGE" // no challenge, or one issued here that expired or was used
	CodeTooManyRequests  = "TOO_MANY_REQUESTS" // too many outstanding challenges
	CodeMethodNotAllowed = "METHOD_NOT_ALLOWED"
)
