// Package policy decides whether a verified credential is good enough for a
// community: a trust policy that names the issuers trusted for each credential
// type, the claims a credential must carry, its maximum age, whether its status
// must have been checked, and the holder's minimum Sybil score.
//
// Start with [Parse] to read a policy file, then call [Policy.Evaluate] on each
// verification result: it returns a [Decision] that allows, or denies with every
// [Reason], each with a stable [Code] such as UNTRUSTED_ISSUER or CLAIM_MISMATCH.
// Evaluation is pure and fails closed: a policy without trusted issuers denies
// everything, and an unverified result is always denied.
//
// # Sections
//
//   - Policy files: [Parse], [Policy], [Constraint] and its operators ([OpEquals],
//     [OpIn], [OpExists], [OpBefore], [OpAfter], [OpMin], [OpMax]).
//   - Trust registries: [Registry], [ParseRegistry], [Registry.Credential] to
//     publish one as a [TypeTrustRegistry] credential for the community's DID to
//     sign (Data Integrity or vc+jwt), and [LoadRegistry] to read a signed one.
//   - Decisions: [Input], [Decision], [Reason], [DeniedError].
//
// # Errors
//
// Parse errors wrap [ErrMalformed] (most are *[FieldError]). A denial's
// [Decision.Err] matches [ErrDenied] and the kind of each reason
// ([ErrUntrustedIssuer], [ErrTooOld], ...), and keeps verification errors
// wrapped, so errors.Is(err, vc.ErrRevoked) works.
package policy
