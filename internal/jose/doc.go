// Package jose signs and verifies JWS compact serializations (RFC 7515)
// for Polity's token formats (vc+jwt, vp+jwt, SD-JWT, KB-JWT), with a
// fixed algorithm allow-list: EdDSA (Ed25519), ES256, ES384 and ES256K.
//
// Start with [Verify]: it takes the token and the verification key, and the
// key alone decides the algorithm. A header naming "none", an HMAC or RSA
// algorithm, or any algorithm other than the key's is refused. Embedded
// keys (jwk, jku, x5u, x5c), unknown "crit" extensions and RFC 7797
// unencoded payloads are refused unless the caller opts in.
//
// # Sections
//
//   - Parsing: [Parse], [ParseHeader] (routing on typ/cty/kid before
//     verification), [DecodeSegment] (strict base64url), [Options] (caps).
//   - Verifying: [Verify], [JWS.Verify], [VerifySignature].
//   - Signing: [Sign], [SignRaw], [RawSigner].
//   - Keys: [ParseJWK], [JWKFromMap], [PublicJWK], [Thumbprint], [AlgForKey].
//
// # Design
//
// The compact form is parsed here (strict base64url, header JSON through
// internal/jsonx with duplicate-name, size and depth checks) and the
// signature goes straight to the standard library's Ed25519/ECDSA verifiers
// (secp256k1 through dcrd's implementation, so ES256K needs no build tag).
// jwx is used for JWK import/export and thumbprints. Its JWS verify path
// adds a generic header model and key-provider machinery that costs more
// than the signature check itself for small Ed25519 tokens (see
// BenchmarkVerify), and it would take the algorithm from a header-driven
// pipeline; doing the few lines of parsing here keeps verification at the
// raw signature rate and the rules in one place.
package jose
