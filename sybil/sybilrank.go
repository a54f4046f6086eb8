package sybil

import "context"

// sybilRank runs SybilRank (Cao, Sirivianos, Yang, Pregueiro, NSDI 2012):
// the seeds share a total trust of 1, each step every node splits its
// trust over its edges in proportion to their weights, the iteration stops
// after st.total steps (by default ceil(log2 n), before trust mixes into a
// Sybil region behind a sparse cut), and each node's trust is divided by
// its weighted degree.
//
// Trust is summed in float64; the per-edge share t/degree that a step
// reads is kept as float32 (relative rounding below 6e-8 a step), which
// halves the memory behind the step's random reads.
func (st *rankState) sybilRank(ctx context.Context) error {
	g := st.g
	n := g.Len()
	t := make([]float64, n)
	x := make([]float32, n)  // t / degree, the vector a step reads
	xn := make([]float32, n) // the next x
	for _, s := range st.seeds {
		t[s] = 1 / float64(len(st.seeds))
		if d := g.deg[s]; d > 0 {
			x[s] = float32(t[s] / d)
		}
	}
	for range st.total {
		// One pass per step: gather row v, then divide by its degree for
		// the next step.
		forEach(st.parts, func(lo, hi int) {
			off, adj, w, deg := g.off, g.adj, g.w, g.deg
			for v := lo; v < hi; v++ {
				a, b := off[v], off[v+1]
				var s float64
				if w == nil {
					s = gather32(adj[a:b], x)
				} else {
					s = gatherW32(adj[a:b], w[a:b], x)
				}
				t[v] = s
				if d := deg[v]; d > 0 {
					xn[v] = float32(s / d)
				} else {
					xn[v] = 0
				}
			}
		})
		x, xn = xn, x
		if err := st.step(ctx); err != nil {
			return err
		}
	}
	st.prev, st.cur = widen(xn), t
	scores := make([]float64, n)
	forEach(st.parts, func(lo, hi int) {
		for u := lo; u < hi; u++ {
			if d := g.deg[u]; d > 0 {
				scores[u] = t[u] / d
			}
		}
	})
	st.scores = scores
	st.norm = "landing probability of an early-terminated walk from the seeds, divided by weighted degree"
	return nil
}
