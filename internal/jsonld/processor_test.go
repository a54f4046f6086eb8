package jsonld

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/internal/rdf"
)

// vc2 builds a VCDM 2.0 credential whose credentialSubject is subject (JSON).
func vc2(extraContext, subject string) string {
	ctx := `"https://www.w3.org/ns/credentials/v2"`
	if extraContext != "" {
		ctx += "," + extraContext
	}
	return `{"@context":[` + ctx + `],"id":"urn:uuid:1","type":["VerifiableCredential"],` +
		`"issuer":"did:example:issuer","validFrom":"2024-01-01T00:00:00Z","credentialSubject":` + subject + `}`
}

func TestToRDFErrors(t *testing.T) {
	deep := strings.Repeat("[", 80) + strings.Repeat("]", 80)
	cases := []struct {
		name    string
		opts    Options
		doc     any
		want    []error
		mention string // the message must contain it
	}{
		{name: "not JSON", doc: `{"a":`, want: []error{ErrMalformed}},
		{name: "trailing data", doc: `{} {}`, want: []error{ErrMalformed}},
		{name: "duplicate member", doc: `{"@id":"urn:a","@id":"urn:b"}`, want: []error{ErrMalformed, jsonx.ErrDuplicateKey}},
		{name: "too large", opts: Options{MaxBytes: 64}, doc: vc2("", `{"id":"did:example:a"}`), want: []error{ErrTooLarge, ErrMalformed}},
		{name: "too deep", doc: deep, want: []error{ErrTooDeep, ErrMalformed}},
		{name: "too deep (decoded)", opts: Options{MaxDepth: 3}, doc: map[string]any{"a": map[string]any{"b": []any{[]any{"c"}}}}, want: []error{ErrTooDeep}},
		{name: "unsupported Go type", doc: map[string]any{"a": 1}, want: []error{ErrMalformed}},
		{name: "unknown context URL", doc: `{"@context":"https://example.com/ctx","@id":"urn:a"}`, want: []error{ErrInvalidContext, ErrUnknownContext}, mention: "https://example.com/ctx"},
		{name: "repeated context URL", doc: `{"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/v2"],"id":"urn:a","type":"VerifiableCredential"}`, want: []error{ErrInvalidContext}},
		{name: "document not an object", doc: `"https://example.com/doc"`, want: []error{ErrMalformed}},
		{name: "context not an object", doc: `{"@context":5,"@id":"urn:a"}`, want: []error{ErrInvalidContext}},
		{name: "protected term redefinition", doc: vc2(`{"name":"https://example.com/name"}`, `{"id":"did:example:a"}`), want: []error{ErrProtectedTermRedefinition, ErrInvalidContext}},
		{name: "undefined property", doc: vc2("", `{"id":"did:example:a","favoriteColor":"blue"}`), want: []error{ErrUndefinedTerm}, mention: "favoriteColor"},
		{name: "undefined type", doc: strings.Replace(vc2("", `{"id":"did:example:a"}`), `["VerifiableCredential"]`, `["VerifiableCredential","MembershipCredential"]`, 1), want: []error{ErrUndefinedTerm}, mention: "MembershipCredential"},
		{name: "relative @id", doc: vc2("", `{"id":"member-7"}`), want: []error{ErrUndefinedTerm}, mention: "member-7"},
		{name: "relative issuer", doc: strings.Replace(vc2("", `{"id":"did:example:a"}`), `"did:example:issuer"`, `"issuer-1"`, 1), want: []error{ErrUndefinedTerm}, mention: "issuer-1"},
		{name: "blank node property", doc: `{"@id":"urn:a","_:p":"x"}`, want: []error{ErrUndefinedTerm}},
		{name: "base direction", doc: `{"@context":{"@direction":"rtl","p":"urn:p"},"@id":"urn:a","p":"x"}`, want: []error{ErrUndefinedTerm}},
		{name: "bad language tag", doc: `{"@id":"urn:a","urn:p":{"@value":"x","@language":"not a tag"}}`, want: []error{ErrUndefinedTerm}},
		{name: "JSON literal not an object", doc: `{"@context":{"j":{"@id":"urn:j","@type":"@json"}},"@id":"urn:a","j":[1,2]}`, want: []error{ErrMalformed}},
		{name: "value object with object value", doc: `{"@id":"urn:a","urn:p":{"@value":{}}}`, want: []error{ErrMalformed}},
		{name: "too many quads", opts: Options{MaxQuads: 3}, doc: vc2("", `{"id":"did:example:a"}`), want: []error{ErrTooManyQuads}},
	}
	for _, c := range cases {
		for _, fast := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/fast=%v", c.name, fast), func(t *testing.T) {
				opts := c.opts
				opts.DisableFastPath = !fast
				p := mustProcessor(t, &opts)
				_, err := p.ToRDF(context.Background(), c.doc)
				if err == nil {
					t.Fatal("no error")
				}
				for _, w := range c.want {
					if !errors.Is(err, w) {
						t.Errorf("error %q does not match %v", err, w)
					}
				}
				if c.mention != "" && !strings.Contains(err.Error(), c.mention) {
					t.Errorf("error %q does not mention %q", err, c.mention)
				}
				var uce *UnknownContextError
				if errors.Is(err, ErrUnknownContext) && (!errors.As(err, &uce) || uce.URL != c.mention) {
					t.Errorf("UnknownContextError: %+v", uce)
				}
			})
		}
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := DefaultProcessor().ToRDF(ctx, vc2("", `{"id":"did:example:a"}`))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

