// Package did is Polity's identity core: decentralized identifiers (DID Core 1.0), DID
// documents, keys and resolution.
//
// Start with [GenerateKey] for a key and with package did/key ([key.New],
// [key.Resolve]) for a DID that needs no registry; use a [MultiResolver] with the method
// resolvers (did/key, did/jwk, did/web) and [ResolveVerificationMethod] to go from a
// verification method URL in a credential to the key that must verify it, checked
// against a verification relationship.
//
// # Sections
//
//   - Syntax: [Parse], [ParseURL], [DID], [URL], [SyntaxError].
//   - Keys: [KeyType], [PublicKey], [PrivateKey], [GenerateKey], [NewPublicKey],
//     [ParseMultikey], [ParsePublicJWK], [ParsePrivateJWK], [JWK], [ReadKeyFile],
//     [WriteKeyFile].
//   - Documents: [Document], [VerificationMethod], [MethodRef], [Relationship],
//     [ParseDocument], [Document.MethodFor].
//   - Resolution: [Resolver], [MultiResolver], [CacheConfig], [ResolveVerificationMethod].
//
// Signatures are raw: Ed25519 (64 bytes) and ECDSA r||s (IEEE P1363) over SHA-256 for
// P-256 and secp256k1 and SHA-384 for P-384. Every error wraps one of the sentinels in
// errors.go, so callers test with [errors.Is].
//
// [key.New]: https://pkg.go.dev/github.com/polity-id/polity/did/key#New
// [key.Resolve]: https://pkg.go.dev/github.com/polity-id/polity/did/key#Resolve
package did
