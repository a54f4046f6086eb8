package jsonld

// Context processing for the fast path (JSON-LD 1.1 API, "Context Processing Algorithm"
// and "Create Term Definition"), written to give exactly json-gold's active contexts for
// the contexts it accepts. Every error, and every feature not handled here, makes the fast
// path decline, so that json-gold processes the document and reports the error itself.
// Processed contexts are immutable and cached, including the contexts derived from them
// by type-scoped, property-scoped and embedded contexts.

import (
	"errors"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/piprate/json-gold/ld"
)

// errDecline means "the fast path does not handle this document": the general path must.
var errDecline = errors.New("jsonld: fast path declined")

// Container flags of a term definition.
const (
	cList uint8 = 1 << iota
	cSet
	cIndex
	cLanguage
	cGraph
	cID
	cType
)

// term is a term definition. A term mapped to null is stored as a nil *term.
type term struct {
	id        string
	reverse   bool
	typ       string
	container []string // as written, for protected-term comparison
	hasCont   bool
	cont      uint8
	ctx       any // scoped context
	hasCtx    bool
	prefix    bool
	protected bool
	lang      *string
	hasLang   bool
	dir       *string
	hasDir    bool
	index     string
	nest      string

	// dropped memoizes droppedIRI(id) for the fast path, read and written atomically:
	// 0 not yet known, 1 kept, 2 dropped. It is not part of the definition.
	dropped uint32
}

// sameDefinition is json-gold's comparison of a protected term with its redefinition.
func sameDefinition(a, b *term) bool {
	return a.id == b.id && a.reverse == b.reverse && a.typ == b.typ && a.hasCtx == b.hasCtx &&
		a.nest == b.nest && a.index == b.index && a.protected == b.protected &&
		a.hasCont == b.hasCont && reflect.DeepEqual(a.container, b.container) &&
		reflect.DeepEqual(a.dir, b.dir) && a.hasDir == b.hasDir &&
		reflect.DeepEqual(a.lang, b.lang) && a.hasLang == b.hasLang &&
		ld.DeepCompare(a.ctx, b.ctx, false)
}

// activeContext is an immutable processed context plus memoized derivations.
type activeContext struct {
	terms        map[string]*term
	vocab        string
	hasVocab     bool
	base         string
	lang         string
	hasLang      bool
	dir          string
	hasProtected bool
	prev         *activeContext

	cache *fastCache
	gen   *cacheGen // the cache generation this context belongs to
	mu    sync.Mutex
	deriv map[derivKey]*derived // scoped contexts of terms
	docs  map[string]*derived   // contexts in documents, by contextKey
}

type derivKind uint8

const (
	derivProperty derivKind = iota + 1 // property-scoped context of a term
	derivType                          // type-scoped context of a term
	derivEmbedded                      // @context in the document
)

// derivKey names one derivation of an active context: the scoped context of a term (by
// its definition, which is immutable and belongs to that context) or a context found in
// the document (by its contextKey).
type derivKey struct {
	kind derivKind
	t    *term
	key  string
}

// derived is one memoized derivation, computed exactly once (concurrent callers of the
// same derivation wait for the first).
type derived struct {
	once sync.Once
	ctx  *activeContext
	err  error
}

// fastCache holds a processor's processed contexts: a tree of active contexts rooted at
// the initial context, where each edge is a memoized derivation (type-scoped,
// property-scoped or document context), so every processed context, including nested
// combinations, is computed once per (active context, scoped context) pair. The tree is
// bounded: when a generation holds maxCachedContexts derivations (or one context holds
// maxDerivPerCtx), the next call starts a new generation from a fresh root, and the old
// tree is freed once no call uses it. Safe for concurrent use.
type fastCache struct {
	mu       sync.Mutex
	root     *activeContext // root of the current generation; nil until first use
	gen      *cacheGen
	computed atomic.Int64 // contexts processed (cache misses), for tests

	iriMu  sync.RWMutex
	iriOK  map[string]bool // droppedIRI results for IRIs seen so far (bounded)
	iriAbs map[string]bool // ld.IsAbsoluteIri results (bounded)
}

// cacheGen counts the derivations cached in one generation.
type cacheGen struct {
	entries atomic.Int64
}

const (
	maxCachedContexts = 1024 // derived contexts per generation; each holds a term map
	maxCachedIRIs     = 16384
	maxDerivPerCtx    = 256
	maxRemoteNesting  = 8
)