// TestSafeModeAllows checks documents that safe mode must accept, on both paths.
func TestSafeModeAllows(t *testing.T) {
	cases := []struct{ name, doc string }{
		{"issuer-dependent @vocab", vc2(`{"@vocab":"https://www.w3.org/ns/credentials/issuer-dependent#"}`, `{"id":"did:example:a","favoriteColor":"blue"}`)},
		{"undefined-terms context", vc2(`"https://www.w3.org/ns/credentials/undefined-terms/v2"`, `{"id":"did:example:a","favoriteColor":"blue"}`)},
		{"examples vocabulary", vc2(`"https://www.w3.org/ns/credentials/examples/v2"`, `{"id":"did:example:a","alumniOf":"Example U"}`)},
		{"null value", vc2(`"https://www.w3.org/ns/credentials/examples/v2"`, `{"id":"did:example:a","nickname":null}`)},
		{"absolute IRI property", vc2("", `{"id":"did:example:a","https://example.com/vocab#level":3}`)},
	}
	for _, c := range cases {
		for _, fast := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/fast=%v", c.name, fast), func(t *testing.T) {
				p := mustProcessor(t, &Options{DisableFastPath: !fast})
				qs, err := p.ToRDF(context.Background(), c.doc)
				if err != nil {
					t.Fatal(err)
				}
				if len(qs) < 4 {
					t.Fatalf("only %d quads", len(qs))
				}
			})
		}
	}
	// With safe mode off, the undefined property is dropped instead.
	p := mustProcessor(t, &Options{UnsafeAllowDroppedTerms: true})
	qs, err := p.ToRDF(context.Background(), vc2("", `{"id":"did:example:a","favoriteColor":"blue"}`))
	if err != nil {
		t.Fatal(err)
	}
	if s := nquads(qs); strings.Contains(s, "blue") {
		t.Fatalf("undefined property kept:\n%s", s)
	}
}

