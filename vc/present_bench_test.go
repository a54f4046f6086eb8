package vc_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/sdjwt"
)

// BenchmarkEd25519VerifyFloor is the raw signature floor the presentation benchmarks
// are compared with: every presentation below needs two Ed25519 verifications (the
// holder's and the issuer's), so half this rate is their ceiling.
func BenchmarkEd25519VerifyFloor(b *testing.B) {
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	msg := []byte("eyJhbGciOiJFZERTQSJ9.eyJub25jZSI6IjhmM2EifQ")
	sig := ed25519.Sign(priv, msg)
	pub := priv.Public().(ed25519.PublicKey)
	b.ReportAllocs()
	for b.Loop() {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("verify")
		}
	}
}

// BenchmarkVerifyPresentation verifies one presentation of one credential in each
// format, the replay check off (the same presentation is verified every time).
func BenchmarkVerifyPresentation(b *testing.B) {
	f := newPresentFixture(b)
	ctx := context.Background()
	var claims strings.Builder
	fmt.Fprintf(&claims, `{"vct":"https://polity.id/vct/member","iss":%q`, f.issuerDID)
	var paths []string
	for i := range 10 {
		fmt.Fprintf(&claims, `,"c%d":"value %d"`, i, i)
		paths = append(paths, fmt.Sprintf("c%d", i))
	}
	claims.WriteString("}")
	sd10, err := sdjwt.Issue([]byte(claims.String()), f.issuer, &sdjwt.IssueOptions{Disclose: paths, Kid: f.issuerVM, HolderKey: f.holder.Public()})
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name, format string
		cred         []byte
	}{
		{"data-integrity/vc+jwt", vc.FormatDataIntegrity, f.vcJWT},
		{"vp+jwt/vc+jwt", vc.FormatVPJWT, f.vcJWT},
		{"sd-jwt+kb/10-disclosures", vc.FormatSDJWT, []byte(sd10)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			pres := f.present(b, tc.format, f.holder, vc.PresentOptions{}, tc.cred)
			v := vc.NewVerifier(vc.VerifierConfig{DisableReplayCheck: true})
			// One raw Ed25519 verification runs before each presentation, timed apart:
			// the x-ed25519 metric is the presentation's cost in raw verifications,
			// measured under the same load (2 is the floor: holder and issuer).
			priv := ed25519.NewKeyFromSeed(make([]byte, 32))
			msg := []byte("eyJhbGciOiJFZERTQSJ9.eyJub25jZSI6IjhmM2EifQ")
			sig := ed25519.Sign(priv, msg)
			pub := priv.Public().(ed25519.PublicKey)
			var raw, pv time.Duration
			b.ReportAllocs()
			for b.Loop() {
				t0 := time.Now()
				ed25519.Verify(pub, msg, sig)
				t1 := time.Now()
				if _, err := v.VerifyPresentation(ctx, pres, requestOpts); err != nil {
					b.Fatal(err)
				}
				raw, pv = raw+t1.Sub(t0), pv+time.Since(t1)
			}
			b.ReportMetric(float64(pv)/float64(raw), "x-ed25519")
			b.ReportMetric(float64(pv.Nanoseconds())/float64(b.N), "vp-ns/op")
		})
	}
}
