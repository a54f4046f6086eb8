package sybil

import (
	"context"
	"fmt"
	"math"
)

// Graph ranking methods, used in [RankOptions.Method] and
// [Explanation.Method].
const (
	MethodSybilRank  = "sybilrank"   // [SybilRank]-style early-terminated power iteration
	MethodSybilSCARC = "sybilscar-c" // SybilSCAR local rule, constant homophily
	MethodSybilSCARD = "sybilscar-d" // SybilSCAR local rule, degree-normalized homophily
	MethodPPR        = "ppr"         // personalized PageRank from the seeds
	MethodPolity     = "polity"      // Polity's method; see [RankOptions]
)

// Defaults of [RankOptions].
const (
	DefaultPPRAlpha       = 0.15 // restart probability of personalized PageRank
	DefaultPPRIterations  = 100  // iteration cap of personalized PageRank
	DefaultHomophily      = 0.6  // SybilSCAR-C homophily strength
	DefaultSeedPrior      = 0.6  // SybilSCAR prior of a trusted seed
	DefaultSCARIterations = 10   // SybilSCAR iterations
	// MaxIterations caps RankOptions.Iterations.
	MaxIterations = 10000
)

// RankOptions configures [Rank] and [Explain]. A nil *RankOptions or a
// zero field means the default.
type RankOptions struct {
	// Method is one of the Method constants; "" means [MethodPolity].
	Method string

	// Iterations is the number of propagation steps. 0 means the method's
	// default: ceil(log2(n)) for SybilRank, SybilSCAR and Polity (for
	// SybilRank the early termination that keeps trust from mixing into a
	// Sybil region); for personalized PageRank iteration until the L1
	// change is below 1e-10, at most DefaultPPRIterations steps.
	Iterations int

	// Alpha is the restart probability of personalized PageRank, in (0,1);
	// 0 means DefaultPPRAlpha.
	Alpha float64

	// Homophily is the SybilSCAR-C homophily strength w in (0.5, 1]: the
	// probability that the two ends of an edge of weight 1 share a label.
	// 0 means 0.5 + 0.45/maxDegree, the largest value (with a 10% margin)
	// for which the SybilSCAR local rule is a contraction on this graph,
	// the paper's convergence condition; a larger w saturates every score
	// on graphs with hubs.
	Homophily float64

	// SeedPrior is the SybilSCAR prior probability that a seed is honest,
	// in (0.5, 1]; 0 means DefaultSeedPrior.
	SeedPrior float64

	// Priors, if not nil, holds one prior per node in [0,1]: the
	// probability that the node is honest from non-graph evidence (stamps,
	// contributions). NaN means no evidence, as does 0.5. Used by
	// MethodPolity and both SybilSCAR variants; ignored by the others.
	// Seeds keep their seed prior.
	Priors []float64

	// Progress, if not nil, is called after each iteration with the
	// number of iterations done and the planned total (for personalized
	// PageRank the cap). It is called on the goroutine that called Rank.
	Progress func(done, total int)
}

// Ranking is the result of [Rank].
type Ranking struct {
	Method     string    // the method used
	Scores     []float64 // one score per node; higher is more trustworthy
	Iterations int       // propagation steps run
	// Normalization says how Scores were normalized, for explanations.
	Normalization string
}

// Rank scores every node of g by its trust as seen from the trusted seeds,
// with the method of opts. Higher scores mean more trustworthy; scores of
// different methods are not comparable with each other.
//
// The computation is deterministic: the same graph, seeds and options give
// bit-identical scores on any number of CPUs (work is split over row ranges
// that depend only on the graph). It uses all of GOMAXPROCS. Rank checks
// ctx between iterations and returns ctx.Err() wrapped when it is done.
//
// Seeds are node indices of g (see [Graph.Nodes]); repeats count once.
// No seed gives [ErrNoSeeds]; an index out of range gives [ErrUnknownNode];
// a bad option or prior gives [ErrBadGraph].
func Rank(ctx context.Context, g *Graph, seeds []int, opts *RankOptions) (*Ranking, error) {
	st, err := newRankState(g, seeds, opts)
	if err != nil {
		return nil, err
	}
	if err := st.run(ctx); err != nil {
		return nil, err
	}
	return &Ranking{Method: st.method, Scores: st.scores, Iterations: st.iters, Normalization: st.norm}, nil
}

