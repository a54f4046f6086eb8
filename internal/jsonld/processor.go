package jsonld

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/internal/rdf"
)

// Default limits, used when an Options field is zero.
const (
	DefaultMaxBytes        = 1 << 20 // 1 MiB of input JSON
	DefaultMaxDepth        = 64      // nested objects and arrays
	DefaultMaxQuads        = 10000   // quads in the output dataset
	DefaultMaxContextLoads = 32      // context documents loaded for one document
)

// Options configures a Processor. The zero value (or nil) means: only embedded contexts,
// no base IRI, default limits, safe mode on, fast path on.
type Options struct {
	// Contexts are extra context documents served by URL, in addition to the embedded
	// ones. A URL may not repeat an embedded or earlier one. They are treated exactly like
	// embedded contexts (parsed once, cached).
	Contexts []Context

	// Loader, if not nil, is asked for context URLs that are neither embedded nor in
	// Contexts. Nil means such URLs fail with ErrUnknownContext. Nothing is ever fetched
	// from the network by this package.
	Loader Loader

	// Base is the base IRI against which relative IRIs in the document are resolved.
	// Empty means none: relative IRIs stay relative (and safe mode rejects them).
	Base string

	MaxBytes        int // input size cap for []byte/string input; 0 = DefaultMaxBytes
	MaxDepth        int // nesting cap; 0 = DefaultMaxDepth
	MaxQuads        int // output size cap; 0 = DefaultMaxQuads
	MaxContextLoads int // context documents loaded per call; 0 = DefaultMaxContextLoads

	// UnsafeAllowDroppedTerms turns safe mode off: undefined terms, relative IRIs and
	// other data that JSON-LD silently drops are dropped instead of failing with
	// ErrUndefinedTerm. Never set it when the dataset is going to be signed or verified.
	UnsafeAllowDroppedTerms bool

	// DisableFastPath makes every document go through the general (json-gold) path.
	// Results are the same, except that documents json-gold gets wrong fail with
	// ErrUnsupported; it is meant for tests and comparisons.
	DisableFastPath bool

	// Test-only knobs of the general path (the W3C suite needs them).
	expandContext         any
	processingMode        string
	produceGeneralizedRDF bool
}

// Processor turns JSON-LD documents into RDF datasets. It holds the context documents and
// limits, caches processed contexts, and is safe for concurrent use. Create one with
// NewProcessor and reuse it: the cache is what makes repeated calls fast.
type Processor struct {
	opts     Options
	contexts map[string]*loadedContext // embedded and registered, by URL
	fast     *fastCache
}

var (
	defaultOnce sync.Once
	defaultProc *Processor
)

// DefaultProcessor returns a shared Processor with nil Options (embedded contexts only,
// default limits, safe mode). It panics if the embedded contexts are corrupt, which the
// package tests rule out.
func DefaultProcessor() *Processor {
	defaultOnce.Do(func() {
		p, err := NewProcessor(nil)
		if err != nil {
			panic("jsonld: embedded contexts: " + err.Error())
		}
		defaultProc = p
	})
	return defaultProc
}

// NewProcessor returns a Processor for opts (nil = defaults). It fails with
// ErrInvalidContext if an embedded or registered context cannot be parsed or does not
// match its pinned SHA-256.
func NewProcessor(opts *Options) (*Processor, error) {
	p := &Processor{fast: newFastCache()}
	if opts != nil {
		p.opts = *opts
		p.opts.Contexts = append([]Context(nil), opts.Contexts...)
	}
	emb, err := embeddedContexts()
	if err != nil {
		return nil, err
	}
	p.contexts = make(map[string]*loadedContext, len(emb)+len(p.opts.Contexts))
	for u, lc := range emb {
		p.contexts[u] = lc
	}
	for _, c := range p.opts.Contexts {
		if _, dup := p.contexts[c.URL]; dup {
			return nil, &ProcessingError{Kind: ErrInvalidContext, Msg: fmt.Sprintf("context %q registered twice", truncate(c.URL))}
		}
		lc, err := parseContextDoc(c.URL, c.Document, c.SHA256)
		if err != nil {
			return nil, err
		}
		lc.pinned = true
		p.contexts[c.URL] = lc
	}
	return p, nil
}

// ToRDF converts a JSON-LD document to an RDF dataset with a DefaultProcessor when opts
// is nil, or with a new Processor for opts (which does not reuse processed contexts
// across calls: build a Processor once for repeated use). See Processor.ToRDF.
func ToRDF(ctx context.Context, doc any, opts *Options) ([]rdf.Quad, error) {
	p := DefaultProcessor()
	if opts != nil {
		var err error
		if p, err = NewProcessor(opts); err != nil {
			return nil, err
		}
	}
	return p.ToRDF(ctx, doc)
}