func newFastCache() *fastCache {
	return &fastCache{iriOK: make(map[string]bool), iriAbs: make(map[string]bool), gen: &cacheGen{}}
}

// rootContext is the initial active context for p, in the current cache generation.
func (p *Processor) rootContext() *activeContext {
	c := p.fast
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.root == nil {
		c.root = &activeContext{terms: map[string]*term{}, base: p.opts.Base, cache: c, gen: c.gen}
	}
	return c.root
}

// full starts a new generation if gen is still the current one.
func (c *fastCache) full(gen *cacheGen) {
	c.mu.Lock()
	if c.gen == gen {
		c.gen, c.root = &cacheGen{}, nil
	}
	c.mu.Unlock()
}

// termIRIDropped is iriDropped(iri) for the IRI of a key whose term definition in the
// active context is t (nil if none), memoized on the definition when iri is its IRI.
func (c *fastCache) termIRIDropped(t *term, iri string) bool {
	if t == nil || t.id != iri {
		return c.iriDropped(iri)
	}
	switch atomic.LoadUint32(&t.dropped) {
	case 1:
		return false
	case 2:
		return true
	}
	d := c.iriDropped(iri)
	v := uint32(1)
	if d {
		v = 2
	}
	atomic.StoreUint32(&t.dropped, v)
	return d
}

// iriDropped is droppedIRI with a bounded memo.
func (c *fastCache) iriDropped(iri string) bool {
	return c.memo(c.iriOK, iri, droppedIRI)
}

// isAbsolute is ld.IsAbsoluteIri (which parses a URL) with a bounded memo.
func (c *fastCache) isAbsolute(iri string) bool {
	return c.memo(c.iriAbs, iri, ld.IsAbsoluteIri)
}

func (c *fastCache) memo(m map[string]bool, iri string, f func(string) bool) bool {
	c.iriMu.RLock()
	v, ok := m[iri]
	c.iriMu.RUnlock()
	if ok {
		return v
	}
	v = f(iri)
	c.iriMu.Lock()
	if len(m) >= maxCachedIRIs {
		clear(m) // simple eviction: documents cannot pin junk in the memo
	}
	m[iri] = v
	c.iriMu.Unlock()
	return v
}

// derive returns the memoized derivation k of c, computing it at most once per cache
// generation; compute produces it. Any error other than errDecline becomes errDecline.
func (c *activeContext) derive(k derivKey, compute func() (*activeContext, error)) (*activeContext, error) {
	c.mu.Lock()
	var d *derived
	var ok bool
	if k.kind == derivEmbedded {
		d, ok = c.docs[k.key]
	} else {
		d, ok = c.deriv[k]
	}
	if !ok {
		if len(c.deriv)+len(c.docs) >= maxDerivPerCtx || c.gen.entries.Add(1) > maxCachedContexts {
			c.mu.Unlock()
			c.cache.full(c.gen)
			return c.cache.run(compute)
		}
		d = &derived{}
		if k.kind == derivEmbedded {
			if c.docs == nil {
				c.docs = make(map[string]*derived)
			}
			c.docs[k.key] = d
		} else {
			if c.deriv == nil {
				c.deriv = make(map[derivKey]*derived)
			}
			c.deriv[k] = d
		}
	}
	c.mu.Unlock()
	d.once.Do(func() { d.ctx, d.err = c.cache.run(compute) })
	return d.ctx, d.err
}

// cachedDoc returns the memoized document context with key key if there is one, waiting
// for it if another call is computing it. It allocates nothing.
func (c *activeContext) cachedDoc(key []byte) (*derived, bool) {
	c.mu.Lock()
	d, ok := c.docs[string(key)]
	c.mu.Unlock()
	if ok {
		d.once.Do(func() {}) // the first caller's computation has finished
	}
	return d, ok
}

// run processes a context for the cache, counting misses and containing failures.
func (c *fastCache) run(compute func() (*activeContext, error)) (ctx *activeContext, err error) {
	c.computed.Add(1)
	defer func() {
		if r := recover(); r != nil {
			ctx, err = nil, errDecline
		}
	}()
	ctx, err = compute()
	if err != nil {
		ctx, err = nil, errDecline
	}
	return ctx, err
}

// reverted is json-gold's RevertToPreviousContext.
func (c *activeContext) reverted() *activeContext {
	if c.prev == nil {
		return c
	}
	return c.prev
}

