package sybil_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/polity-id/polity/sybil"
)

func ExampleScoreContributions() {
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	cs := []sybil.Contribution{
		// 8 units attested a half-life ago count 4.
		{ID: "urn:uuid:1", Contributor: "did:example:alice", Attester: "did:example:maintainer", Amount: 8, Time: now.Add(-sybil.DefaultHalfLife)},
		// Self-attestation counts zero.
		{ID: "urn:uuid:2", Contributor: "did:example:alice", Attester: "did:example:alice", Amount: 100, Time: now},
	}
	exps, err := sybil.ScoreContributions(cs, now, nil)
	if err != nil {
		panic(err)
	}
	e := exps[0]
	fmt.Printf("%s %s %.1f\n", e.Subject, e.Method, e.Score)
	for _, p := range e.Parts {
		fmt.Printf("  %-12s %-22s %g\n", p.Kind, p.Ref, p.Value)
	}
	// Output:
	// did:example:alice contribution 2.0
	//   self         urn:uuid:2             0
	//   contribution urn:uuid:1             8
	//   decay        urn:uuid:1             0.5
	//   attester     did:example:maintainer 1
	//   curve        sqrt                   2
}

func ExampleScoreStamps() {
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	stamps := []sybil.Stamp{
		{Holder: "did:example:alice", Type: "KYC", Identifier: "sha256:5e1f", Issued: now.AddDate(0, -2, 0)},
		{Holder: "did:example:alice", Type: "Phone", Issued: now.AddDate(0, -1, 0)},
		// The same person again under another DID: counted once.
		{Holder: "did:example:alice2", Type: "KYC", Identifier: "sha256:5e1f", Issued: now.AddDate(0, 0, -1)},
	}
	cfg := &sybil.StampConfig{Weights: map[string]float64{"KYC": 15, "Phone": 5}, Threshold: 20}
	scores, err := sybil.ScoreStamps(stamps, now, cfg)
	if err != nil {
		panic(err)
	}
	for _, s := range scores {
		fmt.Println(s.Subject, s.Score, s.Human)
	}
	// Output:
	// did:example:alice 20 true
	// did:example:alice2 0 false
}

func ExampleQuadraticFunding() {
	ds := []sybil.Donation{
		{Contributor: "did:example:a", Project: "docs", Amount: 1},
		{Contributor: "did:example:b", Project: "docs", Amount: 4},
		{Contributor: "did:example:a", Project: "relay", Amount: 9},
	}
	f, err := sybil.QuadraticFunding(ds, &sybil.FundingConfig{Pool: 100})
	if err != nil {
		panic(err)
	}
	for _, p := range f.Projects {
		fmt.Printf("%s raw %g match %g\n", p.Subject, p.Raw, p.Match)
	}
	// Output:
	// docs raw 4 match 100
	// relay raw 0 match 0
}

func ExampleClusterMatch() {
	var ds []sybil.Donation
	crew := []string{"did:example:c1", "did:example:c2", "did:example:c3", "did:example:c4"}
	for i, m := range crew {
		ds = append(ds,
			sybil.Donation{Contributor: m, Project: "coordinated", Amount: 1},
			sybil.Donation{Contributor: fmt.Sprintf("did:example:s%d", i), Project: "spread", Amount: 1})
	}
	clusters := map[string][]string{"guild": crew, "chat": crew}
	f, err := sybil.ClusterMatch(ds, clusters, &sybil.FundingConfig{Pool: 100})
	if err != nil {
		panic(err)
	}
	for _, p := range f.Projects {
		fmt.Printf("%s %.0f\n", p.Subject, p.Match)
	}
	// Output:
	// coordinated 25
	// spread 75
}

func ExampleQuadraticVoting() {
	g := &sybil.Gate{Scores: map[string]float64{"did:example:a": 0.9, "did:example:b": 0.2}, MinScore: 0.5}
	t, err := sybil.QuadraticVoting([]sybil.QVBallot{
		{Voter: "did:example:a", Votes: map[string]int64{"park": 6, "road": -8}}, // costs 100
		{Voter: "did:example:b", Votes: map[string]int64{"road": 9}},             // below the minimum score
	}, &sybil.VoteConfig{Gate: g, Credits: 100})
	if err != nil {
		panic(err)
	}
	for _, o := range t.Options {
		fmt.Println(o.Option, o.Votes)
	}
	fmt.Println(t.Voters[1].Parts[0].Detail)

	_, err = sybil.QuadraticVoting([]sybil.QVBallot{{Voter: "did:example:a", Votes: map[string]int64{"park": 11}}}, nil)
	fmt.Println(errors.Is(err, sybil.ErrInsufficientCredits))
	// Output:
	// park 6
	// road -8
	// weight 0: Sybil score 0.2 below minimum 0.5
	// true
}

func ExampleOnePersonOneVote() {
	t, err := sybil.OnePersonOneVote([]sybil.Ballot{
		{Voter: "did:example:a", Choice: "yes"},
		{Voter: "did:example:b", Choice: "no"},
		{Voter: "did:example:c", Choice: "yes"},
	}, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(t.Options)
	// Output:
	// [{no 1 1} {yes 2 2}]
}

func ExamplePriors() {
	contrib := []sybil.Explanation{{Subject: "did:example:a", Score: 3}}
	stamps := []sybil.StampScore{{Explanation: sybil.Explanation{Subject: "did:example:b", Score: 20}, Threshold: 20}}
	p := sybil.Priors(contrib, stamps, nil)
	fmt.Println(p["did:example:a"], p["did:example:b"])
	// Output:
	// 0.625 0.75
}
