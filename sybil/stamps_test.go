package sybil_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/sybil"
)

var stampWeights = map[string]float64{"KYC": 15, "Phone": 5, "GitHub": 3}

func stampOf(t *testing.T, ss []sybil.StampScore, holder string) sybil.StampScore {
	t.Helper()
	for _, s := range ss {
		if s.Subject == holder {
			return s
		}
	}
	t.Fatalf("no stamp score for %q", holder)
	return sybil.StampScore{}
}

func TestScoreStampsKnownAnswers(t *testing.T) {
	stamps := []sybil.Stamp{
		// alice claims identifier h1 first; bob presents the same one later.
		{ID: "urn:s:1", Holder: "did:ex:alice", Type: "KYC", Identifier: "h1", Issued: t0.Add(-10 * day)},
		{ID: "urn:s:2", Holder: "did:ex:alice", Type: "Phone", Issued: t0.Add(-5 * day), Expires: t0.Add(30 * day)},
		{ID: "urn:s:3", Holder: "did:ex:bob", Type: "KYC", Identifier: "h1", Issued: t0.Add(-2 * day)},
		{ID: "urn:s:4", Holder: "did:ex:bob", Type: "Phone", Issued: t0.Add(-2 * day)},
		// carol: expired, not yet valid, unknown and repeated types.
		{ID: "urn:s:5", Holder: "did:ex:carol", Type: "KYC", Identifier: "h2", Issued: t0.Add(-400 * day), Expires: t0.Add(-35 * day)},
		{ID: "urn:s:6", Holder: "did:ex:carol", Type: "Phone", Issued: t0.Add(day)},
		{ID: "urn:s:7", Holder: "did:ex:carol", Type: "Passport", Issued: t0.Add(-day)},
		{ID: "urn:s:8", Holder: "did:ex:carol", Type: "GitHub", Issued: t0.Add(-3 * day)},
		{ID: "urn:s:9", Holder: "did:ex:carol", Type: "GitHub", Issued: t0.Add(-2 * day)},
		// dave's h2 claim stands: carol's stamp with it has expired.
		{ID: "urn:s:10", Holder: "did:ex:dave", Type: "KYC", Identifier: "h2", Issued: t0.Add(-day)},
		// erin and frank claim h3 at the same instant: byte order of the
		// holder decides.
		{ID: "urn:s:11", Holder: "did:ex:frank", Type: "KYC", Identifier: "h3", Issued: t0.Add(-day)},
		{ID: "urn:s:12", Holder: "did:ex:erin", Type: "KYC", Identifier: "h3", Issued: t0.Add(-day)},
	}
	ss, err := sybil.ScoreStamps(stamps, t0, &sybil.StampConfig{Weights: stampWeights})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		holder string
		score  float64
		human  bool
		parts  []string
	}{
		{"did:ex:alice", 20, true, []string{sybil.PartStamp, sybil.PartThreshold}},
		{"did:ex:bob", 5, false, []string{sybil.PartDuplicate}},
		{"did:ex:carol", 3, false, []string{sybil.PartExpired, sybil.PartUnknown, sybil.PartDuplicate}},
		{"did:ex:dave", 15, false, nil},
		{"did:ex:erin", 15, false, nil},
		{"did:ex:frank", 0, false, []string{sybil.PartDuplicate}},
	}
	if len(ss) != len(tests) {
		t.Fatalf("got %d holders, want %d", len(ss), len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.holder, func(t *testing.T) {
			s := ss[i]
			if s.Subject != tt.holder || s.Score != tt.score || s.Human != tt.human || s.Threshold != sybil.DefaultStampThreshold {
				t.Fatalf("got %s %v human=%v threshold=%v, want %s %v %v; parts %+v",
					s.Subject, s.Score, s.Human, s.Threshold, tt.holder, tt.score, tt.human, s.Parts)
			}
			for _, k := range tt.parts {
				if !hasPart(s.Explanation, k, "") {
					t.Errorf("no %q part in %+v", k, s.Parts)
				}
			}
		})
	}
	// The duplicate is reported against the owner.
	bob := stampOf(t, ss, "did:ex:bob")
	found := false
	for _, p := range bob.Parts {
		if p.Kind == sybil.PartDuplicate && strings.Contains(p.Detail, "did:ex:alice") {
			found = true
		}
	}
	if !found {
		t.Errorf("bob's duplicate does not name alice: %+v", bob.Parts)
	}
	// JSON flattens the explanation.
	j, _ := json.Marshal(ss[0])
	for _, k := range []string{`"subject"`, `"parts"`, `"human":true`, `"threshold":20`} {
		if !strings.Contains(string(j), k) {
			t.Errorf("JSON %s lacks %s", j, k)
		}
	}
}

