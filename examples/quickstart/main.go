// Quickstart: a community issues a membership credential, a door checks it offline,
// and a forged copy is refused. Run with: go run ./examples/quickstart
package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	ctx := context.Background()

	community, err := did.GenerateKey(did.KeyEd25519)
	if err != nil {
		return err
	}
	member, err := did.GenerateKey(did.KeyEd25519)
	if err != nil {
		return err
	}
	communityDID, memberDID := key.New(community.Public()), key.New(member.Public())
	fmt.Fprintf(w, "1. The community has an identity of its own: %s\n", communityDID)
	fmt.Fprintf(w, "2. Alice joins and gets an identity on her phone: %s\n", memberDID)

	cred := vc.NewMembership(vc.MembershipClaims{Member: memberDID, Community: communityDID, Role: "member"})
	signed, err := vc.Issue(ctx, cred, community, vc.IssueOptions{Suite: vc.SuiteEdDSARDFC2022})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "3. The community signs a membership card for Alice (%d bytes, W3C Verifiable Credential).\n", len(signed))

	door := vc.NewVerifier(vc.VerifierConfig{}) // offline: no network is used
	res, err := door.Verify(ctx, signed)
	if err != nil {
		return fmt.Errorf("the door refused a genuine card: %w", err)
	}
	m, _ := res.Credential.Membership()
	fmt.Fprintf(w, "4. The door checks the card offline: welcome, %s of the community.\n", m.Role)

	forged := bytes.Replace(signed, []byte(`"role":"member"`), []byte(`"role":"steward"`), 1)
	if _, err := door.Verify(ctx, forged); err == nil {
		return fmt.Errorf("the door accepted a forged card")
	} else {
		fmt.Fprintf(w, "5. Someone edits the card to claim \"steward\": the door refuses it (%s).\n", vc.Code(err))
	}
	fmt.Fprintln(w, "Done. See examples/door and examples/vote for revocation, check-in logs and voting.")
	return nil
}
