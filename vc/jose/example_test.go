package jose_test

import (
	"context"
	"errors"
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

func ExampleVerifyJWTVP() {
	holder, _ := did.GenerateKey(did.KeyEd25519)
	vm, _ := did.NewVerificationMethod("did:example:ada#key-1", "did:example:ada", "Multikey", holder.Public())
	doc := &did.Document{ID: "did:example:ada", VerificationMethod: []did.VerificationMethod{vm},
		Authentication: []did.MethodRef{did.Ref("#key-1")}}
	resolver := did.ResolverFunc(func(ctx context.Context, id string) (*did.Document, error) { return doc, nil })

	// A VCDM 1.1 presentation; its verifiableCredential would hold JWT-VC strings.
	vp := []byte(`{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiablePresentation"],
		"holder":"did:example:ada","verifiableCredential":[]}`)
	token, _ := jose.SignJWTVP(vp, holder, "did:example:ada#key-1", "https://door.example", "8f3a")

	v, err := jose.VerifyJWTVP(context.Background(), token, &jose.VerifyOptions{
		Resolver: resolver, Audience: "https://door.example", Nonce: "8f3a"})
	fmt.Println(v.Subject, err)
	_, err = jose.VerifyJWTVP(context.Background(), token, &jose.VerifyOptions{
		Resolver: resolver, Audience: "https://door.example", Nonce: "replayed"})
	fmt.Println(errors.Is(err, jose.ErrChallenge))
	// Output:
	// did:example:ada <nil>
	// true
}
