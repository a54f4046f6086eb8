package dataintegrity

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
)

// membershipCredential is a typical community membership credential.
const membershipCredential = `{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
  "id": "urn:uuid:1c8a2f2e-5f60-4d0b-9a63-6f4a1d8c2b11",
  "type": ["VerifiableCredential", "MembershipCredential"],
  "issuer": "%ISSUER%",
  "validFrom": "2025-01-01T00:00:00Z",
  "validUntil": "2026-01-01T00:00:00Z",
  "credentialSubject": {
    "id": "did:example:member-42",
    "memberOf": {"id": "did:example:community-7", "name": "Riverside Gardeners"},
    "role": "member",
    "since": "2021-05-03"
  }
}`

func benchSigned(b *testing.B, kt did.KeyType, suite string) ([]byte, *Env, VerifyOptions) {
	b.Helper()
	k, err := did.GenerateKey(kt)
	if err != nil {
		b.Fatal(err)
	}
	issuer := key.New(k.Public())
	vm := issuer + "#" + issuer[len("did:key:"):]
	doc := []byte(replaceIssuer(membershipCredential, issuer))
	env := &Env{}
	out, err := AddProof(context.Background(), doc, k, Options{Cryptosuite: suite, VerificationMethod: vm, Created: time.Unix(1735689600, 0)}, env)
	if err != nil {
		b.Fatal(err)
	}
	return out, env, VerifyOptions{}
}

func replaceIssuer(s, issuer string) string {
	const ph = "%ISSUER%"
	for i := 0; i+len(ph) <= len(s); i++ {
		if s[i:i+len(ph)] == ph {
			return s[:i] + issuer + s[i+len(ph):]
		}
	}
	return s
}

func benchVerify(b *testing.B, kt did.KeyType, suite string) {
	doc, env, opts := benchSigned(b, kt, suite)
	ctx := context.Background()
	if _, err := Verify(ctx, doc, env, opts); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Verify(ctx, doc, env, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyEdDSARDFC(b *testing.B)      { benchVerify(b, did.KeyEd25519, EdDSARDFC2022) }
func BenchmarkVerifyEdDSAJCS(b *testing.B)       { benchVerify(b, did.KeyEd25519, EdDSAJCS2022) }
func BenchmarkVerifyECDSARDFC_P256(b *testing.B) { benchVerify(b, did.KeyP256, ECDSARDFC2019) }
func BenchmarkVerifyECDSAJCS_P256(b *testing.B)  { benchVerify(b, did.KeyP256, ECDSAJCS2019) }
func BenchmarkVerifyEd25519Signature2020(b *testing.B) {
	benchVerify(b, did.KeyEd25519, Ed25519Signature2020)
}

func benchIssue(b *testing.B, kt did.KeyType, suite string) {
	k, err := did.GenerateKey(kt)
	if err != nil {
		b.Fatal(err)
	}
	issuer := key.New(k.Public())
	doc := []byte(replaceIssuer(membershipCredential, issuer))
	opts := Options{Cryptosuite: suite, VerificationMethod: issuer + "#" + issuer[len("did:key:"):]}
	env := &Env{}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := AddProof(ctx, doc, k, opts, env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIssueEdDSARDFC(b *testing.B)      { benchIssue(b, did.KeyEd25519, EdDSARDFC2022) }
func BenchmarkIssueEdDSAJCS(b *testing.B)       { benchIssue(b, did.KeyEd25519, EdDSAJCS2022) }
func BenchmarkIssueECDSARDFC_P256(b *testing.B) { benchIssue(b, did.KeyP256, ECDSARDFC2019) }
func BenchmarkIssueECDSAJCS_P256(b *testing.B)  { benchIssue(b, did.KeyP256, ECDSAJCS2019) }

// BenchmarkRawEd25519Verify is the baseline for the EdDSA ratios: one Ed25519
// verification of 64 bytes.
func BenchmarkRawEd25519Verify(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	msg := make([]byte, 64)
	sig := ed25519.Sign(priv, msg)
	b.ReportAllocs()
	for b.Loop() {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("verify")
		}
	}
}

// BenchmarkRawP256Verify is the baseline for the ECDSA ratios: one P-256 verification
// of a SHA-256 digest of 64 bytes.
func BenchmarkRawP256Verify(b *testing.B) {
	priv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	msg := make([]byte, 64)
	h := sha256.Sum256(msg)
	sig, _ := ecdsa.SignASN1(rand.Reader, priv, h[:])
	b.ReportAllocs()
	for b.Loop() {
		h := sha256.Sum256(msg)
		if !ecdsa.VerifyASN1(&priv.PublicKey, h[:], sig) {
			b.Fatal("verify")
		}
	}
}
