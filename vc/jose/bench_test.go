package jose

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/asn1"
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

// rawVerify returns the raw signature check of tok's own signing input with pub
// (Ed25519, or ECDSA P-256 over SHA-256): the floor of any verification of tok.
func rawVerify(b *testing.B, tok string, pub any) func() {
	i := strings.LastIndexByte(tok, '.')
	msg := []byte(tok[:i])
	sig, err := ijose.DecodeSegment(tok[i+1:])
	if err != nil {
		b.Fatal(err)
	}
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return func() {
			if !ed25519.Verify(k, msg, sig) {
				b.Fatal("bad signature")
			}
		}
	case *ecdsa.PublicKey:
		// The DER form is made once, outside the loop: the floor is the
		// cheapest check the standard library offers.
		der, err := asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])})
		if err != nil {
			b.Fatal(err)
		}
		return func() {
			d := sha256.Sum256(msg)
			if !ecdsa.VerifyASN1(k, d[:], der) {
				b.Fatal("bad signature")
			}
		}
	}
	b.Fatalf("key type %T", pub)
	return nil
}

// BenchmarkVerifyVsRaw alternates one full verification (VerifyCredential of a
// vc+jwt, VerifyJWTVC of a JWT-VC, fixed issuer key) and one raw signature check
// of the same token, and reports the ratio of their process CPU times as "%raw"
// (raw time / full time: the verification rate as a percentage of the raw rate).
// Measured in the same loop, the ratio holds on a loaded machine; run it with
// -cpu 1:
//
//	go test ./vc/jose -run '^$' -bench VerifyVsRaw -benchmem -cpu 1 -count 5
func BenchmarkVerifyVsRaw(b *testing.B) {
	v11 := []byte(`{"@context":["https://www.w3.org/2018/credentials/v1"],"id":"urn:uuid:1","type":["VerifiableCredential"],
	"issuer":"did:example:issuer","issuanceDate":"2025-01-01T00:00:00Z","credentialSubject":{"id":"did:example:holder","memberOf":"Club"}}`)
	for _, c := range []struct {
		name string
		kt   did.KeyType
		vc11 bool
	}{
		{"vc+jwt-EdDSA", did.KeyEd25519, false},
		{"vc+jwt-ES256", did.KeyP256, false},
		{"jwt-vc-EdDSA", did.KeyEd25519, true},
		{"jwt-vc-ES256", did.KeyP256, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			key, err := did.GenerateKey(c.kt)
			if err != nil {
				b.Fatal(err)
			}
			sign, verify := SignCredential, VerifyCredential
			cred := credJSON(issuerDID, "")
			if c.vc11 {
				sign, verify, cred = SignJWTVC, VerifyJWTVC, v11
			}
			tok, err := sign(cred, key, issuerDID+"#key-1")
			if err != nil {
				b.Fatal(err)
			}
			raw := rawVerify(b, tok, key.Public().CryptoPublicKey())
			opts := &VerifyOptions{Key: key.Public(), Now: func() time.Time { return now }}
			ctx := context.Background()
			var tRaw, tFull time.Duration
			b.ReportAllocs()
			for b.Loop() {
				t0 := cpuTime()
				raw()
				t1 := cpuTime()
				if _, err := verify(ctx, tok, opts); err != nil {
					b.Fatal(err)
				}
				t2 := cpuTime()
				tRaw += t1 - t0
				tFull += t2 - t1
			}
			b.ReportMetric(100*float64(tRaw)/float64(tFull), "%raw")
		})
	}
}