// withProperty applies the property-scoped context of t (override protected, propagate).
func (c *activeContext) withProperty(p *Processor, t *term) (*activeContext, error) {
	return c.derive(derivKey{kind: derivProperty, t: t}, func() (*activeContext, error) {
		return c.parse(p, t.ctx, 0, false, true, false, true)
	})
}

// withType applies the type-scoped context of t (no propagation, no override).
func (c *activeContext) withType(p *Processor, t *term) (*activeContext, error) {
	return c.derive(derivKey{kind: derivType, t: t}, func() (*activeContext, error) {
		return c.parse(p, t.ctx, 0, false, false, false, false)
	})
}

// withEmbedded applies a context found in the document.
func (c *activeContext) withEmbedded(p *Processor, local any) (*activeContext, error) {
	var buf [512]byte
	kb, ok := appendContextKey(buf[:0], local, 0)
	if !ok {
		return nil, errDecline
	}
	if d, hit := c.cachedDoc(kb); hit {
		return d.ctx, d.err
	}
	return c.derive(derivKey{kind: derivEmbedded, key: string(kb)}, func() (*activeContext, error) {
		return c.parse(p, local, 0, false, true, false, false)
	})
}

// maxContextKeyDepth bounds the nesting of a document context that is cached; deeper ones
// make the fast path decline.
const maxContextKeyDepth = 32

// appendContextKey appends an unambiguous encoding of the JSON value v (map keys sorted)
// to b, which identifies a document context for caching; it allocates only for maps with
// many keys or keys longer than b's spare capacity.
func appendContextKey(b []byte, v any, depth int) ([]byte, bool) {
	if depth > maxContextKeyDepth {
		return nil, false
	}
	switch t := v.(type) {
	case nil:
		return append(b, 'n'), true
	case bool:
		if t {
			return append(b, 't'), true
		}
		return append(b, 'f'), true
	case float64:
		b = strconv.AppendFloat(append(b, 'd'), t, 'g', -1, 64)
		return append(b, ';'), true
	case string:
		return appendKeyString(b, t), true
	case []any:
		b = append(b, '[')
		for _, e := range t {
			var ok bool
			if b, ok = appendContextKey(b, e, depth+1); !ok {
				return nil, false
			}
		}
		return append(b, ']'), true
	case map[string]any:
		var small [16]string
		keys := small[:0]
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = append(b, '{')
		for _, k := range keys {
			b = appendKeyString(b, k)
			var ok bool
			if b, ok = appendContextKey(b, t[k], depth+1); !ok {
				return nil, false
			}
		}
		return append(b, '}'), true
	}
	return nil, false
}

// appendKeyString appends s with its length, so that no two strings encode alike.
func appendKeyString(b []byte, s string) []byte {
	b = strconv.AppendInt(append(b, 's'), int64(len(s)), 10)
	return append(append(b, ':'), s...)
}

func (c *activeContext) clone() *activeContext {
	nc := &activeContext{
		terms:        make(map[string]*term, len(c.terms)+8),
		vocab:        c.vocab,
		hasVocab:     c.hasVocab,
		base:         c.base,
		lang:         c.lang,
		hasLang:      c.hasLang,
		dir:          c.dir,
		hasProtected: c.hasProtected,
		prev:         c.prev,
		cache:        c.cache,
		gen:          c.gen,
	}
	for k, v := range c.terms {
		nc.terms[k] = v
	}
	return nc
}

var nonTermDefKeys = map[string]bool{
	"@base": true, "@direction": true, "@import": true, "@language": true,
	"@protected": true, "@version": true, "@vocab": true,
}

