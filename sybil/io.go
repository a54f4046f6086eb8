package sybil

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	bits64 "math/bits"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
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
	MaxLineBytes int // bytes per line; 0 means DefaultMaxLineBytes; at most 1 MiB
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
// take a fast path with no per-id allocation, parsed in parallel blocks;
// nodes are then numbered in increasing numeric order. Otherwise nodes are
// numbered in order of first appearance. Either way the graph does not
// depend on the number of CPUs or on how the reader splits its input.
//
// A malformed line gives a [*LineError] wrapping [ErrBadEdgeList]; going
// over a cap of opts also wraps [ErrTooLarge]; a read error is returned
// wrapped. An input with no edges gives a graph with no nodes.
func ReadEdgeList(r io.Reader, opts *EdgeListOptions) (*Graph, error) {
	maxNodes, maxEdges, maxLine := opts.limits()
	p := &edgeParser{maxNodes: maxNodes, maxEdges: maxEdges, maxLine: min(maxLine, maxLineHard)}
	if err := p.read(r); err != nil {
		return nil, err
	}
	return p.graph()
}

// maxLineHard caps EdgeListOptions.MaxLineBytes.
const maxLineHard = 1 << 20

// edgeBlockSize is the size of the blocks of whole lines that
// [ReadEdgeList] parses in parallel (a variable for tests).
var edgeBlockSize = 4 << 20

// edgeFastPath turns the parallel numeric parser on (a variable for tests,
// which compare it with the line-by-line parser).
var edgeFastPath = true

// edgeBlock is a run of whole lines of an edge list, in input order, and
// the result of parsing it on the fast path.
type edgeBlock struct {
	data  []byte // whole lines; only the final block's last line may lack '\n'
	err   error  // after data: errLongLine or a read error; ends the input
	done  chan struct{}
	fast  fastBlock
	final bool
}

// errLongLine reports a line longer than the block and line caps.
var errLongLine = errors.New("line too long")

// read splits r into blocks of whole lines: one goroutine reads, the
// blocks are parsed on the fast path by GOMAXPROCS goroutines, and this
// goroutine takes them in input order, falling back to the line-by-line
// parser for any block the fast path cannot take. It returns when every
// goroutine has stopped.
func (p *edgeParser) read(r io.Reader) error {
	workers := runtime.GOMAXPROCS(0)
	size := max(edgeBlockSize, p.maxLine+1)
	work := make(chan *edgeBlock, workers)
	order := make(chan *edgeBlock, workers+1)
	free := make(chan []byte, 2*workers+2)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for b := range work {
				if edgeFastPath && !p.stringed.Load() {
					b.fast = parseBlock(b.data, p.maxLine)
				}
				close(b.done)
			}
		})
	}
	wg.Go(func() {
		defer close(work)
		defer close(order)
		var carry []byte
		for {
			var buf []byte
			select {
			case buf = <-free:
			default:
				// Start small, for short inputs; blocks grow to size.
				buf = make([]byte, 0, min(size, 64<<10))
			}
			buf = append(buf[:0], carry...)
			var rerr error
			for empty := 0; len(buf) < size && rerr == nil; {
				if len(buf) == cap(buf) {
					buf = slices.Grow(buf, min(len(buf), size))
				}
				n, err := r.Read(buf[len(buf):cap(buf)])
				buf = buf[:len(buf)+n]
				rerr = err
				if n == 0 && err == nil {
					if empty++; empty > 100 {
						rerr = io.ErrNoProgress
					}
				}
			}
			b := &edgeBlock{done: make(chan struct{})}
			cut := bytes.LastIndexByte(buf, '\n') + 1
			switch {
			case rerr == io.EOF:
				b.data, b.final = buf, true
			case rerr != nil:
				b.data, b.err = buf[:cut], fmt.Errorf("sybil: reading edge list: %w", rerr)
			case cut == 0:
				b.err = errLongLine
			default:
				b.data = buf[:cut]
				carry = append(carry[:0], buf[cut:]...)
			}
			select {
			case order <- b:
			case <-quit:
				return
			}
			if len(b.data) > 0 {
				select {
				case work <- b:
				case <-quit:
					close(b.done)
					return
				}
			} else {
				close(b.done)
			}
			if b.final || b.err != nil {
				return
			}
		}
	})
	var err error
	for b := range order {
		<-b.done
		if err == nil {
			err = p.block(b)
			if err != nil {
				close(quit)
			}
		}
		if cap(b.data) > 0 {
			select {
			case free <- b.data:
			default:
			}
		}
	}
	wg.Wait()
	return err
}

