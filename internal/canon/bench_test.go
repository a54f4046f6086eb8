package canon

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polity-id/polity/internal/rdf"
)

// diDoc loads a canonical Data Integrity document from testdata/rdf-canon/di.
func diDoc(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(suiteDir, "di", name))
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(name, "bbs-") { // a JSON array of N-Quads lines
		var lines []string
		if err := json.Unmarshal(data, &lines); err != nil {
			t.Fatal(err)
		}
		data = []byte(strings.Join(lines, ""))
	}
	return data
}

// scramble relabels blank nodes at random and shuffles the quads.
func scramble(quads []rdf.Quad, r *rand.Rand) []rdf.Quad {
	out := make([]rdf.Quad, len(quads))
	copy(out, quads)
	names := map[string]string{}
	relabel := func(t *rdf.Term) {
		if t.Kind != rdf.Blank {
			return
		}
		n, ok := names[t.Value]
		if !ok {
			n = fmt.Sprintf("x%d", r.IntN(1<<30))
			for _, used := range names {
				if used == n {
					n += "_"
				}
			}
			names[t.Value] = n
		}
		t.Value = n
	}
	for i := range out {
		relabel(&out[i].S)
		relabel(&out[i].O)
		relabel(&out[i].G)
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func benchQuads(b *testing.B, data []byte, opts *Options) {
	quads, err := rdf.ParseNQuads(data, nil)
	if err != nil {
		b.Fatal(err)
	}
	quads = scramble(quads, rand.New(rand.NewPCG(1, 2)))
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Canonicalize(quads, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCanonicalize measures Data Integrity sized datasets and a few W3C suite tests.
func BenchmarkCanonicalize(b *testing.B) {
	for _, name := range []string{"eddsa-rdfc-2022-canonDoc.nq", "eddsa-rdfc-2022-proofCanon.nq", "eddsa-employ-canonDoc.nq", "bbs-addBaseDocCanon.json"} {
		b.Run(strings.TrimSuffix(strings.TrimSuffix(name, ".nq"), ".json"), func(b *testing.B) {
			benchQuads(b, diDoc(b, name), nil)
		})
	}
	for _, id := range []string{"test020", "test044", "test053", "test060"} {
		b.Run(id, func(b *testing.B) {
			benchQuads(b, readSuiteFile(b, "rdfc10/"+id+"-in.nq"), nil)
		})
	}
	b.Run("employ-sha384", func(b *testing.B) {
		benchQuads(b, diDoc(b, "eddsa-employ-canonDoc.nq"), &Options{Hash: SHA384})
	})
}

func BenchmarkPoison(b *testing.B) {
	quads, err := rdf.ParseNQuads(readSuiteFile(b, "rdfc10/test074-in.nq"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Canonicalize(quads, nil); err == nil {
			b.Fatal("poison graph canonicalized")
		}
	}
}