// isReservedKeywordForm is the form "@" followed by letters only, which JSON-LD reserves.
func isReservedKeywordForm(s string) bool {
	if len(s) < 2 || s[0] != '@' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// parse is the context processing algorithm, as json-gold runs it.
func (c *activeContext) parse(p *Processor, local any, nesting int, parsingRemote, propagate, protected, override bool) (*activeContext, error) {
	contexts := arrayify(local)
	if len(contexts) == 0 {
		return c, nil
	}
	if first, ok := contexts[0].(map[string]any); ok {
		if pv, ok := first["@propagate"].(bool); ok {
			propagate = pv
		}
	}
	result := c.clone()
	if !propagate && result.prev == nil {
		result.prev = c
	}
	var seen []string // json-gold rejects a URL repeated within one context array
	for _, lc := range contexts {
		var cm map[string]any
		switch v := lc.(type) {
		case nil:
			if !override && result.hasProtected {
				return nil, errDecline
			}
			nc := &activeContext{terms: map[string]*term{}, base: p.opts.Base, cache: c.cache, gen: c.gen}
			if !propagate {
				nc.prev = result
			}
			result = nc
			continue
		case string:
			if nesting >= maxRemoteNesting {
				return nil, errDecline
			}
			uri := ld.Resolve(result.base, v)
			for _, u := range seen {
				if u == uri {
					return nil, errDecline
				}
			}
			seen = append(seen, uri)
			rc, ok := p.contexts[uri]
			if !ok || !rc.pinned {
				return nil, errDecline
			}
			r, err := result.parse(p, rc.doc["@context"], nesting+1, true, true, false, override)
			if err != nil {
				return nil, err
			}
			result = r
			continue
		case map[string]any:
			cm = v
		default:
			return nil, errDecline
		}
		if nested := cm["@context"]; nested != nil {
			m, ok := nested.(map[string]any)
			if !ok {
				return nil, errDecline
			}
			cm = m
		}
		if ver, ok := cm["@version"]; ok {
			if f, isNum := ver.(float64); !isNum || f != 1.1 {
				return nil, errDecline
			}
		}
		if _, ok := cm["@import"]; ok {
			return nil, errDecline
		}
		if bv, ok := cm["@base"]; ok && !parsingRemote {
			switch b := bv.(type) {
			case nil:
				result.base = ""
			case string:
				if ld.IsAbsoluteIri(b) {
					result.base = b
				} else {
					if !ld.IsAbsoluteIri(result.base) {
						return nil, errDecline
					}
					result.base = ld.Resolve(result.base, b)
				}
			default:
				return nil, errDecline
			}
		}
		if lv, ok := cm["@language"]; ok {
			switch l := lv.(type) {
			case nil:
				result.hasLang, result.lang = false, ""
			case string:
				result.hasLang, result.lang = true, strings.ToLower(l)
			default:
				return nil, errDecline
			}
		}
		if dv, ok := cm["@direction"]; ok {
			switch d := dv.(type) {
			case nil:
				result.dir = ""
			case string:
				if d != "rtl" && d != "ltr" {
					return nil, errDecline
				}
				result.dir = d
			default:
				return nil, errDecline
			}
		}
		defined := map[string]bool{}
		if pv, ok := cm["@propagate"]; ok {
			if _, isBool := pv.(bool); !isBool {
				return nil, errDecline
			}
			defined["@propagate"] = true
		}
		if vv, ok := cm["@vocab"]; ok {
			switch vs := vv.(type) {
			case nil:
				result.hasVocab, result.vocab = false, ""
			case string:
				ev, err := result.expandIRI(p, vs, true, true, nil, nil)
				if err != nil {
					return nil, err
				}
				result.hasVocab, result.vocab = true, ev
			default:
				return nil, errDecline
			}
		}
		if pv, ok := cm["@protected"]; ok {
			b, isBool := pv.(bool)
			if !isBool {
				return nil, errDecline
			}
			defined["@protected"] = b
		} else if protected {
			defined["@protected"] = true
		}
		keys := make([]string, 0, len(cm))
		for k := range cm {
			if !nonTermDefKeys[k] {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := result.createTerm(p, cm, k, defined, override); err != nil {
				return nil, err
			}
		}
	}
	return result, nil
}

// termDefKeys are the members a 1.1 term definition may have.
var termDefKeys = map[string]bool{
	"@container": true, "@id": true, "@language": true, "@reverse": true, "@type": true,
	"@context": true, "@direction": true, "@index": true, "@nest": true, "@prefix": true,
	"@protected": true,
}

var validContainers = map[string]uint8{
	"@list": cList, "@set": cSet, "@index": cIndex, "@language": cLanguage,
	"@graph": cGraph, "@id": cID, "@type": cType,
}

// createTerm is "Create Term Definition" as json-gold runs it. defined["@protected"] holds
// the local context's @protected default.
func (c *activeContext) createTerm(p *Processor, local map[string]any, name string, defined map[string]bool, override bool) error {
	if d, ok := defined[name]; ok {
		if d {
			return nil
		}
		return errDecline // cyclic IRI mapping
	}
	defined[name] = false
	value := local[name]
	m, isMap := value.(map[string]any)
	if idv, hasID := m["@id"]; value == nil || (isMap && hasID && idv == nil) {
		c.terms[name] = nil
		defined[name] = true
		return nil
	}
	simple := false
	if s, ok := value.(string); ok {
		m = map[string]any{"@id": s}
		simple = true
	} else if !isMap {
		return errDecline
	}
	if ld.IsKeyword(name) {
		return errDecline // keyword redefinition, or the @type container special case
	}
	if isReservedKeywordForm(name) {
		return nil
	}
	prev := c.terms[name]
	delete(c.terms, name)
	for k := range m {
		if !termDefKeys[k] {
			return errDecline
		}
	}
	colon := strings.Index(name, ":")
	hasColon := colon > 0
	def := &term{}
	if _, ok := m["@reverse"]; ok {
		return errDecline
	}
	if idv, ok := m["@id"]; ok {
		ids, isStr := idv.(string)
		if !isStr {
			return errDecline
		}
		if name != ids {
			if !ld.IsKeyword(ids) && isReservedKeywordForm(ids) {
				return nil
			}
			res, err := c.expandIRI(p, ids, false, true, local, defined)
			if err != nil {
				return err
			}
			if !ld.IsKeyword(res) && !ld.IsAbsoluteIri(res) {
				return errDecline
			}
			if res == "@context" {
				return errDecline
			}
			def.id = res
			if iriLikeTerm(name) {
				defined[name] = true
				tiri, err := c.expandIRI(p, name, false, true, local, defined)
				if err != nil {
					return err
				}
				if tiri != res {
					return errDecline
				}
				delete(defined, name)
			}
			suffix := false
			if len(res) > 0 {
				switch res[len(res)-1] {
				case ':', '/', '?', '#', '[', ']', '@':
					suffix = true
				}
			}
			def.prefix = !hasColon && suffix && simple
		}
	}
	if def.id == "" {
		switch {
		case hasColon:
			pfx := name[:colon]
			if _, ok := local[pfx]; ok {
				if err := c.createTerm(p, local, pfx, defined, override); err != nil {
					return err
				}
			}
			if pt, ok := c.terms[pfx]; ok {
				if pt == nil {
					return errDecline // json-gold fails on a null-mapped prefix here
				}
				def.id = pt.id + name[colon+1:]
			} else {
				def.id = name
			}
		case c.hasVocab:
			def.id = c.vocab + name
		default:
			return errDecline
		}
	}
	pv, pFound := m["@protected"]
	pb, pIsBool := pv.(bool)
	if pFound && !pIsBool {
		return errDecline
	}
	if (pFound && pb) || (defined["@protected"] && !(pFound && !pb)) {
		c.hasProtected = true
		def.protected = true
	}
	defined[name] = true
	if tv, ok := m["@type"]; ok {
		ts, isStr := tv.(string)
		if !isStr {
			return errDecline
		}
		if ts != "@id" && ts != "@vocab" && ts != "@json" && ts != "@none" {
			var err error
			ts, err = c.expandIRI(p, ts, false, true, local, defined)
			if err != nil {
				return err
			}
			if !ld.IsAbsoluteIri(ts) || strings.HasPrefix(ts, "_:") {
				return errDecline
			}
		}
		def.typ = ts
	}
	if cv, ok := m["@container"]; ok {
		var list []string
		switch v := cv.(type) {
		case []any:
			list = make([]string, 0, len(v))
			for _, e := range v {
				s, isStr := e.(string)
				if !isStr {
					return errDecline
				}
				list = append(list, s)
			}
		case string:
			list = []string{v}
		default:
			return errDecline
		}
		var flags uint8
		for _, s := range list {
			f, valid := validContainers[s]
			if !valid {
				return errDecline
			}
			flags |= f
		}
		if flags&cList != 0 && len(list) != 1 {
			return errDecline
		}
		if flags&cGraph != 0 {
			if flags&^(cGraph|cID|cIndex|cSet) != 0 {
				return errDecline
			}
		} else {
			max := 1
			if flags&cSet != 0 {
				max = 2
			}
			if len(list) > max {
				return errDecline
			}
		}
		if flags&cType != 0 {
			if def.typ == "" {
				def.typ = "@id"
			}
			if def.typ != "@id" && def.typ != "@vocab" {
				return errDecline
			}
		}
		if flags&cSet != 0 && flags&cList != 0 {
			return errDecline
		}
		def.container, def.hasCont, def.cont = list, true, flags
	}
	if iv, ok := m["@index"]; ok {
		if !def.hasCont {
			return errDecline
		}
		is, isStr := iv.(string)
		if !isStr || strings.HasPrefix(is, "@") {
			return errDecline
		}
		def.index = is
	}
	if cv, ok := m["@context"]; ok {
		def.ctx, def.hasCtx = cv, true
	}
	if lv, ok := m["@language"]; ok {
		if _, hasType := m["@type"]; !hasType {
			switch l := lv.(type) {
			case string:
				s := strings.ToLower(l)
				def.lang, def.hasLang = &s, true
			case nil:
				def.lang, def.hasLang = nil, true
			default:
				return errDecline
			}
		}
	}
	if xv, ok := m["@prefix"]; ok {
		if strings.ContainsAny(name, ":/") {
			return errDecline
		}
		b, isBool := xv.(bool)
		if !isBool || ld.IsKeyword(def.id) {
			return errDecline
		}
		def.prefix = b
	}
	if dv, ok := m["@direction"]; ok {
		switch d := dv.(type) {
		case string:
			s := strings.ToLower(d)
			def.dir, def.hasDir = &s, true
		case nil:
			def.dir, def.hasDir = nil, true
		default:
			return errDecline
		}
	}
	if nv, ok := m["@nest"]; ok {
		ns, isStr := nv.(string)
		if !isStr || ns == "" || (ns != "@nest" && ns[0] == '@') {
			return errDecline
		}
		def.nest = ns
	}
	if def.id == "@context" || def.id == "@preserve" {
		return errDecline
	}
	if prev != nil && prev.protected && !override {
		c.hasProtected = true
		def.protected = true
		if !sameDefinition(prev, def) {
			return errDecline // protected term redefinition
		}
	}
	c.terms[name] = def
	return nil
}

// iriLikeTerm is json-gold's test for terms that look like IRIs: a colon followed by a
// non-colon, or a slash.
func iriLikeTerm(s string) bool {
	if strings.IndexByte(s, '/') >= 0 {
		return true
	}
	for i := 0; i+1 < len(s); i++ {
		if s[i] == ':' && s[i+1] != ':' {
			return true
		}
	}
	return false
}

// expandKey is expandIRI(p, k, false, true, nil, nil), the expansion of a member name,
// that also returns k's term definition in c (nil if it has none).
func (c *activeContext) expandKey(p *Processor, k string) (string, *term, error) {
	if ld.IsKeyword(k) {
		return k, nil, nil
	}
	if isReservedKeywordForm(k) {
		return "", nil, nil
	}
	if t, ok := c.terms[k]; ok {
		if t != nil {
			return t.id, t, nil
		}
		return "", nil, nil
	}
	x, err := c.expandIRI(p, k, false, true, nil, nil)
	return x, nil, err
}

// expandIRI is IRI expansion as json-gold runs it. local and defined are set only during
// context processing.
func (c *activeContext) expandIRI(p *Processor, value string, relative, vocab bool, local map[string]any, defined map[string]bool) (string, error) {
	if ld.IsKeyword(value) {
		return value, nil
	}
	if isReservedKeywordForm(value) {
		return "", nil
	}
	if local != nil {
		if _, ok := local[value]; ok && !defined[value] {
			if err := c.createTerm(p, local, value, defined, false); err != nil {
				return "", err
			}
		}
	}
	if vocab {
		if t, ok := c.terms[value]; ok {
			if t != nil {
				return t.id, nil
			}
			return "", nil
		}
	}
	if colon := strings.IndexByte(value, ':'); colon > 0 {
		pfx, sfx := value[:colon], value[colon+1:]
		if pfx == "_" || strings.HasPrefix(sfx, "//") {
			return value, nil
		}
		if local != nil {
			if _, ok := local[pfx]; ok && !defined[pfx] {
				if err := c.createTerm(p, local, pfx, defined, false); err != nil {
					return "", err
				}
			}
		}
		t, ok := c.terms[pfx]
		if ok && t == nil {
			return "", errDecline // json-gold fails on a null-mapped prefix
		}
		if ok && t.id != "" && t.prefix {
			return t.id + sfx, nil
		}
		if c.cache.isAbsolute(value) {
			return value, nil
		}
	}
	if vocab && c.hasVocab {
		return c.vocab + value, nil
	}
	if relative {
		return ld.Resolve(c.base, value), nil
	}
	if local != nil && !ld.IsKeyword(value) && !ld.IsAbsoluteIri(value) {
		return "", errDecline
	}
	return value, nil
}
