package jsonld

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/polity-id/polity/internal/rdf"
)

// fuzzSeeds adds every differential document and a few suite inputs.
func fuzzSeeds(f *testing.F, add func(data []byte)) {
	for _, name := range diffDocs(f) {
		data, err := os.ReadFile(filepath.Join(diffDir, name))
		if err != nil {
			f.Fatal(err)
		}
		add(data)
	}
	presentations, _ := filepath.Glob(filepath.Join(presentationDir, "*.json"))
	for _, name := range presentations {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		add(data)
	}
	for _, name := range []string{"toRdf/pr43-in.jsonld", "toRdf/0001-in.jsonld", "toRdf/0013-in.jsonld", "toRdf/c013-in.jsonld", "toRdf/pr01-in.jsonld", "toRdf/js01-in.jsonld", "toRdf/li01-in.jsonld"} {
		if data, err := os.ReadFile(filepath.Join(suiteDir, name)); err == nil {
			add(data)
		}
	}
}

var errorKinds = []error{ErrMalformed, ErrInvalidContext, ErrUndefinedTerm, ErrTooLarge, ErrTooDeep, ErrTooManyQuads, ErrUnsupported}

// FuzzToRDF checks that any input gives quads within the limits or a typed error, never
// a panic.
func FuzzToRDF(f *testing.F) {
	fuzzSeeds(f, func(d []byte) { f.Add(d) })
	p := mustProcessor(f, &Options{MaxQuads: 500, MaxBytes: 1 << 16})
	f.Fuzz(func(t *testing.T, data []byte) {
		qs, err := p.ToRDF(context.Background(), data)
		if err != nil {
			for _, k := range errorKinds {
				if errors.Is(err, k) {
					return
				}
			}
			t.Fatalf("untyped error: %v", err)
		}
		if len(qs) > 500 {
			t.Fatalf("%d quads, limit 500", len(qs))
		}
		for _, q := range qs {
			if q.S.Kind == 0 || q.P.Kind != rdf.IRI || q.O.Kind == 0 {
				t.Fatalf("bad quad %+v", q)
			}
		}
	})
}

// mutationValues are the replacements the structural mutator picks from: values and
// shapes that exercise coercion, containers, safe mode and the fast path's declines.
var mutationValues = []any{
	"did:example:xyz", "https://example.com/a b", "relative", "_:b7", "@id", "",
	"VerifiableCredential", "DataIntegrityProof", "assertionMethod", "urn:uuid:1",
	json.Number("3"), json.Number("-0"), json.Number("1.5"), json.Number("1e21"), true, false, nil,
	map[string]any{"@value": "x", "@language": "EN"},
	map[string]any{"@value": "2024", "@type": "http://www.w3.org/2001/XMLSchema#gYear"},
	map[string]any{"@id": "did:example:ref"},
	map[string]any{"@list": []any{"a", map[string]any{"@id": "urn:x"}}},
	map[string]any{"@set": []any{"a", "b"}},
	map[string]any{"@graph": []any{map[string]any{"@id": "urn:g", "urn:p": "v"}}},
	map[string]any{"id": "did:example:n", "type": "VerifiableCredential"},
	map[string]any{"@context": map[string]any{"@vocab": "https://example.com/v#"}, "anything": "goes"},
	map[string]any{"@context": map[string]any{"t": map[string]any{"@id": "urn:t", "@container": "@list"}}, "t": []any{"a", []any{"b"}}},
	map[string]any{"@context": map[string]any{"j": map[string]any{"@id": "urn:j", "@type": "@json"}}, "j": map[string]any{"b": 1, "a": []any{true, nil, "x\n"}}},
	map[string]any{"@context": nil},
	[]any{}, []any{"a", []any{"b", nil}},
}

// pick returns a fresh copy of a random mutation value.
func pick(r *rand.Rand) any { return deepCopy(mutationValues[r.IntN(len(mutationValues))]) }

