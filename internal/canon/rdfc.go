package canon

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"slices"
	"strconv"
	"sync"

	"github.com/polity-id/polity/internal/rdf"
)

// Canonicalize runs RDFC-1.0 on quads and returns the canonical N-Quads and the issued
// identifiers map. quads is treated as a set (duplicates count once) and is not modified.
//
// Errors wrap ErrInvalidQuad (and rdf.ErrInvalidTerm) for quads that N-Quads cannot express,
// ErrTooLarge past Options.MaxQuads, and ErrTooComplex (as *LimitError) when the work limits
// in opts are reached.
func Canonicalize(quads []rdf.Quad, opts *Options) (*Result, error) {
	return CanonicalizeContext(context.Background(), quads, opts)
}

// CanonicalizeContext is [Canonicalize] that also stops with ctx.Err() when ctx is done. The
// context is only consulted on the slow path (blank nodes that need N-degree hashing).
func CanonicalizeContext(ctx context.Context, quads []rdf.Quad, opts *Options) (*Result, error) {
	h, maxQuads, maxCalls, maxPerms, err := opts.get()
	if err != nil {
		return nil, err
	}
	if len(quads) > maxQuads {
		return nil, &LimitError{Limit: "MaxQuads", Max: maxQuads}
	}
	for i := range quads {
		if err := checkQuad(&quads[i]); err != nil {
			return nil, fmt.Errorf("%w: quad %d: %w", ErrInvalidQuad, i, err)
		}
	}
	s := statePool.Get().(*state)
	defer s.release()
	s.init(ctx, h, maxCalls, maxPerms)
	res, dup, err := s.run(quads)
	if err == nil && dup != nil {
		// The input repeated a quad. Identical canonical lines mean identical quads, so keep
		// the first of each and start again on the set.
		s.init(ctx, h, maxCalls, maxPerms)
		res, _, err = s.run(dup)
	}
	return res, err
}

// CanonicalizeNQuads parses an N-Quads document (see rdf.ParseNQuads, with MaxQuads from
// opts) and canonicalizes it. Parse errors wrap rdf.ErrSyntax or rdf.ErrTooLarge.
func CanonicalizeNQuads(data []byte, opts *Options) (*Result, error) {
	_, maxQuads, _, _, err := opts.get()
	if err != nil {
		return nil, err
	}
	quads, err := rdf.ParseNQuads(data, &rdf.ParseOptions{MaxQuads: maxQuads})
	if err != nil {
		return nil, err
	}
	return Canonicalize(quads, opts)
}

func checkQuad(q *rdf.Quad) error {
	if q.S.Kind != rdf.IRI && q.S.Kind != rdf.Blank || q.P.Kind != rdf.IRI ||
		q.O.Kind == 0 || q.O.Kind > rdf.Literal || q.G.Kind == rdf.Literal || q.G.Kind > rdf.Literal {
		return rdf.CheckQuad(*q) // reports which position is wrong
	}
	// Blank node labels are replaced, so any label will do.
	for _, t := range [...]*rdf.Term{&q.S, &q.P, &q.O, &q.G} {
		if t.Kind != rdf.Blank {
			if err := rdf.CheckTerm(*t); err != nil {
				return err
			}
		}
	}
	return nil
}

const maxHashSize = sha512.Size384

type digest [maxHashSize]byte

// span is one serialized line in state.buf, from the quad at index q.
type span struct{ off, end, q int32 }

// issuer is an identifier issuer for temporary labels "_:bN": ids[N] is the blank node
// issued N. It is a value: issue never writes to a shared array.
type issuer struct{ ids []int32 }

func (is issuer) lookup(n int32) int {
	for i, b := range is.ids {
		if b == n {
			return i
		}
	}
	return -1
}

func (is issuer) issue(n int32) (issuer, int) {
	if i := is.lookup(n); i >= 0 {
		return is, i
	}
	return issuer{append(is.ids[:len(is.ids):len(is.ids)], n)}, len(is.ids)
}

