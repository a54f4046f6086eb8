// Command vote shows layered community governance with verifiable credentials: a
// working group decides a routine proposal, the whole membership decides a critical
// one, and the critical result is valid only with two of three stewards' signatures.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/policy"
	"github.com/polity-id/polity/vote"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "vote:", err)
		os.Exit(1)
	}
}

// person is a key holder with a display name.
type person struct {
	name string
	key  *did.PrivateKey
	did  string
}

func newPerson(name string, seed byte) person {
	k, err := did.NewPrivateKey(did.KeyEd25519, bytes.Repeat([]byte{seed}, 32))
	if err != nil {
		panic(err) // a 32-byte seed is always a valid Ed25519 key
	}
	return person{name: name, key: k, did: key.New(k.Public())}
}

var opens = time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)

func run(w io.Writer) error {
	ctx := context.Background()
	commons := newPerson("Riverside Commons", 1)
	members := []person{newPerson("Ana", 10), newPerson("Bo", 11), newPerson("Cy", 12), newPerson("Dee", 13), newPerson("Eli", 14)}
	stewards := []person{newPerson("Fay", 20), newPerson("Gus", 21), newPerson("Hal", 22)}
	mallory := newPerson("Mallory", 30)
	names := map[string]string{mallory.did: mallory.name}
	for _, p := range append(members, stewards...) {
		names[p.did] = p.name
	}

	// Membership credentials: everyone is a member; Ana, Bo and Cy also belong to the
	// finance working group.
	issue := func(issuer person, to person, role string) ([]byte, error) {
		c := vc.NewMembership(vc.MembershipClaims{Member: to.did, Community: commons.did, Role: role, Since: opens.AddDate(-1, 0, 0)})
		return vc.Issue(ctx, c, issuer.key, vc.IssueOptions{Created: opens.AddDate(0, -1, 0)})
	}
	creds := map[string][][]byte{}
	for i, m := range members {
		c, err := issue(commons, m, "member")
		if err != nil {
			return err
		}
		creds[m.name] = append(creds[m.name], c)
		if i < 3 {
			if c, err = issue(commons, m, "finance"); err != nil {
				return err
			}
			creds[m.name] = append(creds[m.name], c)
		}
	}
	// Mallory signs a membership credential for herself.
	self, err := issue(mallory, mallory, "member")
	if err != nil {
		return err
	}
	creds[mallory.name] = [][]byte{self}

	gov, err := governance(commons, stewards)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s has %d members and %d stewards; big decisions need 2 steward signatures.\n\n", commons.name, len(members), len(stewards))

	type cast struct {
		who    person
		choice string
		at     time.Duration
	}
	decide := func(p *vote.Proposal, casts []cast) (*vote.Report, error) {
		var ballots []vote.Submission
		for _, c := range casts {
			b, err := vote.NewBallot(ctx, p, vote.Ballot{Choice: c.choice}, creds[c.who.name], c.who.key, &vote.BallotOptions{Cast: opens.Add(c.at)})
			if err != nil {
				return nil, err
			}
			ballots = append(ballots, vote.Submission{Source: c.who.name, Data: b})
		}
		rep, err := vote.Tally(ctx, p, ballots, &vote.TallyConfig{Config: gov, Now: p.Closes.Add(time.Hour)})
		if err != nil {
			return nil, err
		}
		for _, a := range rep.Accepted {
			fmt.Fprintf(w, "  %s voted %q: counted.\n", names[a.Holder], a.Choice)
		}
		for _, r := range rep.Rejected {
			fmt.Fprintf(w, "  A ballot from %s was not counted: %s.\n", r.Source, plain(r))
		}
		fmt.Fprintf(w, "  Turnout: %d ballots counted, %d needed: quorum %s.\n", rep.Turnout, rep.Quorum.Required, yesNo(rep.Quorum.Met, "met", "not met"))
		fmt.Fprintf(w, "  Outcome: %s. %s.\n\n", rep.Outcome.Decision, rep.Outcome.Reason)
		return rep, nil
	}

	routine := &vote.Proposal{
		ID: "https://riverside.example/proposals/12", Title: "Buy a new kettle for the kitchen", Class: "routine",
		Community: commons.did, Options: []string{"yes", "no"}, Reject: "no",
		Opens: opens, Closes: opens.Add(3 * 24 * time.Hour),
	}
	fmt.Fprintf(w, "Routine proposal %q, decided by the finance working group:\n", routine.Title)
	if _, err := decide(routine, []cast{
		{members[0], "yes", time.Hour}, {members[1], "yes", 2 * time.Hour}, {members[2], "no", 3 * time.Hour},
		{members[3], "no", 3 * time.Hour}, // Dee is a member but not in the working group
	}); err != nil {
		return err
	}

	critical := &vote.Proposal{
		ID: "https://riverside.example/proposals/13", Title: "Spend 12,000 on repairing the roof", Class: "critical",
		Community: commons.did, Options: []string{"yes", "no", "abstain"}, Abstain: "abstain", Reject: "no",
		Opens: opens, Closes: opens.Add(7 * 24 * time.Hour), Electorate: len(members),
	}
	fmt.Fprintf(w, "Critical proposal %q, decided by all members (two thirds needed):\n", critical.Title)
	rep, err := decide(critical, []cast{
		{members[0], "yes", time.Hour}, {members[1], "no", 2 * time.Hour}, {members[2], "yes", 3 * time.Hour},
		{members[3], "yes", 4 * time.Hour}, {members[4], "no", 5 * time.Hour}, {mallory, "no", 5 * time.Hour},
		{members[1], "yes", 30 * time.Hour}, // Bo changes his mind the next day
	})
	if err != nil {
		return err
	}

	// The community signs the result; stewards co-sign it.
	result, err := vote.IssueResult(ctx, rep, commons.key, &vote.ResultOptions{Created: critical.Closes.Add(time.Hour)})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s signed the result as a credential.\n", commons.name)
	stewardDIDs := []string{stewards[0].did, stewards[1].did, stewards[2].did}
	for _, s := range stewards[:2] {
		if result, err = vote.Cosign(ctx, result, s.key, &vote.CosignOptions{Created: critical.Closes.Add(2 * time.Hour)}); err != nil {
			return err
		}
		check, err := vote.VerifyResult(ctx, result, stewardDIDs, rep.StewardsRequired)
		var ae *vote.ApprovalError
		switch {
		case errors.As(err, &ae):
			fmt.Fprintf(w, "  After %s signed: not valid yet, %d of %d steward signatures.\n", s.name, ae.Have, ae.Need)
		case err != nil:
			return err
		default:
			var who []string
			for _, d := range check.Approvals {
				who = append(who, names[d])
			}
			fmt.Fprintf(w, "  After %s signed: valid, the roof repair is %s (signed by %s and %s).\n", s.name, check.Outcome, who[0], who[1])
		}
	}
	return nil
}

