package jose_test

import (
	"context"
	"fmt"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/vc/jose"
)

func ExampleVerifyCredential() {
	issuer, _ := did.GenerateKey(did.KeyEd25519)
	vm, _ := did.NewVerificationMethod("did:example:club#key-1", "did:example:club", "Multikey", issuer.Public())
	doc := &did.Document{ID: "did:example:club", VerificationMethod: []did.VerificationMethod{vm},
		AssertionMethod: []did.MethodRef{did.Ref("#key-1")}}
	resolver := did.ResolverFunc(func(ctx context.Context, id string) (*did.Document, error) { return doc, nil })

	cred := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],
		"issuer":"did:example:club","credentialSubject":{"id":"did:example:ada","memberOf":"Chess Club"}}`)
	token, _ := jose.SignCredential(cred, issuer, "did:example:club#key-1")

	h, _ := jose.Peek(token)
	v, err := jose.VerifyCredential(context.Background(), token, &jose.VerifyOptions{Resolver: resolver})
	fmt.Println(h.Typ, h.Cty, v.Subject, err)
	// Output: vc+jwt vc did:example:club <nil>
}