// ToRDF converts doc to its RDF dataset, per the JSON-LD 1.1 "Deserialize JSON-LD to RDF"
// algorithm, as a set of quads (no duplicates, in no particular order; blank nodes have
// arbitrary labels, so canonicalize before comparing or hashing).
//
// doc is the document as []byte, json.RawMessage or string (parsed strictly: see
// internal/jsonx), or already decoded (map[string]any / []any with string, float64,
// json.Number, bool and nil leaves). Only embedded, registered or Loader-served contexts
// are used; nothing is fetched.
//
// Errors wrap ErrMalformed, ErrInvalidContext (and ErrUnknownContext or
// ErrProtectedTermRedefinition where they apply), ErrUndefinedTerm (safe mode),
// ErrTooLarge, ErrTooDeep, ErrTooManyQuads, ErrUnsupported, or ctx's error.
//
// Common credential shapes take a fast path with cached processed contexts; anything
// else is processed by json-gold. Both give the same dataset, except where json-gold is
// known to be wrong (a term with a @container and a scoped @context that removes it, as
// VCDM 2.0's verifiableCredential): only the fast path handles such documents, and when it
// cannot, the call fails with ErrUnsupported.
func (p *Processor) ToRDF(ctx context.Context, doc any) ([]rdf.Quad, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, owned, err := p.normalizeInput(doc)
	if err != nil {
		return nil, err
	}
	var hint string
	if !p.opts.DisableFastPath {
		quads, h, ok := p.fastToRDF(v)
		if ok {
			if len(quads) > p.maxQuads() {
				return nil, fmt.Errorf("%w: more than %d", ErrTooManyQuads, p.maxQuads())
			}
			return quads, nil
		}
		hint = h
	}
	if !p.opts.DisableFastPath {
		if !owned {
			v = deepCopy(v)
		}
		return p.goldToRDF(ctx, v, hint)
	}
	quads, err := p.goldToRDF(ctx, deepCopy(v), "")
	return quads, p.nameDroppedTerm(err, v)
}

// Check reports whether ToRDF(ctx, doc) succeeds, returning ToRDF's error if not, but
// without building the dataset when it can: the fast path then walks the document with
// the cached processed contexts, expanding every key, type and scoped context and
// applying safe mode as ToRDF does, and only counts the statements. Whenever that walk is
// not sure (anything the fast path leaves to json-gold, a document near MaxQuads), Check
// runs ToRDF. It is meant for documents that are signed in another form (the JCS
// cryptosuites), whose contexts and terms must still be checked in safe mode.
//
// doc takes the forms ToRDF takes; a decoded tree with json.Number leaves is read
// without being copied.
func (p *Processor) Check(ctx context.Context, doc any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !p.opts.DisableFastPath {
		var v any
		var err error
		switch doc.(type) {
		case []byte, json.RawMessage, string:
			v, _, err = p.normalizeInput(doc)
		default:
			_, err = scanDecoded(doc, 0, p.maxDepth())
			v = doc
		}
		if err == nil && p.fastCheck(v) {
			return nil
		}
	}
	_, err := p.ToRDF(ctx, doc)
	return err
}

// nameDroppedTerm improves json-gold's safe-mode error, which does not say which key was
// dropped, by asking the fast path (which names it when it gets that far). v must be the
// unprocessed document.
func (p *Processor) nameDroppedTerm(err error, v any) error {
	var pe *ProcessingError
	if !errors.As(err, &pe) || pe.Kind != ErrUndefinedTerm || pe.Msg != msgDroppedProperty {
		return err
	}
	if _, hint, _ := p.fastToRDF(v); hint != "" {
		return &ProcessingError{Kind: ErrUndefinedTerm, Msg: hint}
	}
	return err
}

// Expand returns the JSON-LD expanded form of doc (always computed by json-gold), with
// the same input forms, limits, safe mode and errors as ToRDF. Numbers in the result are
// float64. Documents that json-gold expands incorrectly (see ErrUnsupported), such as
// VCDM 2.0 presentations that embed credentials, fail with ErrUnsupported.
func (p *Processor) Expand(ctx context.Context, doc any) ([]any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, _, err := p.normalizeInput(doc)
	if err != nil {
		return nil, err
	}
	out, err := p.goldExpand(ctx, deepCopy(v), "")
	return out, p.nameDroppedTerm(err, v)
}

func (p *Processor) maxBytes() int {
	if p.opts.MaxBytes > 0 {
		return p.opts.MaxBytes
	}
	return DefaultMaxBytes
}

