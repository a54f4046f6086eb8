package sybil

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestPolityTwoSteps checks two hand-computed steps of Polity's method on
// the triangle a-b-c with the leaf d on c, seeded at a (residual 0.1).
// Weights: 1.3 on the triangle's edges, 0.3 on c-d; normalizers: a and b
// 2.6, c max(2.9, 3) = 3, the leaf d its weighted degree 0.3.
func TestPolityTwoSteps(t *testing.T) {
	g := mustGraph(t, "a b\nb c\na c\nc d\n")
	tests := []struct {
		iters int
		want  map[string]float64 // residuals q; scores are q + 1/2
	}{
		{1, map[string]float64{"a": 0.1, "b": 1.3 * 0.1 / 2.6, "c": 1.3 * 0.1 / 3, "d": 0}},
		{2, map[string]float64{
			"a": 0.1 + 1.3*(0.05+0.13/3)/2.6,
			"b": 1.3 * (0.1 + 0.13/3) / 2.6,
			"c": (1.3*0.1 + 1.3*0.05) / 3,
			"d": 0.13 / 3, // the leaf takes c's previous residual in full
		}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d steps", tt.iters), func(t *testing.T) {
			r, err := Rank(context.Background(), g, mustNodes(t, g, "a"), &RankOptions{Iterations: tt.iters})
			if err != nil {
				t.Fatal(err)
			}
			for id, q := range tt.want {
				i, _ := g.Node(id)
				if got := r.Scores[i] - 0.5; math.Abs(got-q) > 1e-7 {
					t.Errorf("%s: residual %v, want %v", id, got, q)
				}
			}
		})
	}
}

// sparseRandom returns a random graph of n nodes and m distinct edges,
// few of which close triangles, plus 20 triangles.
func sparseRandom(n, m int, seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, 2))
	var b strings.Builder
	seen := map[[2]int]bool{}
	add := func(u, v int) {
		seen[[2]int{u, v}], seen[[2]int{v, u}] = true, true
		fmt.Fprintf(&b, "%d %d\n", u, v)
	}
	for k := range 20 {
		add(3*k, 3*k+1)
		add(3*k+1, 3*k+2)
		add(3*k, 3*k+2)
	}
	for len(seen) < 2*(m+60) {
		if u, v := rng.IntN(n), rng.IntN(n); u != v && !seen[[2]int{u, v}] {
			add(u, v)
		}
	}
	return b.String()
}

// TestPolityFixupsMatchWeighted checks that the fast path for unweighted
// graphs with few triangles gives the scores of the general weighted path:
// the same graph with every weight 2 scales every weight and normalizer by
// 2, so scores agree up to rounding.
func TestPolityFixupsMatchWeighted(t *testing.T) {
	in := sparseRandom(3000, 6000, 9)
	g1 := mustGraph(t, in)
	g2 := mustGraph(t, strings.ReplaceAll(in, "\n", " 2\n"))
	if g2.w == nil {
		t.Fatal("weighted graph has no weights")
	}
	if newPolityFixups(g1, countTriangles(g1, partition(g1.off, 64))) == nil {
		t.Fatal("unweighted sparse graph does not take the fixup path")
	}
	seeds := []int{0, 1, 2, 3, 4}
	r1, err := Rank(context.Background(), g1, seeds, nil)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := Rank(context.Background(), g2, seeds, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range r1.Scores {
		if math.Abs(r1.Scores[i]-r2.Scores[i]) > 1e-6 {
			t.Fatalf("node %s: fixups %v, weighted %v", g1.ID(i), r1.Scores[i], r2.Scores[i])
		}
	}
}

// TestPolityLeafStarBounded checks the bound of the leaf rule: a Sybil hub
// behind one attack edge from honest node h, with L leaves, holds
// e*q_h/(1+(1-e)L) and the whole star less than q_h*e/(1-e), e = 0.3,
// however many leaves the attacker adds. (With no leaves the hub is a
// leaf itself and takes q_h: one Sybil per attack edge.)
func TestPolityLeafStarBounded(t *testing.T) {
	const e = polityEpsilon
	for _, leaves := range []int{1, 10, 100, 1000} {
		t.Run(fmt.Sprintf("%d leaves", leaves), func(t *testing.T) {
			var b strings.Builder
			b.WriteString("s h\ns x\nh x\nh s1\n") // honest triangle s-h-x, attack edge h-s1
			for k := range leaves {
				fmt.Fprintf(&b, "s1 l%d\n", k)
			}
			g := mustGraph(t, b.String())
			r, err := Rank(context.Background(), g, mustNodes(t, g, "s"), &RankOptions{Iterations: 2000})
			if err != nil {
				t.Fatal(err)
			}
			q := func(id string) float64 { i, _ := g.Node(id); return r.Scores[i] - 0.5 }
			qh := q("h")
			hub := e * qh / (1 + (1-e)*float64(leaves))
			if math.Abs(q("s1")-hub) > 1e-6 {
				t.Errorf("hub %v, want %v", q("s1"), hub)
			}
			star := q("s1")
			for k := range leaves {
				star += q(fmt.Sprintf("l%d", k))
			}
			if star >= qh*e/(1-e) {
				t.Errorf("star holds %v, bound %v", star, qh*e/(1-e))
			}
		})
	}
}

// TestPolityExplainFixups checks that an explanation on the fast path
// reports the trust each neighbor passed, triangle-weighted: node 1 of a
// sparse graph sits on a triangle with 0 and 2, so its edges to them weigh
// 1.3 and its other edges 0.3.
func TestPolityExplainFixups(t *testing.T) {
	g := mustGraph(t, sparseRandom(3000, 6000, 9))
	st, err := newRankState(g, []int{0, 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st.polity.fix == nil {
		t.Fatal("sparse graph does not take the fixup path")
	}
	u, _ := g.Node("1")
	for k := g.off[u]; k < g.off[u+1]; k++ {
		want := 0.3
		if id := g.ID(int(g.adj[k])); id == "0" || id == "2" {
			want = 1.3
		}
		if got := st.polity.weight(g, u, k); math.Abs(got-want) > 1e-12 {
			t.Errorf("edge 1-%s weighs %v, want %v", g.ID(int(g.adj[k])), got, want)
		}
	}
	exp, err := Explain(context.Background(), g, []int{0, 2}, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	var share float64
	for _, p := range exp.Parts {
		if p.Kind == PartEdge {
			share += p.Value
		}
	}
	if share <= 0 || share > 1+1e-9 {
		t.Fatalf("edge shares sum to %v", share)
	}
}
