package jose

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	ijose "github.com/polity-id/polity/internal/jose"
)

// BenchmarkVerifyCredential measures vc+jwt verification with a fixed
// issuer key beside the raw signature check of the same token, per
// algorithm; the ratio raw/vc+jwt time is the share of the raw rate that
// full verification keeps.
func BenchmarkVerifyCredential(b *testing.B) {
	for _, kt := range []did.KeyType{did.KeyEd25519, did.KeyP256} {
		key, _ := did.GenerateKey(kt)
		tok, err := SignCredential(credJSON(issuerDID, ""), key, issuerDID+"#key-1")
		if err != nil {
			b.Fatal(err)
		}
		i := strings.LastIndexByte(tok, '.')
		msg := []byte(tok[:i])
		sig, _ := ijose.DecodeSegment(tok[i+1:])
		pub := key.Public().CryptoPublicKey()
		b.Run(kt.Algorithm()+"/raw", func(b *testing.B) {
			for b.Loop() {
				switch k := pub.(type) {
				case ed25519.PublicKey:
					if !ed25519.Verify(k, msg, sig) {
						b.Fatal("bad")
					}
				case *ecdsa.PublicKey:
					d := sha256.Sum256(msg)
					if !ecdsa.Verify(k, d[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
						b.Fatal("bad")
					}
				}
			}
		})
		opts := &VerifyOptions{Key: key.Public(), Now: func() time.Time { return now }}
		b.Run(kt.Algorithm()+"/vc+jwt", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := VerifyCredential(context.Background(), tok, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyJWTVC measures VCDM 1.1 JWT-VC verification (Ed25519),
// including reconstruction of the credential from the claims.
func BenchmarkVerifyJWTVC(b *testing.B) {
	key, _ := did.GenerateKey(did.KeyEd25519)
	cred := []byte(`{"@context":["https://www.w3.org/2018/credentials/v1"],"id":"urn:uuid:1","type":["VerifiableCredential"],
	"issuer":"did:example:issuer","issuanceDate":"2025-01-01T00:00:00Z","credentialSubject":{"id":"did:example:holder","memberOf":"Club"}}`)
	tok, err := SignJWTVC(cred, key, issuerDID+"#key-1")
	if err != nil {
		b.Fatal(err)
	}
	opts := &VerifyOptions{Key: key.Public(), Now: func() time.Time { return now }}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := VerifyJWTVC(context.Background(), tok, opts); err != nil {
			b.Fatal(err)
		}
	}
}
