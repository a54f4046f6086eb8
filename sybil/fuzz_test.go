package sybil_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/polity-id/polity/sybil"
)

// FuzzWeights builds donations, clusters, ballots, contributions and
// stamps from arbitrary bytes and checks that no function panics, that
// every error is one of the package's kinds, and that results are finite
// and within their documented bounds.
func FuzzWeights(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 100.0, 10.0)
	f.Add([]byte{1, 1, 1, 1, 2, 2, 2, 2, 0xff, 0x80, 3, 3}, 0.0, 0.0)
	f.Add([]byte("coordinated cluster spread"), 1e6, 1.0)
	f.Fuzz(func(t *testing.T, data []byte, pool, limit float64) {
		if len(data) > 4096 {
			return
		}
		ids := []string{"did:ex:a", "did:ex:b", "did:ex:c", "did:ex:d", "", "did:ex:e#k"}
		id := func(b byte) string { return ids[int(b)%len(ids)] }
		amount := func(b byte) float64 {
			switch b {
			case 0xff:
				return math.NaN()
			case 0xfe:
				return math.Inf(1)
			case 0xfd:
				return -1
			}
			return float64(b) / 7
		}
		var ds []sybil.Donation
		var cs []sybil.Contribution
		var ss []sybil.Stamp
		var qv []sybil.QVBallot
		clusters := map[string][]string{}
		for i := 0; i+3 < len(data); i += 4 {
			a, b, c, d := data[i], data[i+1], data[i+2], data[i+3]
			ds = append(ds, sybil.Donation{Contributor: id(a), Project: id(b >> 4), Amount: amount(c)})
			clusters[id(d)] = append(clusters[id(d)], id(a))
			cs = append(cs, sybil.Contribution{Contributor: id(a), Attester: id(b), Amount: amount(c), Time: t0.Add(time.Duration(int8(d)) * day)})
			ss = append(ss, sybil.Stamp{Holder: id(a), Type: []string{"KYC", "Phone", "X"}[b%3], Identifier: id(c), Issued: t0.Add(time.Duration(int8(d)) * day)})
			qv = append(qv, sybil.QVBallot{Voter: id(a), Votes: map[string]int64{id(b): int64(int8(c)), id(d): int64(int8(d))}})
		}
		check := func(what string, err error) {
			if err == nil {
				return
			}
			for _, k := range []error{sybil.ErrInvalidInput, sybil.ErrDuplicate, sybil.ErrDuplicateBallot, sybil.ErrInsufficientCredits, sybil.ErrTooLarge} {
				if errors.Is(err, k) {
					return
				}
			}
			t.Fatalf("%s: untyped error %v", what, err)
		}
		cfg := &sybil.FundingConfig{Pool: pool, ProjectCap: limit}
		for name, run := range map[string]func() (*sybil.Funding, error){
			"QuadraticFunding": func() (*sybil.Funding, error) { return sybil.QuadraticFunding(ds, cfg) },
			"ClusterMatch":     func() (*sybil.Funding, error) { return sybil.ClusterMatch(ds, clusters, cfg) },
		} {
			fu, err := run()
			check(name, err)
			if err != nil {
				continue
			}
			for _, p := range fu.Projects {
				if math.IsNaN(p.Match) || math.IsInf(p.Match, 0) || p.Match < 0 || (limit > 0 && p.Match > limit*(1+1e-9)) {
					t.Fatalf("%s: bad match %v for %s", name, p.Match, p.Subject)
				}
			}
		}
		exps, err := sybil.ScoreContributions(cs, t0, nil)
		check("ScoreContributions", err)
		for _, e := range exps {
			if math.IsNaN(e.Score) || e.Score < 0 {
				t.Fatalf("bad contribution score %v", e.Score)
			}
		}
		_, err = sybil.ScoreStamps(ss, t0, &sybil.StampConfig{Weights: map[string]float64{"KYC": 15, "Phone": 5}})
		check("ScoreStamps", err)
		_, err = sybil.QuadraticVoting(qv, &sybil.VoteConfig{Credits: 1000})
		check("QuadraticVoting", err)
	})
}