// governance returns the community's rules: the finance working group decides routine
// proposals by simple majority; all members decide critical ones with half of them
// voting and two thirds approving, and two of three stewards must co-sign.
func governance(commons person, stewards []person) (*vote.Config, error) {
	eligibility := func(role string) (*policy.Policy, error) {
		doc, _ := json.Marshal(map[string]any{
			"types":       []string{vc.TypeMembership},
			"issuers":     []map[string]any{{"did": commons.did, "types": []string{vc.TypeMembership}}},
			"constraints": []map[string]any{{"path": "credentialSubject.role", "op": "equals", "value": role}},
		})
		return policy.Parse(doc)
	}
	wg, err := eligibility("finance")
	if err != nil {
		return nil, err
	}
	all, err := eligibility("member")
	if err != nil {
		return nil, err
	}
	return &vote.Config{Community: commons.did, Classes: map[string]*vote.Class{
		"routine": {Quorum: 2, Approval: vote.ApprovalMajority, Eligibility: wg},
		"critical": {
			QuorumFraction: vote.Fraction{Num: 1, Den: 2}, Approval: vote.ApprovalSupermajority, Fraction: vote.Fraction{Num: 2, Den: 3},
			Eligibility: all, Stewards: []string{stewards[0].did, stewards[1].did, stewards[2].did}, StewardsRequired: 2,
		},
	}}, nil
}

// plain explains a rejection to people.
func plain(r vote.Rejected) string {
	switch r.Code {
	case vote.CodeReplaced:
		return "the same person voted again later, and the later ballot counts"
	case vote.CodeIneligible:
		return "none of the credentials shown gives a vote on this proposal"
	default:
		return r.Reason
	}
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}