func TestScoreStampsExpiry(t *testing.T) {
	s := []sybil.Stamp{{Holder: "did:ex:a", Type: "KYC", Issued: t0.Add(-day), Expires: t0}}
	cfg := &sybil.StampConfig{Weights: stampWeights, Threshold: 10}
	before, err := sybil.ScoreStamps(s, t0.Add(-time.Nanosecond), cfg)
	if err != nil {
		t.Fatal(err)
	}
	at, err := sybil.ScoreStamps(s, t0, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if before[0].Score != 15 || !before[0].Human || at[0].Score != 0 || at[0].Human {
		t.Fatalf("before expiry %v, at expiry %v", before[0].Score, at[0].Score)
	}
}

func TestScoreStampsErrors(t *testing.T) {
	ok := sybil.Stamp{Holder: "did:ex:a", Type: "KYC", Issued: t0}
	cfg := &sybil.StampConfig{Weights: stampWeights}
	tests := []struct {
		name   string
		stamps []sybil.Stamp
		now    time.Time
		cfg    *sybil.StampConfig
		want   error
	}{
		{"nil config", []sybil.Stamp{ok}, t0, nil, sybil.ErrInvalidInput},
		{"no weights", []sybil.Stamp{ok}, t0, &sybil.StampConfig{}, sybil.ErrInvalidInput},
		{"negative weight", []sybil.Stamp{ok}, t0, &sybil.StampConfig{Weights: map[string]float64{"KYC": -1}}, sybil.ErrInvalidInput},
		{"NaN weight", []sybil.Stamp{ok}, t0, &sybil.StampConfig{Weights: map[string]float64{"KYC": math.NaN()}}, sybil.ErrInvalidInput},
		{"Inf weight", []sybil.Stamp{ok}, t0, &sybil.StampConfig{Weights: map[string]float64{"KYC": math.Inf(1)}}, sybil.ErrInvalidInput},
		{"empty type weight", []sybil.Stamp{ok}, t0, &sybil.StampConfig{Weights: map[string]float64{"": 1}}, sybil.ErrInvalidInput},
		{"NaN threshold", []sybil.Stamp{ok}, t0, &sybil.StampConfig{Weights: stampWeights, Threshold: math.NaN()}, sybil.ErrInvalidInput},
		{"zero now", []sybil.Stamp{ok}, time.Time{}, cfg, sybil.ErrInvalidInput},
		{"empty holder", []sybil.Stamp{{Type: "KYC", Issued: t0}}, t0, cfg, sybil.ErrInvalidInput},
		{"empty type", []sybil.Stamp{{Holder: "did:ex:a", Issued: t0}}, t0, cfg, sybil.ErrInvalidInput},
		{"zero issued", []sybil.Stamp{{Holder: "did:ex:a", Type: "KYC"}}, t0, cfg, sybil.ErrInvalidInput},
		{"expires before issued", []sybil.Stamp{{Holder: "did:ex:a", Type: "KYC", Issued: t0, Expires: t0.Add(-1)}}, t0, cfg, sybil.ErrInvalidInput},
		{"duplicate id", []sybil.Stamp{{ID: "x", Holder: "did:ex:a", Type: "KYC", Issued: t0}, {ID: "x", Holder: "did:ex:b", Type: "KYC", Issued: t0}}, t0, cfg, sybil.ErrDuplicate},
		{"too many", []sybil.Stamp{ok, ok}, t0, &sybil.StampConfig{Weights: stampWeights, MaxStamps: 1}, sybil.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sybil.ScoreStamps(tt.stamps, tt.now, tt.cfg)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}
