package jsonld

// The fast path: JSON-LD expansion fused with "Deserialize JSON-LD to RDF" for the shapes
// credentials use, over cached processed contexts (fastctx.go). It follows json-gold's
// expansion step by step, so it yields json-gold's dataset (up to blank node labels), and
// declines (errDecline) on everything else: any error, any feature it does not handle, and
// anything safe mode would reject (so that both paths apply safe mode identically: the
// general path decides, and the fast path only supplies the name of the dropped term).

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/piprate/json-gold/ld"

	"github.com/polity-id/polity/internal/rdf"
)

const (
	rdfType  = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	rdfFirst = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
	rdfRest  = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
	rdfNil   = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
	rdfJSON  = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"
	xsdBool  = "http://www.w3.org/2001/XMLSchema#boolean"
	xsdInt   = "http://www.w3.org/2001/XMLSchema#integer"
	xsdDbl   = "http://www.w3.org/2001/XMLSchema#double"
)

// Expanded values, as the fast path needs them.
const (
	xNode  uint8 = iota + 1 // node object or reference: t is its subject
	xValue                  // value object: t is the literal
	xList                   // list object: items
)

type xv struct {
	kind  uint8
	t     rdf.Term
	items []xv
}

// shape of an expansion result: nothing (JSON-LD null), one value, or an array.
type shape uint8

const (
	shNone shape = iota
	shOne
	shMany
)

type emitter struct {
	p      *Processor
	quads  []rdf.Quad
	graph  rdf.Term
	blanks int
	labels map[string]rdf.Term // document blank node labels to ours
	hint   string
	max    int
	keys   []keyInfo // scratch, used as a stack

	keysBuf  [32]keyInfo
	quadsBuf [32]rdf.Quad
	spare    []rdf.Quad // a grown quad buffer kept from an earlier conversion

	// check makes the emitter count statements instead of storing them, and skip the
	// lexical forms of literals: the check-only mode of Processor.Check.
	check bool
	count int
}

type keyInfo struct {
	key string
	iri string
	td  *term // the key's term definition in the active context, if any
}

var blankLabels = func() [64]string {
	var a [64]string
	for i := range a {
		a[i] = "b" + strconv.Itoa(i)
	}
	return a
}()

func (e *emitter) blank() rdf.Term {
	n := e.blanks
	e.blanks++
	if n < len(blankLabels) {
		return rdf.Term{Kind: rdf.Blank, Value: blankLabels[n]}
	}
	return rdf.Term{Kind: rdf.Blank, Value: "b" + strconv.Itoa(n)}
}

func (e *emitter) emit(s, p, o rdf.Term) error {
	if e.check {
		if e.count >= e.max {
			return errDecline
		}
		e.count++
		return nil
	}
	if len(e.quads) >= e.max {
		return errDecline
	}
	e.quads = append(e.quads, rdf.Quad{S: s, P: p, O: o, G: e.graph})
	return nil
}

func (e *emitter) decline(format string, args ...any) error {
	if e.hint == "" {
		e.hint = fmt.Sprintf(format, args...)
	}
	return errDecline
}

// fastToRDF converts doc on the fast path, or reports ok=false (with a hint naming a
// dropped term, if that was the reason) when the general path must.
func (p *Processor) fastToRDF(doc any) (quads []rdf.Quad, hint string, ok bool) {
	if p.opts.expandContext != nil || p.opts.produceGeneralizedRDF ||
		(p.opts.processingMode != "" && p.opts.processingMode != ld.JsonLd_1_1) {
		return nil, "", false
	}
	e := emitterPool.Get().(*emitter)
	defer e.release()
	e.p, e.max = p, 8*p.maxQuads()
	e.quads, e.keys = e.quadsBuf[:0], e.keysBuf[:0]
	if cap(e.spare) > 0 {
		e.quads = e.spare[:0]
	}
	root := p.rootContext()
	var err error
	switch d := doc.(type) {
	case map[string]any:
		_, _, err = e.expandMap(root, "", d, false, nil, true, nil)
	case []any:
		_, _, err = e.expand(root, "", d, false, nil, nil)
	}
	if err != nil {
		return nil, e.hint, false
	}
	// The emitter's buffer goes back to the pool: the caller gets its own copy.
	return append([]rdf.Quad(nil), dedupe(e.quads)...), "", true
}

