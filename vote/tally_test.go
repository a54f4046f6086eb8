package vote

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"testing"
	"time"
)

// TestTally checks the vote-gating rules, one scenario per row: replacement, double
// votes, wrong proposal or challenge, ineligible voters, quorum, supermajority and
// quadratic overspending.
func TestTally(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 6)
	m := w.members
	cred := make([][]byte, len(m))
	for i := range m {
		cred[i] = w.membership(t, w.community, m[i], "member")
	}
	fin := w.membership(t, w.community, m[0], "finance") // m0 is in the finance working group
	forged := w.membership(t, w.outsider, m[5], "member")
	base := w.proposal("https://hall.example/proposals/1")
	base.Eligibility = w.eligibility(t, "")
	other := w.proposal("https://hall.example/proposals/2")
	otherCommunity := *base
	otherCommunity.Community = w.outsider.did

	tests := []struct {
		name     string
		proposal *Proposal
		class    *Class
		ballots  func() []Submission
		decision string
		winner   string
		votes    string
		rejected map[string]Code
	}{
		{
			name: "majority-approved", proposal: base,
			ballots: func() []Submission {
				return subs(ballot(t, base, m[0], "yes", nil, time.Hour, cred[0]), ballot(t, base, m[1], "yes", nil, time.Hour, cred[1]),
					ballot(t, base, m[2], "no", nil, time.Hour, cred[2]), ballot(t, base, m[3], "abstain", nil, time.Hour, cred[3]))
			},
			decision: OutcomeApproved, winner: "yes", votes: "yes=2 no=1 abstain=1", rejected: map[string]Code{},
		},
		{
			name: "later-ballot-replaces", proposal: base,
			ballots: func() []Submission {
				return subs(ballot(t, base, m[0], "yes", nil, time.Hour, cred[0]), ballot(t, base, m[0], "no", nil, 2*time.Hour, cred[0]),
					ballot(t, base, m[1], "yes", nil, time.Hour, cred[1]))
			},
			decision: OutcomeRejected, votes: "yes=1 no=1 abstain=0", rejected: map[string]Code{"b0": CodeReplaced},
		},
		{
			name: "earlier-ballot-submitted-last", proposal: base,
			ballots: func() []Submission {
				return subs(ballot(t, base, m[0], "no", nil, 2*time.Hour, cred[0]), ballot(t, base, m[0], "yes", nil, time.Hour, cred[0]))
			},
			decision: OutcomeRejected, votes: "yes=0 no=1 abstain=0", rejected: map[string]Code{"b1": CodeReplaced},
		},
		{
			name: "double-vote-same-bytes", proposal: base,
			ballots: func() []Submission {
				b := ballot(t, base, m[0], "yes", nil, time.Hour, cred[0])
				return subs(b, b)
			},
			decision: OutcomeApproved, winner: "yes", votes: "yes=1 no=0 abstain=0", rejected: map[string]Code{"b1": CodeDuplicate},
		},
		{
			name: "wrong-proposal", proposal: base,
			ballots: func() []Submission {
				return subs(ballot(t, other, m[0], "yes", nil, time.Hour, cred[0]), ballot(t, base, m[1], "no", nil, time.Hour, cred[1]))
			},
			decision: OutcomeRejected, votes: "yes=0 no=1 abstain=0", rejected: map[string]Code{"b0": CodeWrongProposal},
		},
		{
			name: "wrong-challenge-domain", proposal: base,
			ballots: func() []Submission {
				return subs(ballot(t, &otherCommunity, m[0], "yes", nil, time.Hour, cred[0]))
			},
			decision: OutcomeRejected, votes: "yes=0 no=0 abstain=0", rejected: map[string]Code{"b0": CodeWrongChallenge},
		},
		{
			name: "tampered-choice", proposal: base,
			ballots: func() []Submission {
				b := ballot(t, base, m[0], "no", nil, time.Hour, cred[0])
				return subs(bytes.Replace(b, []byte(`"choice":"no"`), []byte(`"choice":"yes"`), 1))
			},
			decision: OutcomeRejected, votes: "yes=0 no=0 abstain=0", rejected: map[string]Code{"b0": CodeNotVerified},
		},
		{
			name: "ineligible-non-member", proposal: base,
			ballots: func() []Submission {
				return subs(ballot(t, base, m[5], "no", nil, time.Hour, forged), ballot(t, base, m[4], "yes", nil, time.Hour),
					ballot(t, base, m[4], "no", nil, time.Hour+time.Minute, cred[1]), ballot(t, base, m[1], "yes", nil, time.Hour, cred[1]))
			},
			decision: OutcomeApproved, winner: "yes", votes: "yes=1 no=0 abstain=0",
			rejected: map[string]Code{"b0": CodeIneligible, "b1": CodeReplaced, "b2": CodeIneligible},
		},
		{
			name: "working-group-only", proposal: base, class: &Class{Eligibility: w.eligibility(t, "finance")},
			ballots: func() []Submission {
				return subs(ballot(t, base, m[0], "yes", nil, time.Hour, cred[0], fin), ballot(t, base, m[1], "no", nil, time.Hour, cred[1]))
			},
			decision: OutcomeApproved, winner: "yes", votes: "yes=1 no=0 abstain=0", rejected: map[string]Code{"b1": CodeIneligible},
		},
		{
			name: "invalid-choice-and-window", proposal: base,
			ballots: func() []Submission {
				return subs(ballot(t, base, m[0], "maybe", nil, time.Hour, cred[0]), ballot(t, base, m[1], "yes", nil, -time.Hour, cred[1]),
					ballot(t, base, m[2], "yes", nil, 8*24*time.Hour, cred[2]), ballot(t, base, m[3], "yes", nil, time.Hour, cred[3]))
			},
			decision: OutcomeApproved, winner: "yes", votes: "yes=1 no=0 abstain=0",
			rejected: map[string]Code{"b0": CodeInvalidChoice, "b1": CodeOutsideWindow, "b2": CodeOutsideWindow},
		},
		{
			name: "quorum-count-not-met", proposal: base, class: &Class{Quorum: 3},
			ballots: func() []Submission {
				return subs(ballot(t, base, m[0], "yes", nil, time.Hour, cred[0]), ballot(t, base, m[1], "abstain", nil, time.Hour, cred[1]))
			},
			decision: OutcomeNoQuorum, votes: "yes=1 no=0 abstain=1", rejected: map[string]Code{},
		},
		{
			name: "quorum-fraction-met-by-abstention", proposal: base, class: &Class{QuorumFraction: Fraction{1, 2}, Electorate: 6},
			ballots: func() []Submission {
				return subs(ballot(t, base, m[0], "yes", nil, time.Hour, cred[0]), ballot(t, base, m[1], "abstain", nil, time.Hour, cred[1]),
					ballot(t, base, m[2], "abstain", nil, time.Hour, cred[2]))
			},
			decision: OutcomeApproved, winner: "yes", votes: "yes=1 no=0 abstain=2", rejected: map[string]Code{},
		},
		{
			name: "supermajority-two-thirds-reached", proposal: base, class: &Class{Approval: ApprovalSupermajority, Fraction: Fraction{2, 3}},
			ballots: func() []Submission {
				return subs(ballot(t, base, m[0], "yes", nil, time.Hour, cred[0]), ballot(t, base, m[1], "yes", nil, time.Hour, cred[1]),
					ballot(t, base, m[2], "no", nil, time.Hour, cred[2]))
			},
			decision: OutcomeApproved, winner: "yes", votes: "yes=2 no=1 abstain=0", rejected: map[string]Code{},
		},
		{
			name: "supermajority-0.6667-missed", proposal: base, class: &Class{Approval: ApprovalSupermajority, Fraction: Fraction{6667, 10000}},
			ballots: func() []Submission {
				return subs(ballot(t, base, m[0], "yes", nil, time.Hour, cred[0]), ballot(t, base, m[1], "yes", nil, time.Hour, cred[1]),
					ballot(t, base, m[2], "no", nil, time.Hour, cred[2]))
			},
			decision: OutcomeRejected, votes: "yes=2 no=1 abstain=0", rejected: map[string]Code{},
		},
		{
			name: "majority-tie", proposal: base,
			ballots: func() []Submission {
				return subs(ballot(t, base, m[0], "yes", nil, time.Hour, cred[0]), ballot(t, base, m[1], "no", nil, time.Hour, cred[1]))
			},
			decision: OutcomeRejected, votes: "yes=1 no=1 abstain=0", rejected: map[string]Code{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var cfg TallyConfig
			cfg.Now = afterClose
			if tc.class != nil {
				cfg.Config = &Config{Classes: map[string]*Class{"": tc.class}}
			}
			rep, err := Tally(ctx, tc.proposal, tc.ballots(), &cfg)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Outcome.Decision != tc.decision || rep.Outcome.Winner != tc.winner {
				t.Errorf("outcome = %+v, want %s %q", rep.Outcome, tc.decision, tc.winner)
			}
			if got := optionVotes(rep); got != tc.votes {
				t.Errorf("votes = %s, want %s", got, tc.votes)
			}
			if got := codes(rep); !maps.Equal(got, tc.rejected) {
				t.Errorf("rejected = %v, want %v", got, tc.rejected)
				for _, r := range rep.Rejected {
					t.Logf("%s %s: %s %v", r.Source, r.Code, r.Reason, r.Details)
				}
			}
		})
	}
}

