package jsonld

// The general path: JSON-LD processing by github.com/piprate/json-gold, wrapped so that
// it never fetches, never panics into the caller, reports typed errors and applies safe
// mode.

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/piprate/json-gold/ld"

	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/internal/rdf"
)

// goldLoader is the json-gold document loader for one call: pinned contexts first, then
// the caller's Loader, else ErrUnknownContext. It counts loads to bound remote-context
// recursion and stops when ctx is done.
type goldLoader struct {
	p     *Processor
	ctx   context.Context
	loads int
	// scoped lists the terms of the loaded contexts that json-gold may expand wrongly
	// (see scopedContainerTerms).
	scoped []string
}

func (l *goldLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	if err := l.ctx.Err(); err != nil {
		return nil, err
	}
	l.loads++
	if l.loads > l.p.maxContextLoads() {
		return nil, fmt.Errorf("more than %d context documents loaded", l.p.maxContextLoads())
	}
	if lc, ok := l.p.contexts[u]; ok {
		// json-gold may modify what it loads (@import merges into it), so it gets a copy.
		l.scoped = append(l.scoped, lc.scopedContainers...)
		return &ld.RemoteDocument{DocumentURL: u, Document: deepCopy(lc.doc)}, nil
	}
	if l.p.opts.Loader == nil {
		return nil, &UnknownContextError{URL: u}
	}
	data, err := l.p.opts.Loader(l.ctx, u)
	if err != nil {
		return nil, err
	}
	v, err := decodeJSON(data, jsonx.Limits{MaxBytes: l.p.maxBytes(), MaxDepth: l.p.maxDepth()})
	if err != nil {
		return nil, err
	}
	if m, ok := v.(map[string]any); ok {
		l.scoped = scopedContainerTerms(l.scoped, m["@context"])
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: v}, nil
}

func (p *Processor) goldOptions(ctx context.Context) *ld.JsonLdOptions {
	opts := ld.NewJsonLdOptions(p.opts.Base)
	opts.DocumentLoader = &goldLoader{p: p, ctx: ctx}
	opts.SafeMode = !p.opts.UnsafeAllowDroppedTerms
	if p.opts.processingMode != "" {
		opts.ProcessingMode = p.opts.processingMode
	}
	if p.opts.expandContext != nil {
		opts.ExpandContext = p.opts.expandContext
	}
	opts.ProduceGeneralizedRdf = p.opts.produceGeneralizedRDF
	return opts
}

// goldExpand expands doc (a private value tree) with json-gold and applies safe mode.
// hint names a dropped term the fast path saw, used to improve the safe-mode message.
func (p *Processor) goldExpand(ctx context.Context, doc any, hint string) (out []any, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, &ProcessingError{Kind: ErrMalformed, Msg: "document rejected by the JSON-LD processor (internal failure)"}
		}
	}()
	opts := p.goldOptions(ctx)
	var scan docScan
	scan.walk(doc)
	expanded, err := ld.NewJsonLdProcessor().Expand(doc, opts)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr
		}
		return nil, mapGoldError(err, hint)
	}
	if name, found := scan.uses(scan.scoped, opts.DocumentLoader.(*goldLoader).scoped); found {
		if hint != "" && !p.opts.UnsafeAllowDroppedTerms {
			// The fast path, which processes such terms correctly, found dropped data.
			return nil, &ProcessingError{Kind: ErrUndefinedTerm, Msg: hint}
		}
		return nil, &ProcessingError{Kind: ErrUnsupported, Msg: fmt.Sprintf(
			"term %q has a @container and a scoped @context, which json-gold expands incorrectly", truncate(name))}
	}
	if !p.opts.UnsafeAllowDroppedTerms {
		if err := p.checkExpanded(expanded, 0); err != nil {
			return nil, err
		}
	}
	return expanded, nil
}