// state is the canonicalization state of one run; it is pooled to reuse its buffers.
type state struct {
	ctx        context.Context
	alg        HashAlgorithm
	h          hash.Hash
	sha256     hash.Hash
	sha384     hash.Hash
	size       int
	maxCalls   int
	maxPerms   int
	calls      int
	perms      int
	quads      []rdf.Quad
	qb         [][3]int32 // blank node index of S, O, G per quad, or -1
	index      map[string]int32
	labels     []string
	bnStart    []int32 // bnQuads[bnStart[b]:bnStart[b+1]] are the quads of blank node b
	bnQuads    []int32
	first      []digest // first-degree hash per blank node
	order      []int32
	canon      []int32 // canonical number per blank node, or -1
	canonOrder []int32
	buf        []byte
	spans      []span
	rbuf       []byte
}

var statePool = sync.Pool{New: func() any { return &state{index: make(map[string]int32)} }}

func (s *state) init(ctx context.Context, alg HashAlgorithm, maxCalls, maxPerms int) {
	s.ctx, s.alg, s.maxCalls, s.maxPerms = ctx, alg, maxCalls, maxPerms
	s.calls, s.perms = 0, 0
	switch alg {
	case SHA384:
		if s.sha384 == nil {
			s.sha384 = sha512.New384()
		}
		s.h = s.sha384
	default:
		if s.sha256 == nil {
			s.sha256 = sha256.New()
		}
		s.h = s.sha256
	}
	s.size = alg.size()
	clear(s.index)
	s.labels = s.labels[:0]
	s.canonOrder = s.canonOrder[:0]
}

func (s *state) release() {
	s.ctx, s.quads = nil, nil
	clear(s.labels) // drop references to the caller's strings
	clear(s.index)
	if cap(s.buf) > 1<<20 {
		return // let a huge run's buffers go
	}
	statePool.Put(s)
}

func (s *state) blankIndex(label string) int32 {
	if b, ok := s.index[label]; ok {
		return b
	}
	b := int32(len(s.labels))
	s.index[label] = b
	s.labels = append(s.labels, label)
	return b
}

// run canonicalizes quads. If the input repeats a quad, run returns the quads without
// repeats in dup instead of a result.
func (s *state) run(quads []rdf.Quad) (*Result, []rdf.Quad, error) {
	s.quads = quads
	// Step 2: blank node to quads map.
	s.qb = slices.Grow(s.qb[:0], len(quads))[:len(quads)]
	for i := range quads {
		q := &quads[i]
		bs := [3]int32{-1, -1, -1}
		if q.S.Kind == rdf.Blank {
			bs[0] = s.blankIndex(q.S.Value)
		}
		if q.O.Kind == rdf.Blank {
			bs[1] = s.blankIndex(q.O.Value)
		}
		if q.G.Kind == rdf.Blank {
			bs[2] = s.blankIndex(q.G.Value)
		}
		s.qb[i] = bs
	}
	nb := len(s.labels)
	s.canon = slices.Grow(s.canon[:0], nb)[:nb]
	for i := range s.canon {
		s.canon[i] = -1
	}
	if nb > 0 {
		s.buildBlankQuads(nb)
		// Step 3: first-degree hashes.
		s.first = slices.Grow(s.first[:0], nb)[:nb]
		for b := range nb {
			s.hashFirstDegree(int32(b), &s.first[b])
		}
		// Step 4: blank nodes with a unique first-degree hash get canonical labels in hash
		// order. The stable sort keeps first-appearance order within equal hashes.
		s.order = slices.Grow(s.order[:0], nb)[:nb]
		for i := range s.order {
			s.order[i] = int32(i)
		}
		size := s.size
		slices.SortStableFunc(s.order, func(a, b int32) int {
			return bytes.Compare(s.first[a][:size], s.first[b][:size])
		})
		shared := false
		for i := 0; i < nb; {
			j := s.groupEnd(i)
			if j-i == 1 {
				s.issueCanonical(s.order[i])
			} else {
				shared = true
			}
			i = j
		}
		// Step 5: the rest, by N-degree hashing.
		if shared {
			if err := s.shared(); err != nil {
				return nil, nil, err
			}
		}
	}
	// Step 6-7: relabel, serialize, sort.
	s.buf, s.spans = s.buf[:0], s.spans[:0]
	for i := range quads {
		off := len(s.buf)
		s.buf = s.appendQuad(s.buf, int32(i), -1)
		s.spans = append(s.spans, span{int32(off), int32(len(s.buf)), int32(i)})
	}
	s.sortSpans()
	out := make([]byte, 0, len(s.buf))
	var prev []byte
	for k, sp := range s.spans {
		line := s.buf[sp.off:sp.end]
		if k > 0 && bytes.Equal(line, prev) {
			return nil, s.withoutRepeats(), nil
		}
		out = append(out, line...)
		prev = line
	}
	res := &Result{Canonical: out, Issued: make(map[string]string, len(s.canonOrder))}
	for i, b := range s.canonOrder {
		res.Issued[s.labels[b]] = canonLabel(i)
	}
	return res, nil, nil
}

