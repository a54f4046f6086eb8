package vc_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/vc"
)

// Benchmarks for BENCHMARKS.md: the full pipeline (vc.Verifier.Verify, vc.Issue) on a
// membership credential issued by a did:key, with the Verifier (processed contexts,
// resolved documents) reused, beside the raw signature operation each one contains.
// Ratios are meaningful only between results of the same run:
//
//	go test ./vc -run '^$' -bench 'Verify|Issue|Raw' -benchmem -cpu 1 -count 3

// benchSuites lists the suites measured, with the key type each one signs with.
var benchSuites = []struct {
	name  string
	kt    did.KeyType
	suite string
}{
	{"eddsa-rdfc-2022", did.KeyEd25519, vc.SuiteEdDSARDFC2022},
	{"ecdsa-rdfc-2019-P256", did.KeyP256, vc.SuiteECDSARDFC2019},
	{"ecdsa-rdfc-2019-P384", did.KeyP384, vc.SuiteECDSARDFC2019},
	{"eddsa-jcs-2022", did.KeyEd25519, vc.SuiteEdDSAJCS2022},
	{"ecdsa-jcs-2019-P256", did.KeyP256, vc.SuiteECDSAJCS2019},
	{"ecdsa-jcs-2019-P384", did.KeyP384, vc.SuiteECDSAJCS2019},
	{"Ed25519Signature2020", did.KeyEd25519, vc.SuiteEd25519Signature2020},
}

// BenchmarkVerify: vc.Verifier.Verify of a signed membership credential, every check
// run (structure, contexts, proof and key authorization, validity, status, issuer).
func BenchmarkVerify(b *testing.B) {
	for _, s := range benchSuites {
		b.Run(s.name, func(b *testing.B) {
			signed := issue(b, membership(), testKey(b, s.kt), vc.IssueOptions{Suite: s.suite})
			v := verifierAt(t2026, vc.VerifierConfig{})
			ctx := context.Background()
			if _, err := v.Verify(ctx, signed); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(ctx, signed); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkIssue: vc.Issue of the membership credential.
func BenchmarkIssue(b *testing.B) {
	for _, s := range benchSuites {
		b.Run(s.name, func(b *testing.B) {
			k := testKey(b, s.kt)
			c := membership()
			ctx := context.Background()
			opts := vc.IssueOptions{Suite: s.suite, Created: t2025}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := vc.Issue(ctx, c, k, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The raw floors: one signature operation over the 64 bytes (96 for P-384) of two
// hashes that Data Integrity signs, with keys already parsed.

func BenchmarkRawEd25519Verify(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	msg := make([]byte, 64)
	sig := ed25519.Sign(priv, msg)
	b.ReportAllocs()
	for b.Loop() {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("bad signature")
		}
	}
}

func BenchmarkRawEd25519Sign(b *testing.B) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	msg := make([]byte, 64)
	b.ReportAllocs()
	for b.Loop() {
		ed25519.Sign(priv, msg)
	}
}

func BenchmarkRawP256Verify(b *testing.B) {
	priv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	msg := make([]byte, 64)
	h := sha256.Sum256(msg)
	sig, _ := ecdsa.SignASN1(rand.Reader, priv, h[:])
	b.ReportAllocs()
	for b.Loop() {
		h := sha256.Sum256(msg)
		if !ecdsa.VerifyASN1(&priv.PublicKey, h[:], sig) {
			b.Fatal("bad signature")
		}
	}
}

func BenchmarkRawP256Sign(b *testing.B) {
	priv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	msg := make([]byte, 64)
	b.ReportAllocs()
	for b.Loop() {
		h := sha256.Sum256(msg)
		if _, err := ecdsa.SignASN1(rand.Reader, priv, h[:]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRawP384Verify(b *testing.B) {
	priv, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	msg := make([]byte, 96)
	h := sha512.Sum384(msg)
	sig, _ := ecdsa.SignASN1(rand.Reader, priv, h[:])
	b.ReportAllocs()
	for b.Loop() {
		h := sha512.Sum384(msg)
		if !ecdsa.VerifyASN1(&priv.PublicKey, h[:], sig) {
			b.Fatal("bad signature")
		}
	}
}

func BenchmarkRawP384Sign(b *testing.B) {
	priv, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	msg := make([]byte, 96)
	b.ReportAllocs()
	for b.Loop() {
		h := sha512.Sum384(msg)
		if _, err := ecdsa.SignASN1(rand.Reader, priv, h[:]); err != nil {
			b.Fatal(err)
		}
	}
}

// rawOp returns one raw verification (or signature) with a fresh key of type kt.
func rawOp(b *testing.B, kt did.KeyType, sign bool) func() {
	msg := make([]byte, 64)
	switch kt {
	case did.KeyEd25519:
		pub, priv, _ := ed25519.GenerateKey(rand.Reader)
		sig := ed25519.Sign(priv, msg)
		if sign {
			return func() { ed25519.Sign(priv, msg) }
		}
		return func() {
			if !ed25519.Verify(pub, msg, sig) {
				b.Fatal("bad signature")
			}
		}
	}
	curve, hash := elliptic.P256(), func() []byte { h := sha256.Sum256(msg); return h[:] }
	if kt == did.KeyP384 {
		msg = make([]byte, 96)
		curve, hash = elliptic.P384(), func() []byte { h := sha512.Sum384(msg); return h[:] }
	}
	priv, _ := ecdsa.GenerateKey(curve, rand.Reader)
	sig, _ := ecdsa.SignASN1(rand.Reader, priv, hash())
	if sign {
		return func() {
			if _, err := ecdsa.SignASN1(rand.Reader, priv, hash()); err != nil {
				b.Fatal(err)
			}
		}
	}
	return func() {
		if !ecdsa.VerifyASN1(&priv.PublicKey, hash(), sig) {
			b.Fatal("bad signature")
		}
	}
}

// BenchmarkVerifyVsRaw alternates one Verify and one raw verification with the same
// key type and reports the ratio of their process CPU times as "%raw" (raw time /
// Verify time: the Verify rate as a percentage of the raw rate). Measured in the same
// loop, in CPU time, the ratio holds on a shared, loaded machine where separate
// benchmarks drift apart; run it with -cpu 1 so that the CPU time is the benchmark's
// own (GC included).
func BenchmarkVerifyVsRaw(b *testing.B) {
	for _, s := range benchSuites {
		b.Run(s.name, func(b *testing.B) {
			signed := issue(b, membership(), testKey(b, s.kt), vc.IssueOptions{Suite: s.suite})
			v := verifierAt(t2026, vc.VerifierConfig{})
			ctx := context.Background()
			raw := rawOp(b, s.kt, false)
			var tRaw, tFull time.Duration
			for b.Loop() {
				t0 := cpuTime()
				raw()
				t1 := cpuTime()
				if _, err := v.Verify(ctx, signed); err != nil {
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

// BenchmarkIssueVsRaw is BenchmarkVerifyVsRaw for vc.Issue against a raw signature.
func BenchmarkIssueVsRaw(b *testing.B) {
	for _, s := range benchSuites {
		b.Run(s.name, func(b *testing.B) {
			k := testKey(b, s.kt)
			c := membership()
			ctx := context.Background()
			opts := vc.IssueOptions{Suite: s.suite, Created: t2025}
			raw := rawOp(b, s.kt, true)
			var tRaw, tFull time.Duration
			for b.Loop() {
				t0 := cpuTime()
				raw()
				t1 := cpuTime()
				if _, err := vc.Issue(ctx, c, k, opts); err != nil {
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
