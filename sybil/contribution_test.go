package sybil_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/polity-id/polity/sybil"
)

var t0 = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

func scoreOf(t *testing.T, exps []sybil.Explanation, subject string) float64 {
	t.Helper()
	for _, e := range exps {
		if e.Subject == subject {
			return e.Score
		}
	}
	t.Fatalf("no explanation for %q", subject)
	return 0
}

func hasPart(e sybil.Explanation, kind, ref string) bool {
	for _, p := range e.Parts {
		if p.Kind == kind && (ref == "" || p.Ref == ref) {
			return true
		}
	}
	return false
}

func TestScoreContributionsKnownAnswers(t *testing.T) {
	hl := 90 * day
	trust := func(a string) float64 {
		switch a {
		case "did:ex:half":
			return 0.5
		case "did:ex:weird":
			return math.NaN()
		case "did:ex:big":
			return 7
		}
		return 1
	}
	tests := []struct {
		name  string
		cfg   sybil.ContributionConfig
		cs    []sybil.Contribution
		want  float64
		parts []string // part kinds that must appear
	}{
		{
			name: "decay at exactly one half-life is 0.5",
			cfg:  sybil.ContributionConfig{HalfLife: hl, Curve: sybil.CurveLinear},
			cs:   []sybil.Contribution{{Contributor: "did:ex:x", Attester: "did:ex:a", Amount: 1, Time: t0.Add(-hl)}},
			want: 0.5, parts: []string{sybil.PartContribution, sybil.PartDecay, sybil.PartAttester, sybil.PartCurve},
		},
		{
			name: "two half-lives is 0.25",
			cfg:  sybil.ContributionConfig{HalfLife: hl, Curve: sybil.CurveLinear},
			cs:   []sybil.Contribution{{Contributor: "did:ex:x", Attester: "did:ex:a", Amount: 4, Time: t0.Add(-2 * hl)}},
			want: 1,
		},
		{
			name: "future-dated is not decayed",
			cfg:  sybil.ContributionConfig{Curve: sybil.CurveLinear},
			cs:   []sybil.Contribution{{Contributor: "did:ex:x", Attester: "did:ex:a", Amount: 2, Time: t0.Add(day)}},
			want: 2,
		},
		{
			name: "attester cap hit",
			cfg:  sybil.ContributionConfig{Curve: sybil.CurveLinear, AttesterCap: 10},
			cs: []sybil.Contribution{
				{Contributor: "did:ex:x", Attester: "did:ex:a", Amount: 5, Time: t0},
				{Contributor: "did:ex:x", Attester: "did:ex:a", Amount: 5, Time: t0},
				{Contributor: "did:ex:x", Attester: "did:ex:a", Amount: 5, Time: t0},
				{Contributor: "did:ex:x", Attester: "did:ex:b", Amount: 3, Time: t0},
			},
			want: 13, parts: []string{sybil.PartCap},
		},
		{
			name: "default cap is 10",
			cfg:  sybil.ContributionConfig{Curve: sybil.CurveLinear},
			cs:   []sybil.Contribution{{Contributor: "did:ex:x", Attester: "did:ex:a", Amount: 100, Time: t0}},
			want: 10,
		},
		{
			name: "infinite cap",
			cfg:  sybil.ContributionConfig{Curve: sybil.CurveLinear, AttesterCap: math.Inf(1)},
			cs:   []sybil.Contribution{{Contributor: "did:ex:x", Attester: "did:ex:a", Amount: 100, Time: t0}},
			want: 100,
		},
		{
			name: "attester trust weights",
			cfg:  sybil.ContributionConfig{Curve: sybil.CurveLinear, Trust: trust},
			cs: []sybil.Contribution{
				{Contributor: "did:ex:x", Attester: "did:ex:half", Amount: 4, Time: t0},
				{Contributor: "did:ex:x", Attester: "did:ex:weird", Amount: 4, Time: t0},
				{Contributor: "did:ex:x", Attester: "did:ex:big", Amount: 1, Time: t0},
			},
			want: 2 + 0 + 1,
		},
		{
			name: "self-attestation counts zero",
			cfg:  sybil.ContributionConfig{Curve: sybil.CurveLinear},
			cs: []sybil.Contribution{
				{Contributor: "did:ex:x", Attester: "did:ex:x#key-1", Amount: 9, Time: t0},
				{Contributor: "did:ex:x", Attester: "did:ex:x", Amount: 9, Time: t0},
			},
			want: 0, parts: []string{sybil.PartSelf, sybil.PartCurve},
		},
		{
			name: "sqrt curve by default",
			cfg:  sybil.ContributionConfig{AttesterCap: 100},
			cs: []sybil.Contribution{
				{Contributor: "did:ex:x", Attester: "did:ex:a", Amount: 9, Time: t0},
				{Contributor: "did:ex:x", Attester: "did:ex:b", Amount: 7, Time: t0},
			},
			want: 4,
		},
		{
			name: "log1p curve",
			cfg:  sybil.ContributionConfig{Curve: sybil.CurveLog1p},
			cs:   []sybil.Contribution{{Contributor: "did:ex:x", Attester: "did:ex:a", Amount: math.E - 1, Time: t0}},
			want: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exps, err := sybil.ScoreContributions(tt.cs, t0, &tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(exps) != 1 {
				t.Fatalf("got %d explanations", len(exps))
			}
			e := exps[0]
			if math.Abs(e.Score-tt.want) > 1e-12 {
				t.Errorf("score = %v, want %v; parts %+v", e.Score, tt.want, e.Parts)
			}
			if e.Method != sybil.MethodContribution {
				t.Errorf("method = %q", e.Method)
			}
			for _, k := range tt.parts {
				if !hasPart(e, k, "") {
					t.Errorf("no %q part in %+v", k, e.Parts)
				}
			}
		})
	}
}

