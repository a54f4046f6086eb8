// Package jwk implements the did:jwk method (https://github.com/quartzjer/did-jwk): a DID
// that is a base64url-encoded public JWK, resolved without any network.
//
// [New] makes the DID of a key; [FromJWK] makes it from JWK JSON as given; [Resolve] (or
// [Resolver]) expands a DID into its document: one JsonWebKey2020 method "#0" with the
// JWK as decoded, in assertionMethod, authentication, capabilityInvocation and
// capabilityDelegation unless "use" is "enc", and in keyAgreement unless "use" is "sig".
// X25519 keys, which cannot sign, are listed in keyAgreement only.
package jwk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/internal/multi"
)

// Method is the DID method name.
const Method = "jwk"

// New returns the did:jwk DID of pub. The JWK members are written in lexicographic order
// (crv, kty, x, y), as in the did:jwk P-256 example.
func New(pub *did.PublicKey) string {
	b, _ := json.Marshal(pub.JWK())
	return "did:jwk:" + multi.EncodeRawBase64URL(b)
}

// FromJWK returns the did:jwk DID of a public JWK given as JSON; the JSON is compacted
// but members keep their order. Private keys and unsupported keys are rejected as by
// [did.ParsePublicJWK].
func FromJWK(jwkJSON []byte) (string, error) {
	if _, err := did.ParsePublicJWK(jwkJSON); err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := json.Compact(&b, jwkJSON); err != nil {
		return "", fmt.Errorf("%w: %v", did.ErrInvalidKey, err)
	}
	return "did:jwk:" + multi.EncodeRawBase64URL(b.Bytes()), nil
}

// PublicKey decodes the key of a did:jwk DID and returns it with the JWK JSON.
func PublicKey(s string) (*did.PublicKey, json.RawMessage, error) {
	d, err := did.Parse(s)
	if err != nil {
		return nil, nil, err
	}
	if d.Method != Method {
		return nil, nil, fmt.Errorf("%w: did:%s is not did:jwk", did.ErrMethodNotSupported, d.Method)
	}
	raw, err := multi.DecodeRawBase64URL(d.ID, did.MaxJWKBytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: did:jwk id is not base64url: %v", did.ErrInvalidDID, err)
	}
	pub, err := did.ParsePublicJWK(raw)
	if err != nil {
		return nil, nil, err
	}
	var b bytes.Buffer
	_ = json.Compact(&b, raw) // valid: ParsePublicJWK checked it
	return pub, b.Bytes(), nil
}

// Resolve expands a did:jwk DID into its DID document (see the package comment).
func Resolve(s string) (*did.Document, error) {
	pub, raw, err := PublicKey(s)
	if err != nil {
		return nil, err
	}
	var members struct {
		Use string `json:"use"`
	}
	_ = json.Unmarshal(raw, &members)
	doc := &did.Document{ID: s}
	doc.SetContext(did.ContextDIDv1, did.ContextJWS2020)
	vmID := s + "#0"
	doc.VerificationMethod = []did.VerificationMethod{{ID: vmID, Type: "JsonWebKey2020", Controller: s, PublicKeyJwk: raw}}
	if members.Use != "enc" && pub.Type() != did.KeyX25519 {
		doc.AddReference(vmID, did.AssertionMethod, did.Authentication, did.CapabilityInvocation, did.CapabilityDelegation)
	}
	if members.Use != "sig" {
		doc.AddReference(vmID, did.KeyAgreement)
	}
	return doc, nil
}

// Resolver resolves did:jwk DIDs. It never touches the network.
type Resolver struct{}

// Resolve implements [did.Resolver].
func (Resolver) Resolve(ctx context.Context, s string) (*did.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", did.ErrResolution, err)
	}
	return Resolve(s)
}
