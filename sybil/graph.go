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

// AppendID appends the id of node i to dst and returns the extended
// buffer, like [Graph.ID] without allocating. It panics if i is out of
// range.
func (g *Graph) AppendID(dst []byte, i int) []byte {
	if g.nums != nil {
		return strconv.AppendUint(dst, g.nums[i], 10)
	}
	return append(dst, g.names[i]...)
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
// input order, with optional weights, either as src/dst arrays or as
// segments of interleaved pairs (the edge list reader's form).
type csrInput struct {
	n        int
	src, dst []uint32
	w        []float32 // nil: all 1
	segs     []edgeSeg // used when src is empty
}

// edgeSeg is a run of edges in input order: pairs holds u0, v0, u1, v1, ...
// and w one weight per edge, or nil when every weight is 1.
type edgeSeg struct {
	pairs []uint32
	w     []float32
}

// edgePiece is a range [lo, hi) of the edges of one segment.
type edgePiece struct{ seg, lo, hi int }

// pieceEdges caps the edges of one piece of work when building a graph.
const pieceEdges = 1 << 18

// splitPieces cuts the segments into pieces of at most pieceEdges edges and
// groups consecutive pieces into at most groups runs of about equal size.
func splitPieces(segs []edgeSeg, groups int) [][]edgePiece {
	var pieces []edgePiece
	total := 0
	for s, seg := range segs {
		m := len(seg.pairs) / 2
		total += m
		for lo := 0; lo < m; lo += pieceEdges {
			pieces = append(pieces, edgePiece{s, lo, min(m, lo+pieceEdges)})
		}
	}
	groups = max(1, min(groups, len(pieces)))
	out := make([][]edgePiece, 0, groups)
	done, start := 0, 0
	for i, p := range pieces {
		done += p.hi - p.lo
		if done*groups >= total*(len(out)+1) || i == len(pieces)-1 {
			out = append(out, pieces[start:i+1])
			start = i + 1
		}
	}
	return out
}

// buildCSR turns edges into a symmetric CSR graph with sorted, merged
// rows. Self loops are dropped. Edges are counted and placed in parallel
// over consecutive runs of the input, each run filling its rows after the
// runs before it, so every row holds its entries in input order whatever
// the number of CPUs; rows are then sorted (by neighbor and, for weighted
// graphs, weight bits), so parallel edges are summed in a fixed order and
// the result does not depend on the number of CPUs. It does not set ids.
func buildCSR(in csrInput) *Graph {
	n := in.n
	segs := in.segs
	if len(in.src) > 0 {
		pairs := make([]uint32, 2*len(in.src))
		for e := range in.src {
			pairs[2*e], pairs[2*e+1] = in.src[e], in.dst[e]
		}
		segs = []edgeSeg{{pairs: pairs, w: in.w}}
	}
	g := &Graph{off: make([]int64, n+1), deg: make([]float64, n)}
	weighted := in.w != nil
	total := 0
	for _, s := range segs {
		weighted = weighted || s.w != nil
		total += len(s.pairs) / 2
	}
	workers := runtime.GOMAXPROCS(0)
	if total < 1<<16 {
		workers = 1
	}
	groups := splitPieces(segs, min(workers, 8))
	// Count each node's entries per group.
	cnt := make([][]uint32, len(groups))
	parallelChunks(len(groups), func(c int) {
		k := make([]uint32, n)
		for _, p := range groups[c] {
			pairs := segs[p.seg].pairs[2*p.lo : 2*p.hi]
			for e := 0; e+1 < len(pairs); e += 2 {
				u, v := pairs[e], pairs[e+1]
				if u != v {
					k[u]++
					k[v]++
				}
			}
		}
		cnt[c] = k
	})
	// Row offsets, then each group's first slot in each row: an absolute
	// cursor, so placing an entry touches one array.
	var pos int64
	for u := 0; u < n; u++ {
		g.off[u] = pos
		for _, k := range cnt {
			pos += int64(k[u])
		}
	}
	g.off[n] = pos
	cur := make([][]int64, len(groups))
	parallelChunks(len(groups), func(c int) {
		cur[c] = make([]int64, n)
	})
	parts := partition(g.off, 64)
	forEach(parts, func(lo, hi int) {
		for u := lo; u < hi; u++ {
			p := g.off[u]
			for c, k := range cnt {
				cur[c][u] = p
				p += int64(k[u])
			}
		}
	})
	cnt = nil
	g.adj = make([]uint32, pos)
	if weighted {
		g.w = make([]float32, pos)
	}
	parallelChunks(len(groups), func(c int) {
		cur, adj, w := cur[c], g.adj, g.w
		for _, p := range groups[c] {
			seg := segs[p.seg]
			pairs := seg.pairs[2*p.lo : 2*p.hi]
			for e := 0; e+1 < len(pairs); e += 2 {
				u, v := pairs[e], pairs[e+1]
				if u == v {
					continue
				}
				pu, pv := cur[u], cur[v]
				cur[u], cur[v] = pu+1, pv+1
				adj[pu], adj[pv] = v, u
				if w != nil {
					x := float32(1)
					if seg.w != nil {
						x = seg.w[p.lo+e/2]
					}
					w[pu], w[pv] = x, x
				}
			}
		}
	})
	cur = nil
	g.sortRows()
	g.finish()
	return g
}

// sortRows sorts each row by neighbor index and merges parallel edges,
// summing their weights in (neighbor, weight) order.
func (g *Graph) sortRows() {
	n := g.Len()
	parts := partition(g.off, 64)
	dups := make([]int64, len(parts)-1)
	parallelChunks(len(parts)-1, func(c int) {
		var buf []uint64
		var d int64
		for i := parts[c]; i < parts[c+1]; i++ {
			row := g.adj[g.off[i]:g.off[i+1]]
			if increasing(row) {
				continue
			}
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
	// Merge parallel edges: compact each row in place (in parallel), then
	// close the gaps between rows.
	if g.w == nil {
		g.w = make([]float32, len(g.adj))
		forEach(parts, func(lo, hi int) {
			clear1(g.w[g.off[lo]:g.off[hi]])
		})
	}
	rowLen := make([]int64, n)
	forEach(parts, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			a, b := g.off[i], g.off[i+1]
			out := a
			for k := a; k < b; k++ {
				if out > a && g.adj[out-1] == g.adj[k] {
					g.w[out-1] += g.w[k]
					continue
				}
				g.adj[out], g.w[out] = g.adj[k], g.w[k]
				out++
			}
			rowLen[i] = out - a
		}
	})
	var out int64
	for i := 0; i < n; i++ {
		a := g.off[i]
		l := rowLen[i]
		if out != a {
			copy(g.adj[out:out+l], g.adj[a:a+l])
			copy(g.w[out:out+l], g.w[a:a+l])
		}
		g.off[i] = out
		out += l
	}
	g.off[n] = out
	g.adj = slices.Clip(g.adj[:out])
	g.w = slices.Clip(g.w[:out])
}

// increasing reports whether row is strictly increasing.
func increasing(row []uint32) bool {
	for k := 1; k < len(row); k++ {
		if row[k] <= row[k-1] {
			return false
		}
	}
	return true
}

// clear1 sets every element of w to 1.
func clear1(w []float32) {
	for k := range w {
		w[k] = 1
	}
}

// finish computes degrees, the edge count and drops all-one weights.
func (g *Graph) finish() {
	g.m = len(g.adj) / 2
	parts := partition(g.off, 64)
	if g.w != nil {
		notOne := make([]bool, len(parts)-1)
		parallelChunks(len(parts)-1, func(c int) {
			for _, x := range g.w[g.off[parts[c]]:g.off[parts[c+1]]] {
				if x != 1 {
					notOne[c] = true
					return
				}
			}
		})
		if !slices.Contains(notOne, true) {
			g.w = nil
		}
	}
	forEach(parts, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if g.w == nil {
				g.deg[i] = float64(g.off[i+1] - g.off[i])
				continue
			}
			var s float64
			for _, x := range g.w[g.off[i]:g.off[i+1]] {
				s += float64(x)
			}
			g.deg[i] = s
		}
	})
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
