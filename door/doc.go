// Package door is an offline check appliance for the physical nodes of a
// community: a door, a meeting room, a tool library. It verifies presentations
// against pinned issuer DIDs and cached status lists, applies a trust policy
// (package vc/policy), answers allow or deny with every reason, and records
// check-ins in an append-only log that can feed the Sybil graph as co-presence
// evidence.
//
// Start with [Open]: it loads a door directory (policy.json, dids/, status/,
// scores.txt, an optional trust registry), then [Door.Check] takes one
// presentation (a vp+jwt, an SD-JWT VC with key binding, or a Data Integrity
// JSON presentation) and returns an [Outcome]. Nothing is fetched from the
// network.
//
// # Sections
//
//   - The door: [Open], [New], [Setup], [Config], [Door.Check], [Outcome].
//   - Replay protection: [Challenges], [Door.IssueChallenge]; every presentation
//     must be bound to a challenge (nonce) and to the door's id (audience or
//     domain), and each challenge is good for one check; a challenge the holder
//     chose (not issued by the door) only in a presentation created within the
//     challenge TTL.
//   - Verification: [PresentationVerifier] with [Verifier] (vp+jwt, SD-JWT) and
//     [DataIntegrity]; [StatusLists] checks Bitstring Status Lists.
//   - HTTP: [Door.Handler], [Door.Serve], [Listen] (loopback only by default).
//   - Check-in log: [OpenLog], [Log], [Entry], [ReadLog], and [AddCheckIns] to
//     feed a sybil.Builder.
//   - Scores: [ReadScores].
//
// # Errors
//
// Configuration errors wrap [ErrConfig]; a denied check is not an error but an
// Outcome whose Err matches policy.ErrDenied, the reason kinds and the
// verification kinds (vc.ErrRevoked, ...), and [ErrReplay] for a reused or
// unknown challenge.
package door
