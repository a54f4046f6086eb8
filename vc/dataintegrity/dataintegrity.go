// Package dataintegrity creates and verifies W3C Verifiable Credential Data Integrity
// 1.0 proofs: DataIntegrityProof with the eddsa-rdfc-2022, eddsa-jcs-2022,
// ecdsa-rdfc-2019 and ecdsa-jcs-2019 cryptosuites, and the legacy
// Ed25519Signature2020 proof type still common in VCDM 1.1 credentials.
//
// Verify is the entry point for verifiers: it checks every proof of a document (a
// proof set), follows previousProof references (proof chains), checks the proof
// purpose, expiry, challenge and domain, and, unless asked for a proof-only check,
// that the signing key is controlled by the expected DID and authorized for the
// proof purpose. It returns a [Report] with one [ProofResult] per proof and an
// error that wraps the shared verification kind (internal/vcerr, re-exported by
// package vc) of the first failure. AddProof signs a document for issuers and
// holders.
//
// # Sections
//
//   - Cryptosuites: [EdDSARDFC2022], [EdDSAJCS2022], [ECDSARDFC2019], [ECDSAJCS2019],
//     [Ed25519Signature2020], [Cryptosuites].
//   - Issuing: [AddProof], [Options].
//   - Verifying: [Verify], [VerifyOptions], [Report], [ProofResult].
//   - Environment: [Env] holds the JSON-LD processor, DID resolver and clock; build one
//     and reuse it: it caches processed contexts and did:key documents.
//   - Errors: errors.go; every error also matches a vcerr kind.
//
// Every JSON-LD document, including those secured with a JCS cryptosuite, has its
// @context processed in safe mode: unknown context URLs fail with
// vcerr.ErrUnknownContext, protected term redefinitions and terms that JSON-LD would
// drop with vcerr.ErrMalformed. Nothing is fetched from the network except through
// the caller's resolver.
package dataintegrity

import (
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/internal/jsonld"
)

// Cryptosuite and proof type names.
const (
	EdDSARDFC2022 = "eddsa-rdfc-2022" // Ed25519 over RDFC-1.0 canonical N-Quads
	EdDSAJCS2022  = "eddsa-jcs-2022"  // Ed25519 over JCS (RFC 8785) canonical JSON
	ECDSARDFC2019 = "ecdsa-rdfc-2019" // P-256 (SHA-256) or P-384 (SHA-384) over RDFC-1.0
	ECDSAJCS2019  = "ecdsa-jcs-2019"  // P-256 (SHA-256) or P-384 (SHA-384) over JCS

	// Ed25519Signature2020 is the legacy proof type (not a cryptosuite) of the
	// ed25519-2020 context: Ed25519 over RDFC-1.0, proofValue in base58btc. Use it as
	// Options.Cryptosuite to issue such proofs.
	Ed25519Signature2020 = "Ed25519Signature2020"

	// TypeDataIntegrityProof is the proof type of every cryptosuite above except
	// Ed25519Signature2020.
	TypeDataIntegrityProof = "DataIntegrityProof"
)

// Proof purposes (VC Data Integrity §2.2), the names of the DID verification
// relationships they require.
const (
	PurposeAssertionMethod      = "assertionMethod"
	PurposeAuthentication       = "authentication"
	PurposeCapabilityInvocation = "capabilityInvocation"
	PurposeCapabilityDelegation = "capabilityDelegation"
	PurposeKeyAgreement         = "keyAgreement"
)

// Limits on documents accepted by Verify and AddProof.
const (
	MaxDocumentBytes = 1 << 20 // JSON size
	MaxDocumentDepth = 64      // JSON nesting
	MaxProofs        = 16      // proofs in one proof set
	MaxPreviousProof = 16      // previousProof references in one proof
)

// Cryptosuites lists the values accepted in Options.Cryptosuite, in a stable order.
func Cryptosuites() []string {
	return []string{EdDSARDFC2022, EdDSAJCS2022, ECDSARDFC2019, ECDSAJCS2019, Ed25519Signature2020}
}

