package jsonld

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestContextsProcessedOnce checks that, once warm, converting the same documents again,
// from one goroutine or several, processes no context: document contexts, type-scoped
// contexts (DataIntegrityProof), property-scoped contexts (verifiableCredential's null
// context) and their nested combinations are all cached.
func TestContextsProcessedOnce(t *testing.T) {
	docs := map[string]string{
		"proof configuration (di-eddsa)": filepath.Join(diffDir, "di-eddsa/eddsa-rdfc-2022/proofConfigDataInt.json"),
		"signed credential (di-eddsa)":   filepath.Join(diffDir, "di-eddsa/eddsa-rdfc-2022/signedDataInt.json"),
		"presentation (vp2-two)":         filepath.Join(presentationDir, "vp2-two.json"),
		"presentation (vp11)":            filepath.Join(presentationDir, "vp11.json"),
	}
	for name, file := range docs {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			// Cold, concurrently: each derivation is still computed once.
			p := mustProcessor(t, nil)
			runConcurrently(t, p, data, 4, 3)
			cold := p.fast.computed.Load()
			if cold == 0 {
				t.Fatal("no context processed")
			}
			seq := mustProcessor(t, nil)
			if _, err := seq.ToRDF(context.Background(), data); err != nil {
				t.Fatal(err)
			}
			if got := seq.fast.computed.Load(); got != cold {
				t.Errorf("cold concurrent run processed %d contexts, a single call %d", cold, got)
			}
			// Warm: nothing more.
			runConcurrently(t, p, data, 4, 5)
			if got := p.fast.computed.Load(); got != cold {
				t.Errorf("warm runs processed %d more contexts", got-cold)
			}
		})
	}
}

func runConcurrently(t *testing.T, p *Processor, data []byte, workers, each int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := p.ToRDF(context.Background(), data); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestContextCacheBounded floods a processor with distinct document contexts: the cache
// stays bounded, and afterwards still caches (it starts a new generation instead of
// giving up).
func TestContextCacheBounded(t *testing.T) {
	p := mustProcessor(t, nil)
	ctx := context.Background()
	for i := 0; i < maxCachedContexts+maxDerivPerCtx+10; i++ {
		doc := fmt.Sprintf(`{"@context":{"@vocab":"urn:v%d#"},"@id":"urn:x","p":"v"}`, i)
		if _, err := p.ToRDF(ctx, doc); err != nil {
			t.Fatal(err)
		}
		if n := p.fast.gen.entries.Load(); n > maxCachedContexts+1 {
			t.Fatalf("generation holds %d derivations, limit %d", n, maxCachedContexts)
		}
	}
	data, err := os.ReadFile(filepath.Join(diffDir, "di-eddsa/eddsa-rdfc-2022/proofConfigDataInt.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.ToRDF(ctx, data); err != nil {
		t.Fatal(err)
	}
	before := p.fast.computed.Load()
	if _, err := p.ToRDF(ctx, data); err != nil {
		t.Fatal(err)
	}
	if got := p.fast.computed.Load(); got != before {
		t.Errorf("after the flood, a repeated call processed %d contexts", got-before)
	}
}

// TestContextKeyDistinct checks that different document contexts never share a cache key,
// and that equal ones (maps in any order) do.
func TestContextKeyDistinct(t *testing.T) {
	values := []any{
		nil, true, false, 1.0, "1", "n", "", []any{}, []any{nil}, []any{"a", "b"}, []any{"ab"},
		"https://www.w3.org/ns/credentials/v2", []any{"https://www.w3.org/ns/credentials/v2"},
		map[string]any{}, map[string]any{"a": "b"}, map[string]any{"ab": ""}, map[string]any{"a": []any{"b"}},
		map[string]any{"@vocab": "urn:v#"}, map[string]any{"@vocab": "urn:v#", "x": nil},
		map[string]any{"t": map[string]any{"@id": "urn:t", "@container": "@graph", "@context": nil}},
	}
	seen := map[string]int{}
	for i, v := range values {
		k, ok := appendContextKey(nil, v, 0)
		if !ok {
			t.Fatalf("value %d: no key", i)
		}
		if j, dup := seen[string(k)]; dup {
			t.Errorf("values %d and %d share the key %q", j, i, k)
		}
		seen[string(k)] = i
	}
	a := map[string]any{"x": "1", "y": []any{2.0, true}, "z": map[string]any{"p": nil, "q": "r"}}
	b := map[string]any{"z": map[string]any{"q": "r", "p": nil}, "y": []any{2.0, true}, "x": "1"}
	ka, _ := appendContextKey(nil, a, 0)
	kb, _ := appendContextKey(nil, b, 0)
	if string(ka) != string(kb) {
		t.Errorf("equal maps: keys %q and %q", ka, kb)
	}
	deep := any("x")
	for i := 0; i < maxContextKeyDepth+2; i++ {
		deep = []any{deep}
	}
	if _, ok := appendContextKey(nil, deep, 0); ok {
		t.Error("a context nested too deep got a key")
	}
}
