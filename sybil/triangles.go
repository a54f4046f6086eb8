package sybil

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// triangles returns, for each adjacency entry of g, the number of
// triangles through that edge (common neighbors of its two ends). It is
// exact, with the work bounded by the degree-ordering method (Chiba and
// Nishizeki, SIAM J. Comput. 1985; Schank and Wagner, WEA 2005): each edge
// is oriented toward its end of higher (degree, index) rank, so a node has
// at most sqrt(2m) out-neighbors, and each triangle u < v < w in that
// order is found once, from its edge u-v, by checking v's out-neighbors
// against u's (see [countOriented] for the cache blocking). Counts are
// integers added atomically, so the result does not depend on scheduling.
func triangles(g *Graph, parts []int) []uint32 {
	return countTriangles(g, parts).spread(g, parts)
}

// triCounts holds the triangle counts of the degree-oriented graph: each
// edge once, as an entry of the out-list of its end of lower rank.
type triCounts struct {
	outOff []int64  // per node, into outAdj and tOut
	outAdj []uint32 // out-neighbors, by node, in index order
	tOut   []uint32 // triangles through each out-entry
}

// countTriangles orients g and counts the triangles through each oriented
// edge; see [triangles].
//
// The count itself runs on a copy of the oriented graph relabeled by rank:
// node u becomes its position in (degree, index) order, and each out-list
// holds the ranks of its out-neighbors in ascending order. Every edge then
// points to a higher number, which lets [countOriented] cut the middle
// nodes of the triangles into consecutive blocks, and the out-lists of the
// high-degree nodes, read most often, sit together at the end. The counts
// are mapped back to the out-entries in index order, so the result is the
// same as counting on g directly.
func countTriangles(g *Graph, parts []int) *triCounts {
	n := g.Len()
	if n == 0 {
		return &triCounts{outOff: make([]int64, 1)}
	}
	rank := degreeRanks(g)
	// Out-neighbors of each node, in row (index) order; up[k] marks the
	// entries toward a higher rank, so each rank is looked up once.
	outOff := make([]int64, n+1)
	up := make([]bool, len(g.adj))
	forEach(parts, func(lo, hi int) {
		for u := lo; u < hi; u++ {
			a := g.off[u]
			ru := rank[u]
			var c int64
			for k, v := range g.adj[a:g.off[u+1]] {
				if rank[v] > ru {
					up[a+int64(k)] = true
					c++
				}
			}
			outOff[u+1] = c
		}
	})
	for u := 0; u < n; u++ {
		outOff[u+1] += outOff[u]
	}
	outAdj := make([]uint32, outOff[n])
	forEach(parts, func(lo, hi int) {
		o := outOff[lo]
		a, b := g.off[lo], g.off[hi]
		for k, v := range g.adj[a:b] {
			if up[a+int64(k)] {
				outAdj[o] = v
				o++
			}
		}
	})
	up = nil

	// The relabeled copy: row rank[u] holds the sorted ranks of u's
	// out-neighbors.
	rOff := make([]int64, n+1)
	forEach(parts, func(lo, hi int) {
		for u := lo; u < hi; u++ {
			rOff[rank[u]+1] = outOff[u+1] - outOff[u]
		}
	})
	for r := 0; r < n; r++ {
		rOff[r+1] += rOff[r]
	}
	rAdj := make([]uint32, len(outAdj))
	forEach(parts, func(lo, hi int) {
		for u := lo; u < hi; u++ {
			ru := rank[u]
			row := rAdj[rOff[ru]:rOff[ru+1]]
			for i, v := range outAdj[outOff[u]:outOff[u+1]] {
				row[i] = rank[v]
			}
			slices.Sort(row)
		}
	})
	rT := countOriented(rOff, rAdj)

	// Map the counts back: the out-entry of u toward v is the entry of
	// rank[v] in row rank[u]. Rows without a triangle, most rows of a
	// sparse graph, are skipped.
	some := make([]bool, n)
	forEach(partition(rOff, 64), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			some[r] = slices.ContainsFunc(rT[rOff[r]:rOff[r+1]], func(c uint32) bool { return c != 0 })
		}
	})
	tOut := make([]uint32, len(outAdj))
	forEach(parts, func(lo, hi int) {
		for u := lo; u < hi; u++ {
			ru := rank[u]
			if !some[ru] {
				continue
			}
			a, b := rOff[ru], rOff[ru+1]
			row, rt := rAdj[a:b], rT[a:b]
			o := outOff[u]
			for i, v := range outAdj[o:outOff[u+1]] {
				k, _ := slices.BinarySearch(row, rank[v])
				tOut[o+int64(i)] = rt[k]
			}
		}
	})
	return &triCounts{outOff: outOff, outAdj: outAdj, tOut: tOut}
}

// degreeRanks returns the position of each node of g in ascending
// (degree, index) order, by a counting sort on the degree.
func degreeRanks(g *Graph) []uint32 {
	n := g.Len()
	var maxDeg int64
	for u := range n {
		maxDeg = max(maxDeg, g.off[u+1]-g.off[u])
	}
	start := make([]uint32, maxDeg+2)
	for u := range n {
		start[g.off[u+1]-g.off[u]+1]++
	}
	for d := int64(1); d < int64(len(start)); d++ {
		start[d] += start[d-1]
	}
	rank := make([]uint32, n)
	for u := range n {
		d := g.off[u+1] - g.off[u]
		rank[u] = start[d]
		start[d]++
	}
	return rank
}