func TestScoreContributionsHalfLifeExact(t *testing.T) {
	// The decay factor part is exactly 0.5 at one half-life.
	exps, err := sybil.ScoreContributions([]sybil.Contribution{
		{ID: "urn:c:1", Contributor: "did:ex:x", Attester: "did:ex:a", Amount: 8, Time: t0.Add(-sybil.DefaultHalfLife)},
	}, t0, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range exps[0].Parts {
		if p.Kind == sybil.PartDecay && p.Value != 0.5 {
			t.Fatalf("decay = %v, want 0.5", p.Value)
		}
	}
	if got := exps[0].Score; got != 2 { // sqrt(8 * 0.5)
		t.Fatalf("score = %v, want 2", got)
	}
}

func TestScoreContributionsDeterministic(t *testing.T) {
	cs := genContributions(2000, 50, 20, 1)
	a, err := sybil.ScoreContributions(cs, t0, nil)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
	b, err := sybil.ScoreContributions(cs, t0, nil)
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Fatal("shuffled input gives a different result")
	}
	for i := 1; i < len(a); i++ {
		if a[i-1].Subject >= a[i].Subject {
			t.Fatal("explanations not sorted by subject")
		}
	}
}

func TestScoreContributionsErrors(t *testing.T) {
	ok := sybil.Contribution{Contributor: "did:ex:x", Attester: "did:ex:a", Amount: 1, Time: t0}
	with := func(f func(*sybil.Contribution)) []sybil.Contribution {
		c := ok
		f(&c)
		return []sybil.Contribution{c}
	}
	tests := []struct {
		name string
		cs   []sybil.Contribution
		now  time.Time
		cfg  *sybil.ContributionConfig
		want error
	}{
		{"empty contributor", with(func(c *sybil.Contribution) { c.Contributor = "" }), t0, nil, sybil.ErrInvalidInput},
		{"empty attester", with(func(c *sybil.Contribution) { c.Attester = "" }), t0, nil, sybil.ErrInvalidInput},
		{"NaN amount", with(func(c *sybil.Contribution) { c.Amount = math.NaN() }), t0, nil, sybil.ErrInvalidInput},
		{"Inf amount", with(func(c *sybil.Contribution) { c.Amount = math.Inf(1) }), t0, nil, sybil.ErrInvalidInput},
		{"negative amount", with(func(c *sybil.Contribution) { c.Amount = -1 }), t0, nil, sybil.ErrInvalidInput},
		{"zero time", with(func(c *sybil.Contribution) { c.Time = time.Time{} }), t0, nil, sybil.ErrInvalidInput},
		{"zero now", []sybil.Contribution{ok}, time.Time{}, nil, sybil.ErrInvalidInput},
		{"negative half-life", []sybil.Contribution{ok}, t0, &sybil.ContributionConfig{HalfLife: -1}, sybil.ErrInvalidInput},
		{"NaN cap", []sybil.Contribution{ok}, t0, &sybil.ContributionConfig{AttesterCap: math.NaN()}, sybil.ErrInvalidInput},
		{"negative cap", []sybil.Contribution{ok}, t0, &sybil.ContributionConfig{AttesterCap: -1}, sybil.ErrInvalidInput},
		{"unknown curve", []sybil.Contribution{ok}, t0, &sybil.ContributionConfig{Curve: 9}, sybil.ErrInvalidInput},
		{"too many", []sybil.Contribution{ok, ok}, t0, &sybil.ContributionConfig{MaxContributions: 1}, sybil.ErrTooLarge},
		{"duplicate id", []sybil.Contribution{
			{ID: "urn:c:1", Contributor: "did:ex:x", Attester: "did:ex:a", Amount: 1, Time: t0},
			{ID: "urn:c:1", Contributor: "did:ex:y", Attester: "did:ex:a", Amount: 1, Time: t0},
		}, t0, nil, sybil.ErrDuplicate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sybil.ScoreContributions(tt.cs, tt.now, tt.cfg)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func genContributions(n, contributors, attesters int, seed uint64) []sybil.Contribution {
	rng := rand.New(rand.NewPCG(seed, 1))
	cs := make([]sybil.Contribution, n)
	for i := range cs {
		cs[i] = sybil.Contribution{
			ID:          fmt.Sprintf("urn:c:%d", i),
			Contributor: fmt.Sprintf("did:ex:c%d", rng.IntN(contributors)),
			Attester:    fmt.Sprintf("did:ex:a%d", rng.IntN(attesters)),
			Amount:      float64(rng.IntN(100)) / 10,
			Time:        t0.Add(-time.Duration(rng.IntN(365*24)) * time.Hour),
		}
	}
	return cs
}

func BenchmarkScoreContributions100k(b *testing.B) {
	cs := genContributions(100_000, 10_000, 500, 1)
	trust := func(string) float64 { return 0.8 }
	cfg := &sybil.ContributionConfig{Trust: trust}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sybil.ScoreContributions(cs, t0, cfg); err != nil {
			b.Fatal(err)
		}
	}
}
