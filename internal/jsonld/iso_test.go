package jsonld

// Test helpers: N-Quads parsing (json-gold's parser) and RDF dataset isomorphism
// (blank-node-insensitive comparison) by colour refinement with backtracking.

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"github.com/piprate/json-gold/ld"

	"github.com/polity-id/polity/internal/rdf"
)

// parseNQuads reads an N-Quads document into a quad set.
func parseNQuads(s string) ([]rdf.Quad, error) {
	ds, err := (&ld.NQuadRDFSerializer{}).Parse(s)
	if err != nil {
		return nil, err
	}
	return datasetQuads(ds, 1<<30)
}

// nquads renders a quad set, sorted, for failure messages.
func nquads(qs []rdf.Quad) string {
	lines := make([]string, len(qs))
	for i, q := range qs {
		lines[i] = string(rdf.AppendQuad(nil, q))
	}
	sort.Strings(lines)
	return strings.Join(lines, "")
}

type color [8]byte

func hashParts(parts ...string) color {
	h := sha256.New()
	for _, p := range parts {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write([]byte(p))
	}
	var c color
	copy(c[:], h.Sum(nil))
	return c
}

func termKey(t rdf.Term) string {
	return fmt.Sprintf("%d|%s|%s|%s", t.Kind, t.Value, t.Datatype, t.Language)
}

func uniq(qs []rdf.Quad) []rdf.Quad {
	seen := map[rdf.Quad]bool{}
	var out []rdf.Quad
	for _, q := range qs {
		if !seen[q] {
			seen[q] = true
			out = append(out, q)
		}
	}
	return out
}

func blanksOf(qs []rdf.Quad) []string {
	set := map[string]bool{}
	for _, q := range qs {
		for _, t := range []rdf.Term{q.S, q.P, q.O, q.G} {
			if t.Kind == rdf.Blank {
				set[t.Value] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for b := range set {
		out = append(out, b)
	}
	sort.Strings(out)
	return out
}

// refine computes stable colours of the blank nodes of qs, starting from init.
func refine(qs []rdf.Quad, init map[string]color) map[string]color {
	col := init
	for round := 0; round < 64; round++ {
		sigs := map[string][]string{}
		for _, q := range qs {
			terms := []rdf.Term{q.S, q.P, q.O, q.G}
			for i, t := range terms {
				if t.Kind != rdf.Blank {
					continue
				}
				parts := make([]string, 0, 5)
				parts = append(parts, fmt.Sprint(i))
				for j, u := range terms {
					switch {
					case j == i:
						parts = append(parts, "self")
					case u.Kind == rdf.Blank:
						c := col[u.Value]
						parts = append(parts, "b"+string(c[:]))
					default:
						parts = append(parts, termKey(u))
					}
				}
				h := hashParts(parts...)
				sigs[t.Value] = append(sigs[t.Value], string(h[:]))
			}
		}
		next := map[string]color{}
		for b, s := range sigs {
			sort.Strings(s)
			c := col[b]
			next[b] = hashParts(append([]string{string(c[:])}, s...)...)
		}
		if classes(next) == classes(col) {
			return next
		}
		col = next
	}
	return col
}

func classes(m map[string]color) int {
	set := map[color]bool{}
	for _, c := range m {
		set[c] = true
	}
	return len(set)
}

// isomorphic reports whether two quad sets are equal up to blank node labels.
func isomorphic(a, b []rdf.Quad) bool {
	a, b = uniq(a), uniq(b)
	if len(a) != len(b) {
		return false
	}
	ba, bb := blanksOf(a), blanksOf(b)
	if len(ba) != len(bb) {
		return false
	}
	ia, ib := map[string]color{}, map[string]color{}
	for _, x := range ba {
		ia[x] = color{}
	}
	for _, x := range bb {
		ib[x] = color{}
	}
	return isoSearch(a, b, ia, ib, 0)
}

func isoSearch(a, b []rdf.Quad, ia, ib map[string]color, salt int) bool {
	ca, cb := refine(a, ia), refine(b, ib)
	// Colour histograms must match.
	ha, hb := map[color]int{}, map[color]int{}
	for _, c := range ca {
		ha[c]++
	}
	for _, c := range cb {
		hb[c]++
	}
	if len(ha) != len(hb) {
		return false
	}
	for c, n := range ha {
		if hb[c] != n {
			return false
		}
	}
	// Find a tied colour class.
	var tied color
	found := false
	for c, n := range ha {
		if n > 1 && (!found || string(c[:]) < string(tied[:])) {
			tied, found = c, true
		}
	}
	if !found {
		return sameUnder(a, b, ca, cb)
	}
	var pick string
	for _, x := range sortedKeys(ca) {
		if ca[x] == tied {
			pick = x
			break
		}
	}
	mark := hashParts("individual", fmt.Sprint(salt))
	for _, y := range sortedKeys(cb) {
		if cb[y] != tied {
			continue
		}
		na, nb := copyColors(ca), copyColors(cb)
		na[pick], nb[y] = mark, mark
		if isoSearch(a, b, na, nb, salt+1) {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]color) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func copyColors(m map[string]color) map[string]color {
	out := make(map[string]color, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sameUnder(a, b []rdf.Quad, ca, cb map[string]color) bool {
	relabel := func(qs []rdf.Quad, col map[string]color) map[rdf.Quad]bool {
		out := map[rdf.Quad]bool{}
		for _, q := range qs {
			ts := []*rdf.Term{&q.S, &q.P, &q.O, &q.G}
			for _, t := range ts {
				if t.Kind == rdf.Blank {
					c := col[t.Value]
					t.Value = fmt.Sprintf("%x", c[:])
				}
			}
			out[q] = true
		}
		return out
	}
	ra, rb := relabel(a, ca), relabel(b, cb)
	if len(ra) != len(rb) {
		return false
	}
	for q := range ra {
		if !rb[q] {
			return false
		}
	}
	return true
}
