// Package wallet is an encrypted local store for a holder's identity data:
// key pairs, DIDs, credentials of every supported format (kept byte-exact as
// issued), presentations, issuer status-list state and trusted issuers.
//
// Start with [Create] (a new file) or [Open] then [Wallet.Unlock]. The file
// is a single bbolt database; nothing else needs installing. Other backends
// plug in through [Store] ([CreateStore], [OpenStore]); [NewMemStore] is an
// in-memory one for tests.
//
// # Encryption
//
// A random 256-bit data key is wrapped with XChaCha20-Poly1305 under a key
// derived from the passphrase with Argon2id (cost in [KDFParams], recorded in
// the file header). Every record is sealed with XChaCha20-Poly1305 under a
// random 24-byte nonce, with its bucket and id as associated data, so records
// cannot be swapped or moved. Record ids are HMACs keyed by the data key, so
// the file reveals neither content hashes nor DIDs, only record counts and
// sizes. [Wallet.ChangePassphrase] re-wraps the data key in one transaction.
// [Wallet.Lock] clears the keys from memory.
//
// # Queries
//
// [Wallet.Credentials] filters by type, issuer, subject, tag, format and
// validity using decrypted, cached metadata. [Wallet.MatchDefinition] and
// [Wallet.MatchDCQL] answer DIF Presentation Exchange and OpenID4VP DCQL
// requests through package [github.com/polity-id/polity/wallet/query].
// [Wallet.Present] hands the chosen credentials and the holder key to a
// [Presenter], by default [VCPresenter] (Data Integrity, vp+jwt or SD-JWT
// with key binding, through package vc); [PresentRequest.FromDefinition] and
// [PresentRequest.FromDCQL] turn a match into a request, choosing SD-JWT
// disclosures when the verifier limits disclosure.
//
// # Backup
//
// [Wallet.Export] writes one authenticated, encrypted file; [Wallet.Import]
// merges it back, skipping records already present.
//
// # Errors
//
// Errors wrap the kinds in errors.go: [ErrLocked], [ErrWrongPassphrase],
// [ErrCorrupt], [ErrNotFound], [ErrMalformed], [ErrLimit] and others.
package wallet
