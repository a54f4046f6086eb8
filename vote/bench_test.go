package vote

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkTally tallies 64 ballots, each with a membership credential: two Ed25519
// RDFC verifications and a policy evaluation per ballot.
func BenchmarkTally(b *testing.B) {
	w := newWorld(b, 64)
	p := w.proposal("https://hall.example/proposals/bench")
	p.Eligibility = w.eligibility(b, "")
	var ballots []Submission
	for i, m := range w.members {
		choice := []string{"yes", "no", "abstain"}[i%3]
		ballots = append(ballots, Submission{Source: fmt.Sprint(i), Data: ballot(b, p, m, choice, nil, time.Hour, w.membership(b, w.community, m, "member"))})
	}
	b.ResetTimer()
	for b.Loop() {
		rep, err := Tally(context.Background(), p, ballots, &TallyConfig{Now: afterClose})
		if err != nil || len(rep.Accepted) != len(ballots) {
			b.Fatal(err, len(rep.Rejected))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(ballots))/1e3, "µs/ballot")
}
