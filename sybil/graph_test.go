package sybil

import (
	"context"
	"errors"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func mustGraph(t *testing.T, edges string) *Graph {
	t.Helper()
	g, err := ReadEdgeList(strings.NewReader(edges), nil)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func mustNodes(t *testing.T, g *Graph, ids ...string) []int {
	t.Helper()
	n, err := g.Nodes(ids)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

// TestSybilRankPath checks two hand-computed SybilRank steps on the path
// a-b-c from seed a: t0 = (1,0,0), t1 = (0,1,0), t2 = (1/2,0,1/2); scores
// divide by degree (1,2,1).
func TestSybilRankPath(t *testing.T) {
	g := mustGraph(t, "a b\nb c\n")
	r, err := Rank(context.Background(), g, mustNodes(t, g, "a"), &RankOptions{Method: MethodSybilRank})
	if err != nil {
		t.Fatal(err)
	}
	if r.Iterations != 2 {
		t.Fatalf("iterations = %d, want ceil(log2 3) = 2", r.Iterations)
	}
	want := []float64{0.5, 0, 0.5}
	for i, w := range want {
		if !near(r.Scores[i], w) {
			t.Errorf("score[%s] = %v, want %v", g.ID(i), r.Scores[i], w)
		}
	}
}

// TestPPRStar checks personalized PageRank on a star with three leaves
// seeded at the center: r_c = alpha/(1-(1-alpha)^2), r_leaf =
// (1-alpha) r_c / 3.
func TestPPRStar(t *testing.T) {
	g := mustGraph(t, "c l1\nc l2\nc l3\n")
	r, err := Rank(context.Background(), g, mustNodes(t, g, "c"), &RankOptions{Method: MethodPPR})
	if err != nil {
		t.Fatal(err)
	}
	a := DefaultPPRAlpha
	rc := a / (1 - (1-a)*(1-a))
	c, _ := g.Node("c")
	if math.Abs(r.Scores[c]-rc) > 1e-7 {
		t.Errorf("center = %v, want %v", r.Scores[c], rc)
	}
	for _, l := range []string{"l1", "l2", "l3"} {
		i, _ := g.Node(l)
		if math.Abs(r.Scores[i]-(1-a)*rc/3) > 1e-7 {
			t.Errorf("leaf %s = %v, want %v", l, r.Scores[i], (1-a)*rc/3)
		}
	}
}

// twoRegions is two triangles joined by one attack edge c-x; a is the seed.
const twoRegions = "a b\nb c\na c\nc x\nx y\ny z\nx z\n"

// TestSybilSCARDOneStep checks one SybilSCAR-D step by hand: q0 = prior
// (0.1 at seed a), q1_u = prior_u + mean of neighbors' q0.
func TestSybilSCARDOneStep(t *testing.T) {
	g := mustGraph(t, twoRegions)
	r, err := Rank(context.Background(), g, mustNodes(t, g, "a"), &RankOptions{Method: MethodSybilSCARD, Iterations: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"a": 0.6, "b": 0.55, "c": 0.5 + 0.1/3, "x": 0.5, "y": 0.5, "z": 0.5}
	for id, w := range want {
		i, _ := g.Node(id)
		if !near(r.Scores[i], w) {
			t.Errorf("score[%s] = %v, want %v", id, r.Scores[i], w)
		}
	}
}

// TestTwoRegions checks that every method ranks the seed's region above
// the region behind the single attack edge.
func TestTwoRegions(t *testing.T) {
	g := mustGraph(t, twoRegions)
	seeds := mustNodes(t, g, "a")
	for _, m := range []string{MethodSybilRank, MethodSybilSCARC, MethodSybilSCARD, MethodPPR, MethodPolity} {
		t.Run(m, func(t *testing.T) {
			r, err := Rank(context.Background(), g, seeds, &RankOptions{Method: m, Iterations: 3})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range []string{"b", "c"} {
				for _, s := range []string{"y", "z"} {
					hi, _ := g.Node(h)
					si, _ := g.Node(s)
					if r.Scores[hi] <= r.Scores[si] {
						t.Errorf("%s (%v) not above %s (%v)", h, r.Scores[hi], s, r.Scores[si])
					}
				}
			}
		})
	}
}

func paGraph(n, m int, seed uint64) *Graph {
	e := &edgeArrays{n: n}
	genPA(e, 0, n, m, seed)
	return e.graph()
}

// TestDeterminism checks bit-identical scores across runs and with
// GOMAXPROCS 1 and 2, for every method.
func TestDeterminism(t *testing.T) {
	g := paGraph(3000, 12000, 7)
	seeds := []int{1, 5, 99, 1234}
	for _, m := range []string{MethodSybilRank, MethodSybilSCARC, MethodSybilSCARD, MethodPPR, MethodPolity} {
		t.Run(m, func(t *testing.T) {
			var runs [][]float64
			for _, procs := range []int{2, 2, 1} {
				old := runtime.GOMAXPROCS(procs)
				r, err := Rank(context.Background(), g, seeds, &RankOptions{Method: m})
				runtime.GOMAXPROCS(old)
				if err != nil {
					t.Fatal(err)
				}
				runs = append(runs, r.Scores)
			}
			for i := 1; i < len(runs); i++ {
				for k := range runs[0] {
					if math.Float64bits(runs[0][k]) != math.Float64bits(runs[i][k]) {
						t.Fatalf("run %d differs at node %d: %v vs %v", i, k, runs[0][k], runs[i][k])
					}
				}
			}
		})
	}
}

// TestCancel checks that a ranking stops at the next iteration once ctx is
// cancelled and that progress is reported.
func TestCancel(t *testing.T) {
	g := paGraph(500, 2000, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls []int
	_, err := Rank(ctx, g, []int{0}, &RankOptions{Method: MethodPolity, Progress: func(done, total int) {
		calls = append(calls, done)
		if done == 2 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if !slices.Equal(calls, []int{1, 2}) {
		t.Fatalf("progress calls = %v, want [1 2]", calls)
	}
}

func TestRankErrors(t *testing.T) {
	g := mustGraph(t, twoRegions)
	tests := []struct {
		name  string
		seeds []int
		opts  *RankOptions
		want  error
	}{
		{"no seeds", nil, nil, ErrNoSeeds},
		{"seed out of range", []int{99}, nil, ErrUnknownNode},
		{"negative seed", []int{-1}, nil, ErrUnknownNode},
		{"unknown method", []int{0}, &RankOptions{Method: "magic"}, ErrBadGraph},
		{"alpha 1", []int{0}, &RankOptions{Method: MethodPPR, Alpha: 1}, ErrBadGraph},
		{"homophily 0.4", []int{0}, &RankOptions{Method: MethodSybilSCARC, Homophily: 0.4}, ErrBadGraph},
		{"too many iterations", []int{0}, &RankOptions{Iterations: MaxIterations + 1}, ErrBadGraph},
		{"priors wrong length", []int{0}, &RankOptions{Priors: []float64{0.5}}, ErrBadGraph},
		{"prior out of range", []int{0}, &RankOptions{Priors: []float64{0, 0, 0, 0, 0, 2}}, ErrBadGraph},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Rank(context.Background(), g, tc.seeds, tc.opts)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := Explain(context.Background(), g, []int{0}, 42, nil); !errors.Is(err, ErrUnknownNode) {
		t.Fatalf("Explain err = %v, want ErrUnknownNode", err)
	}
}

// TestPolityPriors checks that non-graph evidence moves a score: a node
// with a prior of 1 outranks its twin with a prior of 0.
func TestPolityPriors(t *testing.T) {
	g := mustGraph(t, "s a\ns b\na c\nb c\n")
	pri := make([]float64, g.Len())
	for i := range pri {
		pri[i] = math.NaN()
	}
	a, _ := g.Node("a")
	b, _ := g.Node("b")
	pri[a], pri[b] = 1, 0
	r, err := Rank(context.Background(), g, mustNodes(t, g, "s"), &RankOptions{Priors: pri})
	if err != nil {
		t.Fatal(err)
	}
	if r.Scores[a] <= r.Scores[b] {
		t.Fatalf("a = %v, b = %v; want a > b", r.Scores[a], r.Scores[b])
	}
}

func TestExplain(t *testing.T) {
	g := mustGraph(t, twoRegions)
	c, _ := g.Node("c")
	for _, m := range []string{MethodSybilRank, MethodSybilSCARC, MethodSybilSCARD, MethodPPR, MethodPolity} {
		e, err := Explain(context.Background(), g, mustNodes(t, g, "a"), c, &RankOptions{Method: m})
		if err != nil {
			t.Fatal(err)
		}
		if e.Subject != "c" || e.Method != m || len(e.Parts) == 0 || e.Parts[0].Kind != PartSeed || e.Parts[0].Ref != "a" {
			t.Fatalf("%s: explanation %+v", m, e)
		}
		var share float64
		for _, p := range e.Parts {
			if p.Kind == PartEdge {
				share += p.Value
			}
		}
		if math.Abs(share-1) > 1e-9 {
			t.Errorf("%s: edge shares sum to %v, want 1", m, share)
		}
	}
}

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func edgeWeight(t *testing.T, g *Graph, a, b string) float64 {
	t.Helper()
	i, ok1 := g.Node(a)
	j, ok2 := g.Node(b)
	if !ok1 || !ok2 {
		t.Fatalf("missing node %s or %s", a, b)
	}
	for v, w := range g.Neighbors(i) {
		if v == j {
			return w
		}
	}
	return 0
}

func TestBuilderDecay(t *testing.T) {
	b := NewBuilder(&GraphConfig{HalfLife: 24 * time.Hour})
	b.Vouch("did:ex:alice", "did:ex:bob", t0)
	b.Vouch("did:ex:alice", "did:ex:carol", t0.Add(48*time.Hour))
	g, err := b.Build(t0.Add(48 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if w := edgeWeight(t, g, "did:ex:alice", "did:ex:bob"); !near(w, 0.25) {
		t.Errorf("two half-lives: weight %v, want 0.25", w)
	}
	if w := edgeWeight(t, g, "did:ex:alice", "did:ex:carol"); w != 1 {
		t.Errorf("fresh: weight %v, want 1", w)
	}
}

func TestBuilderCap(t *testing.T) {
	b := NewBuilder(&GraphConfig{AttesterCap: 10, HalfLife: -1})
	for i := range 40 {
		b.Vouch("sybil", "v"+string(rune('a'+i%26))+string(rune('a'+i/26)), t0)
	}
	b.Vouch("alice", "bob", t0)
	g, err := b.Build(t0)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := g.Node("sybil")
	if !near(g.Degree(s), 10) {
		t.Errorf("capped attester degree %v, want 10", g.Degree(s))
	}
	if w := edgeWeight(t, g, "alice", "bob"); w != 1 {
		t.Errorf("uncapped weight %v, want 1", w)
	}
}

func TestBuilderCoPresence(t *testing.T) {
	b := NewBuilder(&GraphConfig{CoPresenceWindow: time.Hour, HalfLife: -1})
	b.CheckIn("alice", "door1", t0)
	b.CheckIn("bob", "door1", t0.Add(30*time.Minute))
	b.CheckIn("carol", "door1", t0.Add(3*time.Hour))
	b.CheckIn("dave", "door2", t0)
	b.Contribution("alice", "erin", t0)
	g, err := b.Build(t0.Add(4 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if w := edgeWeight(t, g, "alice", "bob"); !near(w, 0.5) {
		t.Errorf("co-presence weight %v, want 0.5", w)
	}
	if w := edgeWeight(t, g, "alice", "erin"); !near(w, 0.5) {
		t.Errorf("contribution weight %v, want 0.5", w)
	}
	if _, ok := g.Node("carol"); ok {
		t.Error("carol met nobody but is a node")
	}
	if _, ok := g.Node("dave"); ok {
		t.Error("dave met nobody but is a node")
	}
}

func TestBuilderErrors(t *testing.T) {
	tests := []struct {
		name string
		add  func(b *Builder)
		want error
	}{
		{"empty id", func(b *Builder) { b.Vouch("", "x", t0) }, ErrBadGraph},
		{"zero time", func(b *Builder) { b.Vouch("a", "x", time.Time{}) }, ErrBadGraph},
		{"empty place", func(b *Builder) { b.CheckIn("a", "", t0) }, ErrBadGraph},
		{"too many", func(b *Builder) { b.Vouch("a", "b", t0); b.Vouch("a", "c", t0) }, ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBuilder(&GraphConfig{MaxEdges: 1})
			tc.add(b)
			if _, err := b.Build(t0); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestAppendID checks that AppendID appends what ID returns, for numeric
// and string ids.
func TestAppendID(t *testing.T) {
	for _, in := range []string{"7 12\n12 3\n", "did:ex:a did:ex:b\n"} {
		g := mustGraph(t, in)
		for i := range g.Len() {
			if got := string(g.AppendID([]byte("x"), i)); got != "x"+g.ID(i) {
				t.Errorf("AppendID(%d) = %q, want %q", i, got, "x"+g.ID(i))
			}
		}
	}
}
