package sybil_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/polity-id/polity/sybil"
)

func TestExplanationJSON(t *testing.T) {
	e := sybil.Explanation{Subject: "did:ex:a", Score: 0.5, Method: sybil.MethodContribution,
		Parts: []sybil.Part{{Kind: sybil.PartDecay, Ref: "urn:c:1", Value: 0.5, Detail: "one half-life"}}}
	j, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"subject":"did:ex:a","score":0.5,"method":"contribution","parts":[{"kind":"decay","ref":"urn:c:1","value":0.5,"detail":"one half-life"}]}`
	if string(j) != want {
		t.Fatalf("JSON = %s\nwant   %s", j, want)
	}
	var back sybil.Explanation
	if err := json.Unmarshal(j, &back); err != nil || back.Parts[0] != e.Parts[0] {
		t.Fatalf("round trip = %+v, %v", back, err)
	}
}

func TestSortExplanationsAndScores(t *testing.T) {
	exps := []sybil.Explanation{{Subject: "b", Score: 2}, {Subject: "a", Score: 1, Method: "y"}, {Subject: "a", Score: 3, Method: "x"}}
	sybil.SortExplanations(exps)
	if exps[0].Method != "x" || exps[1].Method != "y" || exps[2].Subject != "b" {
		t.Fatalf("sorted = %+v", exps)
	}
	if m := sybil.Scores(exps); m["a"] != 1 || m["b"] != 2 {
		t.Fatalf("Scores = %v", m)
	}
}

func TestPriors(t *testing.T) {
	contrib := []sybil.Explanation{
		{Subject: "did:ex:worker", Score: 3}, // strength 3/(3+3) = 0.5
		{Subject: "did:ex:idle", Score: 0},
		{Subject: "did:ex:both", Score: 3},
		{Subject: "did:ex:nan", Score: math.NaN()},
	}
	stamps := []sybil.StampScore{
		{Explanation: sybil.Explanation{Subject: "did:ex:human", Score: 25}, Threshold: 20}, // strength 1
		{Explanation: sybil.Explanation{Subject: "did:ex:half", Score: 10}, Threshold: 20},  // strength 0.5
		{Explanation: sybil.Explanation{Subject: "did:ex:both", Score: 10}, Threshold: 20},  // 1-(0.5*0.5) = 0.75
	}
	got := sybil.Priors(contrib, stamps, nil)
	want := map[string]float64{
		"did:ex:worker": 0.5 + 0.25*0.5,
		"did:ex:idle":   0.5,
		"did:ex:nan":    0.5,
		"did:ex:human":  0.75,
		"did:ex:half":   0.5 + 0.25*0.5,
		"did:ex:both":   0.5 + 0.25*0.75,
	}
	if len(got) != len(want) {
		t.Fatalf("Priors = %v", got)
	}
	for k, w := range want {
		if !near(got[k], w) {
			t.Errorf("prior %s = %v, want %v", k, got[k], w)
		}
	}
	got = sybil.Priors(contrib, nil, &sybil.PriorConfig{ContributionScale: 1, MaxPrior: 1})
	if !near(got["did:ex:worker"], 0.5+0.5*0.75) {
		t.Errorf("prior with config = %v", got["did:ex:worker"])
	}
}

func TestNodePriors(t *testing.T) {
	g, err := sybil.ReadEdgeList(strings.NewReader("did:ex:a did:ex:b\ndid:ex:b did:ex:c\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	p := sybil.NodePriors(g, map[string]float64{"did:ex:b": 0.7, "did:ex:zz": 0.9})
	if len(p) != g.Len() {
		t.Fatalf("len = %d", len(p))
	}
	for i, v := range p {
		switch g.ID(i) {
		case "did:ex:b":
			if v != 0.7 {
				t.Errorf("b = %v", v)
			}
		default:
			if !math.IsNaN(v) {
				t.Errorf("%s = %v, want NaN", g.ID(i), v)
			}
		}
	}
	if sybil.NodePriors(nil, nil) != nil {
		t.Error("nil graph")
	}
}
