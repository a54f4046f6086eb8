package sybil_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/polity-id/polity/sybil"
)

var gate = &sybil.Gate{Scores: map[string]float64{"did:ex:a": 0.9, "did:ex:b": 0.8, "did:ex:c": 0.1, "did:ex:d": math.NaN()}, MinScore: 0.5}

func TestGate(t *testing.T) {
	tests := []struct {
		name  string
		g     *sybil.Gate
		voter string
		ok    bool
	}{
		{"nil gate admits everyone", nil, "did:ex:z", true},
		{"score above minimum", gate, "did:ex:a", true},
		{"score below minimum", gate, "did:ex:c", false},
		{"NaN score", gate, "did:ex:d", false},
		{"no score", gate, "did:ex:z", false},
		{"empty gate fails closed", &sybil.Gate{}, "did:ex:a", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.g.Check(tt.voter)
			if (err == nil) != tt.ok || (err != nil && !errors.Is(err, sybil.ErrNotEligible)) {
				t.Fatalf("Check = %v, want ok=%v", err, tt.ok)
			}
			e := tt.g.Explain(tt.voter)
			if want := map[bool]float64{true: 1, false: 0}[tt.ok]; e.Score != want || !hasPart(e, sybil.PartEligibility, tt.voter) {
				t.Fatalf("Explain = %+v", e)
			}
		})
	}
}

func TestOnePersonOneVote(t *testing.T) {
	tally, err := sybil.OnePersonOneVote([]sybil.Ballot{
		{Voter: "did:ex:c", Choice: "y"},
		{Voter: "did:ex:a", Choice: "x"},
		{Voter: "did:ex:b", Choice: "x"},
	}, &sybil.VoteConfig{Gate: gate})
	if err != nil {
		t.Fatal(err)
	}
	want := []sybil.OptionTotal{{Option: "x", Votes: 2, Voters: 2}, {Option: "y", Votes: 0, Voters: 0}}
	if fmt.Sprint(tally.Options) != fmt.Sprint(want) {
		t.Fatalf("options = %v, want %v", tally.Options, want)
	}
	if c := tally.Voters[2]; c.Subject != "did:ex:c" || c.Score != 0 || !hasPart(c, sybil.PartEligibility, "did:ex:c") {
		t.Fatalf("ineligible voter explanation = %+v", c)
	}
}