// block takes the next block in input order.
func (p *edgeParser) block(b *edgeBlock) error {
	f := &b.fast
	switch {
	case len(b.data) == 0:
	case f.ok && !p.stringed.Load() && p.edges+f.edges <= p.maxEdges:
		p.segs = append(p.segs, numSeg{pairs: f.pairs, w: f.w, maxID: uint64(f.maxID)})
		p.open = nil
		p.edges += f.edges
		p.lineNo += f.lines
	default:
		if err := p.lines(b.data, b.final); err != nil {
			return err
		}
	}
	if b.err == errLongLine {
		return &LineError{Line: p.lineNo + 1, Reason: fmt.Sprintf("longer than %d bytes", p.maxLine), Err: ErrTooLarge}
	}
	return b.err
}

// lines parses whole lines one by one.
func (p *edgeParser) lines(data []byte, final bool) error {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		var line []byte
		if i < 0 {
			line, data = data, nil
		} else {
			line, data = data[:i+1], data[i+1:]
		}
		if len(line) > p.maxLine {
			return &LineError{Line: p.lineNo + 1, Reason: fmt.Sprintf("longer than %d bytes", p.maxLine), Err: ErrTooLarge}
		}
		line = bytes.TrimSuffix(line, []byte{'\n'})
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if len(line) == 0 {
			if i >= 0 {
				p.lineNo++
			}
			continue
		}
		p.lineNo++
		if err := p.line(line); err != nil {
			return err
		}
	}
	return nil
}

// fastBlock is the fast-path result for one block: canonical numeric ids
// below 2^32 only, with weights parsed.
type fastBlock struct {
	ok           bool
	pairs        []uint32
	w            []float32 // nil when every weight is 1
	lines, edges int
	maxID        uint32
}

// parseBlock parses whole lines of "u v" or "u v w" with canonical
// decimal ids below 2^32, blank lines and '#' comments. Anything else
// (other ids, a bad line, a line over maxLine) leaves ok false, and the
// block goes to the line-by-line parser, which gives the exact error or
// switches to string ids.
func parseBlock(data []byte, maxLine int) (f fastBlock) {
	f.pairs = make([]uint32, 0, 2*(bytes.Count(data, []byte{'\n'})+1))
	i, lineStart := 0, 0
	n := len(data)
	for i < n {
		// At the start of a line.
		lineStart = i
		for i < n && isSpace(data[i]) {
			i++
		}
		if i == n || data[i] == '\n' || data[i] == '#' {
			// Blank or comment line.
			if j := bytes.IndexByte(data[i:], '\n'); j >= 0 {
				i += j + 1
				f.lines++
			} else {
				if !blank(data[lineStart:]) {
					f.lines++
				}
				i = n
			}
			if i-lineStart > maxLine {
				return fastBlock{}
			}
			continue
		}
		var ids [2]uint32
		for k := range ids {
			if k == 1 {
				if i == n || !isSpace(data[i]) {
					return fastBlock{} // one field, or an id with other text
				}
				for i < n && isSpace(data[i]) {
					i++
				}
			}
			start := i
			var v uint64
			for i < n && data[i]-'0' < 10 && i-start < 11 {
				v = v*10 + uint64(data[i]-'0')
				i++
			}
			d := i - start
			if d == 0 || d > 10 || v > math.MaxUint32 || (data[start] == '0' && d > 1) {
				return fastBlock{}
			}
			ids[k] = uint32(v)
			f.maxID = max(f.maxID, uint32(v))
		}
		if i < n && !isSpace(data[i]) && data[i] != '\n' && data[i] != '#' {
			return fastBlock{}
		}
		for i < n && isSpace(data[i]) {
			i++
		}
		wt := float32(1)
		if i < n && data[i] != '\n' && data[i] != '#' {
			start := i
			for i < n && !isSpace(data[i]) && data[i] != '\n' && data[i] != '#' {
				i++
			}
			x, ok := parseWeight(data[start:i])
			if !ok {
				return fastBlock{}
			}
			wt = x
			for i < n && isSpace(data[i]) {
				i++
			}
		}
		if i < n && data[i] == '#' {
			j := bytes.IndexByte(data[i:], '\n')
			if j < 0 {
				j = n - i
			}
			i += j
		}
		switch {
		case i == n:
			if i-lineStart > maxLine {
				return fastBlock{}
			}
		case data[i] == '\n':
			i++
			if i-lineStart > maxLine {
				return fastBlock{}
			}
		default:
			return fastBlock{} // a fourth field
		}
		f.lines++
		if wt != 1 && f.w == nil {
			f.w = make([]float32, f.edges, cap(f.pairs)/2)
			clear1(f.w)
		}
		if f.w != nil {
			f.w = append(f.w, wt)
		}
		f.pairs = append(f.pairs, ids[0], ids[1])
		f.edges++
	}
	f.ok = true
	return f
}

