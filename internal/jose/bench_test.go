package jose

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"math/big"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
)

var benchPayload = []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:example:issuer","validFrom":"2025-01-01T00:00:00Z","credentialSubject":{"id":"did:example:subject","memberOf":"Example Community"}}`)

// BenchmarkVerify compares, per algorithm, the raw signature check, this
// package's Verify (parse + header rules + check) and jwx's jws.Verify.
func BenchmarkVerify(b *testing.B) {
	_, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for _, k := range []struct {
		name      string
		priv, pub any
	}{{"EdDSA", edPriv, edPriv.Public()}, {"ES256", p256, &p256.PublicKey}} {
		tok, err := Sign(Header{Typ: "vc+jwt", Kid: "did:example:issuer#key-1"}, benchPayload, k.priv)
		if err != nil {
			b.Fatal(err)
		}
		j, _ := Parse(tok, nil)
		b.Run(k.name+"/raw", func(b *testing.B) {
			msg := []byte(j.SigningInput)
			for b.Loop() {
				switch pub := k.pub.(type) {
				case ed25519.PublicKey:
					if !ed25519.Verify(pub, msg, j.Signature) {
						b.Fatal("bad")
					}
				case *ecdsa.PublicKey:
					d := sha256.Sum256(msg)
					r := new(big.Int).SetBytes(j.Signature[:32])
					s := new(big.Int).SetBytes(j.Signature[32:])
					if !ecdsa.Verify(pub, d[:], r, s) {
						b.Fatal("bad")
					}
				}
			}
		})
		b.Run(k.name+"/jose.Verify", func(b *testing.B) {
			for b.Loop() {
				if _, err := Verify(tok, k.pub, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(k.name+"/jwx", func(b *testing.B) {
			raw := []byte(tok)
			for b.Loop() {
				if _, err := jws.Verify(raw, jws.WithKey(jwa.SignatureAlgorithm(k.name), k.pub)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
