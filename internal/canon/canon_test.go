package canon

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polity-id/polity/internal/rdf"
)

// TestDataIntegrityDocs canonicalizes the Data Integrity vectors after relabeling blank
// nodes and shuffling quads, and checks the eddsa-rdfc-2022 document hash.
func TestDataIntegrityDocs(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, name := range []string{"eddsa-rdfc-2022-canonDoc.nq", "eddsa-rdfc-2022-proofCanon.nq", "eddsa-employ-canonDoc.nq", "bbs-addBaseDocCanon.json"} {
		t.Run(name, func(t *testing.T) {
			want := diDoc(t, name)
			quads, err := rdf.ParseNQuads(want, nil)
			if err != nil {
				t.Fatal(err)
			}
			for range 20 {
				res, err := Canonicalize(scramble(quads, r), nil)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(res.Canonical, want) {
					t.Fatalf("got:\n%s\nwant:\n%s", res.Canonical, want)
				}
			}
		})
	}
	res, err := CanonicalizeNQuads(diDoc(t, "eddsa-rdfc-2022-canonDoc.nq"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hex.EncodeToString(SHA256.Sum(res.Canonical)), string(bytes.TrimSpace(diDoc(t, "eddsa-rdfc-2022-docHash.txt"))); got != want {
		t.Fatalf("docHash %s, want %s", got, want)
	}
}

func TestDuplicateQuads(t *testing.T) {
	in := "_:x <http://a/p> _:y .\n_:y <http://a/p> \"v\" .\n_:x <http://a/p> _:y .\n" +
		"_:y <http://a/p> \"v\"^^<http://www.w3.org/2001/XMLSchema#string> .\n"
	res, err := CanonicalizeNQuads([]byte(in), nil)
	if err != nil {
		t.Fatal(err)
	}
	set, err := CanonicalizeNQuads([]byte("_:x <http://a/p> _:y .\n_:y <http://a/p> \"v\" .\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.Canonical, set.Canonical) || len(res.Lines()) != 2 {
		t.Fatalf("duplicates not removed:\n%s\nwant:\n%s", res.Canonical, set.Canonical)
	}
}

func TestInvalidQuads(t *testing.T) {
	iri := func(s string) rdf.Term { return rdf.Term{Kind: rdf.IRI, Value: s} }
	for name, q := range map[string]rdf.Quad{
		"iri-injection": {S: iri("http://a/s> <http://a/p> <http://a/o> .\n<http://a/x"), P: iri("http://a/p"), O: iri("http://a/o")},
		"literal-subj":  {S: rdf.Term{Kind: rdf.Literal, Value: "x"}, P: iri("http://a/p"), O: iri("http://a/o")},
		"bad-utf8":      {S: iri("http://a/s"), P: iri("http://a/p"), O: rdf.Term{Kind: rdf.Literal, Value: "\xc3"}},
		"empty-object":  {S: iri("http://a/s"), P: iri("http://a/p")},
	} {
		_, err := Canonicalize([]rdf.Quad{q}, nil)
		if !errors.Is(err, ErrInvalidQuad) || !errors.Is(err, rdf.ErrInvalidTerm) {
			t.Errorf("%s: got %v, want ErrInvalidQuad", name, err)
		}
	}
	// Blank node labels are replaced, so unusual labels are fine.
	q := rdf.Quad{S: rdf.Term{Kind: rdf.Blank, Value: "a b"}, P: iri("http://a/p"), O: iri("http://a/o")}
	if _, err := Canonicalize([]rdf.Quad{q}, nil); err != nil {
		t.Errorf("odd blank label: %v", err)
	}
}

func TestLimits(t *testing.T) {
	quads, err := rdf.ParseNQuads(readSuiteFile(t, "rdfc10/test044-in.nq"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		opts  Options
		limit string
		want  error
	}{
		{Options{MaxQuads: 3}, "MaxQuads", ErrTooLarge},
		{Options{MaxNDegreeCalls: 10}, "MaxNDegreeCalls", ErrTooComplex},
		{Options{MaxPermutations: 10}, "MaxPermutations", ErrTooComplex},
	} {
		t.Run(tc.limit, func(t *testing.T) {
			_, err := Canonicalize(quads, &tc.opts)
			var le *LimitError
			if !errors.Is(err, tc.want) || !errors.As(err, &le) || le.Limit != tc.limit {
				t.Fatalf("got %v, want %s", err, tc.limit)
			}
		})
	}
	if _, err := Canonicalize(quads, &Options{Hash: 9}); err == nil {
		t.Fatal("unknown hash accepted")
	}
}

func ExampleCanonicalizeNQuads() {
	doc := `_:issuer <https://schema.org/name> "Polity" .
_:cred <https://www.w3.org/2018/credentials#issuer> _:issuer .
`
	res, err := CanonicalizeNQuads([]byte(doc), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(res.Canonical))
	fmt.Println(res.Issued["cred"], res.Issued["issuer"])
	// Output:
	// _:c14n0 <https://www.w3.org/2018/credentials#issuer> _:c14n1 .
	// _:c14n1 <https://schema.org/name> "Polity" .
	// c14n0 c14n1
}

func ExampleJCS() {
	out, err := JCS([]byte(`{"b": 1.50, "a": [true, null, 1e21]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(out))
	// Output: {"a":[true,null,1e+21],"b":1.5}
}

// FuzzCanonicalize checks that canonicalization never panics, that its output is a fixed
// point, and that relabeling blank nodes and reordering quads does not change it.
func FuzzCanonicalize(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(suiteDir, "rdfc10", "test0[0-6]*-in.nq"))
	for _, name := range files {
		f.Add(readSuiteFile(f, strings.TrimPrefix(name, suiteDir+"/")), uint64(1))
	}
	f.Fuzz(func(t *testing.T, data []byte, seed uint64) {
		quads, err := rdf.ParseNQuads(data, &rdf.ParseOptions{MaxQuads: 200})
		if err != nil {
			return
		}
		opts := &Options{MaxNDegreeCalls: 200, MaxPermutations: 2000}
		res, err := Canonicalize(quads, opts)
		if err != nil {
			if !errors.Is(err, ErrTooComplex) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		again, err := CanonicalizeNQuads(res.Canonical, opts)
		if err != nil || !bytes.Equal(again.Canonical, res.Canonical) {
			t.Fatalf("not idempotent (%v):\n%s\n---\n%s", err, res.Canonical, again.Canonical)
		}
		shuffled, err := Canonicalize(scramble(quads, rand.New(rand.NewPCG(seed, 1))), opts)
		if errors.Is(err, ErrTooComplex) {
			return
		}
		if err != nil || !bytes.Equal(shuffled.Canonical, res.Canonical) {
			t.Fatalf("relabeling changed output (%v):\n%s\n---\n%s", err, res.Canonical, shuffled.Canonical)
		}
	})
}
