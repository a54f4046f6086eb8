// Command door shows an offline door check end to end: a community key and its
// pinned DID document, a door policy, a membership credential issued to Alice,
// her presentation bound to the door's challenge, and the door's answers for
// her credential, a tampered copy, and a credential from another community.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/door"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/jose"
	"github.com/polity-id/polity/vc/policy"
)

const (
	communityDID = "did:web:commons.example"
	otherDID     = "did:web:elsewhere.example"
	doorID       = "did:web:commons.example:doors:workshop"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "door example:", err)
		os.Exit(1)
	}
}

// run sets everything up in memory and prints one plain-language line per step.
func run(w io.Writer) error {
	ctx := context.Background()

	// 1. The communities' keys and DID documents, pinned on the door device.
	community, err := did.GenerateKey(did.KeyEd25519)
	if err != nil {
		return err
	}
	other, err := did.GenerateKey(did.KeyEd25519)
	if err != nil {
		return err
	}
	resolver := did.NewMultiResolver(nil)
	resolver.Register(key.Method, key.Resolver{})
	for id, k := range map[string]*did.PrivateKey{communityDID: community, otherDID: other} {
		vm, err := did.NewVerificationMethod(id+"#key-1", id, "Multikey", k.Public())
		if err != nil {
			return err
		}
		if err := resolver.Pin(&did.Document{ID: id, VerificationMethod: []did.VerificationMethod{vm},
			AssertionMethod: []did.MethodRef{did.Ref("#key-1")}}); err != nil {
			return err
		}
	}
	fmt.Fprintln(w, "Pinned the DID documents of", communityDID, "and", otherDID)

	// 2. The door's policy: members and stewards of the community, issued by it.
	p, err := policy.Parse([]byte(`{
	  "types": ["MembershipCredential"],
	  "issuers": [{"did": "` + communityDID + `", "name": "Commons", "types": ["MembershipCredential"]}],
	  "constraints": [
	    {"path": "credentialSubject.community", "op": "equals", "value": "` + communityDID + `"},
	    {"path": "credentialSubject.role", "op": "in", "value": ["member", "steward"]}
	  ],
	  "maxAge": "365d"
	}`))
	if err != nil {
		return err
	}
	d, err := door.New(doorID, door.Setup{Policy: p, Resolver: resolver}, &door.Config{RequireIssuedChallenge: true})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "The door admits members and stewards of", communityDID)

	// 3. Alice, a member, holds a did:key and a membership credential.
	alice, err := did.GenerateKey(did.KeyEd25519)
	if err != nil {
		return err
	}
	aliceDID := key.New(alice.Public())
	issue := func(issuer *did.PrivateKey, issuerDID, communityOf string) (string, error) {
		c := vc.NewMembership(vc.MembershipClaims{Member: aliceDID, Community: communityOf, Role: "member"})
		c.Issuer = vc.Node{ID: issuerDID}
		c.ValidFrom = time.Now().Add(-24 * time.Hour).UTC().Truncate(time.Second)
		b, err := json.Marshal(c)
		if err != nil {
			return "", err
		}
		return jose.SignCredential(b, issuer, issuerDID+"#key-1")
	}
	member, err := issue(community, communityDID, communityDID)
	if err != nil {
		return err
	}
	foreign, err := issue(other, otherDID, otherDID)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "Issued Alice a membership credential")

	// 4. At the door: the scanner fetches a challenge, Alice's wallet signs a
	// presentation for it, and the door checks it.
	present := func(credential string) ([]byte, error) {
		challenge, _ := d.IssueChallenge()
		vp, err := json.Marshal(map[string]any{"@context": []any{vc.ContextV2}, "type": []any{"VerifiablePresentation"},
			"holder": aliceDID, "verifiableCredential": []any{jose.Envelope(credential)}})
		if err != nil {
			return nil, err
		}
		tok, err := jose.SignPresentation(vp, alice, aliceDID+"#"+strings.TrimPrefix(aliceDID, "did:key:"), doorID, challenge)
		return []byte(tok), err
	}
	say := func(what string, raw []byte) error {
		o, err := d.Check(ctx, raw)
		if err != nil {
			return err
		}
		if o.Allow {
			fmt.Fprintf(w, "%s: welcome in\n", what)
			return nil
		}
		for _, r := range o.Reasons {
			fmt.Fprintf(w, "%s: denied (%s)\n", what, r.Code)
		}
		return nil
	}

	vp, err := present(member)
	if err != nil {
		return err
	}
	if err := say("Alice with her membership", vp); err != nil {
		return err
	}

	// A tampered credential: the role changed after signing.
	parts := strings.Split(member, ".")
	claims, err := decodeSegment(parts[1])
	if err != nil {
		return err
	}
	claims = []byte(strings.Replace(string(claims), `"role":"member"`, `"role":"steward"`, 1))
	tampered := parts[0] + "." + encodeSegment(claims) + "." + parts[2]
	if vp, err = present(tampered); err != nil {
		return err
	}
	if err := say("Alice with a tampered credential", vp); err != nil {
		return err
	}

	if vp, err = present(foreign); err != nil {
		return err
	}
	return say("Alice with another community's credential", vp)
}