func (p *Processor) goldToRDF(ctx context.Context, doc any, hint string) (quads []rdf.Quad, err error) {
	expanded, err := p.goldExpand(ctx, doc, hint)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			quads, err = nil, &ProcessingError{Kind: ErrMalformed, Msg: "document rejected by the RDF conversion (internal failure)"}
		}
	}()
	ds, err := ld.NewJsonLdApi().ToRDF(expanded, p.goldOptions(ctx))
	if err != nil {
		return nil, mapGoldError(err, hint)
	}
	return datasetQuads(ds, p.maxQuads())
}

// datasetQuads converts a json-gold dataset, dropping duplicate quads and quads without an
// object (json-gold keeps a list entry whose IRI it dropped as a nil object).
func datasetQuads(ds *ld.RDFDataset, max int) ([]rdf.Quad, error) {
	n := 0
	for _, qs := range ds.Graphs {
		n += len(qs)
	}
	out := make([]rdf.Quad, 0, n)
	seen := make(map[rdf.Quad]struct{}, n)
	for name, qs := range ds.Graphs {
		var g rdf.Term
		if name != "@default" {
			g = nodeTerm(ld.NewIRI(name))
			if strings.HasPrefix(name, "_:") {
				g = rdf.Term{Kind: rdf.Blank, Value: name[2:]}
			}
		}
		for _, q := range qs {
			if q.Subject == nil || q.Predicate == nil || q.Object == nil {
				continue
			}
			rq := rdf.Quad{S: nodeTerm(q.Subject), P: nodeTerm(q.Predicate), O: nodeTerm(q.Object), G: g}
			if _, dup := seen[rq]; dup {
				continue
			}
			seen[rq] = struct{}{}
			out = append(out, rq)
			if len(out) > max {
				return nil, fmt.Errorf("%w: more than %d", ErrTooManyQuads, max)
			}
		}
	}
	return out, nil
}

func nodeTerm(n ld.Node) rdf.Term {
	switch v := n.(type) {
	case ld.IRI:
		return rdf.Term{Kind: rdf.IRI, Value: v.Value}
	case ld.BlankNode:
		return rdf.Term{Kind: rdf.Blank, Value: strings.TrimPrefix(v.Attribute, "_:")}
	case ld.Literal:
		return rdf.Term{Kind: rdf.Literal, Value: v.Value, Datatype: v.Datatype, Language: v.Language}
	}
	return rdf.Term{}
}

// msgDroppedProperty is the safe-mode message when the dropped key is not known.
const msgDroppedProperty = "a property does not expand to an absolute IRI"

// contextErrorCodes are the JSON-LD error codes that are about contexts.
var contextErrorCodes = map[ld.ErrorCode]bool{
	ld.LoadingDocumentFailed:       true,
	ld.InvalidLocalContext:         true,
	ld.LoadingRemoteContextFailed:  true,
	ld.InvalidRemoteContext:        true,
	ld.RecursiveContextInclusion:   true,
	ld.InvalidBaseIRI:              true,
	ld.InvalidVocabMapping:         true,
	ld.InvalidDefaultLanguage:      true,
	ld.KeywordRedefinition:         true,
	ld.InvalidTermDefinition:       true,
	ld.InvalidReverseProperty:      true,
	ld.InvalidIRIMapping:           true,
	ld.CyclicIRIMapping:            true,
	ld.InvalidKeywordAlias:         true,
	ld.InvalidTypeMapping:          true,
	ld.InvalidLanguageMapping:      true,
	ld.InvalidContainerMapping:     true,
	ld.InvalidVersionValue:         true,
	ld.ProcessingModeConflict:      true,
	ld.InvalidPrefixValue:          true,
	ld.InvalidContextEntry:         true,
	ld.InvalidPropagateValue:       true,
	ld.InvalidImportValue:          true,
	ld.InvalidContextNullification: true,
	ld.ProtectedTermRedefinition:   true,
}

