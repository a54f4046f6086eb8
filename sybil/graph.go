package sybil

import (
	"fmt"
	"iter"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
)

// Size caps for graphs. An edge list or a [Builder] that would go over them
// fails with an error that wraps [ErrBadGraph] or [ErrBadEdgeList] and
// [ErrTooLarge].
const (
	// DefaultMaxNodes is the default cap on the number of nodes of a graph.
	DefaultMaxNodes = 1 << 25
	// DefaultMaxEdges is the default cap on the number of edges of a graph
	// (input lines of an edge list, or attestation pairs of a [Builder]).
	DefaultMaxEdges = 1 << 27
	// maxNodesHard is the cap imposed by the 32-bit node index.
	maxNodesHard = math.MaxInt32
)

// Graph is an immutable undirected trust graph with positive edge weights,
// stored in compressed sparse row (CSR) form: one offsets array, one
// neighbor array and one weight array, so a graph of n nodes and m edges
// takes about 8n + 16m bytes (8n + 8m when every weight is 1).
//
// Nodes are numbered 0..Len()-1. Each node has a string id: the DID or name
// it was built from, or a decimal number for a numeric edge list. Parallel
// edges are merged (their weights summed) and self loops are dropped.
// Neighbors of a node are kept in ascending index order.
//
// A Graph is safe for concurrent use. Build one with a [Builder] (from
// attestations) or [ReadEdgeList] (from an edge list).
type Graph struct {
	off []int64   // row offsets, len n+1
	adj []uint32  // neighbor indices
	w   []float32 // weights parallel to adj; nil when every weight is 1
	deg []float64 // weighted degree of each node
	m   int       // undirected edges

	// ids: exactly one of names and nums is set (both nil for n == 0).
	names []string         // string ids, by node
	index map[string]int32 // string id -> node
	nums  []uint64         // numeric ids, by node, strictly increasing
}

// Len returns the number of nodes.
func (g *Graph) Len() int { return len(g.deg) }

// Edges returns the number of undirected edges (after merging parallel
// edges).
func (g *Graph) Edges() int { return g.m }

// ID returns the id of node i. It panics if i is out of range.
func (g *Graph) ID(i int) string {
	if g.nums != nil {
		return strconv.FormatUint(g.nums[i], 10)
	}
	return g.names[i]
}

// Node returns the node with the given id.
func (g *Graph) Node(id string) (int, bool) {
	if g.nums != nil {
		v, ok := parseCanonicalUint([]byte(id))
		if !ok {
			return 0, false
		}
		i, found := slices.BinarySearch(g.nums, v)
		return i, found
	}
	i, ok := g.index[id]
	return int(i), ok
}

// Nodes maps ids to nodes. An id that is not in the graph gives an error
// wrapping [ErrUnknownNode].
func (g *Graph) Nodes(ids []string) ([]int, error) {
	out := make([]int, len(ids))
	for k, id := range ids {
		i, ok := g.Node(id)
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrUnknownNode, id)
		}
		out[k] = i
	}
	return out, nil
}

// Degree returns the weighted degree of node i: the sum of the weights of
// its edges. It panics if i is out of range.
func (g *Graph) Degree(i int) float64 { return g.deg[i] }

// Neighbors yields each neighbor of node i with the edge weight, in
// ascending node order. It panics if i is out of range.
func (g *Graph) Neighbors(i int) iter.Seq2[int, float64] {
	return func(yield func(int, float64) bool) {
		for k := g.off[i]; k < g.off[i+1]; k++ {
			if !yield(int(g.adj[k]), g.weight(k)) {
				return
			}
		}
	}
}

// weight returns the weight of adjacency entry k.
func (g *Graph) weight(k int64) float64 {
	if g.w == nil {
		return 1
	}
	return float64(g.w[k])
}

// csrInput is the raw material of a graph: edges between node indices in
// input order, with optional weights.
type csrInput struct {
	n        int
	src, dst []uint32
	w        []float32 // nil: all 1
}

// buildCSR turns an edge array into a symmetric CSR graph with sorted,
// merged rows. Self loops are dropped. The result does not depend on the
// number of CPUs. It does not set ids.
func buildCSR(in csrInput) *Graph {
	n := in.n
	g := &Graph{off: make([]int64, n+1), deg: make([]float64, n)}
	// Count degrees.
	cnt := g.off[1:]
	for e := range in.src {
		u, v := in.src[e], in.dst[e]
		if u == v {
			continue
		}
		cnt[u]++
		cnt[v]++
	}
	var total int64
	for i := range cnt {
		c := cnt[i]
		cnt[i] = total
		total += c
	}
	// cnt[i] now holds the start of row i and becomes its fill cursor;
	// after the fill loop it holds the end of row i, i.e. off[i+1].
	g.adj = make([]uint32, total)
	if in.w != nil {
		g.w = make([]float32, total)
	}
	for e := range in.src {
		u, v := in.src[e], in.dst[e]
		if u == v {
			continue
		}
		pu, pv := cnt[u], cnt[v]
		g.adj[pu], g.adj[pv] = v, u
		if g.w != nil {
			g.w[pu], g.w[pv] = in.w[e], in.w[e]
		}
		cnt[u], cnt[v] = pu+1, pv+1
	}
	g.sortRows()
	g.finish()
	return g
}

