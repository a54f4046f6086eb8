package policy

import (
	"testing"
	"time"
)

func BenchmarkEvaluate(b *testing.B) {
	p := mustParse(b, basePolicy)
	in := Input{Result: membership(b, commons, commons, "member", now.Add(-time.Hour), true), Holder: alice,
		Scores: map[string]float64{alice: 1}, Now: now}
	b.ReportAllocs()
	for b.Loop() {
		if d := p.Evaluate(in); !d.Allow {
			b.Fatal(d.Reasons)
		}
	}
}
