package sybil

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
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
// run. Reported metrics: read-s, rank-s, total-s, polity-s, scipy-s.
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
