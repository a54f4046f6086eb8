package sybil

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
)

// Caps for edge and seed lists.
const (
	// DefaultMaxLineBytes is the default cap on one line of an edge list or
	// seed list, line break included.
	DefaultMaxLineBytes = 4096
	// MaxEdgeWeight is the largest edge weight an edge list may give.
	MaxEdgeWeight = 1e9
)

// EdgeListOptions holds the caps of [ReadEdgeList]. A nil *EdgeListOptions
// or a zero field means the default.
type EdgeListOptions struct {
	MaxNodes     int // distinct ids; 0 means DefaultMaxNodes
	MaxEdges     int // edge lines; 0 means DefaultMaxEdges
	MaxLineBytes int // bytes per line; 0 means DefaultMaxLineBytes
}

func (o *EdgeListOptions) limits() (nodes, edges, line int) {
	nodes, edges, line = DefaultMaxNodes, DefaultMaxEdges, DefaultMaxLineBytes
	if o != nil {
		if o.MaxNodes > 0 {
			nodes = min(o.MaxNodes, maxNodesHard)
		}
		if o.MaxEdges > 0 {
			edges = o.MaxEdges
		}
		if o.MaxLineBytes > 0 {
			line = o.MaxLineBytes
		}
	}
	return nodes, edges, line
}

// ReadEdgeList reads an undirected graph from a text edge list: one edge a
// line as "u v" or "u v w", fields separated by spaces, tabs or CR, where u and
// v are node ids (any non-blank text without '#') and w is a positive
// finite weight up to [MaxEdgeWeight] (default 1). Blank lines and text
// from '#' to the end of a line are ignored. Parallel edges are merged by
// summing their weights; a self loop adds no edge, but its node is kept.
//
// Ids that are all canonical decimal numbers (no sign, no leading zero)
// take a fast path with no per-id allocation; nodes are then numbered in
// increasing numeric order. Otherwise nodes are numbered in order of first
// appearance.
//
// A malformed line gives a [*LineError] wrapping [ErrBadEdgeList]; going
// over a cap of opts also wraps [ErrTooLarge]; a read error is returned
// wrapped. An input with no edges gives a graph with no nodes.
func ReadEdgeList(r io.Reader, opts *EdgeListOptions) (*Graph, error) {
	maxNodes, maxEdges, maxLine := opts.limits()
	br := bufio.NewReaderSize(r, max(1<<16, min(maxLine+1, 1<<20)))
	p := edgeParser{maxNodes: maxNodes}
	lineNo := 0
	for {
		line, err := readLine(br, maxLine)
		if len(line) > 0 || err == nil {
			lineNo++
		}
		if err != nil && err != io.EOF {
			if errors.Is(err, ErrTooLarge) {
				return nil, &LineError{Line: lineNo + 1, Reason: fmt.Sprintf("longer than %d bytes", maxLine), Err: ErrTooLarge}
			}
			return nil, fmt.Errorf("sybil: reading edge list: %w", err)
		}
		if len(line) > 0 {
			if perr := p.line(line, lineNo, maxEdges); perr != nil {
				return nil, perr
			}
		}
		if err == io.EOF {
			break
		}
	}
	return p.graph()
}

// readLine returns the next line without its line break. A line longer
// than maxLine bytes gives ErrTooLarge.
func readLine(br *bufio.Reader, maxLine int) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull || len(line) > maxLine {
		return nil, ErrTooLarge
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	line = bytes.TrimSuffix(line, []byte{'\n'})
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if err == io.EOF {
		return line, io.EOF
	}
	return line, nil
}

// fields splits a line into at most len(out) fields separated by spaces,
// tabs, CR, VT or FF, ignoring a '#' comment. It returns the number of fields, or
// len(out)+1 when there are more.
func fields(line []byte, out [][]byte) int {
	if i := bytes.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	n := 0
	i := 0
	for {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i == len(line) {
			return n
		}
		j := i
		for j < len(line) && !isSpace(line[j]) {
			j++
		}
		if n == len(out) {
			return n + 1
		}
		out[n] = line[i:j]
		n++
		i = j
	}
}

// isSpace reports whether c separates fields: space, tab, CR, VT, FF.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