// rankState is one ranking run. After run, prev holds the vector the last
// step read (for explanations) and scores the result.
type rankState struct {
	g      *Graph
	o      RankOptions
	method string
	seeds  []int  // deduplicated
	isSeed []bool // by node
	parts  []int
	total  int // planned iterations
	iters  int
	norm   string

	prev, cur []float64 // the last step's input and output
	scores    []float64
	polity    *polityState
}

func newRankState(g *Graph, seeds []int, opts *RankOptions) (*rankState, error) {
	st := &rankState{g: g}
	if opts != nil {
		st.o = *opts
	}
	o := &st.o
	switch o.Method {
	case "":
		o.Method = MethodPolity
	case MethodSybilRank, MethodSybilSCARC, MethodSybilSCARD, MethodPPR, MethodPolity:
	default:
		return nil, fmt.Errorf("%w: unknown method %q", ErrBadGraph, o.Method)
	}
	st.method = o.Method
	if o.Iterations < 0 || o.Iterations > MaxIterations {
		return nil, fmt.Errorf("%w: iterations %d not in [0, %d]", ErrBadGraph, o.Iterations, MaxIterations)
	}
	if o.Alpha == 0 {
		o.Alpha = DefaultPPRAlpha
	}
	if !(o.Alpha > 0 && o.Alpha < 1) {
		return nil, fmt.Errorf("%w: alpha %v not in (0,1)", ErrBadGraph, o.Alpha)
	}
	if o.Homophily != 0 && !(o.Homophily > 0.5 && o.Homophily <= 1) {
		return nil, fmt.Errorf("%w: homophily %v not in (0.5,1]", ErrBadGraph, o.Homophily)
	}
	if o.SeedPrior == 0 {
		o.SeedPrior = DefaultSeedPrior
	}
	if !(o.SeedPrior > 0.5 && o.SeedPrior <= 1) {
		return nil, fmt.Errorf("%w: seed prior %v not in (0.5,1]", ErrBadGraph, o.SeedPrior)
	}
	n := g.Len()
	if o.Priors != nil {
		if len(o.Priors) != n {
			return nil, fmt.Errorf("%w: %d priors for %d nodes", ErrBadGraph, len(o.Priors), n)
		}
		for i, p := range o.Priors {
			if !math.IsNaN(p) && !(p >= 0 && p <= 1) {
				return nil, fmt.Errorf("%w: prior of node %d is %v, not in [0,1]", ErrBadGraph, i, p)
			}
		}
	}
	st.isSeed = make([]bool, n)
	for _, s := range seeds {
		if s < 0 || s >= n {
			return nil, fmt.Errorf("%w: seed index %d, graph has %d nodes", ErrUnknownNode, s, n)
		}
		if !st.isSeed[s] {
			st.isSeed[s] = true
			st.seeds = append(st.seeds, s)
		}
	}
	if len(st.seeds) == 0 {
		return nil, ErrNoSeeds
	}
	st.parts = partition(g.off, 64)
	st.total = o.Iterations
	if st.total == 0 {
		switch o.Method {
		case MethodSybilRank, MethodPolity, MethodSybilSCARC, MethodSybilSCARD:
			st.total = logIterations(n)
		case MethodPPR:
			st.total = DefaultPPRIterations
		}
	}
	return st, nil
}

// logIterations returns ceil(log2(n)), at least 1.
func logIterations(n int) int {
	k := 1
	for 1<<k < n {
		k++
	}
	return k
}

func (st *rankState) run(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sybil: rank: %w", err)
	}
	switch st.method {
	case MethodSybilRank:
		return st.sybilRank(ctx)
	case MethodSybilSCARC, MethodSybilSCARD:
		return st.sybilSCAR(ctx)
	case MethodPPR:
		return st.ppr(ctx)
	default:
		return st.polityRank(ctx)
	}
}

// step records a finished iteration: it reports progress and checks ctx.
func (st *rankState) step(ctx context.Context) error {
	st.iters++
	if st.o.Progress != nil {
		st.o.Progress(st.iters, st.total)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sybil: rank: after %d iterations: %w", st.iters, err)
	}
	return nil
}

