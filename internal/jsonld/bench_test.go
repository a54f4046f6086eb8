package jsonld

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/polity-id/polity/internal/jsonx"
)

// benchCredential is the eddsa-rdfc-2022 signed credential of the DI EdDSA vectors: a
// VCDM 2.0 credential with a DataIntegrityProof.
func benchCredential(b *testing.B) []byte {
	b.Helper()
	data, err := os.ReadFile(filepath.Join(diffDir, "di-eddsa/eddsa-rdfc-2022/signedDataInt.json"))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func benchToRDF(b *testing.B, opts *Options) {
	data := benchCredential(b)
	p, err := NewProcessor(opts)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := p.ToRDF(ctx, data); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.ToRDF(ctx, data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkToRDF_Fast measures the whole conversion of a signed credential on the fast
// path: strict JSON parsing, expansion and RDF, with processed contexts cached.
func BenchmarkToRDF_Fast(b *testing.B) { benchToRDF(b, nil) }

// BenchmarkToRDF_JSONGold measures the same conversion by json-gold.
func BenchmarkToRDF_JSONGold(b *testing.B) { benchToRDF(b, &Options{DisableFastPath: true}) }

func benchDoc(b *testing.B, name string, opts *Options) {
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	p, err := NewProcessor(opts)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := p.ToRDF(ctx, data); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.ToRDF(ctx, data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkToRDF_ProofNode measures the conversion of a Data Integrity proof
// configuration under the credential's @context (the DataIntegrityProof type-scoped
// context applies), as proof verification runs it.
func BenchmarkToRDF_ProofNode(b *testing.B) {
	benchDoc(b, filepath.Join(diffDir, "di-eddsa/eddsa-rdfc-2022/proofConfigDataInt.json"), nil)
}

// BenchmarkToRDF_Presentation measures a signed VCDM 2.0 presentation embedding two
// signed credentials (graph containers, type-scoped and null scoped contexts).
func BenchmarkToRDF_Presentation(b *testing.B) {
	benchDoc(b, filepath.Join(presentationDir, "vp2-two.json"), nil)
}

// BenchmarkCheck measures the check-only walk of the same signed credential, decoded
// once beforehand with json.Number leaves (as vc/dataintegrity holds it): beside
// BenchmarkToRDFDecoded, the cost of building the dataset.
func BenchmarkCheck(b *testing.B) {
	p, tree := benchTree(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Check(ctx, tree); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkToRDFDecoded is ToRDF of the decoded credential of BenchmarkCheck.
func BenchmarkToRDFDecoded(b *testing.B) {
	p, tree := benchTree(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.ToRDF(ctx, tree); err != nil {
			b.Fatal(err)
		}
	}
}

func benchTree(b *testing.B) (*Processor, any) {
	tree, err := jsonx.Decode(benchCredential(b), jsonx.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	p := mustProcessor(b, nil)
	if err := p.Check(context.Background(), tree); err != nil {
		b.Fatal(err)
	}
	return p, tree
}