// fastCheck runs the fast path on doc in check-only mode: it reports true when
// fastToRDF would give a dataset of at most maxQuads statements (so that ToRDF succeeds),
// and false when it is not sure, for the caller to run ToRDF. The expansion is the same
// as fastToRDF's, statement by statement; only the statements and the lexical forms of
// literals are not built. Unlike fastToRDF, doc may hold json.Number leaves (checked by
// scanDecoded): they are read as the float64 that ToRDF would convert them to.
func (p *Processor) fastCheck(doc any) bool {
	if p.opts.expandContext != nil || p.opts.produceGeneralizedRDF ||
		(p.opts.processingMode != "" && p.opts.processingMode != ld.JsonLd_1_1) {
		return false
	}
	e := emitterPool.Get().(*emitter)
	defer e.release()
	e.p, e.max, e.check = p, p.maxQuads(), true
	e.quads, e.keys = e.quadsBuf[:0], e.keysBuf[:0]
	root := p.rootContext()
	var err error
	switch d := doc.(type) {
	case map[string]any:
		_, _, err = e.expandMap(root, "", d, false, nil, true, nil)
	case []any:
		_, _, err = e.expand(root, "", d, false, nil, nil)
	default:
		return false
	}
	return err == nil
}

// emitterPool recycles emitters, whose scratch buffers would otherwise be most of the
// bytes allocated per conversion.
var emitterPool = sync.Pool{New: func() any { return new(emitter) }}

// release clears e and returns it to the pool, keeping a grown quad buffer of moderate
// size for the next conversion.
func (e *emitter) release() {
	if !e.check { // a checking emitter stores no statements
		clear(e.quadsBuf[:])
	}
	clear(e.keysBuf[:])
	var spare []rdf.Quad
	if c := cap(e.quads); c > len(e.quadsBuf) && c <= maxSpareQuads {
		spare = e.quads[:c]
		clear(spare)
	}
	// Field by field: assigning a whole emitter would copy the buffers, with a write
	// barrier per pointer.
	e.p, e.quads, e.graph, e.blanks, e.labels, e.hint, e.max, e.keys = nil, nil, rdf.Term{}, 0, nil, "", 0, nil
	e.spare, e.check, e.count = spare[:0], false, 0
	emitterPool.Put(e)
}

// maxSpareQuads caps the quad buffer a pooled emitter keeps.
const maxSpareQuads = 1024

func dedupe(qs []rdf.Quad) []rdf.Quad {
	if len(qs) < 2 {
		return qs
	}
	if len(qs) <= 128 {
		// Small sets: pairwise comparison beats hashing every quad.
		out := qs[:1]
	next:
		for _, q := range qs[1:] {
			for i := range out {
				if out[i] == q {
					continue next
				}
			}
			out = append(out, q)
		}
		return out
	}
	seen := make(map[rdf.Quad]struct{}, len(qs))
	out := qs[:0]
	for _, q := range qs {
		if _, dup := seen[q]; dup {
			continue
		}
		seen[q] = struct{}{}
		out = append(out, q)
	}
	return out
}

// expand is the expansion algorithm for any element.
func (e *emitter) expand(ctx *activeContext, ap string, el any, insideIndex bool, typeScoped *activeContext, out []xv) ([]xv, shape, error) {
	switch v := el.(type) {
	case nil:
		return out, shNone, nil
	case []any:
		listy := ap == "@list" || hasContainer(ctx, ap, cList)
		for _, item := range v {
			start := len(out)
			var sh shape
			var err error
			out, sh, err = e.expand(ctx, ap, item, insideIndex, typeScoped, out)
			if err != nil {
				return nil, shNone, err
			}
			if listy && sh == shMany {
				items := append([]xv(nil), out[start:]...)
				out = append(out[:start], xv{kind: xList, items: items})
			}
		}
		return out, shMany, nil
	case map[string]any:
		return e.expandMap(ctx, ap, v, insideIndex, typeScoped, false, out)
	default:
		return e.expandScalar(ctx, ap, el, out)
	}
}

func hasContainer(ctx *activeContext, name string, flag uint8) bool {
	t := ctx.terms[name]
	return t != nil && t.cont&flag != 0
}

