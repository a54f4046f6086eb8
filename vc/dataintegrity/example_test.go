package dataintegrity_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc/dataintegrity"
)

func Example() {
	ctx := context.Background()
	signer, _ := did.GenerateKey(did.KeyEd25519)
	issuer := key.New(signer.Public())
	credential := `{
	  "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
	  "type": ["VerifiableCredential", "MembershipCredential"],
	  "issuer": "` + issuer + `",
	  "credentialSubject": {"id": "did:example:member-42", "role": "member"}
	}`

	// One Env for the whole program: it caches processed contexts and did:key keys.
	env := &dataintegrity.Env{}

	signed, err := dataintegrity.AddProof(ctx, []byte(credential), signer, dataintegrity.Options{
		Cryptosuite:        dataintegrity.EdDSARDFC2022,
		VerificationMethod: issuer + "#" + strings.TrimPrefix(issuer, "did:key:"),
		Created:            time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
	}, env)
	if err != nil {
		fmt.Println(err)
		return
	}

	// The issuer must control the key (the zero VerifyOptions check that).
	report, err := dataintegrity.Verify(ctx, signed, env, dataintegrity.VerifyOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	p := report.Proofs[0]
	fmt.Println(report.OK(), p.Cryptosuite, p.Purpose, p.Created.Format(time.RFC3339))

	// Any change to the claims breaks the signature.
	tampered := strings.Replace(string(signed), `"member"`, `"admin"`, 1)
	_, err = dataintegrity.Verify(ctx, []byte(tampered), env, dataintegrity.VerifyOptions{})
	fmt.Println(err != nil)
	// Output:
	// true eddsa-rdfc-2022 assertionMethod 2025-01-01T00:00:00Z
	// true
}

func ExampleVerify_presentation() {
	ctx := context.Background()
	holder, _ := did.GenerateKey(did.KeyP256)
	id := key.New(holder.Public())
	vp := `{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"], "holder": "` + id + `"}`

	signed, _ := dataintegrity.AddProof(ctx, []byte(vp), holder, dataintegrity.Options{
		Cryptosuite:        dataintegrity.ECDSAJCS2019,
		VerificationMethod: id + "#" + strings.TrimPrefix(id, "did:key:"),
		ProofPurpose:       dataintegrity.PurposeAuthentication,
		Challenge:          "9f1c2d",
		Domain:             "door.example.org",
	}, nil)

	_, err := dataintegrity.Verify(ctx, signed, nil, dataintegrity.VerifyOptions{
		Purpose: dataintegrity.PurposeAuthentication, Challenge: "9f1c2d", Domain: "door.example.org",
	})
	fmt.Println("fresh:", err == nil)
	_, err = dataintegrity.Verify(ctx, signed, nil, dataintegrity.VerifyOptions{
		Purpose: dataintegrity.PurposeAuthentication, Challenge: "replayed", Domain: "door.example.org",
	})
	fmt.Println("replayed:", err != nil)
	// Output:
	// fresh: true
	// replayed: true
}

// A caller that needs the document itself too (package vc reads the credential from
// the same bytes) parses it once with ParseDocument and verifies the parsed form.
func ExampleVerifyDocument() {
	ctx := context.Background()
	signer, _ := did.GenerateKey(did.KeyEd25519)
	issuer := key.New(signer.Public())
	credential := `{"@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
	  "type": ["VerifiableCredential"], "issuer": "` + issuer + `", "credentialSubject": {"id": "did:example:member-42"}}`
	signed, _ := dataintegrity.AddProof(ctx, []byte(credential), signer, dataintegrity.Options{
		Cryptosuite:        dataintegrity.EdDSAJCS2022,
		VerificationMethod: issuer + "#" + strings.TrimPrefix(issuer, "did:key:"),
	}, nil)

	doc, err := dataintegrity.ParseDocument(signed, dataintegrity.DocumentLimits{MaxBytes: 64 << 10})
	if err != nil {
		fmt.Println(err)
		return
	}
	report, err := dataintegrity.VerifyDocument(ctx, doc, nil, dataintegrity.VerifyOptions{})
	fmt.Println(report.OK(), err)

	// Duplicate member names make the signed value ambiguous: refused before any proof
	// is looked at.
	_, err = dataintegrity.ParseDocument([]byte(`{"issuer":"a","issuer":"b"}`), dataintegrity.DocumentLimits{})
	fmt.Println(err != nil)
	// Output:
	// true <nil>
	// true
}