// edgeParser accumulates edges, numeric ids first, switching to string
// ids at the first id that is not a canonical number.
type edgeParser struct {
	maxNodes int
	numeric  []uint64 // numeric mode: u0, v0, u1, v1, ...
	stringed bool
	src, dst []uint32 // string mode
	names    []string
	index    map[string]int32
	w        []float32 // nil until a weight other than 1 appears
	edges    int
	lineNo   int
}

func (p *edgeParser) line(line []byte, lineNo, maxEdges int) error {
	var f [3][]byte
	nf := fields(line, f[:])
	switch nf {
	case 0:
		return nil
	case 2, 3:
	default:
		return &LineError{Line: lineNo, Reason: fmt.Sprintf("want 2 or 3 fields, have %d or more", nf)}
	}
	if p.edges >= maxEdges {
		return &LineError{Line: lineNo, Reason: fmt.Sprintf("more than %d edges", maxEdges), Err: ErrTooLarge}
	}
	wt := float32(1)
	if nf == 3 {
		x, err := strconv.ParseFloat(string(f[2]), 64)
		if err != nil || math.IsNaN(x) || x <= 0 || x > MaxEdgeWeight {
			return &LineError{Line: lineNo, Reason: fmt.Sprintf("weight %q is not a number in (0, %g]", f[2], float64(MaxEdgeWeight))}
		}
		wt = float32(x)
		if wt == 0 { // underflow to zero
			return &LineError{Line: lineNo, Reason: fmt.Sprintf("weight %q is too small", f[2])}
		}
	}
	if wt != 1 && p.w == nil {
		p.w = make([]float32, p.edges, max(p.edges*2, 16))
		for k := range p.w {
			p.w[k] = 1
		}
	}
	if !p.stringed {
		a, okA := parseCanonicalUint(f[0])
		b, okB := parseCanonicalUint(f[1])
		if okA && okB {
			p.numeric = append(p.numeric, a, b)
			goto done
		}
		p.toStrings()
	}
	{
		a, err := p.intern(f[0], lineNo)
		if err != nil {
			return err
		}
		b, err := p.intern(f[1], lineNo)
		if err != nil {
			return err
		}
		p.src = append(p.src, a)
		p.dst = append(p.dst, b)
	}
done:
	if p.w != nil {
		p.w = append(p.w, wt)
	}
	p.edges++
	return nil
}

// toStrings switches the parser to string ids.
func (p *edgeParser) toStrings() {
	p.stringed = true
	p.index = make(map[string]int32)
	p.src = make([]uint32, 0, len(p.numeric)/2+16)
	p.dst = make([]uint32, 0, len(p.numeric)/2+16)
	var buf []byte
	for k := 0; k < len(p.numeric); k += 2 {
		buf = strconv.AppendUint(buf[:0], p.numeric[k], 10)
		a, _ := p.intern(buf, 0)
		buf = strconv.AppendUint(buf[:0], p.numeric[k+1], 10)
		b, _ := p.intern(buf, 0)
		p.src = append(p.src, a)
		p.dst = append(p.dst, b)
	}
	p.numeric = nil
}

func (p *edgeParser) intern(id []byte, lineNo int) (uint32, error) {
	if i, ok := p.index[string(id)]; ok {
		return uint32(i), nil
	}
	if len(p.names) >= p.maxNodes {
		return 0, &LineError{Line: lineNo, Reason: fmt.Sprintf("more than %d nodes", p.maxNodes), Err: ErrTooLarge}
	}
	s := string(id)
	p.index[s] = int32(len(p.names))
	p.names = append(p.names, s)
	return uint32(len(p.names) - 1), nil
}