// blank reports whether a line holds only field separators.
func blank(line []byte) bool {
	for _, c := range line {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

// parseWeight parses an edge weight: a number in (0, MaxEdgeWeight] that
// stays above zero as a float32.
func parseWeight(b []byte) (float32, bool) {
	x, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(x) || x <= 0 || x > MaxEdgeWeight {
		return 0, false
	}
	w := float32(x)
	return w, w != 0
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
	maxNodes, maxEdges, maxLine int
	segs                        []numSeg    // numeric ids, in input order
	open                        *numSeg     // the segment the line-by-line parser appends to
	stringed                    atomic.Bool // string mode: segs hold node indices
	names                       []string    // string mode
	index                       map[string]int32
	edges                       int
	lineNo                      int
}

// numSeg is a run of edges: numeric ids (below 2^32 in pairs, any in wide)
// or, in string mode, node indices in pairs.
type numSeg struct {
	pairs []uint32
	wide  []uint64
	w     []float32 // nil when every weight is 1
	maxID uint64
}

func (s *numSeg) edges() int { return (len(s.pairs) + len(s.wide)) / 2 }

// line parses one non-empty line (without its line break).
func (p *edgeParser) line(line []byte) error {
	lineNo := p.lineNo
	var f [3][]byte
	nf := fields(line, f[:])
	switch nf {
	case 0:
		return nil
	case 2, 3:
	default:
		return &LineError{Line: lineNo, Reason: fmt.Sprintf("want 2 or 3 fields, have %d or more", nf)}
	}
	if p.edges >= p.maxEdges {
		return &LineError{Line: lineNo, Reason: fmt.Sprintf("more than %d edges", p.maxEdges), Err: ErrTooLarge}
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
	if p.open == nil {
		p.segs = append(p.segs, numSeg{})
		p.open = &p.segs[len(p.segs)-1]
	}
	if !p.stringed.Load() {
		a, okA := parseCanonicalUint(f[0])
		b, okB := parseCanonicalUint(f[1])
		if okA && okB {
			s := p.open
			s.wide = append(s.wide, a, b)
			s.maxID = max(s.maxID, a, b)
			p.addWeight(wt)
			return nil
		}
		if err := p.toStrings(); err != nil {
			return err
		}
	}
	a, err := p.intern(f[0], lineNo)
	if err != nil {
		return err
	}
	b, err := p.intern(f[1], lineNo)
	if err != nil {
		return err
	}
	p.open.pairs = append(p.open.pairs, a, b)
	p.addWeight(wt)
	return nil
}

// addWeight records the weight of the edge just added to the open
// segment.
func (p *edgeParser) addWeight(wt float32) {
	s := p.open
	if wt != 1 && s.w == nil {
		s.w = make([]float32, s.edges()-1, s.edges()+16)
		clear1(s.w)
	}
	if s.w != nil {
		s.w = append(s.w, wt)
	}
	p.edges++
}

// toStrings switches the parser to string ids, numbered in order of first
// appearance, and turns every segment into one of node indices.
func (p *edgeParser) toStrings() error {
	p.stringed.Store(true)
	p.index = make(map[string]int32)
	var buf []byte
	var err error
	id := func(v uint64) uint32 {
		buf = strconv.AppendUint(buf[:0], v, 10)
		i, e := p.intern(buf, p.lineNo)
		if err == nil {
			err = e
		}
		return i
	}
	for k := range p.segs {
		s := &p.segs[k]
		if s.wide != nil {
			pairs := make([]uint32, len(s.wide))
			for j, v := range s.wide {
				pairs[j] = id(v)
			}
			s.pairs, s.wide = pairs, nil
			continue
		}
		for j, v := range s.pairs {
			s.pairs[j] = id(uint64(v))
		}
	}
	return err
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

// graph finishes parsing: numeric ids are numbered in increasing order
// and replaced by node indices in place.
func (p *edgeParser) graph() (*Graph, error) {
	segs := make([]edgeSeg, len(p.segs))
	if p.stringed.Load() {
		for k, s := range p.segs {
			segs[k] = edgeSeg{pairs: s.pairs, w: s.w}
		}
		p.segs = nil
		g := buildCSR(csrInput{n: len(p.names), segs: segs})
		g.names, g.index = p.names, p.index
		return g, nil
	}
	if p.edges == 0 {
		return buildCSR(csrInput{}), nil
	}
	var maxID uint64
	for _, s := range p.segs {
		maxID = max(maxID, s.maxID)
	}
	var nums []uint64
	if maxID < uint64(max(1<<22, 8*p.edges)) {
		nums = p.denseIDs(maxID)
	} else {
		nums = p.sparseIDs()
	}
	if nums == nil {
		return nil, fmt.Errorf("%w: %w: more than %d nodes", ErrBadEdgeList, ErrTooLarge, p.maxNodes)
	}
	for k, s := range p.segs {
		segs[k] = edgeSeg{pairs: s.pairs, w: s.w}
	}
	p.segs = nil
	g := buildCSR(csrInput{n: len(nums), segs: segs})
	g.nums = nums
	return g, nil
}

// denseIDs numbers ids up to maxID with a bitmap: node i is the i-th id in
// increasing order, found as the ids set before it (a rank per 64-bit word
// plus a popcount). It returns the ids by node, or nil when there are more
// than maxNodes.
func (p *edgeParser) denseIDs(maxID uint64) []uint64 {
	words := int(maxID/64) + 1
	workers := min(runtime.GOMAXPROCS(0), len(p.segs))
	maps := make([][]uint64, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			bits := make([]uint64, words)
			for {
				k := int(next.Add(1) - 1)
				if k >= len(p.segs) {
					break
				}
				s := &p.segs[k]
				for _, v := range s.pairs {
					bits[v>>6] |= 1 << (v & 63)
				}
				for _, v := range s.wide {
					bits[v>>6] |= 1 << (v & 63)
				}
			}
			maps[w] = bits
		})
	}
	wg.Wait()
	bits := maps[0]
	for _, m := range maps[1:] {
		for k, x := range m {
			bits[k] |= x
		}
	}
	maps = nil
	rank := make([]uint32, words)
	var count uint32
	for k, x := range bits {
		rank[k] = count
		count += uint32(bits64.OnesCount64(x))
	}
	if int(count) > p.maxNodes {
		return nil
	}
	nums := make([]uint64, 0, count)
	for k, x := range bits {
		for x != 0 {
			nums = append(nums, uint64(k)*64+uint64(bits64.TrailingZeros64(x)))
			x &= x - 1
		}
	}
	node := func(v uint64) uint32 {
		return rank[v>>6] + uint32(bits64.OnesCount64(bits[v>>6]&(1<<(v&63)-1)))
	}
	parallelChunks(len(p.segs), func(k int) {
		s := &p.segs[k]
		for j, v := range s.pairs {
			s.pairs[j] = node(uint64(v))
		}
		if s.wide != nil {
			s.pairs = make([]uint32, len(s.wide))
			for j, v := range s.wide {
				s.pairs[j] = node(v)
			}
			s.wide = nil
		}
	})
	return nums
}

// sparseIDs numbers ids too large for a bitmap by sorting them. It returns
// the ids by node, or nil when there are more than maxNodes.
func (p *edgeParser) sparseIDs() []uint64 {
	nums := make([]uint64, 0, 2*p.edges)
	for _, s := range p.segs {
		for _, v := range s.pairs {
			nums = append(nums, uint64(v))
		}
		nums = append(nums, s.wide...)
	}
	slices.Sort(nums)
	nums = slices.Clip(slices.Compact(nums))
	if len(nums) > p.maxNodes {
		return nil
	}
	node := func(v uint64) uint32 {
		i, _ := slices.BinarySearch(nums, v)
		return uint32(i)
	}
	parallelChunks(len(p.segs), func(k int) {
		s := &p.segs[k]
		for j, v := range s.pairs {
			s.pairs[j] = node(uint64(v))
		}
		if s.wide != nil {
			s.pairs = make([]uint32, len(s.wide))
			for j, v := range s.wide {
				s.pairs[j] = node(v)
			}
			s.wide = nil
		}
	})
	return nums
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
