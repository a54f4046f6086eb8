package jsonld

import (
	"context"
	"os"
	"path/filepath"
	"testing"
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
