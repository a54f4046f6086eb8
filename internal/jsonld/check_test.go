package jsonld

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/polity-id/polity/internal/jsonx"
)

// checkCorpus lists the documents Check is compared with ToRDF on: the differential
// set (DI EdDSA, DI ECDSA, status list vectors), the presentation goldens, the W3C
// toRdf suite inputs and the credential vectors of testdata/vc.
func checkCorpus(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, name := range diffDocs(t) {
		out = append(out, filepath.Join(diffDir, name))
	}
	for _, pattern := range []string{
		filepath.Join(presentationDir, "*.json"),
		filepath.Join(suiteDir, "toRdf", "*-in.jsonld"),
		"../../testdata/vc/*.json",
		"../../testdata/vc/*/*.json",
	} {
		names, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, names...)
	}
	sort.Strings(out)
	return out
}

// errorKind returns the first of errorKinds that err matches, or err itself.
func errorKind(err error) error {
	for _, k := range append([]error{ErrUnknownContext, ErrProtectedTermRedefinition}, errorKinds...) {
		if errors.Is(err, k) {
			return k
		}
	}
	return err
}

// sameOutcome checks that Check(doc) fails exactly when ToRDF(doc) does, with the same
// error kind.
func sameOutcome(t *testing.T, p *Processor, doc any) {
	t.Helper()
	ctx := context.Background()
	cerr := p.Check(ctx, doc)
	_, terr := p.ToRDF(ctx, doc)
	if (cerr == nil) != (terr == nil) {
		t.Fatalf("Check: %v; ToRDF: %v", cerr, terr)
	}
	if cerr != nil && errorKind(cerr) != errorKind(terr) {
		t.Fatalf("Check: %v; ToRDF: %v (different kinds)", cerr, terr)
	}
}

// TestCheckMatchesToRDF: the check-only walk accepts exactly the documents whose full
// conversion succeeds, on every vector and corpus document, given as bytes and as a tree
// with json.Number leaves (the form vc/dataintegrity checks), in safe mode, with a small
// quad limit and with the fast path off.
func TestCheckMatchesToRDF(t *testing.T) {
	docs := checkCorpus(t)
	if len(docs) < 300 {
		t.Fatalf("only %d documents", len(docs))
	}
	procs := map[string]*Processor{
		"safe":      mustProcessor(t, nil),
		"maxQuads8": mustProcessor(t, &Options{MaxQuads: 8}),
		"general":   mustProcessor(t, &Options{DisableFastPath: true}),
	}
	accepted := 0
	for _, name := range docs {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		tree, derr := jsonx.Decode(data, jsonx.Limits{})
		t.Run(filepath.ToSlash(name), func(t *testing.T) {
			for pn, p := range procs {
				if pn != "safe" && !testing.Short() && len(data) > 1<<12 {
					continue
				}
				sameOutcome(t, p, data)
				if derr == nil {
					sameOutcome(t, p, tree)
				}
			}
			if procs["safe"].Check(context.Background(), data) == nil {
				accepted++
			}
		})
	}
	if accepted < 60 {
		t.Fatalf("only %d documents accepted: the corpus no longer exercises the check", accepted)
	}
}

// TestCheckErrors: one row per failure Check must report, with the kind ToRDF gives.
func TestCheckErrors(t *testing.T) {
	const v2 = `"@context":["https://www.w3.org/ns/credentials/v2"]`
	cases := []struct {
		name string
		doc  string
		want error
	}{
		{"undefined term", `{` + v2 + `,"type":["VerifiableCredential"],"foo":1}`, ErrUndefinedTerm},
		{"undefined nested term", `{` + v2 + `,"credentialSubject":{"id":"did:ex:1","bar":"x"}}`, ErrUndefinedTerm},
		{"undefined type", `{` + v2 + `,"type":["VerifiableCredential","Nope"]}`, ErrUndefinedTerm},
		{"unknown context", `{"@context":["https://www.w3.org/ns/credentials/v2","https://example.com/unknown/v1"],"type":"VerifiableCredential"}`, ErrUnknownContext},
		{"protected term redefined", `{"@context":["https://www.w3.org/ns/credentials/v2",{"type":"https://example.com/type"}],"type":"VerifiableCredential"}`, ErrProtectedTermRedefinition},
		{"relative id", `{` + v2 + `,"id":"relative","type":"VerifiableCredential"}`, ErrUndefinedTerm},
		{"number out of range", `{` + v2 + `,"credentialSubject":{"id":"did:ex:1"},"validFrom":1e400}`, ErrMalformed},
		{"not an object", `"https://example.com/doc"`, ErrMalformed},
	}
	p := mustProcessor(t, nil)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := p.Check(context.Background(), []byte(c.doc))
			if !errors.Is(err, c.want) {
				t.Fatalf("Check: %v, want %v", err, c.want)
			}
			tree, derr := jsonx.Decode([]byte(c.doc), jsonx.Limits{})
			if derr == nil {
				if err := p.Check(context.Background(), tree); !errors.Is(err, c.want) {
					t.Fatalf("Check of the decoded tree: %v, want %v", err, c.want)
				}
			}
			sameOutcome(t, p, []byte(c.doc))
		})
	}
}

// TestValidLang compares the hand-written language-tag check with json-gold's pattern.
func TestValidLang(t *testing.T) {
	for _, s := range []string{"", "en", "EN", "en-US", "en-", "-en", "en--us", "zh-Hant-TW", "de-1996", "1de", "en_US", "x-a1", "en-US-", "é", "a-b-c-d"} {
		if got, want := validLang(s), validLanguage.MatchString(s); got != want {
			t.Errorf("validLang(%q) = %v, want %v", s, got, want)
		}
	}
}

// FuzzCheckMatchesToRDF mutates credential-shaped documents as
// FuzzFastPathMatchesJSONGold does and checks that Check and ToRDF agree, on the bytes
// and on the json.Number tree.
func FuzzCheckMatchesToRDF(f *testing.F) {
	var i uint64
	fuzzSeeds(f, func(d []byte) { f.Add(d, i, uint8(i%4)); i++ })
	procs := []*Processor{
		mustProcessor(f, &Options{MaxQuads: 300, MaxBytes: 1 << 16}),
		mustProcessor(f, &Options{MaxQuads: 12, MaxBytes: 1 << 16}),
	}
	f.Fuzz(func(t *testing.T, data []byte, seed uint64, n uint8) {
		for _, p := range procs {
			sameOutcome(t, p, data)
			tree, err := jsonx.Decode(data, jsonx.Limits{MaxBytes: 1 << 16})
			if err != nil {
				continue
			}
			if n > 0 {
				tree = mutate(tree, rand.New(rand.NewPCG(seed, uint64(n))), int(n%8))
			}
			sameOutcome(t, p, tree)
		}
	})
}

func FuzzValidLang(f *testing.F) {
	for _, s := range []string{"en", "en-US", "en--US", "x-1", "-", "a-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validLang(s), validLanguage.MatchString(s); got != want {
			t.Fatalf("validLang(%q) = %v, want %v", s, got, want)
		}
	})
}