// expandScalar is value expansion of a string, number or boolean under ap.
func (e *emitter) expandScalar(ctx *activeContext, ap string, v any, out []xv) ([]xv, shape, error) {
	x, sh, err := e.scalar(ctx, ap, v)
	if err != nil || sh == shNone {
		return out, sh, err
	}
	return append(out, x), sh, nil
}

// scalar is expandScalar for one value, without a result slice.
func (e *emitter) scalar(ctx *activeContext, ap string, v any) (xv, shape, error) {
	if ap == "" || ap == "@graph" {
		return xv{}, shNone, nil // free-floating value: dropped, as JSON-LD says
	}
	return e.scalarTerm(ctx, ap, ctx.terms[ap], v)
}

// scalarTerm is scalar for a property ap whose term definition in ctx is td (nil if
// none).
func (e *emitter) scalarTerm(ctx *activeContext, ap string, td *term, v any) (xv, shape, error) {
	if ap == "" || ap == "@graph" {
		return xv{}, shNone, nil
	}
	if td != nil && (td.typ == "@id" || td.typ == "@vocab") {
		if s, ok := v.(string); ok {
			x, err := ctx.expandIRI(e.p, s, true, td.typ == "@vocab", nil, nil)
			if err != nil {
				return xv{}, shNone, err
			}
			t, err := e.idTerm(x)
			if err != nil {
				return xv{}, shNone, err
			}
			return xv{kind: xNode, t: t}, shOne, nil
		}
		lit, err := e.literal(v, "", "", false)
		if err != nil {
			return xv{}, shNone, err
		}
		return xv{kind: xValue, t: lit}, shOne, nil
	}
	typ, lang, hasLang := "", "", false
	if td != nil && td.typ != "" && td.typ != "@id" && td.typ != "@vocab" && td.typ != "@none" {
		if td.typ == "@json" {
			return xv{}, shNone, errDecline
		}
		typ = td.typ
	} else if _, isStr := v.(string); isStr {
		if td != nil && td.hasLang {
			if td.lang != nil {
				lang, hasLang = *td.lang, true
			}
		} else if ctx.hasLang {
			lang, hasLang = ctx.lang, true
		}
		if td != nil && td.hasDir {
			if td.dir != nil {
				return xv{}, shNone, e.decline("base direction has no RDF form here")
			}
		} else if ctx.dir != "" {
			return xv{}, shNone, e.decline("base direction has no RDF form here")
		}
	}
	lit, err := e.literal(v, typ, lang, hasLang)
	if err != nil {
		return xv{}, shNone, err
	}
	return xv{kind: xValue, t: lit}, shOne, nil
}

// literal is json-gold's conversion of a value object to an RDF literal.
func (e *emitter) literal(v any, typ, lang string, hasLang bool) (rdf.Term, error) {
	if typ != "" && e.p.fast.iriDropped(typ) {
		return rdf.Term{}, e.decline("datatype %q is not an absolute IRI", truncate(typ))
	}
	dt := func(def string) string {
		if typ != "" {
			return typ
		}
		return def
	}
	if n, isNum := v.(json.Number); isNum && e.check {
		x, err := n.Float64()
		if err != nil {
			return rdf.Term{}, errDecline
		}
		v = x
	}
	switch x := v.(type) {
	case bool:
		return rdf.Term{Kind: rdf.Literal, Value: strconv.FormatBool(x), Datatype: dt(xsdBool)}, nil
	case float64:
		if math.Abs(x) >= 1<<63 {
			return rdf.Term{}, errDecline // json-gold's integer test is platform-dependent here
		}
		if e.check {
			return rdf.Term{Kind: rdf.Literal}, nil // the lexical form is not needed
		}
		if x != float64(int64(x)) || typ == xsdDbl {
			return rdf.Term{Kind: rdf.Literal, Value: ld.GetCanonicalDouble(x), Datatype: dt(xsdDbl)}, nil
		}
		return rdf.Term{Kind: rdf.Literal, Value: strconv.FormatInt(int64(x), 10), Datatype: dt(xsdInt)}, nil
	case string:
		if hasLang {
			if !validLang(lang) {
				return rdf.Term{}, e.decline("language tag %q is not well-formed", truncate(lang))
			}
			return rdf.Term{Kind: rdf.Literal, Value: x, Datatype: dt(rdf.RDFLangString), Language: lang}, nil
		}
		return rdf.Term{Kind: rdf.Literal, Value: x, Datatype: dt(rdf.XSDString)}, nil
	}
	return rdf.Term{}, errDecline
}

