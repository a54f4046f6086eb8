package vc_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/jose"
)

// joseToken secures the membership credential of a did:key issuer of type kt as a
// vc+jwt, or (v11) in its VCDM 1.1 form as a JWT-VC.
func joseToken(b *testing.B, kt did.KeyType, v11 bool) []byte {
	k := testKey(b, kt)
	issuer := key.New(k.Public())
	kid := issuer + "#" + strings.TrimPrefix(issuer, "did:key:")
	cred := vcJWTCredential(b, issuer)
	sign := jose.SignCredential
	if v11 {
		var m map[string]any
		if err := json.Unmarshal(cred, &m); err != nil {
			b.Fatal(err)
		}
		ctxs := m["@context"].([]any)
		ctxs[0] = "https://www.w3.org/2018/credentials/v1"
		m["issuanceDate"] = m["validFrom"]
		delete(m, "validFrom")
		var err error
		if cred, err = json.Marshal(m); err != nil {
			b.Fatal(err)
		}
		sign = jose.SignJWTVC
	}
	tok, err := sign(cred, k, kid)
	if err != nil {
		b.Fatal(err)
	}
	return []byte(tok)
}

// BenchmarkVerifyJOSEVsRaw is BenchmarkVerifyVsRaw for vc.Verifier.Verify of the
// membership credential secured with JOSE, as a vc+jwt and as a VCDM 1.1 JWT-VC,
// did:key issuer, every check run:
//
//	go test ./vc -run '^$' -bench VerifyJOSEVsRaw -benchmem -cpu 1 -count 5
func BenchmarkVerifyJOSEVsRaw(b *testing.B) {
	for _, c := range []struct {
		name string
		kt   did.KeyType
		v11  bool
	}{
		{"vc+jwt-EdDSA", did.KeyEd25519, false},
		{"vc+jwt-ES256", did.KeyP256, false},
		{"jwt-vc-EdDSA", did.KeyEd25519, true},
		{"jwt-vc-ES256", did.KeyP256, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			tok := joseToken(b, c.kt, c.v11)
			v := verifierAt(t2026, vc.VerifierConfig{})
			ctx := context.Background()
			if r, err := v.Verify(ctx, tok); err != nil || r.Format != vc.FormatJOSE {
				b.Fatal(err)
			}
			raw := rawOp(b, c.kt, false)
			var tRaw, tFull time.Duration
			b.ReportAllocs()
			for b.Loop() {
				t0 := cpuTime()
				raw()
				t1 := cpuTime()
				if _, err := v.Verify(ctx, tok); err != nil {
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
