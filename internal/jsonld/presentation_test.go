package jsonld

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/polity-id/polity/internal/canon"
	"github.com/polity-id/polity/internal/jsonx"
)

const presentationDir = "testdata/presentations"

// presentationCases lists the golden presentations (testdata/presentations/*.json, made by
// gen.mjs in that directory with Digital Bazaar's jsonld; see SOURCE.txt there).
func presentationCases(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(presentationDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".json"))
	}
	sort.Strings(names)
	if len(names) < 4 {
		t.Fatalf("only %d presentations in %s", len(names), presentationDir)
	}
	return names
}

// presentationInputs returns the three documents a Data Integrity verifier of the
// presentation canonicalizes, by golden file suffix: the presentation without its proof
// (".nq"), its proof configuration under the presentation's @context (".proof.nq") and the
// whole signed presentation (".full.nq").
func presentationInputs(t testing.TB, name string) map[string]map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(presentationDir, name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := decodeJSON(data, jsonx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	full := v.(map[string]any)
	doc := make(map[string]any, len(full))
	for k, e := range full {
		if k != "proof" {
			doc[k] = e
		}
	}
	proof := make(map[string]any)
	for k, e := range full["proof"].(map[string]any) {
		if k != "proofValue" {
			proof[k] = e
		}
	}
	proof["@context"] = full["@context"]
	return map[string]map[string]any{".nq": doc, ".proof.nq": proof, ".full.nq": full}
}

func canonicalNQuads(t testing.TB, p *Processor, doc any) ([]byte, error) {
	t.Helper()
	quads, err := p.ToRDF(context.Background(), doc)
	if err != nil {
		return nil, err
	}
	res, err := canon.Canonicalize(quads, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.Canonical, nil
}

// TestPresentationGolden checks that VCDM 1.1 and 2.0 presentations embedding credentials
// (verifiableCredential is a @graph container; in VCDM 2.0 with a scoped "@context": null)
// canonicalize byte for byte as Digital Bazaar's jsonld does.
func TestPresentationGolden(t *testing.T) {
	p := mustProcessor(t, nil)
	for _, name := range presentationCases(t) {
		for suffix, doc := range presentationInputs(t, name) {
			t.Run(name+suffix, func(t *testing.T) {
				want, err := os.ReadFile(filepath.Join(presentationDir, name+suffix))
				if err != nil {
					t.Fatal(err)
				}
				got, err := canonicalNQuads(t, p, doc)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("canonical N-Quads differ\n got:\n%s\nwant:\n%s", got, want)
				}
			})
		}
	}
}

// TestPresentationGeneralPath checks that the general path never returns a dataset for
// these presentations that differs from the golden one: it either agrees or refuses with
// ErrUnsupported.
func TestPresentationGeneralPath(t *testing.T) {
	p := mustProcessor(t, &Options{DisableFastPath: true})
	for _, name := range presentationCases(t) {
		for suffix, doc := range presentationInputs(t, name) {
			t.Run(name+suffix, func(t *testing.T) {
				want, err := os.ReadFile(filepath.Join(presentationDir, name+suffix))
				if err != nil {
					t.Fatal(err)
				}
				got, err := canonicalNQuads(t, p, doc)
				if errors.Is(err, ErrUnsupported) {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("canonical N-Quads differ\n got:\n%s\nwant:\n%s", got, want)
				}
			})
		}
	}
}

// TestPresentationErrors checks the errors for presentations the fast path declines: a
// dropped term inside an embedded credential is ErrUndefinedTerm naming the term (in
// safe mode); other declines are ErrUnsupported, never json-gold's wrong dataset.
func TestPresentationErrors(t *testing.T) {
	vc := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential","issuer":"did:example:i","credentialSubject":{"id":"did:example:s","undefinedClaim":"x"}}`
	vp := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiablePresentation","verifiableCredential":` + vc + `}`
	_, err := DefaultProcessor().ToRDF(context.Background(), vp)
	if !errors.Is(err, ErrUndefinedTerm) || !strings.Contains(err.Error(), "undefinedClaim") {
		t.Errorf("undefined term in an embedded credential: got %v, want ErrUndefinedTerm naming it", err)
	}
	unsafe := mustProcessor(t, &Options{UnsafeAllowDroppedTerms: true})
	if _, err := unsafe.ToRDF(context.Background(), vp); !errors.Is(err, ErrUnsupported) {
		t.Errorf("unsafe mode: got %v, want ErrUnsupported", err)
	}
	// A string where the graph container expects a node: the fast path declines.
	str := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiablePresentation","verifiableCredential":"urn:uuid:1"}`
	if _, err := DefaultProcessor().ToRDF(context.Background(), str); !errors.Is(err, ErrUnsupported) {
		t.Errorf("string credential: got %v, want ErrUnsupported", err)
	}
	// A 1.1 presentation needs no refusal: verifiableCredential has no scoped context there.
	old := `{"@context":["https://www.w3.org/2018/credentials/v1"],"type":"VerifiablePresentation","verifiableCredential":"urn:uuid:1"}`
	if _, err := mustProcessor(t, &Options{DisableFastPath: true}).ToRDF(context.Background(), old); err != nil {
		t.Errorf("VCDM 1.1: %v", err)
	}
}

// TestScopedContainerTerms checks which term definitions the general path treats as ones
// json-gold expands incorrectly.
func TestScopedContainerTerms(t *testing.T) {
	cases := []struct {
		name string
		ctx  string
		want string
	}{
		{"graph container, null scoped context (VCDM 2.0 verifiableCredential)", `{"t":{"@id":"urn:t","@container":"@graph","@context":null}}`, "t"},
		{"list container, scoped context redefining the term", `{"t":{"@id":"urn:t","@container":"@list","@context":{"t":"urn:u"}}}`, "t"},
		{"set container, scoped context by URL", `{"t":{"@id":"urn:t","@container":"@set","@context":"https://example.com/c"}}`, "t"},
		{"reverse property, null scoped context", `{"t":{"@reverse":"urn:t","@context":[null]}}`, "t"},
		{"nested in a type-scoped context", `{"T":{"@id":"urn:T","@context":{"t":{"@id":"urn:t","@container":"@graph","@context":null}}}}`, "t"},
		{"graph container, scoped context leaving the term alone", `{"t":{"@id":"urn:t","@container":"@graph","@context":{"u":"urn:u"}}}`, ""},
		{"graph container without scoped context (VCDM 1.1)", `{"t":{"@id":"urn:t","@container":"@graph"}}`, ""},
		{"scoped context without container", `{"t":{"@id":"urn:t","@context":null}}`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := decodeJSON([]byte(c.ctx), jsonx.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(scopedContainerTerms(nil, v), ",")
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	for _, u := range EmbeddedContextURLs() {
		want := ""
		if u == "https://www.w3.org/ns/credentials/v2" {
			want = "verifiableCredential"
		}
		if got := strings.Join(DefaultProcessor().contexts[u].scopedContainers, ","); got != want {
			t.Errorf("%s: got %q, want %q", u, got, want)
		}
	}
}

// TestLoaderScopedContainer checks that a Loader-served context (always processed by
// json-gold) with a @graph term and a null scoped context is refused, not mis-expanded.
func TestLoaderScopedContainer(t *testing.T) {
	loader := func(_ context.Context, url string) ([]byte, error) {
		if url != "https://example.com/graph-context" {
			return nil, &UnknownContextError{URL: url}
		}
		return []byte(`{"@context":{"@vocab":"urn:v#","g":{"@id":"urn:g","@container":"@graph","@context":null}}}`), nil
	}
	p := mustProcessor(t, &Options{Loader: loader})
	doc := `{"@context":"https://example.com/graph-context","@id":"urn:s","g":{"@id":"urn:o","urn:p":"v"}}`
	if _, err := p.ToRDF(context.Background(), doc); !errors.Is(err, ErrUnsupported) {
		t.Errorf("term used: got %v, want ErrUnsupported", err)
	}
	unused := `{"@context":"https://example.com/graph-context","@id":"urn:s","name":"v"}`
	if _, err := p.ToRDF(context.Background(), unused); err != nil {
		t.Errorf("term not used: %v", err)
	}
}
