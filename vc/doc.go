// Package vc implements the W3C Verifiable Credentials Data Model 2.0 (and reads 1.1):
// credentials, presentations, their validation, and the verification result and error
// vocabulary every Polity verifier reports with.
//
// Start with [ParseCredential]: it checks the JSON strictly (no duplicate member names,
// bounded size and depth), decodes the data model and validates it, without any I/O. The
// returned [Credential] keeps the input bytes for proof verification and every property
// it does not model, so that marshaling it back gives a JSON value equal to the input.
//
// To check a credential someone hands you, use a [Verifier]: [NewVerifier] with a
// [VerifierConfig] (the zero value works offline for did:key and did:jwk issuers), then
// [Verifier.Verify], which detects the securing format (Data Integrity, vc+jwt, SD-JWT)
// and reports every check in a [Result]. To sign one, use [Issue]. A holder proves
// possession with [Present]; the verifier checks the presentation, its challenge and
// domain, holder binding and replays with [Verifier.VerifyPresentation] (or
// [Verifier.VerifyAny], which takes a credential or a presentation in any format).
//
// # Sections
//
//   - Verification: [NewVerifier], [Verifier.Verify], [Verifier.VerifyPresentation],
//     [VerifierConfig], [StatusChecker] and [NewStatusListChecker] for Bitstring
//     Status Lists, [NewOfflineResolver].
//   - Issuing: [Issue], [IssueOptions], the proof suites [Suites], [SuiteKeyError].
//   - Presentations: [Present] and [PresentOptions] (Data Integrity, vp+jwt, SD-JWT with
//     key binding), [PresentationOptions], [PresentationResult], and replay protection
//     with a [NonceStore] ([NewMemoryNonceStore] by default).
//   - Data model: [Credential], [Presentation], [Node], [LangString], [LDContext],
//     [Envelope] for EnvelopedVerifiableCredential (credentials secured as vc+jwt or
//     vc+sd-jwt inside a presentation).
//   - Parsing and validation: [ParseCredential], [ParsePresentation], [Parser] for
//     tighter limits, [Credential.Validate], [ParseDateTime].
//   - Validity period: [CheckValidity], with an injected clock and allowed skew.
//   - Verification report: [Result], [Check], [VerificationError]; the checks are named
//     by [CheckNames] and run in that order.
//   - Errors: the sentinel kinds [ErrMalformed], [ErrUnknownContext],
//     [ErrUnsupportedSuite], [ErrInvalidSignature], [ErrUnresolvableDID],
//     [ErrKeyNotAuthorized], [ErrExpired], [ErrNotYetValid], [ErrRevoked],
//     [ErrSuspended] and [ErrUntrustedIssuer], and for presentations
//     [ErrChallengeMismatch], [ErrDomainMismatch], [ErrHolderMismatch] and [ErrReplay]; [Code] maps any error to its stable code
//     ("EXPIRED"); [FieldError] and [ValidityError] carry details.
//   - Community credentials: [NewMembership], [NewResidency], [NewContribution] and the
//     accessors [Credential.Membership], [Credential.Residency] and
//     [Credential.Contribution], using Polity's JSON-LD context [ContextPolity]
//     (https://polity.id/ns/v1, vocabulary https://polity.id/ns#).
//
// # Errors
//
// Every error wraps one sentinel kind, and lower kinds stay wrapped (a parse error also
// matches the strict JSON layer's error). Test errors with errors.Is and errors.As, never
// by text. The same kinds are used by vc/dataintegrity, vc/jose, vc/sdjwt and vc/status.
//
// # Dates
//
// validFrom and validUntil are XML Schema dateTimeStamp strings: a time zone is required.
// Polity reads the same form for the 1.1 issuanceDate and expirationDate. An absent date
// is the zero [time.Time].
package vc
