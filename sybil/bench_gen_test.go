package sybil

import (
	"compress/gzip"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
)

// edgeArrays is a test graph under construction: an edge array over nodes
// 0..n-1.
type edgeArrays struct {
	n        int
	src, dst []uint32
}

func (e *edgeArrays) add(u, v int) {
	e.src = append(e.src, uint32(u))
	e.dst = append(e.dst, uint32(v))
}

func (e *edgeArrays) graph() *Graph {
	g := buildCSR(csrInput{n: e.n, src: e.src, dst: e.dst})
	g.nums = make([]uint64, e.n)
	for i := range g.nums {
		g.nums[i] = uint64(i)
	}
	return g
}

// genPA appends to e a preferential-attachment graph (Barabasi-Albert, by
// the repeated-endpoints method of Batagelj and Brandes) on nodes
// base..base+n-1 with m edges in total: node i (i >= 1) adds
// floor((i+1)m/n) - floor(im/n) edges, capped at i, to distinct earlier
// nodes chosen with probability proportional to degree (uniformly while
// no edge exists). The generator is a PCG seeded with (seed, 1).
func genPA(e *edgeArrays, base, n, m int, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	ends := make([]uint32, 0, 2*m)
	var picked []uint32
	for i := 1; i < n; i++ {
		k := (i+1)*m/n - i*m/n
		k = min(k, i)
		picked = picked[:0]
		for len(picked) < k {
			var t uint32
			if len(ends) == 0 {
				t = uint32(rng.IntN(i))
			} else {
				t = ends[rng.IntN(len(ends))]
			}
			if slices.Contains(picked, t) {
				if len(picked) >= i { // cannot happen: k <= i
					break
				}
				// Fall back to a uniform pick to guarantee progress.
				t = uint32(rng.IntN(i))
				if slices.Contains(picked, t) {
					continue
				}
			}
			picked = append(picked, t)
		}
		for _, t := range picked {
			e.add(base+i, base+int(t))
			ends = append(ends, uint32(i), t)
		}
	}
}

// loadEnron reads the email-Enron edge list from testdata.
func loadEnron(tb testing.TB) *Graph {
	tb.Helper()
	f, err := os.Open("../testdata/enron/edges.txt.gz")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	g, err := ReadEdgeList(zr, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return g
}
