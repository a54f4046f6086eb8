package sybil

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// BenchmarkScale is the scale benchmark of BENCHMARKS.md: a
// preferential-attachment graph of 1,000,000 nodes and 10,000,000 edges
// (genPA, seed 42) written as a numeric edge list, then read and ranked
// with SybilRank from seeds 0..99:
//
//	go test ./sybil -run '^$' -bench BenchmarkScale -benchtime=1x
//
// With SYBIL_SCALE_DIR set the edge list is written there (and reused);
// otherwise to a temporary directory. If /usr/bin/python3 has scipy, the
// baseline scripts/sybilrank_scipy.py runs on the same file in the same
// run. Reported metrics (seconds): read-s (edge list to graph), rank-s
// (SybilRank), total-s (both), polity-s (Polity's method), tri-s (its
// triangle count alone), scipy-s (the whole baseline process) and
// scipy-rank-s (the baseline's own rank timing). The machine is shared, so
// compare Go with the baseline of the same run only.
func BenchmarkScale(b *testing.B) {
	const n, m = 1_000_000, 10_000_000
	dir := os.Getenv("SYBIL_SCALE_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	path := filepath.Join(dir, "pa-1m-10m.txt")
	if _, err := os.Stat(path); err != nil {
		e := &edgeArrays{n: n}
		genPA(e, 0, n, m, 42)
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		var buf []byte
		for k := range e.src {
			buf = strconv.AppendUint(buf[:0], uint64(e.src[k]), 10)
			buf = append(buf, ' ')
			buf = strconv.AppendUint(buf, uint64(e.dst[k]), 10)
			buf = append(buf, '\n')
			w.Write(buf)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	seeds := make([]int, 100)
	for i := range seeds {
		seeds[i] = i
	}
	for b.Loop() {
		start := time.Now()
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		g, err := ReadEdgeList(f, nil)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		read := time.Since(start)
		r0 := time.Now()
		if _, err := Rank(context.Background(), g, seeds, &RankOptions{Method: MethodSybilRank}); err != nil {
			b.Fatal(err)
		}
		rank := time.Since(r0)
		total := time.Since(start)
		p0 := time.Now()
		if _, err := Rank(context.Background(), g, seeds, &RankOptions{Method: MethodPolity}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(p0).Seconds(), "polity-s")
		t0 := time.Now()
		triangles(g, partition(g.off, 64))
		b.ReportMetric(time.Since(t0).Seconds(), "tri-s")
		b.ReportMetric(read.Seconds(), "read-s")
		b.ReportMetric(rank.Seconds(), "rank-s")
		b.ReportMetric(total.Seconds(), "total-s")
		b.Logf("nodes %d edges %d", g.Len(), g.Edges())
	}
	if exec.Command("/usr/bin/python3", "-c", "import scipy").Run() == nil {
		s0 := time.Now()
		out, err := exec.Command("/usr/bin/python3", "../scripts/sybilrank_scipy.py", path).CombinedOutput()
		if err != nil {
			b.Fatalf("scipy baseline: %v\n%s", err, out)
		}
		b.ReportMetric(time.Since(s0).Seconds(), "scipy-s")
		for _, line := range strings.Split(string(out), "\n") {
			if v, ok := strings.CutPrefix(line, "rank "); ok {
				if x, err := strconv.ParseFloat(v, 64); err == nil {
					b.ReportMetric(x, "scipy-rank-s")
				}
			}
		}
		b.Logf("scipy baseline:\n%s", out)
	}
}

// BenchmarkSpMV measures one parallel sparse matrix-vector product, the
// hot loop of every method.
func BenchmarkSpMV(b *testing.B) {
	g := paGraph(200_000, 2_000_000, 3)
	x := make([]float64, g.Len())
	y := make([]float64, g.Len())
	for i := range x {
		x[i] = float64(i%7) / 7
	}
	parts := partition(g.off, 64)
	for b.Loop() {
		spmv(g, parts, x, y)
	}
}

// BenchmarkTriangles measures the triangle count of Polity's method on a
// preferential-attachment graph of 200,000 nodes and 2,000,000 edges.
func BenchmarkTriangles(b *testing.B) {
	g := paGraph(200_000, 2_000_000, 3)
	parts := partition(g.off, 64)
	for b.Loop() {
		triangles(g, parts)
	}
}

// naiveTriangles counts the triangles through each adjacency entry by
// merging the two sorted rows, the definition triangles must match.
func naiveTriangles(g *Graph) []uint32 {
	t := make([]uint32, len(g.adj))
	for u := 0; u < g.Len(); u++ {
		nu := g.adj[g.off[u]:g.off[u+1]]
		for k, v := range nu {
			nv := g.adj[g.off[v]:g.off[v+1]]
			i, j := 0, 0
			for i < len(nu) && j < len(nv) {
				switch {
				case nu[i] < nv[j]:
					i++
				case nu[i] > nv[j]:
					j++
				default:
					t[g.off[u]+int64(k)]++
					i++
					j++
				}
			}
		}
	}
	return t
}

// TestTriangles checks the degree-ordered triangle count against the
// naive one, with the default and tiny cache blocks, on preferential-
// attachment graphs, a dense random graph, a clique (every edge in n-2
// triangles) and email-Enron.
func TestTriangles(t *testing.T) {
	dense := &edgeArrays{n: 300}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 6000 {
		dense.add(rng.IntN(300), rng.IntN(300))
	}
	clique := &edgeArrays{n: 40}
	for u := range 40 {
		for v := u + 1; v < 40; v++ {
			clique.add(u, v)
		}
	}
	graphs := map[string]*Graph{
		"pa-2000-8000":  paGraph(2000, 8000, 11),
		"pa-5000-50000": paGraph(5000, 50000, 12),
		"random-300":    dense.graph(),
		"clique-40":     clique.graph(),
		"enron":         loadEnron(t),
		"empty":         buildCSR(csrInput{}),
	}
	for name, g := range graphs {
		t.Run(name, func(t *testing.T) {
			want := naiveTriangles(g)
			defer func(b int) { triBlockEntries = b }(triBlockEntries)
			// Tiny blocks split even the small graphs into many blocks of
			// middle nodes, so rows cross blocks that other workers take.
			for _, block := range []int{triBlockEntries, 64, 1} {
				triBlockEntries = block
				for _, procs := range []int{1, 2} {
					old := runtime.GOMAXPROCS(procs)
					got := triangles(g, partition(g.off, 64))
					runtime.GOMAXPROCS(old)
					if !slices.Equal(got, want) {
						t.Fatalf("block %d, GOMAXPROCS %d: triangle counts differ from the naive count", block, procs)
					}
				}
			}
		})
	}
}

// readLinesOnly reads an edge list with the line-by-line parser alone,
// the reference for the parallel block reader.
func readLinesOnly(in string, opts *EdgeListOptions) (*Graph, error) {
	fast, size := edgeFastPath, edgeBlockSize
	edgeFastPath, edgeBlockSize = false, 1<<16
	defer func() { edgeFastPath, edgeBlockSize = fast, size }()
	return ReadEdgeList(strings.NewReader(in), opts)
}

// readBlocks reads an edge list on the fast path with tiny blocks and a
// reader that returns a few bytes at a time.
func readBlocks(in string, opts *EdgeListOptions, block int) (*Graph, error) {
	size := edgeBlockSize
	edgeBlockSize = block
	defer func() { edgeBlockSize = size }()
	return ReadEdgeList(iotest.HalfReader(strings.NewReader(in)), opts)
}

// sameEdgeListResult reports whether two reads gave the same graph
// (node order included) or the same error and line.
func sameEdgeListResult(g1 *Graph, err1 error, g2 *Graph, err2 error) string {
	if (err1 == nil) != (err2 == nil) {
		return fmt.Sprintf("errors differ: %v vs %v", err1, err2)
	}
	if err1 != nil {
		var l1, l2 *LineError
		if errors.As(err1, &l1) != errors.As(err2, &l2) || (l1 != nil && (l1.Line != l2.Line || l1.Err != l2.Err)) ||
			errors.Is(err1, ErrTooLarge) != errors.Is(err2, ErrTooLarge) {
			return fmt.Sprintf("errors differ: %v vs %v", err1, err2)
		}
		return ""
	}
	if g1.Len() != g2.Len() || g1.Edges() != g2.Edges() {
		return fmt.Sprintf("sizes differ: %d/%d vs %d/%d", g1.Len(), g1.Edges(), g2.Len(), g2.Edges())
	}
	for i := range g1.Len() {
		if g1.ID(i) != g2.ID(i) || math.Float64bits(g1.Degree(i)) != math.Float64bits(g2.Degree(i)) {
			return fmt.Sprintf("node %d differs", i)
		}
		var a, b []string
		for v, w := range g1.Neighbors(i) {
			a = append(a, fmt.Sprint(v, w))
		}
		for v, w := range g2.Neighbors(i) {
			b = append(b, fmt.Sprint(v, w))
		}
		if !slices.Equal(a, b) {
			return fmt.Sprintf("row %d differs: %v vs %v", i, a, b)
		}
	}
	return ""
}

// blockVectors are edge lists that cross the fast path's edges: comments,
// CRLF, weights, ids of 2^32 and more, non-canonical ids that switch to
// string ids mid-input, bad lines after good blocks, long lines.
var blockVectors = []struct {
	name, in string
	opts     *EdgeListOptions
}{
	{"numeric", "1 2\n2 3\n3 4\n4 5\n5 6\n6 7\n7 1\n10 11\n11 12\n", nil},
	{"comments and blanks", "# header\n\n1 2 # c\n  2\t3\r\n#x\n3 1#y\n\n4 4\n", nil},
	{"weights", "1 2 0.5\n2 3\n3 1 2e3\n1 2 1.5\n5 6 1\n6 7 0.25\n", nil},
	{"wide ids", "1 2\n4294967296 1\n2 18446744073709551615\n3 4\n", nil},
	{"switch to strings", "1 2\n2 3\n3 4\n4 5\n5 6\nalice 1\n07 2\nbob alice\n6 7\n", nil},
	{"bad line late", "1 2\n2 3\n3 4\n4 5\n5 6\n6 7\n7\n8 9\n", nil},
	{"bad weight late", "1 2\n2 3\n3 4\n4 5\n5 6\n6 7 -1\n", nil},
	{"four fields", "1 2\n2 3\n3 4\n4 5 6 7\n", nil},
	{"edge cap", "1 2\n2 3\n3 4\n4 5\n5 6\n6 7\n", &EdgeListOptions{MaxEdges: 4}},
	{"node cap", "1 2\n2 3\n3 4\n4 5\n5 6\n6 7\n", &EdgeListOptions{MaxNodes: 5}},
	{"string node cap", "a b\nc d\ne f\ng h\n", &EdgeListOptions{MaxNodes: 5}},
	{"long line", "1 2\n2 3\n3 4\n4 5\n" + strings.Repeat("7", 40) + " 1\n5 6\n", &EdgeListOptions{MaxLineBytes: 32}},
	{"long last line", "1 2\n2 3\n" + strings.Repeat(" ", 40), &EdgeListOptions{MaxLineBytes: 32}},
	{"line at cap", "1 2\n2 3\n" + strings.Repeat(" ", 28) + "1 2\n3 4", &EdgeListOptions{MaxLineBytes: 32}},
	{"no final newline", "1 2\n2 3\n3 4", nil},
	{"leading zero", "0 1\n1 2\n00 3\n", nil},
	{"empty", "", nil},
	{"only comments", "# a\n# b\n", nil},
}

// TestReadEdgeListBlocks checks that the parallel block reader gives the
// graph, node order and errors of the line-by-line parser, whatever the
// block size.
func TestReadEdgeListBlocks(t *testing.T) {
	for _, v := range blockVectors {
		t.Run(v.name, func(t *testing.T) {
			g1, err1 := readLinesOnly(v.in, v.opts)
			for _, block := range []int{1, 5, 9, 17, 64, 1 << 20} {
				g2, err2 := readBlocks(v.in, v.opts, block)
				if d := sameEdgeListResult(g1, err1, g2, err2); d != "" {
					t.Fatalf("block %d: %s", block, d)
				}
			}
		})
	}
	// A read error after good lines is returned wrapped.
	in := io.MultiReader(strings.NewReader("1 2\n2 3\n"), iotest.ErrReader(io.ErrUnexpectedEOF))
	if _, err := ReadEdgeList(in, nil); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("read error: %v", err)
	}
}

// FuzzReadEdgeListBlocks checks the block reader against the line-by-line
// parser on arbitrary input and block sizes.
func FuzzReadEdgeListBlocks(f *testing.F) {
	for _, v := range blockVectors {
		f.Add(v.in, uint8(7))
	}
	f.Fuzz(func(t *testing.T, in string, block uint8) {
		opts := &EdgeListOptions{MaxNodes: 1000, MaxEdges: 1000, MaxLineBytes: 64}
		g1, err1 := readLinesOnly(in, opts)
		g2, err2 := readBlocks(in, opts, int(block))
		if d := sameEdgeListResult(g1, err1, g2, err2); d != "" {
			t.Fatalf("%q, block %d: %s", in, block, d)
		}
	})
}
