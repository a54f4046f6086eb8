package sybil

import "context"

// sybilRank runs SybilRank (Cao, Sirivianos, Yang, Pregueiro, NSDI 2012):
// the seeds share a total trust of 1, each step every node splits its
// trust over its edges in proportion to their weights, the iteration stops
// after st.total steps (by default ceil(log2 n), before trust mixes into a
// Sybil region behind a sparse cut), and each node's trust is divided by
// its weighted degree.
func (st *rankState) sybilRank(ctx context.Context) error {
	g := st.g
	n := g.Len()
	t := make([]float64, n)
	x := make([]float64, n)
	for _, s := range st.seeds {
		t[s] = 1 / float64(len(st.seeds))
	}
	for range st.total {
		forEach(st.parts, func(lo, hi int) {
			for u := lo; u < hi; u++ {
				if d := g.deg[u]; d > 0 {
					x[u] = t[u] / d
				} else {
					x[u] = 0
				}
			}
		})
		spmv(g, st.parts, x, t)
		if err := st.step(ctx); err != nil {
			return err
		}
	}
	st.prev, st.cur = x, t
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