func TestRegisteredContexts(t *testing.T) {
	const url = "https://example.com/club/v1"
	doc := []byte(`{"@context":{"@protected":true,"Member":"https://example.com/club#Member","level":{"@id":"https://example.com/club#level","@type":"http://www.w3.org/2001/XMLSchema#integer"}}}`)
	sum := sha256.Sum256(doc)
	good := hex.EncodeToString(sum[:])
	cred := vc2(`"`+url+`"`, `{"id":"did:example:a","type":"Member","level":3}`)

	p := mustProcessor(t, &Options{Contexts: []Context{{URL: url, Document: doc, SHA256: good}}})
	qs, err := p.ToRDF(context.Background(), cred)
	if err != nil {
		t.Fatal(err)
	}
	if s := nquads(qs); !strings.Contains(s, `"3"^^<http://www.w3.org/2001/XMLSchema#integer>`) {
		t.Fatalf("level not typed:\n%s", s)
	}

	bad := strings.Repeat("0", 64)
	if _, err := NewProcessor(&Options{Contexts: []Context{{URL: url, Document: doc, SHA256: bad}}}); !errors.Is(err, ErrInvalidContext) {
		t.Fatalf("wrong hash: got %v", err)
	}
	if _, err := NewProcessor(&Options{Contexts: []Context{{URL: "https://www.w3.org/ns/credentials/v2", Document: doc}}}); !errors.Is(err, ErrInvalidContext) {
		t.Fatalf("shadowing an embedded context: got %v", err)
	}
	if _, err := NewProcessor(&Options{Contexts: []Context{{URL: url, Document: []byte(`{"a":1}`)}}}); !errors.Is(err, ErrInvalidContext) {
		t.Fatalf("document without @context: got %v", err)
	}

	// A Loader serves what is not pinned, every time (no caching).
	var mu sync.Mutex
	calls := 0
	loader := func(_ context.Context, u string) ([]byte, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		if u == url {
			return doc, nil
		}
		return nil, &UnknownContextError{URL: u}
	}
	lp := mustProcessor(t, &Options{Loader: loader})
	for i := 0; i < 2; i++ {
		if _, err := lp.ToRDF(context.Background(), cred); err != nil {
			t.Fatal(err)
		}
	}
	if calls != 2 {
		t.Fatalf("loader called %d times, want 2", calls)
	}
	_, err = lp.ToRDF(context.Background(), vc2(`"https://example.com/other"`, `{"id":"did:example:a"}`))
	if !errors.Is(err, ErrUnknownContext) {
		t.Fatalf("got %v, want ErrUnknownContext", err)
	}
}

func TestPinnedContexts(t *testing.T) {
	entries, err := contextFS.ReadDir("contexts")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]pinnedContext{}
	for _, pc := range pinnedContexts {
		rows[pc.File] = pc
	}
	for _, e := range entries {
		data, err := contextFS.ReadFile("contexts/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		pc, ok := rows[e.Name()]
		if !ok {
			t.Errorf("%s is embedded but has no row in pinnedContexts", e.Name())
			continue
		}
		if _, err := parseContextDoc(pc.URL, data, ""); err != nil {
			t.Errorf("%s: %v", e.Name(), err)
		}
		sum := sha256.Sum256(data)
		got := hex.EncodeToString(sum[:])
		switch {
		case pc.SHA256 == "":
			t.Logf("%s (%s) is served unpinned; pin sha256 %s once it is final", pc.File, pc.URL, got)
		case got != pc.SHA256:
			t.Errorf("%s: sha256 %s, pinned %s", e.Name(), got, pc.SHA256)
		}
	}
	// Every URL of CONTEXT-MAP.md is pinned to the same file and hash.
	md, err := os.ReadFile(filepath.Join("contexts", "CONTEXT-MAP.md"))
	if err != nil {
		t.Fatal(err)
	}
	byURL := map[string]pinnedContext{}
	for _, pc := range pinnedContexts {
		byURL[pc.URL] = pc
	}
	n := 0
	for _, line := range strings.Split(string(md), "\n") {
		f := strings.Split(line, "|")
		if len(f) < 5 || !strings.HasPrefix(strings.TrimSpace(f[1]), "http") {
			continue
		}
		url, file, sum := strings.TrimSpace(f[1]), strings.TrimSpace(f[2]), strings.Trim(strings.TrimSpace(f[3]), "`")
		n++
		pc, ok := byURL[url]
		if !ok || pc.File != file || pc.SHA256 != sum {
			t.Errorf("CONTEXT-MAP.md row %s -> %s %s not pinned (have %+v)", url, file, sum, pc)
		}
	}
	if n != 30 {
		t.Errorf("read %d rows from CONTEXT-MAP.md, want 30", n)
	}
	urls := EmbeddedContextURLs()
	if len(urls) < 30 {
		t.Errorf("%d embedded context URLs, want at least 30", len(urls))
	}
	_, hasPolity := rows["polity-v1.jsonld"]
	if _, err := contextFS.ReadFile("contexts/polity-v1.jsonld"); err == nil && hasPolity {
		found := false
		for _, u := range urls {
			found = found || u == PolityContextURL
		}
		if !found {
			t.Errorf("polity-v1.jsonld is embedded but %s is not served", PolityContextURL)
		}
	}
}