var mutationKeys = []string{"id", "type", "name", "description", "@type", "@id", "@context", "@graph", "@value", "@list", "undefinedTerm", "ex:foo", "https://example.com/p", "_:p", "proof", "credentialSubject", "verifiableCredential", "@included", "@reverse", "@nest"}

// mutate applies n structural changes to v, chosen by r.
func mutate(v any, r *rand.Rand, n int) any {
	for i := 0; i < n; i++ {
		v = mutateOnce(v, r, 0)
	}
	return v
}

func mutateOnce(v any, r *rand.Rand, depth int) any {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		switch op := r.IntN(6); {
		case op == 0 || len(keys) == 0:
			t[mutationKeys[r.IntN(len(mutationKeys))]] = pick(r)
		case op == 1:
			delete(t, keys[r.IntN(len(keys))])
		case op == 2:
			k := keys[r.IntN(len(keys))]
			t[k] = pick(r)
		case op == 3:
			k := keys[r.IntN(len(keys))]
			val := t[k]
			delete(t, k)
			t[mutationKeys[r.IntN(len(mutationKeys))]] = val
		default:
			k := keys[r.IntN(len(keys))]
			if depth < 8 {
				t[k] = mutateOnce(t[k], r, depth+1)
			}
		}
		return t
	case []any:
		if len(t) == 0 || r.IntN(4) == 0 {
			return append(t, pick(r))
		}
		i := r.IntN(len(t))
		if depth < 8 {
			t[i] = mutateOnce(t[i], r, depth+1)
		}
		return t
	default:
		return pick(r)
	}
}

// FuzzFastPathMatchesJSONGold mutates credential-shaped documents (bytes, and structure
// driven by seed) and checks that whenever the fast path accepts a document, json-gold
// gives the same dataset, and that a safe-mode decline is a json-gold error too. Documents
// that json-gold is known to get wrong (it refuses them with ErrUnsupported) are compared
// with Digital Bazaar's jsonld instead, by TestPresentationGolden and the suite tests.
func FuzzFastPathMatchesJSONGold(f *testing.F) {
	var i uint64
	fuzzSeeds(f, func(d []byte) { f.Add(d, i, uint8(i%4)); i++ })
	safeP := mustProcessor(f, &Options{MaxQuads: 300, MaxBytes: 1 << 16})
	unsafeP := mustProcessor(f, &Options{MaxQuads: 300, MaxBytes: 1 << 16, UnsafeAllowDroppedTerms: true})
	f.Fuzz(func(t *testing.T, data []byte, seed uint64, n uint8) {
		for _, p := range []*Processor{safeP, unsafeP} {
			v, _, err := p.normalizeInput(data)
			if err != nil {
				return
			}
			if n > 0 {
				v, _ = convertNumbers(mutate(deepCopy(v), rand.New(rand.NewPCG(seed, uint64(n))), int(n%8)))
				if v == nil {
					return
				}
			}
			fast, hint, ok := p.fastToRDF(v)
			gold, gerr := p.goldToRDF(context.Background(), deepCopy(v), "")
			if !ok {
				if hint != "" && !p.opts.UnsafeAllowDroppedTerms && gerr == nil {
					t.Fatalf("fast path saw a dropped term (%s) but json-gold accepted:\n%s", hint, nquads(gold))
				}
				continue
			}
			if gerr != nil {
				if errors.Is(gerr, ErrTooManyQuads) && len(fast) > p.maxQuads() {
					continue
				}
				if errors.Is(gerr, ErrUnsupported) {
					continue
				}
				t.Fatalf("fast path accepted (%d quads), json-gold failed: %v\n%s", len(fast), gerr, nquads(fast))
			}
			if len(fast) > 60 {
				// Keep the isomorphism check cheap; sizes must still agree.
				if len(uniq(fast)) != len(uniq(gold)) {
					t.Fatalf("%d quads on the fast path, %d on json-gold", len(fast), len(gold))
				}
				continue
			}
			if !isomorphic(fast, gold) {
				t.Fatalf("datasets differ\nfast:\n%s\njson-gold:\n%s", nquads(fast), nquads(gold))
			}
		}
	})
}
