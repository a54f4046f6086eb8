// Package vote gates and tallies community votes with verifiable credentials, and
// publishes the result as a credential that stewards co-sign.
//
// Start with Tally: it takes a Proposal (ParseProposal) and ballot presentations,
// checks each voter's holder proof against the proposal (challenge or nonce =
// proposal id, domain or audience = community), verifies the voter's credentials and
// judges them with the eligibility policies (package vc/policy), keeps each voter's
// latest ballot, and counts with one person one vote, quadratic voting (package sybil)
// or weights such as contribution scores. The Report lists every ballot as accepted or rejected with a Code, so a
// tally can be audited and re-run.
//
// # Sections
//
//   - Proposals and governance: [Proposal], [ParseProposal], [Config], [Class],
//     [ParseConfig], [Fraction]. A class sets the electorate (an eligibility policy,
//     such as holders of a working-group credential), the quorum (a count or a fraction
//     of a declared electorate), the approval rule ([ApprovalMajority],
//     [ApprovalSupermajority]) and the stewards who must co-sign the result.
//   - Ballots: [NewBallot] creates a ballot presentation whose "ballot" member
//     ([Ballot]: proposal, choice or votes, cast time) is covered by the holder's
//     signature; [ContextVote] defines it. Two formats carry the same presentation
//     and count alike, so one tally may mix them: [FormatDataIntegrity], a JSON
//     presentation with a Data Integrity proof (purpose authentication, challenge =
//     proposal id, domain = community), and [FormatVPJWT], a vp+jwt whose payload is
//     the presentation with "nonce" = proposal id and "aud" = community, its vc+jwt
//     credentials enveloped. Both are verified with vc.Verifier.VerifyPresentation,
//     which also checks that each credential's subject is the voter.
//   - Tallies: [Tally], [TallyConfig], [Submission], [Report], [Outcome], [Code].
//   - Results: [IssueResult] signs a [TypeVoteResult] credential for the community,
//     [Cosign] adds a steward's proof to its proof set, and [VerifyResult] accepts it
//     only with a valid issuer proof and proofs of M distinct stewards.
//
// # Errors
//
// Errors wrap the sentinel kinds of errors.go ([ErrMalformed], [ErrConfig],
// [ErrTooLarge], [ErrNotResult], [ErrIssuerProof], [ErrApprovals]); verification
// failures keep the kinds of package vc wrapped. A rejected ballot is not an error: it
// is a [Rejected] entry of the report.
//
// # Limits
//
// Ballot times are signed by the voter, not by a time-stamping authority: a voter can
// backdate a ballot within the voting window. Collect ballots until the close and tally
// after it; ballots cast after the close are rejected.
package vote