func (p *Processor) maxDepth() int {
	if p.opts.MaxDepth > 0 {
		return p.opts.MaxDepth
	}
	return DefaultMaxDepth
}

func (p *Processor) maxQuads() int {
	if p.opts.MaxQuads > 0 {
		return p.opts.MaxQuads
	}
	return DefaultMaxQuads
}

func (p *Processor) maxContextLoads() int {
	if p.opts.MaxContextLoads > 0 {
		return p.opts.MaxContextLoads
	}
	return DefaultMaxContextLoads
}

// normalizeInput parses or checks doc. It returns a value tree with float64 numbers, and
// whether that tree is private to this call (so it may be handed to json-gold as is).
// A document must be a JSON object or array (json-gold would treat a string as a URL).
func (p *Processor) normalizeInput(doc any) (any, bool, error) {
	v, owned, err := p.decodeInput(doc)
	if err != nil {
		return nil, false, err
	}
	switch v.(type) {
	case map[string]any, []any:
		return v, owned, nil
	}
	return nil, false, fmt.Errorf("%w: a JSON-LD document must be a JSON object or array", ErrMalformed)
}

func (p *Processor) decodeInput(doc any) (any, bool, error) {
	var data []byte
	switch d := doc.(type) {
	case []byte:
		data = d
	case json.RawMessage:
		data = d
	case string:
		data = []byte(d)
	default:
		v, copied, err := checkDecoded(doc, p.maxDepth())
		if err != nil {
			return nil, false, err
		}
		return v, copied, nil
	}
	v, err := decodeJSON(data, jsonx.Limits{MaxBytes: p.maxBytes(), MaxDepth: p.maxDepth()})
	if err != nil {
		switch {
		case errors.Is(err, jsonx.ErrTooLarge):
			return nil, false, fmt.Errorf("%w: %w", ErrTooLarge, err)
		case errors.Is(err, jsonx.ErrTooDeep):
			return nil, false, fmt.Errorf("%w: %w", ErrTooDeep, err)
		default:
			return nil, false, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
	}
	return v, true, nil
}

// checkDecoded validates a decoded value tree: supported types only, depth within max.
// If the tree holds json.Number values it returns a copy with float64 numbers instead.
func checkDecoded(v any, maxDepth int) (any, bool, error) {
	needCopy, err := scanDecoded(v, 0, maxDepth)
	if err != nil {
		return nil, false, err
	}
	if !needCopy {
		return v, false, nil
	}
	out, err := convertNumbers(v)
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}

func scanDecoded(v any, depth, maxDepth int) (needCopy bool, err error) {
	switch t := v.(type) {
	case nil, string, bool, float64:
		return false, nil
	case json.Number:
		if _, err := t.Float64(); err != nil {
			return false, fmt.Errorf("%w: number out of range", ErrMalformed)
		}
		return true, nil
	case map[string]any:
		if depth+1 > maxDepth {
			return false, fmt.Errorf("%w: more than %d nested objects and arrays", ErrTooDeep, maxDepth)
		}
		for _, e := range t {
			c, err := scanDecoded(e, depth+1, maxDepth)
			if err != nil {
				return false, err
			}
			needCopy = needCopy || c
		}
		return needCopy, nil
	case []any:
		if depth+1 > maxDepth {
			return false, fmt.Errorf("%w: more than %d nested objects and arrays", ErrTooDeep, maxDepth)
		}
		for _, e := range t {
			c, err := scanDecoded(e, depth+1, maxDepth)
			if err != nil {
				return false, err
			}
			needCopy = needCopy || c
		}
		return needCopy, nil
	default:
		return false, fmt.Errorf("%w: unsupported Go type %T in decoded document", ErrMalformed, v)
	}
}

func convertNumbers(v any) (any, error) {
	switch t := v.(type) {
	case json.Number:
		f, err := t.Float64()
		if err != nil {
			return nil, fmt.Errorf("%w: number out of range", ErrMalformed)
		}
		return f, nil
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			c, err := convertNumbers(e)
			if err != nil {
				return nil, err
			}
			m[k] = c
		}
		return m, nil
	case []any:
		a := make([]any, len(t))
		for i, e := range t {
			c, err := convertNumbers(e)
			if err != nil {
				return nil, err
			}
			a[i] = c
		}
		return a, nil
	default:
		return v, nil
	}
}

// deepCopy copies a value tree of generic JSON values.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		a := make([]any, len(t))
		for i, e := range t {
			a[i] = deepCopy(e)
		}
		return a
	default:
		return v
	}
}
