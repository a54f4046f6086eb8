package sdjwt

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/internal/jose"
)

// SD-JWT VC forbids disclosing iss, nbf, exp, cnf, vct and status, and Verify
// refuses them as Issue does: a disclosed "iss" would name an issuer the kid was
// never checked against, and a disclosed "exp" would escape the time checks.
func TestReservedClaimDisclosed(t *testing.T) {
	k, err := did.GenerateKey(did.KeyEd25519)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, value string }{{"iss", `"did:example:gov"`}, {"exp", "1000"}} {
		t.Run(c.name, func(t *testing.T) {
			disc := jose.EncodeSegment([]byte(fmt.Sprintf(`["c2FsdHNhbHRzYWx0c2FsdA",%q,%s]`, c.name, c.value)))
			sum := sha256.Sum256([]byte(disc))
			payload := fmt.Sprintf(`{"vct":"https://credentials.example.com/member","_sd":[%q]}`, jose.EncodeSegment(sum[:]))
			tok, err := jose.Sign(jose.Header{Typ: TypeVC}, []byte(payload), k.CryptoPrivateKey())
			if err != nil {
				t.Fatal(err)
			}
			v, err := Verify(context.Background(), tok+"~"+disc+"~", &VerifyOptions{Key: k.Public(), Now: func() time.Time { return testNow }})
			if err == nil {
				t.Fatalf("disclosed %s accepted: claims %v", c.name, v.Claims)
			}
		})
	}
}