// Options are the proof options of AddProof. Only VerificationMethod is required.
type Options struct {
	// Cryptosuite is one of Cryptosuites. Empty means eddsa-rdfc-2022 for Ed25519
	// keys and ecdsa-rdfc-2019 for P-256 and P-384 keys. The key type must fit the
	// cryptosuite, otherwise AddProof fails with ErrKeyType.
	Cryptosuite string

	// VerificationMethod is the DID URL of the signing key's verification method, for
	// example "did:key:z6Mk...#z6Mk...". Required.
	VerificationMethod string

	// ProofPurpose is the proof purpose; empty means "assertionMethod" (use
	// "authentication" for presentations).
	ProofPurpose string

	// Created is the proof creation time; zero means Env.Now. It is written as an XML
	// Schema dateTime in UTC, truncated to whole seconds.
	Created time.Time

	// Expires, if not zero, is when the proof stops being valid (written like Created).
	// It must be after Created.
	Expires time.Time

	// Challenge, Domain and Nonce, if not empty, are written into the proof (a verifier
	// checks Challenge and Domain against VerifyOptions). ID, if not empty, is the
	// proof's id (a URL), which later proofs of a chain reference.
	Challenge, Domain, Nonce, ID string

	// PreviousProof lists the ids of existing proofs of the document that this proof
	// chains to: those proofs are signed along with the document. Each must name a
	// proof already in the document.
	PreviousProof []string
}

// Env is the processing environment of AddProof and Verify: JSON-LD processing,
// DID resolution and the clock. It is safe for concurrent use and meant to be
// reused; a nil *Env means the defaults. Do not copy an Env after first use, and do
// not change its fields once it is in use.
type Env struct {
	// JSONLD processes @context and produces RDF datasets. Nil means
	// jsonld.DefaultProcessor() (embedded contexts only, safe mode).
	JSONLD *jsonld.Processor

	// Resolver resolves the DIDs of verification methods. Nil means did:key only,
	// resolved offline and cached in the Env; other methods fail with
	// vcerr.ErrUnresolvableDID.
	Resolver did.Resolver

	// Now returns the current time; nil means time.Now.
	Now func() time.Time

	cache keyCache
}

// VerifyOptions are the verifier's expectations for Verify. The zero value checks
// every proof for purpose "assertionMethod" and authorizes keys against the
// document's issuer (credentials) or holder (presentations).
type VerifyOptions struct {
	// Purpose is the expected proofPurpose of every proof; empty means
	// "assertionMethod". A proof with another purpose fails with ErrPurpose.
	Purpose string

	// Challenge and Domain, if not empty, must equal the proof's challenge and be
	// among the proof's domain values; a missing or different value fails with
	// ErrChallenge. Presentations should always be verified with a challenge.
	Challenge, Domain string

	// Controller is the DID that must control every signing key: the issuer for
	// credentials, the holder for presentations. The verification method must be in
	// that DID's document and listed under the relationship of Purpose, otherwise
	// the proof fails with vcerr.ErrKeyNotAuthorized. Empty means the document's
	// "issuer" (or its "id"), or for a document without issuer its "holder".
	Controller string

	// ProofOnly skips the controller check: each proof is verified with the key its
	// verification method names, which must still be listed under the purpose's
	// relationship in its own DID document. The Report says it was skipped. Use it
	// only where who signed is checked some other way.
	ProofOnly bool
}

// Report is the outcome of Verify: one result per proof, in document order.
type Report struct {
	Proofs []ProofResult

	// Controller is the DID keys were authorized against ("" when ProofOnly).
	Controller string

	// ControllerChecked is false when the controller check was skipped (ProofOnly).
	ControllerChecked bool
}

// OK reports whether the document had at least one proof and every proof verified.
func (r *Report) OK() bool {
	if r == nil || len(r.Proofs) == 0 {
		return false
	}
	for i := range r.Proofs {
		if r.Proofs[i].Err != nil {
			return false
		}
	}
	return true
}

// ProofResult is the outcome for one proof.
type ProofResult struct {
	Index              int       // position in the proof set
	Type               string    // proof type, e.g. "DataIntegrityProof"
	Cryptosuite        string    // cryptosuite, or the type for Ed25519Signature2020
	VerificationMethod string    // DID URL of the key
	Purpose            string    // proofPurpose
	Created            time.Time // zero when absent
	Expires            time.Time // zero when absent
	ID                 string    // proof id, or ""
	PreviousProof      []string  // ids of the proofs this one chains to

	// Key is the public key that verified the proof (nil on failure before the key was
	// found).
	Key *did.PublicKey

	// Err is nil when the proof verified; otherwise a *ProofError wrapping a vcerr kind.
	Err error
}
