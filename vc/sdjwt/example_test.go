package sdjwt_test

import (
	"context"
	"fmt"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/vc/sdjwt"
)

func Example() {
	issuer, _ := did.GenerateKey(did.KeyEd25519)
	holder, _ := did.GenerateKey(did.KeyP256)

	// The issuer makes name and birthdate selectively disclosable.
	claims := []byte(`{"vct":"https://example.com/member","iss":"did:example:club","given_name":"Ada","birthdate":"1815-12-10"}`)
	token, _ := sdjwt.Issue(claims, issuer, &sdjwt.IssueOptions{
		Disclose:  []string{"given_name", "birthdate"},
		HolderKey: holder.Public(),
	})

	// The holder reveals only the name, bound to the verifier's nonce.
	now := time.Now()
	pres, _ := sdjwt.Present(token, []string{"given_name"}, &sdjwt.KeyBinding{
		Key: holder, Audience: "https://door.example", Nonce: "8f3a", IssuedAt: now,
	})

	v, err := sdjwt.Verify(context.Background(), pres, &sdjwt.VerifyOptions{
		Key:        issuer.Public(),
		KeyBinding: &sdjwt.KeyBindingPolicy{Required: true, Audience: "https://door.example", Nonce: "8f3a"},
	})
	fmt.Println(err, v.KeyBound, v.Claims["given_name"], v.Claims["birthdate"])
	// Output: <nil> true Ada <nil>
}
