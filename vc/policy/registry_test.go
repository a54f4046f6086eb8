package policy

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/jose"
)

// TestRegistryCredential signs a registry as the community would, as Data Integrity
// and as vc+jwt, and reads it back with LoadRegistry and a real verifier.
func TestRegistryCredential(t *testing.T) {
	ctx := context.Background()
	k, err := did.GenerateKey(did.KeyEd25519)
	if err != nil {
		t.Fatal(err)
	}
	publisher := key.New(k.Public())
	until := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	reg := &Registry{ID: "https://commons.example/registry", Issuers: []TrustedIssuer{
		{DID: "did:web:school.example", Name: "The School", Types: []string{"MembershipCredential"}, ValidUntil: until},
	}}
	unsigned, err := reg.Credential(publisher, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	di, err := vc.Issue(ctx, unsigned, k, vc.IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jose.SignCredential(unsigned, k, publisher+"#"+strings.TrimPrefix(publisher, "did:key:"))
	if err != nil {
		t.Fatal(err)
	}
	v := vc.NewVerifier(vc.VerifierConfig{})
	for name, signed := range map[string][]byte{"data-integrity": di, "vc+jwt": []byte(tok)} {
		t.Run(name, func(t *testing.T) {
			got, err := LoadRegistry(ctx, signed, publisher, v)
			if err != nil {
				t.Fatal(err)
			}
			if got.Publisher != publisher || got.ID != reg.ID || len(got.Issuers) != 1 || got.Issuers[0].DID != "did:web:school.example" ||
				!got.Issuers[0].ValidUntil.Equal(until) {
				t.Fatalf("registry %+v", got)
			}
			if _, err := LoadRegistry(ctx, signed, "did:web:other.example", v); !errors.Is(err, ErrRegistrySignature) {
				t.Fatalf("other publisher: %v", err)
			}
		})
	}
	if _, err := reg.Credential("https://commons.example", time.Time{}); !errors.Is(err, ErrMalformed) {
		t.Errorf("publisher that is not a DID: %v", err)
	}
}