// withoutRepeats returns the quads of the sorted spans, first of each equal line only.
func (s *state) withoutRepeats() []rdf.Quad {
	keep := make([]bool, len(s.quads))
	var prev []byte
	for k, sp := range s.spans {
		line := s.buf[sp.off:sp.end]
		if k == 0 || !bytes.Equal(line, prev) {
			keep[sp.q] = true
		}
		prev = line
	}
	var out []rdf.Quad
	for i, ok := range keep {
		if ok {
			out = append(out, s.quads[i])
		}
	}
	s.labels = s.labels[:0]
	return out
}

func (s *state) buildBlankQuads(nb int) {
	s.bnStart = slices.Grow(s.bnStart[:0], nb+1)[:nb+1]
	clear(s.bnStart)
	for _, bs := range s.qb {
		for k, b := range bs {
			if b >= 0 && !seenEarlier(bs, k) {
				s.bnStart[b+1]++
			}
		}
	}
	for b := 1; b <= nb; b++ {
		s.bnStart[b] += s.bnStart[b-1]
	}
	total := int(s.bnStart[nb])
	s.bnQuads = slices.Grow(s.bnQuads[:0], total)[:total]
	// Fill using order (as scratch) for the next free slot per blank node.
	s.order = slices.Grow(s.order[:0], nb)[:nb]
	copy(s.order, s.bnStart[:nb])
	for i, bs := range s.qb {
		for k, b := range bs {
			if b >= 0 && !seenEarlier(bs, k) {
				s.bnQuads[s.order[b]] = int32(i)
				s.order[b]++
			}
		}
	}
}

// seenEarlier reports whether bs[k] also occurs before position k: a quad is listed once
// per blank node even when the node occurs in it twice.
func seenEarlier(bs [3]int32, k int) bool {
	for j := 0; j < k; j++ {
		if bs[j] == bs[k] {
			return true
		}
	}
	return false
}

func (s *state) quadsOf(b int32) []int32 { return s.bnQuads[s.bnStart[b]:s.bnStart[b+1]] }

func (s *state) groupEnd(i int) int {
	size := s.size
	j := i + 1
	for j < len(s.order) && bytes.Equal(s.first[s.order[i]][:size], s.first[s.order[j]][:size]) {
		j++
	}
	return j
}

func (s *state) issueCanonical(b int32) {
	if s.canon[b] < 0 {
		s.canon[b] = int32(len(s.canonOrder))
		s.canonOrder = append(s.canonOrder, b)
	}
}

var smallLabels = func() (l [64]string) {
	for i := range l {
		l[i] = "c14n" + strconv.Itoa(i)
	}
	return
}()

func canonLabel(i int) string {
	if i < len(smallLabels) {
		return smallLabels[i]
	}
	return "c14n" + strconv.Itoa(i)
}

// appendQuad writes quad qi as a canonical N-Quads line. With ref >= 0 it writes the
// first-degree form for blank node ref (ref as _:a, every other blank node as _:z);
// with ref < 0 it writes canonical labels.
func (s *state) appendQuad(dst []byte, qi, ref int32) []byte {
	q, bs := &s.quads[qi], s.qb[qi]
	dst = s.appendTerm(dst, &q.S, bs[0], ref)
	dst = append(dst, ' ')
	dst = rdf.AppendTerm(dst, q.P)
	dst = append(dst, ' ')
	dst = s.appendTerm(dst, &q.O, bs[1], ref)
	if q.G.Kind != 0 {
		dst = append(dst, ' ')
		dst = s.appendTerm(dst, &q.G, bs[2], ref)
	}
	return append(dst, ' ', '.', '\n')
}