// sortRows sorts each row by neighbor index and merges parallel edges.
func (g *Graph) sortRows() {
	n := g.Len()
	parts := partition(g.off, 64)
	dups := make([]int64, len(parts)-1)
	parallelChunks(len(parts)-1, func(c int) {
		var buf []uint64
		var d int64
		for i := parts[c]; i < parts[c+1]; i++ {
			row := g.adj[g.off[i]:g.off[i+1]]
			if g.w == nil {
				slices.Sort(row)
			} else {
				ws := g.w[g.off[i]:g.off[i+1]]
				buf = buf[:0]
				for k, v := range row {
					buf = append(buf, uint64(v)<<32|uint64(math.Float32bits(ws[k])))
				}
				slices.Sort(buf)
				for k, x := range buf {
					row[k], ws[k] = uint32(x>>32), math.Float32frombits(uint32(x))
				}
			}
			for k := 1; k < len(row); k++ {
				if row[k] == row[k-1] {
					d++
				}
			}
		}
		dups[c] = d
	})
	var anyDup bool
	for _, d := range dups {
		anyDup = anyDup || d > 0
	}
	if !anyDup {
		return
	}
	// Rare path: merge parallel edges, summing weights.
	if g.w == nil {
		g.w = make([]float32, len(g.adj))
		for k := range g.w {
			g.w[k] = 1
		}
	}
	var out int64
	start := int64(0)
	for i := 0; i < n; i++ {
		end := g.off[i+1]
		rowStart := out
		for k := start; k < end; k++ {
			if out > rowStart && g.adj[out-1] == g.adj[k] {
				g.w[out-1] += g.w[k]
				continue
			}
			g.adj[out], g.w[out] = g.adj[k], g.w[k]
			out++
		}
		start = end
		g.off[i+1] = out
	}
	g.adj = slices.Clip(g.adj[:out])
	g.w = slices.Clip(g.w[:out])
}

// finish computes degrees, the edge count and drops all-one weights.
func (g *Graph) finish() {
	n := g.Len()
	g.m = len(g.adj) / 2
	if g.w != nil {
		allOne := true
		for _, x := range g.w {
			if x != 1 {
				allOne = false
				break
			}
		}
		if allOne {
			g.w = nil
		}
	}
	for i := 0; i < n; i++ {
		if g.w == nil {
			g.deg[i] = float64(g.off[i+1] - g.off[i])
			continue
		}
		var s float64
		for k := g.off[i]; k < g.off[i+1]; k++ {
			s += float64(g.w[k])
		}
		g.deg[i] = s
	}
}

// partition splits the rows described by off into at most parts ranges of
// about equal work (entries plus rows). The split depends only on the
// graph, never on the number of CPUs, so results computed per range and
// combined in range order are the same on every machine.
func partition(off []int64, parts int) []int {
	n := len(off) - 1
	if n <= 0 {
		return []int{0, 0}
	}
	if parts > n {
		parts = n
	}
	total := off[n] + int64(n)
	b := make([]int, 0, parts+1)
	b = append(b, 0)
	for p := 1; p < parts; p++ {
		target := total * int64(p) / int64(parts)
		// first row i with off[i]+i >= target
		lo, hi := b[len(b)-1], n
		for lo < hi {
			mid := (lo + hi) / 2
			if off[mid]+int64(mid) < target {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		if lo > b[len(b)-1] {
			b = append(b, lo)
		}
	}
	if b[len(b)-1] != n {
		b = append(b, n)
	}
	return b
}

// parallelChunks runs fn(0..chunks-1) on up to GOMAXPROCS goroutines. Each
// chunk must write only its own outputs.
func parallelChunks(chunks int, fn func(c int)) {
	workers := min(runtime.GOMAXPROCS(0), chunks)
	if workers <= 1 {
		for c := 0; c < chunks; c++ {
			fn(c)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				fn(c)
			}
		})
	}
	wg.Wait()
}

// parseCanonicalUint parses a canonical decimal number: digits only, no
// leading zero unless the number is 0, at most 19 digits.
func parseCanonicalUint(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 19 || (b[0] == '0' && len(b) > 1) {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, true
}