// spmv computes y = A x for the weighted adjacency A of g, in parallel
// over the fixed row ranges of parts. Each y[v] is summed by one goroutine
// in neighbor order, so the result does not depend on scheduling.
func spmv(g *Graph, parts []int, x, y []float64) {
	parallelChunks(len(parts)-1, func(c int) {
		spmvRange(g, x, y, parts[c], parts[c+1])
	})
}

func spmvRange(g *Graph, x, y []float64, lo, hi int) {
	off, adj := g.off, g.adj
	if g.w == nil {
		for v := lo; v < hi; v++ {
			y[v] = gather(adj[off[v]:off[v+1]], x)
		}
		return
	}
	w := g.w
	for v := lo; v < hi; v++ {
		a, b := off[v], off[v+1]
		y[v] = gatherW(adj[a:b], w[a:b], x)
	}
}

// gather returns the sum of x[u] over u in idx, with four partial sums
// (entries k mod 4) so the loads and adds of a long row overlap; the order
// of additions depends only on the row.
func gather(idx []uint32, x []float64) float64 {
	var s0, s1, s2, s3 float64
	k := 0
	for ; k+4 <= len(idx); k += 4 {
		q := idx[k : k+4 : k+4]
		s0 += x[q[0]]
		s1 += x[q[1]]
		s2 += x[q[2]]
		s3 += x[q[3]]
	}
	for ; k < len(idx); k++ {
		s0 += x[idx[k]]
	}
	return (s0 + s1) + (s2 + s3)
}

// gatherW returns the sum of w[k]*x[idx[k]], summed like [gather].
func gatherW(idx []uint32, w []float32, x []float64) float64 {
	var s0, s1, s2, s3 float64
	k := 0
	w = w[:len(idx)]
	for ; k+4 <= len(idx); k += 4 {
		q := idx[k : k+4 : k+4]
		ws := w[k : k+4 : k+4]
		s0 += float64(ws[0]) * x[q[0]]
		s1 += float64(ws[1]) * x[q[1]]
		s2 += float64(ws[2]) * x[q[2]]
		s3 += float64(ws[3]) * x[q[3]]
	}
	for ; k < len(idx); k++ {
		s0 += float64(w[k]) * x[idx[k]]
	}
	return (s0 + s1) + (s2 + s3)
}

// gather32 is [gather] over a float32 vector, summed in float64. A
// float32 vector halves the memory the random reads of a step touch, which
// on large graphs makes the step about twice as fast.
func gather32(idx []uint32, x []float32) float64 {
	var s0, s1, s2, s3 float64
	k := 0
	for ; k+4 <= len(idx); k += 4 {
		q := idx[k : k+4 : k+4]
		s0 += float64(x[q[0]])
		s1 += float64(x[q[1]])
		s2 += float64(x[q[2]])
		s3 += float64(x[q[3]])
	}
	for ; k < len(idx); k++ {
		s0 += float64(x[idx[k]])
	}
	return (s0 + s1) + (s2 + s3)
}

// gatherW32 is [gatherW] over a float32 vector, summed in float64.
func gatherW32(idx []uint32, w []float32, x []float32) float64 {
	var s0, s1, s2, s3 float64
	k := 0
	w = w[:len(idx)]
	for ; k+4 <= len(idx); k += 4 {
		q := idx[k : k+4 : k+4]
		ws := w[k : k+4 : k+4]
		s0 += float64(ws[0]) * float64(x[q[0]])
		s1 += float64(ws[1]) * float64(x[q[1]])
		s2 += float64(ws[2]) * float64(x[q[2]])
		s3 += float64(ws[3]) * float64(x[q[3]])
	}
	for ; k < len(idx); k++ {
		s0 += float64(w[k]) * float64(x[idx[k]])
	}
	return (s0 + s1) + (s2 + s3)
}

// widen returns x as float64s.
func widen(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

// forEach runs fn over the fixed row ranges in parallel.
func forEach(parts []int, fn func(lo, hi int)) {
	parallelChunks(len(parts)-1, func(c int) { fn(parts[c], parts[c+1]) })
}
