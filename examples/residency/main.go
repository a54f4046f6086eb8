// Command residency shows a co-living network that issues residency and contribution
// credentials and weights a vote by contribution: every resident has a voice, and
// attested work adds weight with diminishing returns.
package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/sybil"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/policy"
	"github.com/polity-id/polity/vote"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "residency:", err)
		os.Exit(1)
	}
}

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

var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

type work struct {
	who      int
	activity string
	hours    string
	daysAgo  int
}

func run(w io.Writer) error {
	ctx := context.Background()
	network := newPerson("Nomad Nest", 1)
	nodes := []string{"https://nomadnest.example/nodes/lisbon", "https://nomadnest.example/nodes/tbilisi", "https://nomadnest.example/nodes/oaxaca"}
	residents := []person{newPerson("Ana", 10), newPerson("Ben", 11), newPerson("Cleo", 12), newPerson("Dan", 13), newPerson("Eve", 14)}
	names := map[string]string{}
	for _, r := range residents {
		names[r.did] = r.name
	}

	// The network issues a residency credential to each resident, at one of its nodes.
	residency := make([][]byte, len(residents))
	for i, r := range residents {
		c := vc.NewResidency(vc.ResidencyClaims{Resident: r.did, Place: nodes[i%len(nodes)], Community: network.did, Start: now.AddDate(0, -6+i, 0)})
		raw, err := vc.Issue(ctx, c, network.key, vc.IssueOptions{Created: now.AddDate(0, -6, 0)})
		if err != nil {
			return err
		}
		residency[i] = raw
	}

	// The network attests contributions, in hours.
	works := []work{
		{0, "rebuilt the kitchen", "20", 90}, {0, "ran the garden", "12", 30}, {0, "onboarded newcomers", "8", 10},
		{1, "fixed the wifi", "4", 20}, {2, "organized the library", "16", 45}, {3, "cooked a dinner", "1", 5},
	}
	verifier := vc.NewVerifier(vc.VerifierConfig{Now: func() time.Time { return now }})
	var contributions []sybil.Contribution
	for i, k := range works {
		c := vc.NewContribution(vc.ContributionClaims{
			Contributor: residents[k.who].did, Activity: k.activity, Date: now.AddDate(0, 0, -k.daysAgo),
			Community: network.did, Amount: k.hours, Unit: "hour",
		})
		c.ID = fmt.Sprintf("https://nomadnest.example/contributions/%d", i+1)
		raw, err := vc.Issue(ctx, c, network.key, vc.IssueOptions{Created: now.AddDate(0, 0, -k.daysAgo)})
		if err != nil {
			return err
		}
		// Only verified credentials from the network count.
		res, err := verifier.Verify(ctx, raw)
		if err != nil {
			return err
		}
		if res.Credential.Issuer.ID != network.did {
			continue
		}
		claims, err := res.Credential.Contribution()
		if err != nil {
			return err
		}
		hours, err := strconv.ParseFloat(claims.Amount, 64)
		if err != nil {
			return err
		}
		contributions = append(contributions, sybil.Contribution{
			ID: res.Credential.ID, Contributor: claims.Contributor, Attester: res.Credential.Issuer.ID, Amount: hours, Time: claims.Date,
		})
	}
	scores, err := sybil.ScoreContributions(contributions, now, nil)
	if err != nil {
		return err
	}
	// Every resident has weight 1, plus the contribution score: the square root of the
	// hours, each halving in weight every 180 days, at most 10 hours from one attester.
	weights := map[string]float64{}
	for _, r := range residents {
		weights[r.did] = 1
	}
	for _, s := range scores {
		weights[s.Subject] += s.Score
	}
	fmt.Fprintf(w, "%s weighs votes by attested contribution: 1 per resident, plus the square root of\ntheir recent hours, with at most 10 hours counted from any one attester.\n", network.name)
	for _, r := range residents {
		fmt.Fprintf(w, "  %s: weight %.2f\n", r.name, weights[r.did])
	}

	elig, err := policy.Parse([]byte(`{"types":["ResidencyCredential"],"issuers":[{"did":"` + network.did + `","types":["ResidencyCredential"]}]}`))
	if err != nil {
		return err
	}
	p := &vote.Proposal{
		ID: "https://nomadnest.example/proposals/summer-gathering", Title: "Where do we hold the summer gathering?",
		Community: network.did, Options: []string{"lisbon", "tbilisi", "oaxaca"}, Method: vote.MethodWeighted,
		Opens: now.AddDate(0, 0, -7), Closes: now, Eligibility: elig,
	}
	choices := []string{"lisbon", "oaxaca", "lisbon", "oaxaca", "oaxaca"}
	var ballots []vote.Submission
	for i, r := range residents {
		b, err := vote.NewBallot(ctx, p, vote.Ballot{Choice: choices[i]}, [][]byte{residency[i]}, r.key, &vote.BallotOptions{Cast: now.Add(-time.Duration(24*(5-i)) * time.Hour)})
		if err != nil {
			return err
		}
		ballots = append(ballots, vote.Submission{Source: r.name, Data: b})
	}
	fmt.Fprintf(w, "\n%s\n", p.Title)
	weighted, err := vote.Tally(ctx, p, ballots, &vote.TallyConfig{Weights: weights, Now: now})
	if err != nil {
		return err
	}
	for _, a := range sortedByName(weighted.Accepted, names) {
		fmt.Fprintf(w, "  %s chose %s (counts %.2f).\n", names[a.Holder], a.Choice, a.Weight)
	}
	for _, o := range weighted.Options {
		fmt.Fprintf(w, "  %s: %.2f\n", o.Option, o.Votes)
	}
	fmt.Fprintf(w, "  Weighted by contribution, %s wins.\n", weighted.Outcome.Winner)

	equal := *p
	equal.Method = vote.MethodOnePersonOneVote
	plain, err := vote.Tally(ctx, &equal, ballots, &vote.TallyConfig{Now: now})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  With one person, one vote, %s would have won.\n", plain.Outcome.Winner)
	return nil
}

func sortedByName(acc []vote.Accepted, names map[string]string) []vote.Accepted {
	out := append([]vote.Accepted(nil), acc...)
	sort.Slice(out, func(i, j int) bool { return names[out[i].Holder] < names[out[j].Holder] })
	return out
}