func TestOnePersonOneVoteErrors(t *testing.T) {
	tests := []struct {
		name    string
		ballots []sybil.Ballot
		cfg     *sybil.VoteConfig
		want    error
	}{
		{"duplicate ballot", []sybil.Ballot{{"did:ex:a", "x"}, {"did:ex:a", "y"}}, nil, sybil.ErrDuplicateBallot},
		{"empty voter", []sybil.Ballot{{"", "x"}}, nil, sybil.ErrInvalidInput},
		{"empty choice", []sybil.Ballot{{"did:ex:a", ""}}, nil, sybil.ErrInvalidInput},
		{"NaN minimum", []sybil.Ballot{{"did:ex:a", "x"}}, &sybil.VoteConfig{Gate: &sybil.Gate{MinScore: math.NaN()}}, sybil.ErrInvalidInput},
		{"too many", []sybil.Ballot{{"did:ex:a", "x"}, {"did:ex:b", "x"}}, &sybil.VoteConfig{MaxBallots: 1}, sybil.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := sybil.OnePersonOneVote(tt.ballots, tt.cfg); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestQVCost(t *testing.T) {
	tests := []struct {
		name  string
		votes map[string]int64
		want  int64
	}{
		{"empty", nil, 0},
		{"one vote costs 1", map[string]int64{"x": 1}, 1},
		{"3 and -4 cost 25", map[string]int64{"x": 3, "y": -4}, 25},
		{"10 costs 100", map[string]int64{"x": 10}, 100},
		{"saturates", map[string]int64{"x": math.MinInt64, "y": 5}, math.MaxInt64},
		{"sum saturates", map[string]int64{"x": 3037000499, "y": 3037000499}, math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sybil.QVCost(tt.votes); got != tt.want {
				t.Fatalf("QVCost = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestQuadraticVoting(t *testing.T) {
	tally, err := sybil.QuadraticVoting([]sybil.QVBallot{
		{Voter: "did:ex:a", Votes: map[string]int64{"x": 3, "y": -4}},
		{Voter: "did:ex:b", Votes: map[string]int64{"x": 10}},
		{Voter: "did:ex:c", Votes: map[string]int64{"y": 5}}, // below the minimum score
	}, &sybil.VoteConfig{Gate: gate})
	if err != nil {
		t.Fatal(err)
	}
	want := []sybil.OptionTotal{{Option: "x", Votes: 13, Voters: 2}, {Option: "y", Votes: -4, Voters: 1}}
	if fmt.Sprint(tally.Options) != fmt.Sprint(want) {
		t.Fatalf("options = %v, want %v", tally.Options, want)
	}
	for _, v := range tally.Voters {
		for _, p := range v.Parts {
			if p.Kind == sybil.PartCost {
				want := map[string]float64{"did:ex:a": 25, "did:ex:b": 100, "did:ex:c": 25}[v.Subject]
				if p.Value != want {
					t.Errorf("%s cost = %v, want %v", v.Subject, p.Value, want)
				}
			}
		}
	}
}

func TestQuadraticVotingOverspend(t *testing.T) {
	_, err := sybil.QuadraticVoting([]sybil.QVBallot{
		{Voter: "did:ex:a", Votes: map[string]int64{"x": 10, "y": 1}},
	}, nil)
	var ce *sybil.CreditsError
	if !errors.Is(err, sybil.ErrInsufficientCredits) || !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a CreditsError", err)
	}
	if ce.Voter != "did:ex:a" || ce.Cost != 101 || ce.Credits != sybil.DefaultCredits {
		t.Fatalf("CreditsError = %+v", ce)
	}
}

func TestQuadraticVotingErrors(t *testing.T) {
	big := make(map[string]int64)
	for i := range sybil.MaxBallotOptions + 1 {
		big[fmt.Sprint(i)] = 0
	}
	tests := []struct {
		name    string
		ballots []sybil.QVBallot
		cfg     *sybil.VoteConfig
		want    error
	}{
		{"duplicate ballot", []sybil.QVBallot{{Voter: "did:ex:a"}, {Voter: "did:ex:a"}}, nil, sybil.ErrDuplicateBallot},
		{"empty voter", []sybil.QVBallot{{}}, nil, sybil.ErrInvalidInput},
		{"empty option", []sybil.QVBallot{{Voter: "did:ex:a", Votes: map[string]int64{"": 1}}}, nil, sybil.ErrInvalidInput},
		{"negative credits", []sybil.QVBallot{{Voter: "did:ex:a"}}, &sybil.VoteConfig{Credits: -1}, sybil.ErrInvalidInput},
		{"too many options", []sybil.QVBallot{{Voter: "did:ex:a", Votes: big}}, nil, sybil.ErrTooLarge},
		{"overflowing ballot", []sybil.QVBallot{{Voter: "did:ex:a", Votes: map[string]int64{"x": math.MaxInt64}}}, &sybil.VoteConfig{Credits: math.MaxInt64 - 1}, sybil.ErrInsufficientCredits},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := sybil.QuadraticVoting(tt.ballots, tt.cfg); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// qfDonations: project A gets 1 and 4 (raw (1+2)^2-5 = 4), project B one
// donation of 9 (raw 0), project C four donations of 1 (raw 16-4 = 12).
var qfDonations = []sybil.Donation{
	{Contributor: "did:ex:a", Project: "A", Amount: 1},
	{Contributor: "did:ex:b", Project: "A", Amount: 3},
	{Contributor: "did:ex:b", Project: "A", Amount: 1}, // summed with the 3
	{Contributor: "did:ex:a", Project: "B", Amount: 9},
	{Contributor: "did:ex:a", Project: "C", Amount: 1},
	{Contributor: "did:ex:b", Project: "C", Amount: 1},
	{Contributor: "did:ex:e", Project: "C", Amount: 1},
	{Contributor: "did:ex:f", Project: "C", Amount: 1},
}

func matches(f *sybil.Funding) map[string]float64 {
	m := make(map[string]float64)
	for _, p := range f.Projects {
		m[p.Subject] = p.Match
	}
	return m
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*max(1, math.Abs(b)) }

func TestQuadraticFundingKnownAnswers(t *testing.T) {
	tests := []struct {
		name        string
		cfg         *sybil.FundingConfig
		want        map[string]float64
		unallocated float64
	}{
		{"raw CLR, no pool", nil, map[string]float64{"A": 4, "B": 0, "C": 12}, 0},
		{"scaled up to pool 32", &sybil.FundingConfig{Pool: 32}, map[string]float64{"A": 8, "B": 0, "C": 24}, 0},
		{"scaled down to pool 8", &sybil.FundingConfig{Pool: 8}, map[string]float64{"A": 2, "B": 0, "C": 6}, 0},
		{"cap 20: excess goes to A", &sybil.FundingConfig{Pool: 32, ProjectCap: 20}, map[string]float64{"A": 12, "B": 0, "C": 20}, 0},
		{"cap 10: both capped, 12 left", &sybil.FundingConfig{Pool: 32, ProjectCap: 10}, map[string]float64{"A": 10, "B": 0, "C": 10}, 12},
		{"cap without pool", &sybil.FundingConfig{ProjectCap: 5}, map[string]float64{"A": 4, "B": 0, "C": 5}, 0},
		{"infinite cap", &sybil.FundingConfig{Pool: 32, ProjectCap: math.Inf(1)}, map[string]float64{"A": 8, "B": 0, "C": 24}, 0},
		// b is not admitted: A keeps only a's 1 (raw 0), C has three donors (raw 9-3 = 6).
		{"gated", &sybil.FundingConfig{Gate: &sybil.Gate{Scores: map[string]float64{"did:ex:a": 1, "did:ex:e": 1, "did:ex:f": 1, "did:ex:b": 0.1}, MinScore: 0.5}},
			map[string]float64{"A": 0, "B": 0, "C": 6}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := sybil.QuadraticFunding(qfDonations, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			got := matches(f)
			for p, w := range tt.want {
				if !near(got[p], w) {
					t.Errorf("match %s = %v, want %v", p, got[p], w)
				}
			}
			if !near(f.Unallocated, tt.unallocated) {
				t.Errorf("unallocated = %v, want %v", f.Unallocated, tt.unallocated)
			}
			if f.Projects[0].Donations != 5 || f.Projects[0].Score != f.Projects[0].Match {
				t.Errorf("project A = %+v", f.Projects[0])
			}
		})
	}
}

func TestQuadraticFundingGateExplained(t *testing.T) {
	g := &sybil.Gate{Scores: map[string]float64{"did:ex:a": 1}, MinScore: 0.5}
	f, err := sybil.QuadraticFunding(qfDonations, &sybil.FundingConfig{Gate: g})
	if err != nil {
		t.Fatal(err)
	}
	a := f.Projects[0]
	if a.Donations != 5 || a.Eligible != 1 || !hasPart(a.Explanation, sybil.PartEligibility, "did:ex:b") {
		t.Fatalf("project A = %+v", a)
	}
	if len(f.Contributors) != 4 || f.Contributors[1].Subject != "did:ex:b" || f.Contributors[1].Score != 0 {
		t.Fatalf("contributors = %+v", f.Contributors)
	}
}

func TestQuadraticFundingErrors(t *testing.T) {
	d := func(c, p string, a float64) []sybil.Donation {
		return []sybil.Donation{{Contributor: c, Project: p, Amount: a}}
	}
	tests := []struct {
		name string
		ds   []sybil.Donation
		cfg  *sybil.FundingConfig
		want error
	}{
		{"empty contributor", d("", "A", 1), nil, sybil.ErrInvalidInput},
		{"empty project", d("did:ex:a", "", 1), nil, sybil.ErrInvalidInput},
		{"NaN amount", d("did:ex:a", "A", math.NaN()), nil, sybil.ErrInvalidInput},
		{"Inf amount", d("did:ex:a", "A", math.Inf(1)), nil, sybil.ErrInvalidInput},
		{"negative amount", d("did:ex:a", "A", -1), nil, sybil.ErrInvalidInput},
		{"negative pool", d("did:ex:a", "A", 1), &sybil.FundingConfig{Pool: -1}, sybil.ErrInvalidInput},
		{"Inf pool", d("did:ex:a", "A", 1), &sybil.FundingConfig{Pool: math.Inf(1)}, sybil.ErrInvalidInput},
		{"NaN cap", d("did:ex:a", "A", 1), &sybil.FundingConfig{ProjectCap: math.NaN()}, sybil.ErrInvalidInput},
		{"Inf gate minimum", d("did:ex:a", "A", 1), &sybil.FundingConfig{Gate: &sybil.Gate{MinScore: math.Inf(-1)}}, sybil.ErrInvalidInput},
		{"too many", qfDonations, &sybil.FundingConfig{MaxDonations: 3}, sybil.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := sybil.QuadraticFunding(tt.ds, tt.cfg); !errors.Is(err, tt.want) {
				t.Fatalf("QuadraticFunding err = %v, want %v", err, tt.want)
			}
			if _, err := sybil.ClusterMatch(tt.ds, nil, tt.cfg); !errors.Is(err, tt.want) {
				t.Fatalf("ClusterMatch err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestQuadraticFundingDeterministic(t *testing.T) {
	ds := genDonations(3000, 500, 20, 3)
	cfg := &sybil.FundingConfig{Pool: 1000, ProjectCap: 120}
	a, err := sybil.QuadraticFunding(ds, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(ds), func(i, j int) { ds[i], ds[j] = ds[j], ds[i] })
	b, err := sybil.QuadraticFunding(ds, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Fatal("shuffled input gives a different result")
	}
	var sum float64
	for _, p := range a.Projects {
		if p.Match > 120+1e-9 {
			t.Errorf("%s match %v over cap", p.Subject, p.Match)
		}
		sum += p.Match
	}
	if !near(sum+a.Unallocated, 1000) {
		t.Errorf("matches + unallocated = %v, want 1000", sum+a.Unallocated)
	}
}

func genDonations(n, contributors, projects int, seed uint64) []sybil.Donation {
	rng := rand.New(rand.NewPCG(seed, 2))
	ds := make([]sybil.Donation, n)
	for i := range ds {
		ds[i] = sybil.Donation{
			Contributor: fmt.Sprintf("did:ex:c%d", rng.IntN(contributors)),
			Project:     fmt.Sprintf("p%d", rng.IntN(projects)),
			Amount:      float64(1 + rng.IntN(10000)),
		}
	}
	return ds
}

func BenchmarkQuadraticFunding10k(b *testing.B) {
	ds := genDonations(10_000, 10_000, 50, 1)
	cfg := &sybil.FundingConfig{Pool: 100_000, ProjectCap: 5000}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sybil.QuadraticFunding(ds, cfg); err != nil {
			b.Fatal(err)
		}
	}
}
