package sybil

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestReadEdgeList(t *testing.T) {
	g := mustGraph(t, "# comment\n1 2\n2 3 2.5 # trailing\n\n3 1\n1 2\n4 4\n")
	if g.Len() != 4 || g.Edges() != 3 {
		t.Fatalf("nodes %d edges %d, want 4 and 3 (self loop adds a node, parallel merged)", g.Len(), g.Edges())
	}
	if w := edgeWeight(t, g, "1", "2"); w != 2 {
		t.Errorf("merged weight %v, want 2", w)
	}
	if w := edgeWeight(t, g, "2", "3"); w != 2.5 {
		t.Errorf("weight %v, want 2.5", w)
	}
	s := mustGraph(t, "alice bob\r\nbob 7\r\n")
	if s.Len() != 3 || s.ID(2) != "7" {
		t.Fatalf("string ids: %d nodes, id(2) = %q", s.Len(), s.ID(2))
	}
	if _, ok := mustGraph(t, "7 8\n").Node("07"); ok {
		t.Error("non-canonical number found")
	}
}

func TestReadEdgeListErrors(t *testing.T) {
	tests := []struct {
		name, in string
		opts     *EdgeListOptions
		line     int
		want     error
	}{
		{"one field", "1 2\n3\n", nil, 2, ErrBadEdgeList},
		{"four fields", "1 2 3 4\n", nil, 1, ErrBadEdgeList},
		{"weight not a number", "1 2 x\n", nil, 1, ErrBadEdgeList},
		{"weight zero", "1 2 0\n", nil, 1, ErrBadEdgeList},
		{"weight negative", "a b -1\n", nil, 1, ErrBadEdgeList},
		{"weight NaN", "a b NaN\n", nil, 1, ErrBadEdgeList},
		{"weight Inf", "a b Inf\n", nil, 1, ErrBadEdgeList},
		{"weight too large", "a b 1e10\n", nil, 1, ErrBadEdgeList},
		{"weight underflow", "a b 1e-60\n", nil, 1, ErrBadEdgeList},
		{"line too long", "1 2\n" + strings.Repeat("x", 100) + " y\n", &EdgeListOptions{MaxLineBytes: 50}, 2, ErrTooLarge},
		{"too many edges", "1 2\n2 3\n3 4\n", &EdgeListOptions{MaxEdges: 2}, 3, ErrTooLarge},
		{"too many string nodes", "a b\nc d\n", &EdgeListOptions{MaxNodes: 3}, 2, ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadEdgeList(strings.NewReader(tc.in), tc.opts)
			if !errors.Is(err, tc.want) || !errors.Is(err, ErrBadEdgeList) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			var le *LineError
			if !errors.As(err, &le) || le.Line != tc.line {
				t.Fatalf("err = %#v, want line %d", err, tc.line)
			}
		})
	}
	if _, err := ReadEdgeList(strings.NewReader("1 2\n3 4\n"), &EdgeListOptions{MaxNodes: 3}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("numeric node cap: err = %v", err)
	}
}

func TestReadSeeds(t *testing.T) {
	g := mustGraph(t, twoRegions)
	seeds, err := ReadSeeds(strings.NewReader("# trusted\n a \nb\na\n"), g)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seeds, mustNodes(t, g, "a", "b")) {
		t.Fatalf("seeds %v", seeds)
	}
	tests := []struct {
		name, in string
		want     error
	}{
		{"empty", "# none\n\n", ErrNoSeeds},
		{"unknown", "a\nq\n", ErrUnknownNode},
		{"two fields", "a b\n", ErrBadEdgeList},
		{"too long", strings.Repeat("a", DefaultMaxLineBytes+1), ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ReadSeeds(strings.NewReader(tc.in), g); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// sameGraph reports whether two graphs have the same ids, edges and
// weights.
func sameGraph(a, b *Graph) bool {
	if a.Len() != b.Len() || a.Edges() != b.Edges() {
		return false
	}
	for i := 0; i < a.Len(); i++ {
		j, ok := b.Node(a.ID(i))
		if !ok || a.Degree(i) != b.Degree(j) {
			return false
		}
		var na, nb []string
		for v, w := range a.Neighbors(i) {
			na = append(na, a.ID(v)+"/"+formatW(w))
		}
		for v, w := range b.Neighbors(j) {
			nb = append(nb, b.ID(v)+"/"+formatW(w))
		}
		slices.Sort(na)
		slices.Sort(nb)
		if !slices.Equal(na, nb) {
			return false
		}
	}
	return true
}

func formatW(w float64) string { return strconv.FormatFloat(w, 'g', -1, 64) }

func FuzzReadEdgeList(f *testing.F) {
	for _, s := range []string{"1 2\n2 3\n", "a b 0.5\nb c\n# x\n", "1 2\nx y 3\n", "1 1\n", "", "a\tb\t2e3\r\n", "0 18446744073709551615\n", "0 \r "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		g, err := ReadEdgeList(strings.NewReader(in), &EdgeListOptions{MaxNodes: 1000, MaxEdges: 1000})
		if err != nil {
			if !errors.Is(err, ErrBadEdgeList) {
				t.Fatalf("error %v does not wrap ErrBadEdgeList", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := WriteEdgeList(&buf, g); err != nil {
			t.Fatal(err)
		}
		g2, err := ReadEdgeList(&buf, nil)
		if err != nil {
			t.Fatalf("round trip: %v\n%s", err, buf.String())
		}
		if !sameGraph(g, g2) {
			t.Fatalf("round trip changed the graph\n%q\n%s", in, buf.String())
		}
	})
}

func FuzzReadSeeds(f *testing.F) {
	g, err := ReadEdgeList(strings.NewReader(twoRegions), nil)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"a\n", "a\nb\n# c\n", "q\n", "a b\n", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		seeds, err := ReadSeeds(strings.NewReader(in), g)
		if err != nil {
			if !errors.Is(err, ErrBadEdgeList) && !errors.Is(err, ErrUnknownNode) && !errors.Is(err, ErrNoSeeds) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		var buf strings.Builder
		for _, s := range seeds {
			buf.WriteString(g.ID(s) + "\n")
		}
		again, err := ReadSeeds(strings.NewReader(buf.String()), g)
		if err != nil || !slices.Equal(seeds, again) {
			t.Fatalf("round trip: %v %v %v", seeds, again, err)
		}
	})
}