// graph finishes parsing.
func (p *edgeParser) graph() (*Graph, error) {
	if p.stringed {
		g := buildCSR(csrInput{n: len(p.names), src: p.src, dst: p.dst, w: p.w})
		g.names, g.index = p.names, p.index
		return g, nil
	}
	ids := p.numeric
	if len(ids) == 0 {
		return buildCSR(csrInput{}), nil
	}
	var maxID uint64
	for _, v := range ids {
		maxID = max(maxID, v)
	}
	src := make([]uint32, len(ids)/2)
	dst := make([]uint32, len(ids)/2)
	var nums []uint64
	if maxID < uint64(max(1<<22, 4*len(ids))) {
		// Dense ids: a lookup table, numbered in increasing id order.
		table := make([]int32, maxID+1)
		for _, v := range ids {
			table[v] = 1
		}
		var n int32
		for v, seen := range table {
			if seen != 0 {
				table[v] = n
				nums = append(nums, uint64(v))
				n++
				continue
			}
			table[v] = -1
		}
		if len(nums) > p.maxNodes {
			return nil, fmt.Errorf("%w: %w: more than %d nodes", ErrBadEdgeList, ErrTooLarge, p.maxNodes)
		}
		for e := range src {
			src[e] = uint32(table[ids[2*e]])
			dst[e] = uint32(table[ids[2*e+1]])
		}
	} else {
		nums = slices.Clone(ids)
		slices.Sort(nums)
		nums = slices.Compact(nums)
		if len(nums) > p.maxNodes {
			return nil, fmt.Errorf("%w: %w: more than %d nodes", ErrBadEdgeList, ErrTooLarge, p.maxNodes)
		}
		index := make(map[uint64]uint32, len(nums))
		for i, v := range nums {
			index[v] = uint32(i)
		}
		for e := range src {
			src[e] = index[ids[2*e]]
			dst[e] = index[ids[2*e+1]]
		}
	}
	p.numeric = nil
	g := buildCSR(csrInput{n: len(nums), src: src, dst: dst, w: p.w})
	g.nums = slices.Clip(nums)
	return g, nil
}

// WriteEdgeList writes g as an edge list that [ReadEdgeList] reads back to
// the same graph: one "u v" or "u v w" line per edge with u's node index
// below v's, in node order, and a self loop "u u" for a node without
// edges. Weights are written in the shortest form that round-trips.
func WriteEdgeList(w io.Writer, g *Graph) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var buf []byte
	for u := 0; u < g.Len(); u++ {
		if g.off[u] == g.off[u+1] {
			buf = append(append(append(append(buf[:0], g.ID(u)...), ' '), g.ID(u)...), '\n')
			if _, err := bw.Write(buf); err != nil {
				return fmt.Errorf("sybil: writing edge list: %w", err)
			}
		}
		for k := g.off[u]; k < g.off[u+1]; k++ {
			v := int(g.adj[k])
			if v < u {
				continue
			}
			buf = append(buf[:0], g.ID(u)...)
			buf = append(buf, ' ')
			buf = append(buf, g.ID(v)...)
			if g.w != nil && g.w[k] != 1 {
				buf = append(buf, ' ')
				buf = strconv.AppendFloat(buf, float64(g.w[k]), 'g', -1, 32)
			}
			buf = append(buf, '\n')
			if _, err := bw.Write(buf); err != nil {
				return fmt.Errorf("sybil: writing edge list: %w", err)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("sybil: writing edge list: %w", err)
	}
	return nil
}

// ReadSeeds reads a seed list, one node id a line, and returns the nodes of
// g it names, in order, without repeats. Blank lines and text from '#' to
// the end of a line are ignored; surrounding spaces and tabs are trimmed.
//
// A line with more than one field or over [DefaultMaxLineBytes] gives a
// [*LineError] (wrapping [ErrBadEdgeList]); an id that is not in g gives an
// error wrapping [ErrUnknownNode]; a list with no id gives [ErrNoSeeds].
func ReadSeeds(r io.Reader, g *Graph) ([]int, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	var seeds []int
	seen := make(map[int]bool)
	lineNo := 0
	for {
		line, err := readLine(br, DefaultMaxLineBytes)
		if len(line) > 0 || err == nil {
			lineNo++
		}
		if err != nil && err != io.EOF {
			if errors.Is(err, ErrTooLarge) {
				return nil, &LineError{Line: lineNo + 1, Reason: fmt.Sprintf("longer than %d bytes", DefaultMaxLineBytes), Err: ErrTooLarge}
			}
			return nil, fmt.Errorf("sybil: reading seed list: %w", err)
		}
		var f [1][]byte
		switch fields(line, f[:]) {
		case 0:
		case 1:
			i, ok := g.Node(string(f[0]))
			if !ok {
				return nil, fmt.Errorf("%w: seed %q on line %d", ErrUnknownNode, f[0], lineNo)
			}
			if !seen[i] {
				seen[i] = true
				seeds = append(seeds, i)
			}
		default:
			return nil, &LineError{Line: lineNo, Reason: "want one id"}
		}
		if err == io.EOF {
			break
		}
	}
	if len(seeds) == 0 {
		return nil, ErrNoSeeds
	}
	return seeds, nil
}