// validLang is validLanguage.MatchString(s) without the regular expression engine:
// letters, then any number of "-" followed by letters or digits.
func validLang(s string) bool {
	i := 0
	for i < len(s) && isLetter(s[i]) {
		i++
	}
	if i == 0 {
		return false
	}
	for i < len(s) {
		if s[i] != '-' {
			return false
		}
		i++
		j := i
		for i < len(s) && (isLetter(s[i]) || s[i] >= '0' && s[i] <= '9') {
			i++
		}
		if i == j {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// idTerm turns an expanded @id into a subject or object term.
func (e *emitter) idTerm(x string) (rdf.Term, error) {
	if strings.HasPrefix(x, "_:") {
		if t, ok := e.labels[x]; ok {
			return t, nil
		}
		if e.labels == nil {
			e.labels = make(map[string]rdf.Term)
		}
		t := e.blank()
		e.labels[x] = t
		return t, nil
	}
	if e.p.fast.iriDropped(x) {
		return rdf.Term{}, e.decline("@id %q is not an absolute IRI", truncate(x))
	}
	return rdf.Term{Kind: rdf.IRI, Value: x}, nil
}

// Keywords seen in one object, as bits.
const (
	kID uint16 = 1 << iota
	kType
	kGraph
	kValue
	kLanguage
	kIndex
	kList
	kSet
)

var keywordBits = map[string]uint16{
	"@id": kID, "@type": kType, "@graph": kGraph, "@value": kValue,
	"@language": kLanguage, "@index": kIndex, "@list": kList, "@set": kSet,
}

// expandMap is the expansion algorithm for a JSON object, emitting the quads of node
// objects as it goes. top marks the document's root object.
func (e *emitter) expandMap(ctx *activeContext, ap string, m map[string]any, insideIndex bool, typeScoped *activeContext, top bool, out []xv) ([]xv, shape, error) {
	p := e.p
	var propScoped *term
	if td := ctx.terms[ap]; td != nil && td.ctx != nil {
		propScoped = td
	}
	if typeScoped == nil && ctx.prev != nil {
		typeScoped = ctx
	}
	mustRevert := !insideIndex
	local, hasCtx := m["@context"]
	if mustRevert && typeScoped != nil && len(m) <= 2 && !hasCtx {
		var ks [2]string
		n := 0
		for k := range m {
			ks[n] = k
			n++
		}
		if n == 2 && ks[1] < ks[0] {
			ks[0], ks[1] = ks[1], ks[0]
		}
		for _, k := range ks[:n] {
			x, err := typeScoped.expandIRI(p, k, false, true, nil, nil)
			if err != nil {
				return nil, shNone, err
			}
			if x == "@value" {
				mustRevert = false
				ctx = typeScoped
				break
			}
			if x == "@id" && n == 1 {
				mustRevert = false
				break
			}
		}
	}
	var err error
	if mustRevert {
		ctx = ctx.reverted()
	}
	if propScoped != nil {
		if ctx, err = ctx.withProperty(p, propScoped); err != nil {
			return nil, shNone, err
		}
	}
	if hasCtx {
		if ctx, err = ctx.withEmbedded(p, local); err != nil {
			return nil, shNone, err
		}
	}
	typeScoped = ctx

	// Type-scoped contexts, applied in lexicographical order of the types.
	typeKey := ""
	for k := range m {
		isType, err := ctx.expandsToType(p, k)
		if err != nil {
			return nil, shNone, err
		}
		if isType {
			if typeKey != "" {
				return nil, shNone, errDecline
			}
			typeKey = k
		}
	}
	if typeKey == "" {
		// json-gold then reads m[""] as the node's type (it holds the type key's name).
		if v, ok := m[""]; ok {
			if _, isStr := v.(string); !isStr {
				return nil, shNone, errDecline
			}
		}
	}
	var types []string
	if typeKey != "" {
		switch tv := m[typeKey].(type) {
		case string:
			types = []string{tv}
		case []any:
			types = make([]string, len(tv))
			for i, t := range tv {
				s, ok := t.(string)
				if !ok {
					return nil, shNone, errDecline
				}
				types[i] = s
			}
		default:
			return nil, shNone, errDecline
		}
		sorted := types
		if len(types) > 1 {
			sorted = append([]string(nil), types...)
			sort.Strings(sorted)
		}
		for _, t := range sorted {
			if td := typeScoped.terms[t]; td != nil && td.hasCtx {
				if ctx, err = ctx.withType(p, td); err != nil {
					return nil, shNone, err
				}
			}
		}
	}

	// Classify the keys with the final active context.
	base := len(e.keys)
	defer func() { e.keys = e.keys[:base] }()
	var kw uint16
	var kwKeys [8]string
	for k := range m {
		if k == "@context" {
			continue
		}
		x, td, err := ctx.expandKey(p, k)
		if err != nil {
			return nil, shNone, err
		}
		if x == "" || (strings.IndexByte(x, ':') < 0 && !ld.IsKeyword(x)) {
			return nil, shNone, e.decline("property %q is not defined by the active context", truncate(k))
		}
		if ld.IsKeyword(x) {
			bit, ok := keywordBits[x]
			if !ok || kw&bit != 0 {
				return nil, shNone, errDecline
			}
			kw |= bit
			kwKeys[trailingZeros(bit)] = k
			continue
		}
		e.keys = append(e.keys, keyInfo{key: k, iri: x, td: td})
	}
	props := e.keys[base:]
	kwVal := func(bit uint16) any { return m[kwKeys[trailingZeros(bit)]] }

	switch {
	case kw&kValue != 0:
		if len(props) > 0 || kw&^(kValue|kType|kLanguage|kIndex) != 0 {
			return nil, shNone, errDecline
		}
		if kw&kIndex != 0 {
			if _, ok := kwVal(kIndex).(string); !ok {
				return nil, shNone, errDecline
			}
		}
		val := kwVal(kValue)
		switch val.(type) {
		case map[string]any, []any:
			return nil, shNone, errDecline
		}
		typ, lang, hasLang := "", "", false
		if kw&kType != 0 {
			if len(types) != 1 {
				return nil, shNone, errDecline
			}
			x, err := typeScoped.expandIRI(p, types[0], true, true, nil, nil)
			if err != nil {
				return nil, shNone, err
			}
			if x == "@json" || !ld.IsAbsoluteIri(x) || strings.HasPrefix(x, "_:") {
				return nil, shNone, errDecline
			}
			typ = x
		}
		if kw&kLanguage != 0 {
			l, ok := kwVal(kLanguage).(string)
			if !ok || typ != "" {
				return nil, shNone, errDecline
			}
			lang, hasLang = strings.ToLower(l), true
		}
		if val == nil {
			return out, shNone, nil
		}
		if _, isStr := val.(string); hasLang && !isStr {
			return nil, shNone, errDecline
		}
		lit, err := e.literal(val, typ, lang, hasLang)
		if err != nil {
			return nil, shNone, err
		}
		if ap == "" || ap == "@graph" {
			return out, shNone, nil
		}
		return append(out, xv{kind: xValue, t: lit}), shOne, nil

	case kw&kList != 0:
		if len(props) > 0 || kw&^(kList|kIndex) != 0 {
			return nil, shNone, errDecline
		}
		if kw&kIndex != 0 {
			if _, ok := kwVal(kIndex).(string); !ok {
				return nil, shNone, errDecline
			}
		}
		if ap == "" || ap == "@graph" {
			return out, shNone, nil // free-floating list: JSON-LD drops it unexpanded
		}
		items, sh, err := e.expand(ctx, ap, kwVal(kList), false, nil, nil)
		if err != nil {
			return nil, shNone, err
		}
		if sh == shNone {
			return nil, shNone, errDecline // json-gold turns this into a list holding null
		}
		return append(out, xv{kind: xList, items: items}), shOne, nil

	case kw&kSet != 0:
		if len(props) > 0 || kw&^(kSet|kIndex) != 0 {
			return nil, shNone, errDecline
		}
		if kw&kIndex != 0 {
			if _, ok := kwVal(kIndex).(string); !ok {
				return nil, shNone, errDecline
			}
		}
		res, sh, err := e.expand(ctx, ap, kwVal(kSet), false, nil, out)
		if err == nil && sh == shNone {
			err = errDecline // json-gold then keeps an empty node object
		}
		return res, sh, err
	}

	// A node object.
	if kw&(kIndex|kLanguage) != 0 {
		if kw == kLanguage && len(props) == 0 {
			if _, ok := kwVal(kLanguage).(string); !ok {
				return nil, shNone, errDecline
			}
			return out, shNone, nil
		}
		return nil, shNone, errDecline
	}
	if top && kw == kGraph && len(props) == 0 {
		// {"@context": ..., "@graph": [...]}: the nodes are in the default graph.
		if _, sh, err := e.expand(ctx, "@graph", kwVal(kGraph), false, nil, nil); err != nil || sh == shNone {
			return nil, shNone, errDecline
		}
		return out, shNone, nil
	}
	var subj rdf.Term
	if kw&kID != 0 {
		ids, ok := kwVal(kID).(string)
		if !ok {
			return nil, shNone, errDecline
		}
		x, err := ctx.expandIRI(p, ids, true, false, nil, nil)
		if err != nil {
			return nil, shNone, err
		}
		if subj, err = e.idTerm(x); err != nil {
			return nil, shNone, err
		}
	} else {
		subj = e.blank()
	}
	typePred := rdf.Term{Kind: rdf.IRI, Value: rdfType}
	for _, t := range types {
		x, err := typeScoped.expandIRI(p, t, true, true, nil, nil)
		if err != nil {
			return nil, shNone, err
		}
		var tt rdf.Term
		if strings.HasPrefix(x, "_:") {
			if tt, err = e.idTerm(x); err != nil {
				return nil, shNone, err
			}
		} else {
			if p.fast.iriDropped(x) {
				return nil, shNone, e.decline("type %q does not expand to an absolute IRI", truncate(t))
			}
			tt = rdf.Term{Kind: rdf.IRI, Value: x}
		}
		if err := e.emit(subj, typePred, tt); err != nil {
			return nil, shNone, err
		}
	}
	for i := range props {
		k, x := props[i].key, props[i].iri
		if err := e.property(ctx, subj, k, x, props[i].td, m[k]); err != nil {
			return nil, shNone, err
		}
	}
	if kw&kGraph != 0 {
		saved := e.graph
		e.graph = subj
		_, sh, err := e.expand(ctx, "@graph", kwVal(kGraph), false, nil, nil)
		e.graph = saved
		if err != nil {
			return nil, shNone, err
		}
		if sh == shNone {
			return nil, shNone, errDecline // json-gold fails on a graph holding null
		}
	}
	if ap == "" || ap == "@graph" {
		if kw&^kID == 0 && len(props) == 0 {
			return out, shNone, nil // empty, or only @id: dropped
		}
	}
	return append(out, xv{kind: xNode, t: subj}), shOne, nil
}

// expandsToType reports whether key k expands to @type in ctx, as expandIRI(k) == "@type"
// would, without building the expansion of other keys.
func (ctx *activeContext) expandsToType(p *Processor, k string) (bool, error) {
	if strings.IndexByte(k, ':') >= 0 {
		x, err := ctx.expandIRI(p, k, false, true, nil, nil)
		return x == "@type", err
	}
	// Without a colon, expansion cannot fail: the result is k itself if it is a keyword,
	// the term's IRI mapping if k is a term, or an IRI built from k.
	if ld.IsKeyword(k) {
		return k == "@type", nil
	}
	if isReservedKeywordForm(k) {
		return false, nil
	}
	t := ctx.terms[k]
	return t != nil && t.id == "@type", nil
}

func trailingZeros(b uint16) int {
	n := 0
	for b&1 == 0 && n < 16 {
		b >>= 1
		n++
	}
	return n
}

// property expands one property of a node and emits its statements.
// td is ctx.terms[key].
func (e *emitter) property(ctx *activeContext, subj rdf.Term, key, iri string, td *term, value any) error {
	p := e.p
	if strings.HasPrefix(iri, "_:") || p.fast.termIRIDropped(td, iri) {
		return e.decline("property %q does not expand to an absolute IRI", truncate(key))
	}
	termCtx := ctx
	if td != nil && td.hasCtx {
		var err error
		if termCtx, err = ctx.withProperty(p, td); err != nil {
			return err
		}
	}
	// The container mapping is the term's in the active context, before its scoped context
	// applies (JSON-LD 1.1 expansion step 13.4): a scoped context may redefine or remove
	// the term itself, as VCDM 2.0's "verifiableCredential" (@graph, "@context": null) does.
	var flags uint8
	if td != nil {
		flags = td.cont
		if td.reverse || td.nest != "" {
			return errDecline
		}
	}
	ttd := td // the term in termCtx
	if termCtx != ctx {
		ttd = termCtx.terms[key]
	}
	if ttd != nil && (ttd.reverse || ttd.nest != "") {
		return errDecline
	}
	if _, isMap := value.(map[string]any); isMap && flags&(cLanguage|cIndex|cID|cType) != 0 {
		return errDecline
	}
	pred := rdf.Term{Kind: rdf.IRI, Value: iri}
	if td != nil && td.typ == "@json" {
		obj, isMap := value.(map[string]any)
		if !isMap || flags&^cSet != 0 {
			return errDecline
		}
		lit, err := jsonLiteral(obj)
		if err != nil {
			return errDecline
		}
		return e.emit(subj, pred, rdf.Term{Kind: rdf.Literal, Value: lit, Datatype: rdfJSON})
	}
	if flags&cGraph != 0 && flags&(cID|cIndex) == 0 {
		// Each value becomes the default graph of a new named graph.
		for _, el := range arrayify(value) {
			if el == nil {
				continue
			}
			if _, isArr := el.([]any); isArr {
				return errDecline
			}
			saved := e.graph
			g := e.blank()
			e.graph = g
			res, sh, err := e.expand(termCtx, key, el, false, nil, nil)
			e.graph = saved
			if err != nil {
				return err
			}
			if sh == shNone {
				continue
			}
			if sh != shOne || res[0].kind != xNode {
				return errDecline
			}
			if err := e.emit(subj, pred, g); err != nil {
				return err
			}
		}
		return nil
	}
	switch value.(type) {
	case string, float64, bool, json.Number:
		// One scalar: the common case, without a result slice.
		x, sh, err := e.scalarTerm(termCtx, key, ttd, value)
		if err != nil || sh == shNone {
			return err
		}
		if flags&cList != 0 {
			x = xv{kind: xList, items: []xv{x}}
		}
		obj, err := e.object(x)
		if err != nil {
			return err
		}
		return e.emit(subj, pred, obj)
	}
	res, sh, err := e.expand(termCtx, key, value, false, nil, nil)
	if err != nil {
		return err
	}
	if sh == shNone {
		return nil
	}
	if flags&cList != 0 && !(sh == shOne && res[0].kind == xList) {
		res = []xv{{kind: xList, items: res}}
	}
	for i := range res {
		obj, err := e.object(res[i])
		if err != nil {
			return err
		}
		if err := e.emit(subj, pred, obj); err != nil {
			return err
		}
	}
	return nil
}

// object returns the RDF term for an expanded value, emitting list structure.
func (e *emitter) object(v xv) (rdf.Term, error) {
	if v.kind != xList {
		return v.t, nil
	}
	if len(v.items) == 0 {
		return rdf.Term{Kind: rdf.IRI, Value: rdfNil}, nil
	}
	first := rdf.Term{Kind: rdf.IRI, Value: rdfFirst}
	rest := rdf.Term{Kind: rdf.IRI, Value: rdfRest}
	head := e.blank()
	cur := head
	for i, it := range v.items {
		o, err := e.object(it)
		if err != nil {
			return rdf.Term{}, err
		}
		next := rdf.Term{Kind: rdf.IRI, Value: rdfNil}
		if i < len(v.items)-1 {
			next = e.blank()
		}
		if err := e.emit(cur, first, o); err != nil {
			return rdf.Term{}, err
		}
		if err := e.emit(cur, rest, next); err != nil {
			return rdf.Term{}, err
		}
		cur = next
	}
	return head, nil
}