// TestConcurrentUse runs one Processor from several goroutines (meaningful under -race).
func TestConcurrentUse(t *testing.T) {
	p := mustProcessor(t, nil)
	docs := diffDocs(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				name := docs[(g*7+i)%len(docs)]
				data, err := os.ReadFile(filepath.Join(diffDir, name))
				if err != nil {
					errs <- err
					return
				}
				if _, err := p.ToRDF(context.Background(), data); err != nil && !errors.Is(err, ErrUndefinedTerm) {
					errs <- fmt.Errorf("%s: %w", name, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestDecodedInput checks that decoded documents (with json.Number or float64 numbers)
// give the same dataset as their bytes.
func TestDecodedInput(t *testing.T) {
	data := vc2(`"https://www.w3.org/ns/credentials/examples/v2"`, `{"id":"did:example:a","age":42,"score":1.5}`)
	p := DefaultProcessor()
	want, err := p.ToRDF(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	var withNumbers, withFloats any
	if err := jsonx.Unmarshal([]byte(data), &withNumbers, jsonx.Limits{}); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(data), &withFloats); err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{withNumbers, withFloats, json.RawMessage(data), []byte(data)} {
		got, err := p.ToRDF(context.Background(), v)
		if err != nil {
			t.Fatal(err)
		}
		if !isomorphic(got, want) {
			t.Fatalf("%T: got\n%s\nwant\n%s", v, nquads(got), nquads(want))
		}
	}
	if !strings.Contains(nquads(want), `"1.5E0"^^<http://www.w3.org/2001/XMLSchema#double>`) {
		t.Fatalf("double not canonical:\n%s", nquads(want))
	}
}

// TestPresentation checks a VCDM 2.0 presentation with an embedded credential (the
// verifiableCredential term has @container @graph and a null scoped context): the
// credential is in a named graph of its own, which the presentation points to, and the
// general path, which would lose the graph, refuses with ErrUnsupported.
func TestPresentation(t *testing.T) {
	cred, err := os.ReadFile(filepath.Join(diffDir, "di-eddsa/eddsa-rdfc-2022/signedDataInt.json"))
	if err != nil {
		t.Fatal(err)
	}
	vp := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiablePresentation","holder":"did:example:holder","verifiableCredential":[` + string(cred) + `]}`
	p := DefaultProcessor()
	v, _, err := p.normalizeInput(vp)
	if err != nil {
		t.Fatal(err)
	}
	fast, hint, ok := p.fastToRDF(v)
	if !ok {
		t.Fatalf("fast path declined: %s", hint)
	}
	var graph rdf.Term
	for _, q := range fast {
		if q.P.Value == "https://www.w3.org/2018/credentials#verifiableCredential" {
			graph = q.O
		}
	}
	if graph.Kind != rdf.Blank {
		t.Fatalf("verifiableCredential is not a blank node graph name:\n%s", nquads(fast))
	}
	inGraph := 0
	for _, q := range fast {
		if q.G == graph && q.P.Value == rdfType && q.O.Value == "https://www.w3.org/2018/credentials#VerifiableCredential" {
			inGraph++
		}
	}
	if inGraph != 1 {
		t.Fatalf("credential not in the graph %v:\n%s", graph, nquads(fast))
	}
	if _, err := p.goldToRDF(context.Background(), deepCopy(v), ""); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("general path: got %v, want ErrUnsupported", err)
	}
	slow := mustProcessor(t, &Options{DisableFastPath: true})
	if _, err := slow.ToRDF(context.Background(), vp); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("DisableFastPath: got %v, want ErrUnsupported", err)
	}
	if _, err := p.Expand(context.Background(), vp); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Expand: got %v, want ErrUnsupported", err)
	}
}

func TestQuadTerms(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(diffDir, "di-eddsa/eddsa-rdfc-2022/signedDataInt.json"))
	if err != nil {
		t.Fatal(err)
	}
	qs, err := DefaultProcessor().ToRDF(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		if err := rdf.CheckQuad(q); err != nil {
			t.Errorf("%v: %+v", err, q)
		}
	}
}
