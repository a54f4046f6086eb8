package sybil

import (
	"context"
	"math"
	"slices"
)

// polityEpsilon is the weight, relative to one closed triangle, that an
// edge keeps when it closes no triangle.
const polityEpsilon = 0.3

// polityRank runs Polity's method. It combines three ideas, each general
// rather than tied to one graph:
//
//  1. Embeddedness. An edge between two people who share friends closes
//     triangles; an attack edge that a Sybil obtains from an honest
//     account almost never does, because the victim's friends are not the
//     Sybil's friends. Each edge's weight is multiplied by
//     polityEpsilon + t, with t the number of triangles through the edge.
//  2. Cut-aware damping. Trust is propagated with the SybilSCAR-D local
//     rule (a node takes its prior plus the weighted mean of its
//     neighbors' residual trust), but the mean divides by
//     max(reweighted degree, original degree). A node whose edges are
//     well embedded passes trust on in full; a node whose edges close no
//     triangles passes on only a fraction, so trust that crosses a sparse,
//     unembedded cut into a Sybil region fades instead of being
//     renormalized back to full strength (the flaw of plain reweighting,
//     which lets a triangle-free Sybil region look as trusted as any
//     other once scores are divided by its small weighted degree).
//  3. Residual priors. Seeds carry the prior SeedPrior - 1/2; non-graph
//     evidence p in [0,1] ([RankOptions.Priors]) adds (p - 1/2) times half
//     the seed residual, so a perfect prior counts as half a seed and a
//     prior below 1/2 pushes trust down. Without priors the graph alone
//     decides.
//
// The iteration runs 2*ceil(log2 n) steps by default, with the local rule
// clipped to [-1/2, 1/2] as in SybilSCAR; the score is the posterior
// probability q + 1/2.
func (st *rankState) polityRank(ctx context.Context) error {
	g := st.g
	n := g.Len()
	if st.o.Iterations == 0 {
		st.total = 2 * logIterations(n)
	}
	tri := triangles(g, st.parts)
	w := make([]float32, len(g.adj))
	norm := make([]float64, n)
	forEach(st.parts, func(lo, hi int) {
		for u := lo; u < hi; u++ {
			var s float64
			for k := g.off[u]; k < g.off[u+1]; k++ {
				x := g.weight(k) * (polityEpsilon + float64(tri[k]))
				w[k] = float32(x)
				s += float64(w[k])
			}
			norm[u] = max(s, g.deg[u])
		}
	})
	wg := &Graph{off: g.off, adj: g.adj, w: w, deg: norm, m: g.m}

	seedRes := st.o.SeedPrior - 0.5
	prior := make([]float64, n)
	for i := range prior {
		switch {
		case st.isSeed[i]:
			prior[i] = seedRes
		case st.o.Priors != nil && !math.IsNaN(st.o.Priors[i]):
			prior[i] = (st.o.Priors[i] - 0.5) * seedRes
		}
	}
	q := append([]float64(nil), prior...)
	next := make([]float64, n)
	for range st.total {
		spmv(wg, st.parts, q, next)
		forEach(st.parts, func(lo, hi int) {
			for u := lo; u < hi; u++ {
				s := next[u]
				if d := norm[u]; d > 0 {
					s /= d
				}
				next[u] = min(0.5, max(-0.5, prior[u]+s))
			}
		})
		q, next = next, q
		if err := st.step(ctx); err != nil {
			return err
		}
	}
	st.prev, st.cur = next, q
	st.polity = &polityState{wg: wg, prior: prior}
	scores := make([]float64, n)
	for i := range q {
		scores[i] = q[i] + 0.5
	}
	st.scores = scores
	st.norm = "posterior probability of being honest; edges weighted by 0.3 + closed triangles, trust divided by max(weighted degree, degree)"
	return nil
}

// polityState keeps what an explanation of a Polity ranking needs.
type polityState struct {
	wg    *Graph    // the reweighted graph, deg = the damping normalizer
	prior []float64 // residual priors
}

// triangles returns, for each adjacency entry of g, the number of
// triangles through that edge (common neighbors of its two ends), by
// merging the two sorted neighbor lists.
func triangles(g *Graph, parts []int) []uint32 {
	t := make([]uint32, len(g.adj))
	forEach(parts, func(lo, hi int) {
		for u := lo; u < hi; u++ {
			nu := g.adj[g.off[u]:g.off[u+1]]
			for k, v := range nu {
				if int(v) < u {
					continue // filled from the other end below
				}
				nv := g.adj[g.off[v]:g.off[v+1]]
				var c uint32
				i, j := 0, 0
				for i < len(nu) && j < len(nv) {
					a, b := nu[i], nv[j]
					switch {
					case a < b:
						i++
					case a > b:
						j++
					default:
						c++
						i++
						j++
					}
				}
				t[g.off[u]+int64(k)] = c
			}
		}
	})
	// Mirror the counts to the entries with v < u.
	forEach(parts, func(lo, hi int) {
		for u := lo; u < hi; u++ {
			for k := g.off[u]; k < g.off[u+1]; k++ {
				v := int(g.adj[k])
				if v >= u {
					continue
				}
				row := g.adj[g.off[v]:g.off[v+1]]
				j, _ := slices.BinarySearch(row, uint32(u))
				t[k] = t[g.off[v]+int64(j)]
			}
		}
	})
	return t
}
