package dataintegrity

import (
	"errors"
	"fmt"

	"github.com/polity-id/polity/internal/vcerr"
)

// Error kinds specific to Data Integrity proofs. Each also matches the shared
// verification kind noted next to it (package vc re-exports those), so callers may
// test either with errors.Is.
var (
	// ErrNoProof: the document carries no proof at all. It matches vcerr.ErrMalformed.
	ErrNoProof error = &kindError{"dataintegrity: document has no proof", vcerr.ErrMalformed}

	// ErrKeyType: the signing key's type does not fit the cryptosuite (for example a
	// P-256 key with eddsa-rdfc-2022). It matches vcerr.ErrUnsupportedSuite.
	ErrKeyType error = &kindError{"dataintegrity: key type does not match cryptosuite", vcerr.ErrUnsupportedSuite}

	// ErrPurpose: the proof's proofPurpose is not the one the verifier expects. It
	// matches vcerr.ErrKeyNotAuthorized.
	ErrPurpose error = &kindError{"dataintegrity: unexpected proof purpose", vcerr.ErrKeyNotAuthorized}

	// ErrChallenge: the proof's challenge or domain is missing or differs from the
	// expected one. It matches vcerr.ErrInvalidSignature.
	ErrChallenge error = &kindError{"dataintegrity: challenge or domain mismatch", vcerr.ErrInvalidSignature}

	// ErrProofExpired: the proof's expires time has passed. It matches vcerr.ErrExpired.
	ErrProofExpired error = &kindError{"dataintegrity: proof expired", vcerr.ErrExpired}

	// ErrPreviousProof: a previousProof reference names no proof of the document (or
	// the references form a cycle). It matches vcerr.ErrMalformed.
	ErrPreviousProof error = &kindError{"dataintegrity: previousProof not found", vcerr.ErrMalformed}

	// ErrOptions: AddProof or Verify was called with invalid options (empty
	// verification method, unknown cryptosuite name, bad times). It matches
	// vcerr.ErrMalformed, or vcerr.ErrUnsupportedSuite for an unknown cryptosuite.
	ErrOptions = errors.New("dataintegrity: invalid options")
)

// kindError is an error kind that also matches a broader shared kind.
type kindError struct {
	msg   string
	outer error
}

func (e *kindError) Error() string   { return e.msg }
func (e *kindError) Unwrap() error   { return e.outer }
func (e *kindError) Is(t error) bool { return t == e }

// ProofError reports the failure of one proof of a document. It unwraps to the
// failure's kinds (for example vcerr.ErrInvalidSignature and did.ErrInvalidSignature),
// so errors.Is works through it.
type ProofError struct {
	Index int    // position of the proof in the document's proof set
	Msg   string // what failed; never secret material or the document
	Err   error  // the cause, wrapping a vcerr kind
}

func (e *ProofError) Error() string {
	return fmt.Sprintf("dataintegrity: proof %d: %s: %v", e.Index, e.Msg, e.Err)
}

func (e *ProofError) Unwrap() error { return e.Err }
