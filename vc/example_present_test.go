package vc_test

import (
	"context"
	"fmt"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
)

// A member presents their membership credential at a door, bound to the door's
// challenge; the door verifies it, and refuses the same presentation the second time.
func ExamplePresent() {
	ctx := context.Background()
	community, _ := did.GenerateKey(did.KeyEd25519)
	member, _ := did.GenerateKey(did.KeyEd25519)

	cred, _ := vc.Issue(ctx, vc.NewMembership(vc.MembershipClaims{
		Member: key.New(member.Public()), Community: "did:example:commons", Role: "member",
	}), community, vc.IssueOptions{})

	// The door sends a fresh challenge; the member's wallet presents.
	vp, err := vc.Present(ctx, [][]byte{cred}, member, vc.PresentOptions{
		Challenge: "8f3a91", Domain: "https://door.example",
	})
	if err != nil {
		panic(err)
	}

	door := vc.NewVerifier(vc.VerifierConfig{})
	req := vc.PresentationOptions{Challenge: "8f3a91", Domain: "https://door.example"}
	res, err := door.VerifyPresentation(ctx, vp, req)
	fmt.Println(res.Verified, err)
	_, err = door.VerifyPresentation(ctx, vp, req)
	fmt.Println(vc.Code(err))
	// Output:
	// true <nil>
	// REPLAY
}

// The same presentation as a vp+jwt, checked against the wrong challenge.
func ExampleVerifier_VerifyPresentation() {
	ctx := context.Background()
	issuer, _ := did.GenerateKey(did.KeyEd25519)
	holder, _ := did.GenerateKey(did.KeyP256)

	cred, _ := vc.Issue(ctx, vc.NewMembership(vc.MembershipClaims{
		Member: key.New(holder.Public()), Community: "did:example:commons",
	}), issuer, vc.IssueOptions{})
	vp, _ := vc.Present(ctx, [][]byte{cred}, holder, vc.PresentOptions{
		Format: vc.FormatDataIntegrity, Challenge: "c-1", Domain: "https://vote.example",
	})

	v := vc.NewVerifier(vc.VerifierConfig{})
	res, err := v.VerifyPresentation(ctx, vp, vc.PresentationOptions{Challenge: "c-2", Domain: "https://vote.example"})
	proof, _ := res.Presentation.Check(vc.CheckNameProof)
	fmt.Println(res.Verified, proof.Status, vc.Code(err))

	res, err = v.VerifyPresentation(ctx, vp, vc.PresentationOptions{Challenge: "c-1", Domain: "https://vote.example"})
	holderCheck, _ := res.Credentials[0].Check(vc.CheckNameHolder)
	fmt.Println(res.Verified, err, holderCheck.Status)
	// Output:
	// false failed CHALLENGE_MISMATCH
	// true <nil> passed
}