func (s *state) appendTerm(dst []byte, t *rdf.Term, b, ref int32) []byte {
	if b < 0 {
		return rdf.AppendTerm(dst, *t)
	}
	switch {
	case ref < 0:
		dst = append(dst, "_:c14n"...)
		return strconv.AppendInt(dst, int64(s.canon[b]), 10)
	case b == ref:
		return append(dst, "_:a"...)
	default:
		return append(dst, "_:z"...)
	}
}

func (s *state) sortSpans() {
	buf := s.buf
	slices.SortFunc(s.spans, func(a, b span) int {
		return bytes.Compare(buf[a.off:a.end], buf[b.off:b.end])
	})
}

func (s *state) sum(dst *digest) {
	s.h.Sum(dst[:0])
}

// hashFirstDegree is the Hash First Degree Quads algorithm (RDFC-1.0 section 4.6).
func (s *state) hashFirstDegree(b int32, out *digest) {
	s.buf, s.spans = s.buf[:0], s.spans[:0]
	for _, qi := range s.quadsOf(b) {
		off := len(s.buf)
		s.buf = s.appendQuad(s.buf, qi, b)
		s.spans = append(s.spans, span{int32(off), int32(len(s.buf)), qi})
	}
	if len(s.spans) > 1 {
		s.sortSpans()
	}
	s.h.Reset()
	for _, sp := range s.spans {
		s.h.Write(s.buf[sp.off:sp.end])
	}
	s.sum(out)
}

// shared runs step 5 of the Canonicalization Algorithm (RDFC-1.0 section 4.4.3) for every
// group of blank nodes that share a first-degree hash, in hash order.
func (s *state) shared() error {
	type pathResult struct {
		h  digest
		is issuer
	}
	var results []pathResult
	for i := 0; i < len(s.order); {
		j := s.groupEnd(i)
		if j-i > 1 {
			results = results[:0]
			for _, n := range s.order[i:j] {
				if s.canon[n] >= 0 {
					continue
				}
				tmp, _ := issuer{}.issue(n)
				var r pathResult
				is, err := s.hashNDegree(n, tmp, &r.h)
				if err != nil {
					return err
				}
				r.is = is
				results = append(results, r)
			}
			size := s.size
			slices.SortStableFunc(results, func(a, b pathResult) int {
				return bytes.Compare(a.h[:size], b.h[:size])
			})
			for _, r := range results {
				for _, b := range r.is.ids {
					s.issueCanonical(b)
				}
			}
		}
		i = j
	}
	return nil
}

// appendLabel appends the identifier Hash Related Blank Node uses for blank node b: its
// canonical label, else its temporary label in is, else its first-degree hash.
func (s *state) appendLabel(dst []byte, b int32, is issuer) []byte {
	if c := s.canon[b]; c >= 0 {
		dst = append(dst, "_:c14n"...)
		return strconv.AppendInt(dst, int64(c), 10)
	}
	if i := is.lookup(b); i >= 0 {
		dst = append(dst, "_:b"...)
		return strconv.AppendInt(dst, int64(i), 10)
	}
	return hex.AppendEncode(dst, s.first[b][:s.size])
}

var positions = [3]byte{'s', 'o', 'g'}

// hashRelated is the Hash Related Blank Node algorithm (RDFC-1.0 section 4.7).
func (s *state) hashRelated(related int32, q *rdf.Quad, is issuer, pos int, out *digest) {
	b := append(s.rbuf[:0], positions[pos])
	if pos != 2 {
		b = append(b, '<')
		b = append(b, q.P.Value...)
		b = append(b, '>')
	}
	b = s.appendLabel(b, related, is)
	s.rbuf = b
	s.h.Reset()
	s.h.Write(b)
	s.sum(out)
}

type related struct {
	h digest
	b int32
}

