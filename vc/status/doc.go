// Package status implements W3C Bitstring Status List v1.0: revocation, suspension and
// status messages for verifiable credentials, for issuers and for verifiers. It also
// reads the older StatusList2021.
//
// Verifiers start with [NewChecker]: give it a [Fetcher] ([NewHTTPFetcher] for the
// web, [NewDirFetcher] for doors that work offline) and a [ListVerifier] that checks
// the list credential's proof (package vc supplies one), then call [Checker.Check]
// with the [Entry] values of a credential ([EntriesFromCredential]). Lists are fetched
// once per URL, verified, decoded within size caps and cached; a check against a
// cached list costs a map lookup and a bit read.
//
// Issuers start with [CreateList] and [OpenList]: a [List] allocates random indexes,
// sets and clears statuses, and writes every change durably before returning, so a
// crash never loses an allocation nor reuses an index. [List.Credential] gives the
// unsigned BitstringStatusListCredential to secure and publish.
//
// # Sections
//
//   - Entries: [Entry], [Message], [ParseEntry], [ParseEntries],
//     [EntriesFromCredential].
//   - Lists: [EncodeList], [DecodeList], [Limits], [CheckLength], [ListCredential],
//     [ParseListCredential].
//   - Checking: [Checker], [Config], [Report], [Result], [Fetcher], [ListVerifier],
//     [NewHTTPFetcher], [DirFetcher], [InsecureUnverifiedLists].
//   - Issuing: [List], [ListOptions], [CredentialOptions].
//
// # Bit order
//
// Index 0 is the left-most bit of the bitstring, the most significant bit of its first
// byte; an entry of statusSize n occupies bits index*n to index*n+n-1, most
// significant first.
//
// # Errors
//
// Every error wraps one of the kinds in errors.go. ErrRevoked and ErrSuspended are the
// shared vc kinds, and ErrMalformed matches vc.ErrMalformed, so errors.Is works through
// package vc.
package status