// mapGoldError turns a json-gold error into a ProcessingError of the right kind. The
// json-gold details are kept only when they are an error or a short string, so that
// messages do not echo documents.
func mapGoldError(err error, hint string) error {
	var le *ld.JsonLdError
	if !errors.As(err, &le) {
		return &ProcessingError{Kind: ErrMalformed, Cause: err}
	}
	pe := &ProcessingError{Kind: ErrMalformed, Code: string(le.Code)}
	switch {
	case le.Code == ld.ProtectedTermRedefinition || le.Code == ld.InvalidContextNullification:
		pe.Kind = ErrProtectedTermRedefinition
	case contextErrorCodes[le.Code]:
		pe.Kind = ErrInvalidContext
	case le.Code == ld.InvalidProperty:
		// json-gold's safe mode: a key did not expand to an absolute IRI or keyword.
		pe.Kind, pe.Code = ErrUndefinedTerm, ""
		pe.Msg = msgDroppedProperty
		if hint != "" {
			pe.Msg = hint
		}
		return pe
	}
	switch d := le.Details.(type) {
	case error:
		pe.Cause = d
	case string:
		pe.Msg = truncate(d)
	}
	return pe
}

// validLanguage is the language-tag check of json-gold's RDF conversion, which drops
// literals whose tag does not match it.
var validLanguage = regexp.MustCompile("^[a-zA-Z]+(-[a-zA-Z0-9]+)*$")

// droppedIRI reports whether the RDF conversion drops a statement using iri: a relative
// IRI, or an http(s) IRI that json-gold does not consider well-formed.
func droppedIRI(iri string) bool {
	if strings.HasPrefix(iri, "_:") {
		return false
	}
	if !ld.IsAbsoluteIri(iri) {
		return true
	}
	if strings.HasPrefix(iri, "http://") || strings.HasPrefix(iri, "https://") {
		return !ld.IsURL(iri)
	}
	return false
}

func undefined(format string, args ...any) error {
	return &ProcessingError{Kind: ErrUndefinedTerm, Msg: fmt.Sprintf(format, args...)}
}

// checkExpanded applies safe mode to json-gold's expanded output: anything the RDF
// conversion would drop is an ErrUndefinedTerm, and a JSON literal that json-gold cannot
// represent is ErrMalformed. The fast path applies the same checks (see fast.go).
func (p *Processor) checkExpanded(v any, depth int) error {
	dropped := p.fast.iriDropped
	if depth > 4*DefaultMaxDepth+16 {
		return fmt.Errorf("%w: expanded form nested too deep", ErrTooDeep)
	}
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			if err := p.checkExpanded(e, depth+1); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		if val, ok := t["@value"]; ok {
			return checkValueObject(t, val, dropped)
		}
		if l, ok := t["@list"]; ok {
			return p.checkExpanded(l, depth+1)
		}
		if id, ok := t["@id"].(string); ok && dropped(id) {
			return undefined("@id %q is not an absolute IRI", truncate(id))
		}
		for k, e := range t {
			switch k {
			case "@id", "@index":
				continue
			case "@type":
				for _, ty := range arrayify(e) {
					if s, ok := ty.(string); ok && dropped(s) {
						return undefined("type %q does not expand to an absolute IRI", truncate(s))
					}
				}
				continue
			case "@reverse":
				if m, ok := e.(map[string]any); ok {
					for rk, re := range m {
						if strings.HasPrefix(rk, "_:") || dropped(rk) {
							return undefined("reverse property %q does not expand to an absolute IRI", truncate(rk))
						}
						if err := p.checkExpanded(re, depth+1); err != nil {
							return err
						}
					}
				}
				continue
			case "@graph", "@included":
				if err := p.checkExpanded(e, depth+1); err != nil {
					return err
				}
				continue
			}
			if ld.IsKeyword(k) {
				continue
			}
			if strings.HasPrefix(k, "_:") || dropped(k) {
				return undefined("property %q does not expand to an absolute IRI", truncate(k))
			}
			if err := p.checkExpanded(e, depth+1); err != nil {
				return err
			}
		}
		return nil
	default:
		return nil
	}
}