// TestTallyQuadratic checks quadratic ballots: costs, net votes and overspending.
func TestTallyQuadratic(t *testing.T) {
	w := newWorld(t, 3)
	p := w.proposal("https://hall.example/proposals/qv")
	p.Options, p.Abstain, p.Reject = []string{"garden", "library", "gym"}, "", ""
	p.Method, p.Credits = MethodQuadratic, 25
	p.Eligibility = w.eligibility(t, "")
	m := w.members
	ballots := subs(
		ballot(t, p, m[0], "", map[string]int64{"garden": 3, "gym": -4}, time.Hour, w.membership(t, w.community, m[0], "member")), // 9+16 = 25
		ballot(t, p, m[1], "", map[string]int64{"library": 6}, time.Hour, w.membership(t, w.community, m[1], "member")),           // 36 > 25
		ballot(t, p, m[2], "garden", nil, time.Hour, w.membership(t, w.community, m[2], "member")),
	)
	rep, err := Tally(context.Background(), p, ballots, &TallyConfig{Now: afterClose})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := optionVotes(rep), "garden=3 library=0 gym=-4"; got != want {
		t.Errorf("votes = %s, want %s", got, want)
	}
	if got, want := codes(rep), (map[string]Code{"b1": CodeOverspend, "b2": CodeInvalidChoice}); !maps.Equal(got, want) {
		t.Errorf("rejected = %v, want %v", got, want)
	}
	if rep.Outcome.Decision != OutcomeApproved || rep.Outcome.Winner != "garden" {
		t.Errorf("outcome = %+v", rep.Outcome)
	}
}

