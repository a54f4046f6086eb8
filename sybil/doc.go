// Package sybil scores how likely an identity is to be one real person, and
// turns those scores into vote and funding weights, each with an
// [Explanation] of how it was reached.
//
// Start with [Rank] to score the nodes of a trust graph (read one with
// [ReadEdgeList]) from a few trusted seeds, with [ScoreStamps] to decide
// humanity from personhood credentials, or with [ScoreContributions] to
// score attested work. Then gate votes and funding on those scores with a
// [Gate] and [OnePersonOneVote], [QuadraticVoting], [QuadraticFunding] or
// [ClusterMatch].
//
// The package verifies nothing: callers verify credentials (package vc)
// and pass the verified claims in as plain structs ([Contribution],
// [Stamp]) or as graph edges, so scoring stays pure, fast and testable.
// All results are deterministic: inputs are sorted before summing, and
// explanations list their parts in a fixed order.
//
// # Sections
//
// Trust graph: [Graph], [ReadEdgeList], [ReadSeeds], [Rank], [RankOptions].
// SybilRank, SybilSCAR, personalized PageRank and Polity's combined method,
// which takes off-graph evidence as per-node priors from [Priors] and
// [NodePriors].
//
// Proof of contribution: [ScoreContributions] with time decay, per-attester
// caps, attester trust and diminishing returns ([ContributionConfig]).
// Self-attestation counts zero.
//
// Stamps: [ScoreStamps] with a weight per credential type, a humanity
// threshold, expiry, and each real-world identifier counted once across all
// DIDs ([StampConfig]).
//
// Vote weights: [Gate] (minimum Sybil score), [OnePersonOneVote],
// [QuadraticVoting] with credits ([QVCost], [CreditsError]),
// [QuadraticFunding] (CLR matching scaled to a pool with a per-project cap)
// and [ClusterMatch], connection-oriented cluster matching that gives
// coordinated clusters less matching ([FundingConfig]).
//
// Explanations: [Explanation] and [Part] are JSON-friendly; [Scores] maps
// them to plain numbers.
//
// # Errors
//
// Errors wrap the sentinels in errors.go ([ErrInvalidInput], [ErrDuplicate],
// [ErrDuplicateBallot], [ErrInsufficientCredits], [ErrNotEligible],
// [ErrTooLarge]) and the graph kinds ([ErrBadGraph] and its siblings); test
// them with errors.Is. No function panics on input; every input has a size
// cap with a named default.
package sybil
