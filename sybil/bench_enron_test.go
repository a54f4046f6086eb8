package sybil

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

// The Sybil-detection quality benchmark (see BENCHMARKS.md). It is a
// benchmark so that the default test run skips it:
//
//	go test ./sybil -run '^$' -bench BenchmarkEnronAUC -benchtime=1x
//
// Honest region: email-Enron (testdata/enron). Sybil region: a copy of it
// ("copy") or a preferential-attachment graph with the same number of
// nodes and edges ("pa"). k attack edges join a uniform random honest node
// to a uniform random Sybil node (no repeats). Seeds: 100 uniform random
// honest nodes ("random100"), 10 ("random10"), or the first 100 nodes of a
// breadth-first search from a random honest node ("ball100"). Seeds are
// left out of the metric. AUC is the probability that a random honest node
// outranks a random Sybil node, ties counting one half. Each cell is the
// mean and standard deviation over 5 trials; trial t of setting s at k
// attack edges draws from PCG(1000*t+k, hash(setting)).

var aucAttackEdges = []int{1000, 5000, 10000, 20000, 40000, 60000, 100000}

var aucMethods = []string{MethodSybilRank, MethodSybilSCARC, MethodSybilSCARD, MethodPPR, MethodPolity}

type aucSetting struct {
	sybil string // "copy" or "pa"
	seeds string // "random100", "random10", "ball100"
}

func BenchmarkEnronAUC(b *testing.B) {
	honest := loadEnron(b)
	settings := []aucSetting{
		{"copy", "random100"}, {"pa", "random100"},
		{"copy", "random10"}, {"pa", "random10"},
		{"copy", "ball100"}, {"pa", "ball100"},
	}
	if s := os.Getenv("SYBIL_AUC_SETTINGS"); s != "" {
		settings = settings[:0]
		for _, f := range strings.Split(s, ",") {
			a, c, _ := strings.Cut(f, "/")
			settings = append(settings, aucSetting{a, c})
		}
	}
	ks := aucAttackEdges
	trials := 5
	for b.Loop() {
		var out strings.Builder
		for _, set := range settings {
			fmt.Fprintf(&out, "\n### Sybil region %s, seeds %s\n\n| attack edges |", set.sybil, set.seeds)
			for _, m := range aucMethods {
				fmt.Fprintf(&out, " %s |", m)
			}
			out.WriteString("\n|---:|")
			for range aucMethods {
				out.WriteString("---:|")
			}
			out.WriteString("\n")
			for _, k := range ks {
				res := make([][]float64, len(aucMethods))
				for t := range trials {
					aucs := aucTrial(b, honest, set, k, t)
					for mi := range aucMethods {
						res[mi] = append(res[mi], aucs[mi])
					}
				}
				fmt.Fprintf(&out, "| %d |", k)
				best := -1.0
				for mi := range aucMethods[:len(aucMethods)-1] {
					best = max(best, mean(res[mi]))
				}
				for mi := range aucMethods {
					mark := ""
					if mi == len(aucMethods)-1 && mean(res[mi]) <= best {
						mark = " (not best)"
					}
					fmt.Fprintf(&out, " %.4f ± %.4f%s |", mean(res[mi]), sd(res[mi]), mark)
				}
				out.WriteString("\n")
			}
		}
		fmt.Print(out.String())
	}
}

// aucTrial builds one attacked graph and returns the AUC of each method.
func aucTrial(tb testing.TB, honest *Graph, set aucSetting, k, trial int) []float64 {
	tb.Helper()
	g, seeds, isSeed, n := attacked(tb, honest, set, k, trial)
	out := make([]float64, len(aucMethods))
	for mi, m := range aucMethods {
		r, err := Rank(context.Background(), g, seeds, &RankOptions{Method: m})
		if err != nil {
			tb.Fatal(err)
		}
		out[mi] = auc(r.Scores, n, isSeed)
	}
	return out
}

// attacked builds the graph of one trial: honest nodes 0..n-1, Sybils
// n..2n-1, k attack edges, and the seeds.
func attacked(tb testing.TB, honest *Graph, set aucSetting, k, trial int) (g *Graph, seeds []int, isSeed []bool, n int) {
	tb.Helper()
	n = honest.Len()
	var h uint64
	for _, c := range set.sybil + "/" + set.seeds {
		h = h*31 + uint64(c)
	}
	rng := rand.New(rand.NewPCG(uint64(1000*trial+k), h))
	e := &edgeArrays{n: 2 * n}
	for u := 0; u < n; u++ {
		for v := range honest.Neighbors(u) {
			if u < v {
				e.add(u, v)
			}
		}
	}
	switch set.sybil {
	case "copy":
		for u := 0; u < n; u++ {
			for v := range honest.Neighbors(u) {
				if u < v {
					e.add(n+u, n+v)
				}
			}
		}
	case "pa":
		genPA(e, n, n, honest.Edges(), rng.Uint64())
	default:
		tb.Fatalf("unknown Sybil region %q", set.sybil)
	}
	seen := make(map[[2]int]bool, k)
	for len(seen) < k {
		u, s := rng.IntN(n), n+rng.IntN(n)
		if seen[[2]int{u, s}] {
			continue
		}
		seen[[2]int{u, s}] = true
		e.add(u, s)
	}
	g = e.graph()
	switch set.seeds {
	case "random100":
		seeds = randomSeeds(rng, n, 100)
	case "random10":
		seeds = randomSeeds(rng, n, 10)
	case "ball100":
		seeds = ballSeeds(honest, rng.IntN(n), 100)
	default:
		tb.Fatalf("unknown seed setting %q", set.seeds)
	}
	isSeed = make([]bool, 2*n)
	for _, s := range seeds {
		isSeed[s] = true
	}
	return g, seeds, isSeed, n
}

func randomSeeds(rng *rand.Rand, n, k int) []int {
	p := rng.Perm(n)
	return slices.Clone(p[:k])
}

// ballSeeds returns the first k nodes of a breadth-first search from start
// in the honest graph (neighbors in index order).
func ballSeeds(g *Graph, start, k int) []int {
	seen := map[int]bool{start: true}
	queue := []int{start}
	for i := 0; i < len(queue) && len(queue) < k; i++ {
		for v := range g.Neighbors(queue[i]) {
			if !seen[v] && len(queue) < k {
				seen[v] = true
				queue = append(queue, v)
			}
		}
	}
	return queue
}

// auc returns the probability that a random non-seed honest node (index <
// n) scores above a random Sybil node (index >= n), ties counting 1/2.
func auc(scores []float64, n int, isSeed []bool) float64 {
	type item struct {
		s      float64
		honest bool
	}
	items := make([]item, 0, len(scores))
	for i, s := range scores {
		if isSeed[i] {
			continue
		}
		items = append(items, item{s, i < n})
	}
	slices.SortFunc(items, func(a, b item) int {
		switch {
		case a.s < b.s:
			return -1
		case a.s > b.s:
			return 1
		}
		return 0
	})
	var rankSum, nh, ns float64
	for i := 0; i < len(items); {
		j := i
		for j < len(items) && items[j].s == items[i].s {
			j++
		}
		avg := float64(i+j+1) / 2 // 1-based mean rank of the tie block
		for k := i; k < j; k++ {
			if items[k].honest {
				rankSum += avg
				nh++
			} else {
				ns++
			}
		}
		i = j
	}
	return (rankSum - nh*(nh+1)/2) / (nh * ns)
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func sd(x []float64) float64 {
	m := mean(x)
	var s float64
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	if len(x) < 2 {
		return 0
	}
	return math.Sqrt(s / float64(len(x)-1))
}
