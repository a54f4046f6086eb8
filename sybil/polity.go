package sybil

import (
	"context"
	"math"
	"slices"
)

// polityEpsilon is the weight, relative to one closed triangle, that an
// edge keeps when it closes no triangle.
const polityEpsilon = 0.3

// polityRank runs Polity's method. It combines four ideas, each a property
// of trust graphs in general rather than of one graph:
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
//  3. No damping where embeddedness cannot be observed. A node with a
//     single neighbor cannot close a triangle, so the missing triangles
//     say nothing about it; and it is a dead end, so no trust crosses a
//     cut through it: it takes its neighbor's residual in full (its mean
//     divides by its reweighted degree). Damping it would only rank every
//     newcomer with one voucher below Sybils next to an attack edge. The
//     rule adds no parameter, and it gives an attacker no leverage: the
//     trust a leaf returns to its neighbor is still damped there, so a
//     Sybil hub with L leaves behind one unembedded attack edge from an
//     honest node of residual q holds e*q/(1 + (1-e)*L) at the fixed
//     point, with e = polityEpsilon, and the residuals of the whole star
//     sum to less than q*e/(1-e) whatever L; a leaf behind its own attack
//     edge is the one Sybil per attack edge that no graph method can
//     exclude.
//  4. Residual priors. Seeds carry the prior SeedPrior - 1/2; non-graph
//     evidence p in [0,1] ([RankOptions.Priors]) adds (p - 1/2) times half
//     the seed residual, so a perfect prior counts as half a seed and a
//     prior below 1/2 pushes trust down. Without priors the graph alone
//     decides.
//
// The iteration runs ceil(log2 n) steps by default, the budget of
// SybilRank's early termination, with the local rule clipped to
// [-1/2, 1/2] as in SybilSCAR; the score is the posterior probability
// q + 1/2.
func (st *rankState) polityRank(ctx context.Context) error {
	g := st.g
	n := g.Len()
	tc := countTriangles(g, st.parts)
	fix := newPolityFixups(g, tc)
	var tri []uint32 // triangles per entry, when there are no fixups
	var w []float32  // reweighted entries, likewise
	if fix == nil {
		tri = tc.spread(g, st.parts)
		w = make([]float32, len(g.adj))
	}
	tc = nil
	norm := make([]float64, n)
	forEach(st.parts, func(lo, hi int) {
		for u := lo; u < hi; u++ {
			a, b := g.off[u], g.off[u+1]
			var s float64
			if fix != nil {
				var sum uint64
				for _, t := range fix.t[fix.off[u]:fix.off[u+1]] {
					sum += uint64(t)
				}
				s = polityEpsilon*float64(b-a) + float64(sum)
			} else {
				for k := a; k < b; k++ {
					w[k] = float32(g.weight(k) * (polityEpsilon + float64(tri[k])))
					s += float64(w[k])
				}
			}
			norm[u] = max(s, g.deg[u])
			if b-a == 1 {
				norm[u] = s // a leaf is not damped
			}
		}
	})

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
	// The vector a step reads is kept as float32 too, as in SybilRank.
	q32 := make([]float32, n)
	next32 := make([]float32, n)
	for i, v := range q {
		q32[i] = float32(v)
	}
	for range st.total {
		forEach(st.parts, func(lo, hi int) {
			for u := lo; u < hi; u++ {
				a, b := g.off[u], g.off[u+1]
				var s float64
				if fix != nil {
					s = polityEpsilon*gather32(g.adj[a:b], q32) + fix.row(u, q32)
				} else {
					s = gatherW32(g.adj[a:b], w[a:b], q32)
				}
				if d := norm[u]; d > 0 {
					s /= d
				}
				r := min(0.5, max(-0.5, prior[u]+s))
				next[u], next32[u] = r, float32(r)
			}
		})
		q, next = next, q
		q32, next32 = next32, q32
		if err := st.step(ctx); err != nil {
			return err
		}
	}
	st.prev, st.cur = widen(next32), q
	st.polity = &polityState{tri: tri, fix: fix, norm: norm, prior: prior}
	scores := make([]float64, n)
	for i := range q {
		scores[i] = q[i] + 0.5
	}
	st.scores = scores
	st.norm = "posterior probability of being honest; edges weighted by 0.3 + closed triangles, trust divided by max(weighted degree, degree) except at nodes with one neighbor"
	return nil
}

// polityFixups speeds up Polity's method on an unweighted graph where
// few edges close a triangle: an entry with t triangles weighs
// polityEpsilon + t, so a row's sum is polityEpsilon times its unweighted
// sum plus t times the value for each of the few entries with t > 0,
// listed here. This saves streaming a weight per entry in every step; the
// result depends only on the graph.
type polityFixups struct {
	off []int64 // per row, into idx and t
	idx []uint32
	t   []uint32
}

// newPolityFixups returns the fixups of the unweighted graph g from its
// oriented triangle counts, or nil when g is weighted or more than 1/8 of
// its entries close a triangle. Each row lists its entries in the order of
// the oriented edges' lower ends, so the sums depend only on the graph.
func newPolityFixups(g *Graph, tc *triCounts) *polityFixups {
	if g.w != nil {
		return nil
	}
	var nz int64
	for _, t := range tc.tOut {
		if t != 0 {
			nz++
		}
	}
	if 2*nz > int64(len(g.adj)/8) {
		return nil
	}
	n := g.Len()
	off := make([]int64, n+1)
	for u := range n {
		for o := tc.outOff[u]; o < tc.outOff[u+1]; o++ {
			if tc.tOut[o] != 0 {
				off[u+1]++
				off[tc.outAdj[o]+1]++
			}
		}
	}
	for u := range n {
		off[u+1] += off[u]
	}
	f := &polityFixups{off: off, idx: make([]uint32, off[n]), t: make([]uint32, off[n])}
	pos := slices.Clone(off[:n])
	for u := range n {
		for o := tc.outOff[u]; o < tc.outOff[u+1]; o++ {
			if t := tc.tOut[o]; t != 0 {
				v := tc.outAdj[o]
				f.idx[pos[u]], f.t[pos[u]] = v, t
				pos[u]++
				f.idx[pos[v]], f.t[pos[v]] = uint32(u), t
				pos[v]++
			}
		}
	}
	return f
}

// row returns the fixup sum of row u.
func (f *polityFixups) row(u int, q []float32) float64 {
	var s float64
	for j := f.off[u]; j < f.off[u+1]; j++ {
		s += float64(f.t[j]) * float64(q[f.idx[j]])
	}
	return s
}

// polityState keeps what an explanation of a Polity ranking needs.
type polityState struct {
	tri   []uint32      // triangles through each adjacency entry, or nil
	fix   *polityFixups // the entries with triangles, when tri is nil
	norm  []float64     // the damping normalizer of each node
	prior []float64     // residual priors
}

// weight returns the reweighted weight of adjacency entry k of g, in row
// v.
func (p *polityState) weight(g *Graph, v int, k int64) float64 {
	var t uint32
	if p.tri != nil {
		t = p.tri[k]
	} else {
		for j := p.fix.off[v]; j < p.fix.off[v+1]; j++ {
			if p.fix.idx[j] == g.adj[k] {
				t = p.fix.t[j]
			}
		}
	}
	return g.weight(k) * (polityEpsilon + float64(t))
}
