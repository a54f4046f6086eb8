package sdjwt

import (
	"context"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
)

// BenchmarkVerifyKB10 verifies an SD-JWT VC presentation with 10
// disclosures and a KB-JWT (Ed25519 issuer, Ed25519 holder): two signature
// checks plus digest processing, the door-device hot path.
func BenchmarkVerifyKB10(b *testing.B) {
	iss, _ := did.GenerateKey(did.KeyEd25519)
	hol, _ := did.GenerateKey(did.KeyEd25519)
	claims := []byte(`{"vct":"https://credentials.example.com/member","iss":"did:example:issuer","iat":1700000000,"exp":1900000000,
	"c0":"v0","c1":"v1","c2":"v2","c3":"v3","c4":"v4","c5":"v5","c6":"v6","c7":"v7","c8":"v8","c9":"v9"}`)
	tok, err := Issue(claims, iss, &IssueOptions{Disclose: []string{"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"}, HolderKey: hol.Public()})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Unix(1800000000, 0)
	pres, err := Present(tok, []string{"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"}, &KeyBinding{Key: hol, Audience: "door", Nonce: "n", IssuedAt: now})
	if err != nil {
		b.Fatal(err)
	}
	opts := &VerifyOptions{Key: iss.Public(), Now: func() time.Time { return now }, KeyBinding: &KeyBindingPolicy{Required: true, Audience: "door", Nonce: "n"}}
	b.ReportAllocs()
	for b.Loop() {
		v, err := Verify(context.Background(), pres, opts)
		if err != nil || len(v.Disclosures) != 10 || !v.KeyBound {
			b.Fatal(err)
		}
	}
}
