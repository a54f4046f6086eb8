// Quickstart: a community issues a membership card with an entry on its revocation
// list, a member keeps it in an encrypted wallet and shows it at a door, the door
// lets her in, the community revokes the card, and the door turns her away and
// says why. Everything runs offline, in a temporary directory.
//
// Run with: go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/door"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/policy"
	"github.com/polity-id/polity/vc/status"
	"github.com/polity-id/polity/wallet"
)

const (
	communityName = "Maple Commons"
	listURL       = "https://maple.example/status/members"
	doorID        = "https://maple.example/doors/workshop"
)

func main() {
	dir, err := os.MkdirTemp("", "polity-quickstart-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
	_, err = run(os.Stdout, dir)
	os.RemoveAll(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// story is what happened at the door, for the test.
type story struct {
	Admitted, Refused *door.Outcome
	WalletFile        string
}

// run tells the story in plain words on w, keeping its files in dir.
func run(w io.Writer, dir string) (*story, error) {
	ctx := context.Background()
	st := &story{}
	say := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }

	say("Polity quickstart: a community, a member and a door. Nothing leaves this computer.")
	say("")

	// 1. The community: an identity of its own and a revocation list.
	community, err := did.GenerateKey(did.KeyEd25519)
	if err != nil {
		return nil, err
	}
	communityDID := key.New(community.Public())
	list, err := status.CreateList(filepath.Join(dir, "revocations.state"), status.ListOptions{URL: listURL, Purpose: status.PurposeRevocation})
	if err != nil {
		return nil, err
	}
	say("1. %s creates its digital identity: %s", communityName, short(communityDID))
	say("   and a revocation list, so that it can take back a membership later.")

	// 2. Alice: a key on her phone, and an encrypted wallet.
	alice, err := did.GenerateKey(did.KeyEd25519)
	if err != nil {
		return nil, err
	}
	aliceDID := key.New(alice.Public())
	st.WalletFile = filepath.Join(dir, "alice.wallet")
	wal, err := wallet.Create(ctx, st.WalletFile, []byte("correct horse battery staple"), nil)
	if err != nil {
		return nil, err
	}
	defer wal.Close()
	keyInfo, err := wal.AddPrivateKey(ctx, alice, aliceDID, "phone")
	if err != nil {
		return nil, err
	}
	say("2. Alice joins. Her phone makes her an identity (%s)", short(aliceDID))
	say("   and an encrypted wallet, locked with her passphrase.")

	// 3. The community issues her a membership card with an entry on its list.
	entry, err := list.Allocate()
	if err != nil {
		return nil, err
	}
	card := vc.NewMembership(vc.MembershipClaims{Member: aliceDID, Community: communityDID, Role: "member"})
	signed, err := vc.Issue(ctx, card, community, vc.IssueOptions{Status: []vc.Node{statusNode(entry)}})
	if err != nil {
		return nil, err
	}
	cardInfo, err := wal.AddCredential(ctx, signed, "membership")
	if err != nil {
		return nil, err
	}
	say("3. %s signs a membership card for Alice (a W3C Verifiable Credential, %d bytes).", communityName, len(signed))
	say("   Alice's wallet stores it, encrypted.")

	// 4. The workshop door: a policy, the community's published list, no network.
	pol, err := policy.Parse([]byte(`{
	  "types": ["MembershipCredential"],
	  "issuers": [{"did": "` + communityDID + `", "name": "` + communityName + `", "types": ["MembershipCredential"]}],
	  "constraints": [{"path": "credentialSubject.community", "op": "equals", "value": "` + communityDID + `"}],
	  "requireStatus": true
	}`))
	if err != nil {
		return nil, err
	}
	openDoor := func() (*door.Door, error) {
		lists, err := publish(ctx, list, community, communityDID)
		if err != nil {
			return nil, err
		}
		return door.New(doorID, door.Setup{Policy: pol, Resolver: vc.DefaultResolver(), Status: lists}, &door.Config{RequireIssuedChallenge: true})
	}
	workshop, err := openDoor()
	if err != nil {
		return nil, err
	}
	say("4. The workshop door admits members of %s. It keeps a copy of the", communityName)
	say("   community's revocation list and works offline.")

	// 5. Alice at the door: a fresh challenge, a presentation from her wallet.
	knock := func() (*door.Outcome, error) {
		challenge, _ := workshop.IssueChallenge()
		vp, err := wal.Present(ctx, nil, &wallet.PresentRequest{
			KeyID: keyInfo.ID, Credentials: []string{cardInfo.ID}, Nonce: challenge, Audience: doorID,
		})
		if err != nil {
			return nil, err
		}
		return workshop.Check(ctx, vp)
	}
	if st.Admitted, err = knock(); err != nil {
		return nil, err
	}
	say("5. Alice arrives. The door shows a one-time code; her wallet signs her card")
	say("   over to the door for that code only, so a copy is useless to anyone else.")
	say("   The door says: %s", verdict(st.Admitted))
	say("")

	// 6. The community revokes the card and publishes its list; the door syncs it.
	if err := list.Set(entry.Index); err != nil {
		return nil, err
	}
	if workshop, err = openDoor(); err != nil {
		return nil, err
	}
	say("6. Alice leaves %s. The community revokes her card: one bit flips on its", communityName)
	say("   revocation list, which it signs and publishes. The door picks up the new list.")

	// 7. Alice tries again.
	if st.Refused, err = knock(); err != nil {
		return nil, err
	}
	say("7. Alice comes back with the same card.")
	say("   The door says: %s", verdict(st.Refused))
	say("")
	say("Next: go run ./examples/door, ./examples/vote or ./examples/residency, and polity --help.")
	return st, nil
}

// publish signs the list's current state as a status list credential, as the
// community publishes it, and returns what a door caches: the verified list.
func publish(ctx context.Context, l *status.List, issuer *did.PrivateKey, issuerDID string) (*door.StatusLists, error) {
	unsigned, err := l.Credential(status.CredentialOptions{Issuer: issuerDID})
	if err != nil {
		return nil, err
	}
	signed, err := vc.Issue(ctx, unsigned, issuer, vc.IssueOptions{})
	if err != nil {
		return nil, err
	}
	if _, err := vc.NewVerifier(vc.VerifierConfig{}).Verify(ctx, signed); err != nil {
		return nil, fmt.Errorf("the published list does not verify: %w", err)
	}
	lc, err := status.ParseListCredential(signed, status.Limits{})
	if err != nil {
		return nil, err
	}
	return door.NewStatusLists(lc)
}

// statusNode is the credentialStatus entry of a list entry.
func statusNode(e status.Entry) vc.Node {
	return vc.Node{ID: e.ID, Types: []string{e.Type}, Props: map[string]any{
		"statusPurpose":        e.Purpose,
		"statusListIndex":      strconv.FormatUint(e.Index, 10),
		"statusListCredential": e.ListCredential,
	}}
}

// verdict says what the door decided, in plain words, with the reason codes a
// door operator can look up.
func verdict(o *door.Outcome) string {
	if o.Allow {
		return "WELCOME. The card is genuine, signed by " + communityName + ", not revoked,\n   and shown by Alice herself."
	}
	err := o.Err()
	var why string
	switch {
	case errors.Is(err, vc.ErrRevoked):
		why = "the card was revoked by " + communityName
	case errors.Is(err, vc.ErrExpired):
		why = "the card has expired"
	case len(o.Reasons) > 0:
		why = o.Reasons[0].Message
	}
	var codes []string
	for _, r := range o.Reasons {
		codes = append(codes, string(r.Code))
	}
	return "SORRY, NOT TODAY: " + why + " (" + strings.Join(codes, ", ") + ")."
}

// short abbreviates a DID for display.
func short(id string) string {
	if len(id) <= 24 {
		return id
	}
	return id[:20] + "…" + id[len(id)-4:]
}