func checkValueObject(m map[string]any, val any, dropped func(string) bool) error {
	if _, ok := m["@direction"]; ok {
		return undefined("base direction (@direction) has no RDF form here")
	}
	if lang, ok := m["@language"].(string); ok && !validLanguage.MatchString(lang) {
		return undefined("language tag %q is not well-formed", truncate(lang))
	}
	typ, _ := m["@type"].(string)
	if typ == "@json" {
		if _, ok := val.(map[string]any); !ok {
			return &ProcessingError{Kind: ErrMalformed, Msg: "JSON literals must be JSON objects"}
		}
		return nil
	}
	if typ != "" && dropped(typ) {
		return undefined("datatype %q is not an absolute IRI", truncate(typ))
	}
	return nil
}

func arrayify(v any) []any {
	if a, ok := v.([]any); ok {
		return a
	}
	return []any{v}
}

// scopedContainerTerms appends to dst the terms that the context value c (a local context:
// a map, a URL, null or an array of them) defines with a @container (or @reverse) and a
// scoped @context that may change the term's own definition: "@context": null (as VCDM
// 2.0 defines verifiableCredential), a URL, or a map that redefines the term or nests
// contexts. json-gold reads the container mapping and the reverse flag from the scoped
// context instead of the active one (JSON-LD 1.1 expansion step 13.4), so it loses them
// for such terms. Scoped contexts are searched too, to any depth (documents and context
// documents are depth-capped when decoded).
func scopedContainerTerms(dst []string, c any) []string {
	switch v := c.(type) {
	case []any:
		for _, e := range v {
			dst = scopedContainerTerms(dst, e)
		}
	case map[string]any:
		for k, e := range v {
			if k == "@context" {
				dst = scopedContainerTerms(dst, e)
				continue
			}
			def, ok := e.(map[string]any)
			if !ok {
				continue
			}
			sc, hasCtx := def["@context"]
			if !hasCtx {
				continue
			}
			_, hasCont := def["@container"]
			_, hasRev := def["@reverse"]
			if (hasCont || hasRev) && !scopedKeepsTerm(k, sc) {
				dst = append(dst, k)
			}
			dst = scopedContainerTerms(dst, sc)
		}
	}
	return dst
}

// scopedKeepsTerm reports whether the scoped context sc certainly leaves the definition of
// term name alone: a map, or an array of maps, that neither defines name nor nests,
// imports or clears contexts.
func scopedKeepsTerm(name string, sc any) bool {
	for _, e := range arrayify(sc) {
		m, ok := e.(map[string]any)
		if !ok {
			return false
		}
		for _, k := range []string{name, "@context", "@import"} {
			if _, ok := m[k]; ok {
				return false
			}
		}
	}
	return true
}

// docScan records what the general path needs to know about a document before json-gold
// sees it: the keys it uses outside contexts, and the scoped-container terms (see
// scopedContainerTerms) of the contexts written in it.
type docScan struct {
	keys   map[string]struct{}
	scoped []string
}

// walk scans v, a document that passed the depth cap.
func (s *docScan) walk(v any) {
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			s.walk(e)
		}
	case map[string]any:
		if s.keys == nil {
			s.keys = make(map[string]struct{})
		}
		for k, e := range t {
			if k == "@context" {
				s.scoped = scopedContainerTerms(s.scoped, e)
				continue
			}
			s.keys[k] = struct{}{}
			s.walk(e)
		}
	}
}

// uses returns the first of the named terms that the document uses as a key.
func (s *docScan) uses(lists ...[]string) (string, bool) {
	for _, l := range lists {
		for _, name := range l {
			if _, ok := s.keys[name]; ok {
				return name, true
			}
		}
	}
	return "", false
}
