package sybil

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// Part kinds added by the graph methods, used in [Part.Kind].
const (
	PartIterations    = "iterations"    // Value: the propagation steps run
	PartNormalization = "normalization" // Value: 0; Detail says how scores are normalized
)

// Explain caps.
const (
	explainSeeds = 10 // seeds listed
	explainEdges = 10 // neighbors listed
)

// Explain ranks g like [Rank] and explains the score of one node: which
// seeds reach it within the iterations run (up to 10, nearest first, as
// PartSeed with the seed's initial trust and the hop count), its top 10
// neighbors by the trust they passed to it in the last step (as PartEdge,
// Value the share of the node's incoming trust, Detail the raw amount),
// the iterations (PartIterations) and the normalization
// (PartNormalization).
//
// An unknown node gives [ErrUnknownNode]; other errors are those of Rank.
func Explain(ctx context.Context, g *Graph, seeds []int, node int, opts *RankOptions) (*Explanation, error) {
	if node < 0 || node >= g.Len() {
		return nil, fmt.Errorf("%w: node index %d, graph has %d nodes", ErrUnknownNode, node, g.Len())
	}
	st, err := newRankState(g, seeds, opts)
	if err != nil {
		return nil, err
	}
	if err := st.run(ctx); err != nil {
		return nil, err
	}
	e := &Explanation{Subject: g.ID(node), Score: st.scores[node], Method: st.method}

	// Seeds within reach: breadth-first search up to st.iters hops.
	dist := map[int]int{node: 0}
	frontier := []int{node}
	var found []int
	if st.isSeed[node] {
		found = append(found, node)
	}
	for h := 1; h <= st.iters && len(frontier) > 0 && len(found) < explainSeeds; h++ {
		var next []int
		for _, u := range frontier {
			for v := range g.Neighbors(u) {
				if _, ok := dist[v]; ok {
					continue
				}
				dist[v] = h
				next = append(next, v)
				if st.isSeed[v] && len(found) < explainSeeds {
					found = append(found, v)
				}
			}
		}
		frontier = next
	}
	for _, s := range found {
		e.add(PartSeed, g.ID(s), st.seedValue(), fmt.Sprintf("%d hops", dist[s]))
	}
	if len(found) == 0 {
		e.note(fmt.Sprintf("no seed within %d hops", st.iters))
	}

	// Neighbors by the trust they passed in the last step.
	type contrib struct {
		v int
		c float64
	}
	var cs []contrib
	var total float64
	for k := g.off[node]; k < g.off[node+1]; k++ {
		u := int(g.adj[k])
		c := st.edgeContribution(node, u, k)
		cs = append(cs, contrib{u, c})
		total += c
	}
	slices.SortFunc(cs, func(a, b contrib) int { return cmp.Or(cmp.Compare(b.c, a.c), cmp.Compare(a.v, b.v)) })
	for _, c := range cs[:min(len(cs), explainEdges)] {
		share := 0.0
		if total != 0 {
			share = c.c / total
		}
		e.add(PartEdge, g.ID(c.v), share, fmt.Sprintf("passed %.6g of %.6g", c.c, total))
	}
	e.add(PartIterations, "", float64(st.iters), "")
	e.add(PartNormalization, "", 0, st.norm)
	return e, nil
}

// seedValue is the initial trust of one seed.
func (st *rankState) seedValue() float64 {
	switch st.method {
	case MethodSybilRank, MethodPPR:
		return 1 / float64(len(st.seeds))
	default:
		return st.o.SeedPrior - 0.5
	}
}

// edgeContribution is the trust node v received from neighbor u over
// adjacency entry k in the last step.
func (st *rankState) edgeContribution(v, u int, k int64) float64 {
	g := st.g
	switch st.method {
	case MethodSybilRank:
		return g.weight(k) * st.prev[u]
	case MethodPPR:
		return (1 - st.o.Alpha) * g.weight(k) * st.prev[u]
	case MethodSybilSCARD:
		return g.weight(k) * st.prev[u] / max(g.deg[v], 1e-300)
	case MethodSybilSCARC:
		var maxDeg float64
		for _, d := range g.deg {
			maxDeg = max(maxDeg, d)
		}
		h := st.o.Homophily
		if h == 0 {
			h = 0.5 + 0.9/(2*max(maxDeg, 1))
		}
		return 2 * (h - 0.5) * g.weight(k) * st.prev[u]
	default:
		p := st.polity
		return p.weight(g, v, k) * st.prev[u] / max(p.norm[v], 1e-300)
	}
}
