package sybil

import (
	"context"
	"math"
)

// ppr runs personalized PageRank: r = alpha*s + (1-alpha)*P^T r with s
// uniform over the seeds and P the weighted random-walk matrix; trust at a
// node without edges returns to the seeds. The score is r itself, the
// stationary probability of a walk that restarts at the seeds.
func (st *rankState) ppr(ctx context.Context) error {
	g := st.g
	n := g.Len()
	alpha := st.o.Alpha
	fixed := st.o.Iterations > 0
	r := make([]float64, n)
	x := make([]float64, n)
	y := make([]float64, n)
	seedMass := 1 / float64(len(st.seeds))
	for _, s := range st.seeds {
		r[s] = seedMass
	}
	dangling := make([]float64, len(st.parts)-1)
	diffs := make([]float64, len(st.parts)-1)
	for range st.total {
		parallelChunks(len(st.parts)-1, func(c int) {
			var dm float64
			for u := st.parts[c]; u < st.parts[c+1]; u++ {
				if d := g.deg[u]; d > 0 {
					x[u] = r[u] / d
				} else {
					x[u] = 0
					dm += r[u]
				}
			}
			dangling[c] = dm
		})
		var dm float64
		for _, v := range dangling {
			dm += v
		}
		spmv(g, st.parts, x, y)
		restart := (alpha + (1-alpha)*dm) * seedMass
		parallelChunks(len(st.parts)-1, func(c int) {
			var diff float64
			for v := st.parts[c]; v < st.parts[c+1]; v++ {
				nv := (1 - alpha) * y[v]
				if st.isSeed[v] {
					nv += restart
				}
				diff += math.Abs(nv - r[v])
				y[v] = nv
			}
			diffs[c] = diff
		})
		r, y = y, r
		if err := st.step(ctx); err != nil {
			return err
		}
		var diff float64
		for _, d := range diffs {
			diff += d
		}
		if !fixed && diff < 1e-10 {
			break
		}
	}
	st.prev, st.cur = x, r
	st.scores = append([]float64(nil), r...)
	st.norm = "stationary probability of a walk restarting at the seeds"
	return nil
}