// TestTallyWeighted checks weights taken from TallyConfig.Weights.
func TestTallyWeighted(t *testing.T) {
	w := newWorld(t, 3)
	p := w.proposal("https://hall.example/proposals/w")
	p.Method = MethodWeighted
	p.Eligibility = w.eligibility(t, "")
	m := w.members
	ballots := subs(
		ballot(t, p, m[0], "yes", nil, time.Hour, w.membership(t, w.community, m[0], "member")),
		ballot(t, p, m[1], "no", nil, time.Hour, w.membership(t, w.community, m[1], "member")),
		ballot(t, p, m[2], "no", nil, time.Hour, w.membership(t, w.community, m[2], "member")),
	)
	weights := map[string]float64{m[0].did: 5, m[1].did: 1.5}
	rep, err := Tally(context.Background(), p, ballots, &TallyConfig{Now: afterClose, Weights: weights})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := optionVotes(rep), "yes=5 no=1.5 abstain=0"; got != want {
		t.Errorf("votes = %s, want %s", got, want)
	}
	if rep.Outcome.Winner != "yes" {
		t.Errorf("outcome = %+v", rep.Outcome)
	}
}

// TestTallyErrors checks the configurations that give no tally at all.
func TestTallyErrors(t *testing.T) {
	w := newWorld(t, 1)
	p := w.proposal("https://hall.example/proposals/e")
	withPolicy := *p
	withPolicy.Eligibility = w.eligibility(t, "")
	tests := []struct {
		name string
		p    *Proposal
		cfg  *TallyConfig
		want error
	}{
		{"no-eligibility-policy", p, nil, ErrConfig},
		{"unknown-class", &withPolicy, &TallyConfig{Config: &Config{Classes: map[string]*Class{"critical": {}}}}, ErrConfig},
		{"other-community", &withPolicy, &TallyConfig{Config: &Config{Community: w.outsider.did, Classes: map[string]*Class{"": {}}}}, ErrConfig},
		{"fraction-without-electorate", &withPolicy, &TallyConfig{Config: &Config{Classes: map[string]*Class{"": {QuorumFraction: Fraction{1, 2}}}}}, ErrConfig},
		{"too-many-ballots", &withPolicy, &TallyConfig{MaxBallots: 1}, ErrTooLarge},
		{"invalid-proposal", &Proposal{ID: "x"}, nil, ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Tally(context.Background(), tc.p, subs([]byte("{}"), []byte("[]")), tc.cfg)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestTallyDeterministic checks that the same ballots in another order give the same
// report, apart from submission order.
func TestTallyDeterministic(t *testing.T) {
	w := newWorld(t, 2)
	p := w.proposal("https://hall.example/proposals/d")
	p.Eligibility = w.eligibility(t, "")
	c0 := w.membership(t, w.community, w.members[0], "member")
	a := ballot(t, p, w.members[0], "yes", nil, time.Hour, c0)
	b := ballot(t, p, w.members[0], "no", nil, time.Hour, c0) // same cast time: the greater digest wins
	r1, err := Tally(context.Background(), p, []Submission{{Data: a}, {Data: b}}, &TallyConfig{Now: afterClose})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := Tally(context.Background(), p, []Submission{{Data: b}, {Data: a}}, &TallyConfig{Now: afterClose})
	if err != nil {
		t.Fatal(err)
	}
	if r1.Accepted[0].Digest != r2.Accepted[0].Digest || r1.BallotsDigest != r2.BallotsDigest {
		t.Errorf("tie broken differently: %s vs %s", r1.Accepted[0].Digest, r2.Accepted[0].Digest)
	}
	if want := max(Digest(a), Digest(b)); r1.Accepted[0].Digest != want {
		t.Errorf("accepted %s, want the greater digest %s", r1.Accepted[0].Digest, want)
	}
}