// hashNDegree is the Hash N-Degree Quads algorithm (RDFC-1.0 section 4.8). It writes the
// hash to out and returns the issuer chosen for it.
func (s *state) hashNDegree(n int32, is issuer, out *digest) (issuer, error) {
	s.calls++
	if s.calls > s.maxCalls {
		return is, &LimitError{Limit: "MaxNDegreeCalls", Max: s.maxCalls}
	}
	if err := s.ctx.Err(); err != nil {
		return is, err
	}
	size := s.size
	// Steps 1-3: hash every blank node related to n.
	var rels []related
	for _, qi := range s.quadsOf(n) {
		q, bs := &s.quads[qi], s.qb[qi]
		for pos, b := range bs {
			if b >= 0 && b != n {
				var r related
				r.b = b
				s.hashRelated(b, q, is, pos, &r.h)
				rels = append(rels, r)
			}
		}
	}
	slices.SortStableFunc(rels, func(a, b related) int { return bytes.Compare(a.h[:size], b.h[:size]) })

	// Steps 4-5.
	var data, path, chosen []byte
	var recursion, perm []int32
	for i := 0; i < len(rels); {
		j := i + 1
		for j < len(rels) && bytes.Equal(rels[i].h[:size], rels[j].h[:size]) {
			j++
		}
		data = hex.AppendEncode(data, rels[i].h[:size])
		perm = perm[:0]
		for _, r := range rels[i:j] {
			perm = append(perm, r.b)
		}
		slices.SortFunc(perm, func(a, b int32) int {
			if c := cmpString(s.labels[a], s.labels[b]); c != 0 {
				return c
			}
			return int(a - b)
		})
		chosen = chosen[:0]
		var chosenIssuer issuer
		chosenSet := false
		for {
			s.perms++
			if s.perms > s.maxPerms {
				return is, &LimitError{Limit: "MaxPermutations", Max: s.maxPerms}
			}
			copyIs := is
			path = path[:0]
			recursion = recursion[:0]
			skip := false
			for _, r := range perm {
				if c := s.canon[r]; c >= 0 {
					path = append(path, "_:c14n"...)
					path = strconv.AppendInt(path, int64(c), 10)
				} else {
					id := copyIs.lookup(r)
					if id < 0 {
						recursion = append(recursion, r)
						copyIs, id = copyIs.issue(r)
					}
					path = append(path, "_:b"...)
					path = strconv.AppendInt(path, int64(id), 10)
				}
				if chosenSet && len(path) >= len(chosen) && bytes.Compare(path, chosen) > 0 {
					skip = true
					break
				}
			}
			for k := 0; !skip && k < len(recursion); k++ {
				r := recursion[k]
				var h digest
				resIs, err := s.hashNDegree(r, copyIs, &h)
				if err != nil {
					return is, err
				}
				path = append(path, "_:b"...)
				path = strconv.AppendInt(path, int64(copyIs.lookup(r)), 10)
				path = append(path, '<')
				path = hex.AppendEncode(path, h[:size])
				path = append(path, '>')
				copyIs = resIs
				if chosenSet && len(path) >= len(chosen) && bytes.Compare(path, chosen) > 0 {
					skip = true
				}
			}
			if !skip && (!chosenSet || bytes.Compare(path, chosen) < 0) {
				chosen = append(chosen[:0], path...)
				chosenIssuer = copyIs
				chosenSet = true
			}
			if !nextPermutation(perm, s.labels) {
				break
			}
		}
		data = append(data, chosen...)
		is = chosenIssuer
		i = j
	}
	s.h.Reset()
	s.h.Write(data)
	s.sum(out)
	return is, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// nextPermutation rearranges p into the next permutation in lexicographic order of labels
// (then index), skipping repeats; it reports false after the last one.
func nextPermutation(p []int32, labels []string) bool {
	less := func(a, b int32) bool {
		if c := cmpString(labels[a], labels[b]); c != 0 {
			return c < 0
		}
		return a < b
	}
	i := len(p) - 2
	for i >= 0 && !less(p[i], p[i+1]) {
		i--
	}
	if i < 0 {
		return false
	}
	j := len(p) - 1
	for !less(p[i], p[j]) {
		j--
	}
	p[i], p[j] = p[j], p[i]
	slices.Reverse(p[i+1:])
	return true
}
