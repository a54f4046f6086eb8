package did_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
)

// BenchmarkParseMultikeyCached parses the same Multikey over and over, as a verifier
// does for the keys of the issuers it sees every day.
func BenchmarkParseMultikeyCached(b *testing.B) {
	for _, typ := range did.KeyTypes() {
		priv, _ := did.GenerateKey(typ)
		mk := priv.Public().Multikey()
		b.Run(string(typ), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := did.ParseMultikey(mk); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParsePublicJWKCached parses the same public JWK over and over.
func BenchmarkParsePublicJWKCached(b *testing.B) {
	for _, typ := range []did.KeyType{did.KeyEd25519, did.KeyP256} {
		priv, _ := did.GenerateKey(typ)
		data, _ := json.Marshal(priv.Public().JWK())
		b.Run(string(typ), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := did.ParsePublicJWK(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkResolveVerificationMethodCached resolves a did:key verification method
// through a MultiResolver whose document cache is warm: the per-credential cost of
// finding the issuer's key.
func BenchmarkResolveVerificationMethodCached(b *testing.B) {
	for _, typ := range []did.KeyType{did.KeyEd25519, did.KeyP256} {
		priv, _ := did.GenerateKey(typ)
		id := key.New(priv.Public())
		vmURL := id + "#" + id[len("did:key:"):]
		r := did.NewMultiResolver(nil)
		r.Register(key.Method, key.Resolver{})
		ctx := context.Background()
		if _, _, err := did.ResolveVerificationMethod(ctx, r, vmURL, did.AssertionMethod); err != nil {
			b.Fatal(err)
		}
		b.Run(string(typ), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := did.ResolveVerificationMethod(ctx, r, vmURL, did.AssertionMethod); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
