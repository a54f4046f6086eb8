package vote_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/jose"
	"github.com/polity-id/polity/vc/policy"
	"github.com/polity-id/polity/vote"
)

func mustKey(seed byte) (*did.PrivateKey, string) {
	k, err := did.NewPrivateKey(did.KeyEd25519, bytes.Repeat([]byte{seed}, 32))
	if err != nil {
		panic(err)
	}
	return k, key.New(k.Public())
}

// ExampleTally runs a two-member vote: each member presents a membership credential
// with a signed ballot, and the community's policy decides who may vote.
func ExampleTally() {
	ctx := context.Background()
	opens := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	communityKey, community := mustKey(1)

	elig, err := policy.Parse([]byte(`{"types":["MembershipCredential"],
		"issuers":[{"did":"` + community + `","types":["MembershipCredential"]}]}`))
	if err != nil {
		panic(err)
	}
	p := &vote.Proposal{
		ID: "https://hall.example/proposals/1", Title: "Repaint the hall", Community: community,
		Options: []string{"yes", "no"}, Reject: "no", Opens: opens, Closes: opens.Add(7 * 24 * time.Hour),
		Eligibility: elig,
	}
	var ballots []vote.Submission
	for i, choice := range []string{"yes", "yes", "no"} {
		k, member := mustKey(byte(10 + i))
		cred, err := vc.Issue(ctx, vc.NewMembership(vc.MembershipClaims{Member: member, Community: community}),
			communityKey, vc.IssueOptions{Created: opens.Add(-time.Hour)})
		if err != nil {
			panic(err)
		}
		b, err := vote.NewBallot(ctx, p, vote.Ballot{Choice: choice}, [][]byte{cred}, k, &vote.BallotOptions{Cast: opens.Add(time.Hour)})
		if err != nil {
			panic(err)
		}
		ballots = append(ballots, vote.Submission{Source: fmt.Sprintf("ballot-%d.json", i), Data: b})
	}
	rep, err := vote.Tally(ctx, p, ballots, &vote.TallyConfig{Now: opens.Add(30 * 24 * time.Hour)})
	if err != nil {
		panic(err)
	}
	for _, o := range rep.Options {
		fmt.Printf("%s: %g\n", o.Option, o.Votes)
	}
	fmt.Println(rep.Outcome.Decision, rep.Outcome.Winner)
	fmt.Println(rep.Outcome.Reason)
	// Output:
	// yes: 2
	// no: 1
	// approved yes
	// "yes" has 66.7% (2/3) of the decisive votes, more than 1/2
}

// ExampleNewBallot casts the same vote as a Data Integrity ballot and as a vp+jwt
// ballot carrying a vc+jwt membership credential; one tally counts both.
func ExampleNewBallot() {
	ctx := context.Background()
	opens := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	communityKey, community := mustKey(1)
	elig, err := policy.Parse([]byte(`{"types":["MembershipCredential"],"issuers":[{"did":"` + community + `"}]}`))
	if err != nil {
		panic(err)
	}
	p := &vote.Proposal{
		ID: "https://hall.example/proposals/2", Community: community, Options: []string{"yes", "no"},
		Opens: opens, Closes: opens.Add(7 * 24 * time.Hour), Eligibility: elig,
	}
	var ballots []vote.Submission
	for i, format := range []string{vote.FormatDataIntegrity, vote.FormatVPJWT} {
		k, member := mustKey(byte(10 + i))
		card := vc.NewMembership(vc.MembershipClaims{Member: member, Community: community})
		var cred []byte
		if format == vote.FormatVPJWT {
			card.Issuer, card.ValidFrom = vc.Node{ID: community}, opens.Add(-time.Hour)
			doc, _ := json.Marshal(card)
			tok, err := jose.SignCredential(doc, communityKey, community+"#"+strings.TrimPrefix(community, "did:key:"))
			if err != nil {
				panic(err)
			}
			cred = []byte(tok)
		} else if cred, err = vc.Issue(ctx, card, communityKey, vc.IssueOptions{Created: opens.Add(-time.Hour)}); err != nil {
			panic(err)
		}
		b, err := vote.NewBallot(ctx, p, vote.Ballot{Choice: "yes"}, [][]byte{cred}, k,
			&vote.BallotOptions{Cast: opens.Add(time.Hour), Format: format})
		if err != nil {
			panic(err)
		}
		ballots = append(ballots, vote.Submission{Source: format, Data: b})
	}
	rep, err := vote.Tally(ctx, p, ballots, &vote.TallyConfig{Now: opens.Add(30 * 24 * time.Hour)})
	if err != nil {
		panic(err)
	}
	fmt.Println(rep.Turnout, rep.Outcome.Decision, rep.Outcome.Winner)
	// Output:
	// 2 approved yes
}
