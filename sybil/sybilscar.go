package sybil

import (
	"context"
	"math"
)

// sybilSCAR runs SybilSCAR (Wang, Zhang, Gong, INFOCOM 2017; Wang, Jia,
// Zhang, Gong, IEEE TNSE 2019) in residual form: with q = p - 1/2 for a
// probability p of being honest, each step sets
//
//	q_u = qprior_u + sum over neighbors v of 2 * west_uv * q_v
//
// clipped to [-1/2, 1/2], where west_uv is the residual homophily of the
// edge. SybilSCAR-C uses a constant homophily strength w for every edge of
// weight 1 (west_uv = (w - 1/2) * weight_uv); SybilSCAR-D uses
// west_uv = weight_uv / (2 * degree_u), so the rule adds the weighted mean
// of the neighbors' residuals. Seeds have prior SeedPrior, other nodes
// their [RankOptions.Priors] entry or 1/2. The score is p = q + 1/2.
func (st *rankState) sybilSCAR(ctx context.Context) error {
	g := st.g
	n := g.Len()
	prior := make([]float64, n)
	for i := range prior {
		switch {
		case st.isSeed[i]:
			prior[i] = st.o.SeedPrior - 0.5
		case st.o.Priors != nil && !math.IsNaN(st.o.Priors[i]):
			prior[i] = st.o.Priors[i] - 0.5
		}
	}
	q := append([]float64(nil), prior...)
	next := make([]float64, n)
	h := st.o.Homophily
	if h == 0 {
		// The largest constant homophily for which the local rule is a
		// contraction: 2*(h-1/2)*maxDegree < 1, with a 10% margin.
		var maxDeg float64
		for _, d := range g.deg {
			maxDeg = max(maxDeg, d)
		}
		h = 0.5 + 0.9/(2*max(maxDeg, 1))
	}
	c := 2 * (h - 0.5)
	degreeRule := st.method == MethodSybilSCARD
	for range st.total {
		spmv(g, st.parts, q, next)
		forEach(st.parts, func(lo, hi int) {
			for u := lo; u < hi; u++ {
				s := next[u]
				if degreeRule {
					if d := g.deg[u]; d > 0 {
						s /= d
					}
				} else {
					s *= c
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
	scores := make([]float64, n)
	for i := range q {
		scores[i] = q[i] + 0.5
	}
	st.scores = scores
	if degreeRule {
		st.norm = "posterior probability of being honest; homophily 1/(2*degree) per unit of edge weight"
	} else {
		st.norm = "posterior probability of being honest; constant homophily per unit of edge weight"
	}
	return nil
}