// triBlockEntries is the number of out-list entries (plus rows) of one
// block of middle nodes in [countOriented]: 512 KiB of lists, which stay
// in a core's cache while every row is checked against them.
var triBlockEntries = 1 << 17

// countOriented counts the triangles through each entry of an oriented
// graph whose out-lists are sorted and point to higher node numbers. Each
// triangle u < v < w is found once, from its edge u-v: the rest of u's
// out-list (the entries after v) is marked in a bitmap and v's out-list
// is checked against it.
//
// The checks are blocked for the cache: the middle nodes v are cut into
// consecutive blocks whose out-lists fit in a core's cache, and for each
// block every row u walks its out-entries inside the block, so the lists
// of v are read from cache instead of from random places in memory. Each
// row keeps a cursor to its first entry not yet visited, and the value of
// that entry in a compact array, so a row with nothing in a block costs
// one sequential read, and a row whose only entry left is in the block is
// not read at all; a row is marked once per block it has entries in.
// Blocks are handed out in turn, in increasing order, so each worker's
// cursors only move forward; the counts are integers added atomically, so
// the result does not depend on scheduling.
func countOriented(off []int64, adj []uint32) []uint32 {
	n := len(off) - 1
	t := make([]uint32, len(adj))
	if len(adj) == 0 {
		return t
	}
	blocks := partition(off, max(1, (len(adj)+n)/triBlockEntries))
	workers := min(runtime.GOMAXPROCS(0), len(blocks)-1)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			cur := slices.Clone(off[:n]) // per row, its next entry to visit
			head := make([]uint32, n)    // adj[cur[u]], or n past the row's end
			mark := make([]uint64, n/64+1)
			for u := range n {
				head[u] = uint32(n)
				if off[u] < off[u+1] {
					head[u] = adj[off[u]]
				}
			}
			for {
				c := int(next.Add(1) - 1)
				if c >= len(blocks)-1 {
					return
				}
				lo, hi := uint32(blocks[c]), uint32(blocks[c+1])
				for u := range int(hi) {
					if head[u] >= hi {
						continue
					}
					k, end := cur[u], off[u+1]
					if k == end-1 && head[u] >= lo {
						// The row's last entry: no triangle has its
						// third node after it, so the row is not read.
						cur[u], head[u] = end, uint32(n)
						continue
					}
					for k < end && adj[k] < lo {
						k++ // an entry of a block another worker took
					}
					marked := int64(-1) // start of the marked rest of row u
					for ; k < end && adj[k] < hi; k++ {
						v := adj[k]
						j, je := off[v], off[v+1]
						if j == je || k+1 == end {
							continue
						}
						if marked < 0 {
							marked = k + 1
							for _, w := range adj[marked:end] {
								mark[w>>6] |= 1 << (w & 63)
							}
						}
						var c uint32
						for ; j < je; j++ {
							if w := adj[j]; mark[w>>6]&(1<<(w&63)) != 0 {
								c++
								i, _ := slices.BinarySearch(adj[k+1:end], w)
								atomic.AddUint32(&t[k+1+int64(i)], 1)
								atomic.AddUint32(&t[j], 1)
							}
						}
						if c != 0 {
							atomic.AddUint32(&t[k], c)
						}
					}
					if marked >= 0 {
						for _, w := range adj[marked:end] {
							mark[w>>6] = 0
						}
					}
					cur[u] = k
					head[u] = uint32(n)
					if k < end {
						head[u] = adj[k]
					}
				}
			}
		})
	}
	wg.Wait()
	return t
}

// spread returns the count of each adjacency entry of g.
func (tc *triCounts) spread(g *Graph, parts []int) []uint32 {
	n := g.Len()
	t := make([]uint32, len(g.adj))
	outOff, outAdj, tOut := tc.outOff, tc.outAdj, tc.tOut
	// Spread the counts to both entries of each edge: an entry toward a
	// higher rank is the next out-entry of its row; an entry toward a
	// lower rank v is found by binary search in v's short out-list, unless
	// v has no triangle at all.
	some := make([]bool, n)
	forEach(parts, func(lo, hi int) {
		for v := lo; v < hi; v++ {
			some[v] = slices.ContainsFunc(tOut[outOff[v]:outOff[v+1]], func(c uint32) bool { return c != 0 })
		}
	})
	forEach(parts, func(lo, hi int) {
		for u := lo; u < hi; u++ {
			o, end := outOff[u], outOff[u+1]
			row := g.adj[g.off[u]:g.off[u+1]]
			tu := t[g.off[u]:g.off[u+1]]
			for k, v := range row {
				if o < end && outAdj[o] == v {
					tu[k] = tOut[o]
					o++
					continue
				}
				if some[v] {
					ov := outAdj[outOff[v]:outOff[v+1]]
					if j, ok := slices.BinarySearch(ov, uint32(u)); ok {
						tu[k] = tOut[outOff[v]+int64(j)]
					}
				}
			}
		}
	})
	return t
}
