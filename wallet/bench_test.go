package wallet

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/wallet/query"
)

// BenchmarkOpenUnlock opens a wallet file and unlocks it at the default
// Argon2id cost (named in the sub-benchmark) and at the test cost.
func BenchmarkOpenUnlock(b *testing.B) {
	ctx := context.Background()
	for _, kdf := range []KDFParams{{}, cheap.KDF} {
		kdf = kdf.withDefaults()
		b.Run(fmt.Sprintf("argon2id-t%d-m%dKiB-p%d", kdf.Time, kdf.MemoryKiB, kdf.Threads), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "w.db")
			w, err := Create(ctx, path, pass, &Options{KDF: kdf})
			if err != nil {
				b.Fatal(err)
			}
			w.Close()
			b.ReportAllocs()
			for b.Loop() {
				w, err := Open(ctx, path, nil)
				if err != nil {
					b.Fatal(err)
				}
				if err := w.Unlock(ctx, pass); err != nil {
					b.Fatal(err)
				}
				w.Close()
			}
		})
		// The floor: Argon2id alone at the same cost, in the same run.
		b.Run(fmt.Sprintf("raw-argon2id-t%d-m%dKiB-p%d", kdf.Time, kdf.MemoryKiB, kdf.Threads), func(b *testing.B) {
			salt := make([]byte, saltSize)
			b.ReportAllocs()
			for b.Loop() {
				deriveKEK(pass, salt, kdf)
			}
		})
	}
}

// BenchmarkAdd adds one credential per op: one synced bbolt transaction.
func BenchmarkAdd(b *testing.B) {
	ctx := context.Background()
	for _, backend := range []string{"bolt", "mem"} {
		b.Run(backend, func(b *testing.B) {
			var w *Wallet
			var err error
			if backend == "bolt" {
				w, err = Create(ctx, filepath.Join(b.TempDir(), "w.db"), pass, cheap)
			} else {
				w, err = CreateStore(ctx, NewMemStore(), pass, cheap)
			}
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := w.AddCredential(ctx, testVC(i, "MemberCredential", "did:example:club")); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

func wallet10k(b *testing.B) *Wallet {
	ctx := context.Background()
	w, err := CreateStore(ctx, NewMemStore(), pass, cheap)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 10000 {
		typ := "MemberCredential"
		if i%10 == 0 {
			typ = "AgeCredential"
		}
		if _, err := w.AddCredential(ctx, testVC(i, typ, fmt.Sprintf("did:example:issuer%d", i%20)), fmt.Sprintf("t%d", i%3)); err != nil {
			b.Fatal(err)
		}
	}
	w.Credentials(ctx, nil) // load the metadata cache, as any first query does
	return w
}

// BenchmarkQuery10k filters 10,000 credentials by metadata; the cold case
// decrypts all metadata first, as after Unlock.
func BenchmarkQuery10k(b *testing.B) {
	ctx := context.Background()
	w := wallet10k(b)
	for _, bc := range []struct {
		name string
		f    *Filter
		want int
	}{
		{"type", &Filter{Type: "AgeCredential"}, 1000},
		{"issuer", &Filter{Issuer: "did:example:issuer3"}, 500},
		{"type+issuer+tag", &Filter{Type: "AgeCredential", Issuer: "did:example:issuer0", Tag: "t0"}, 167},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if got, err := w.Credentials(ctx, bc.f); err != nil || len(got) != bc.want {
					b.Fatal(err, len(got))
				}
			}
		})
	}
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		f := &Filter{Type: "AgeCredential"}
		for b.Loop() {
			w.cacheReset()
			if _, err := w.Credentials(ctx, f); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkMatch10k evaluates a Presentation Exchange definition (JSON
// Schema filters, every credential decrypted and decoded) and a DCQL query
// (credentials prefiltered on cached type metadata) over 10,000
// credentials, against the floor of decrypting and decoding all of them.
func BenchmarkMatch10k(b *testing.B) {
	ctx := context.Background()
	w := wallet10k(b)
	b.Run("floor-decrypt+decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			err := w.store.View(ctx, func(tx Tx) error {
				return w.each(tx, bucketCred, func(_ string, pt []byte) error {
					_, err := jsonx.Decode(pt, jsonLimits(DefaultMaxCredentialBytes))
					return err
				})
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	def, err := query.ParseDefinition([]byte(`{"id":"age","input_descriptors":[{"id":"over21","constraints":{"fields":[` +
		`{"path":["$.type"],"filter":{"type":"array","contains":{"const":"AgeCredential"}}},` +
		`{"path":["$.credentialSubject.age"],"filter":{"type":"number","minimum":21}}]}}]}`))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("pe", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := w.MatchDefinition(ctx, def); err != nil {
				b.Fatal(err)
			}
		}
	})
	q, err := query.ParseDCQL([]byte(`{"credentials":[{"id":"age","format":"ldp_vc","meta":{"type_values":[["AgeCredential"]]},` +
		`"claims":[{"path":["credentialSubject","age"],"values":[28]}]}]}`))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("dcql", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := w.MatchDCQL(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkExportImport10k writes a backup of 10,000 credentials and merges
// it into an empty wallet; the Argon2id cost is the test cost, so the time
// is the sealing, parsing and one import transaction.
func BenchmarkExportImport10k(b *testing.B) {
	ctx := context.Background()
	w := wallet10k(b)
	var backup bytes.Buffer
	b.Run("export", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			backup.Reset()
			if err := w.Export(ctx, &backup, pass); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(backup.Len()), "backup-bytes")
	})
	b.Run("import", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			dst, err := CreateStore(ctx, NewMemStore(), pass, cheap)
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			st, err := dst.Import(ctx, bytes.NewReader(backup.Bytes()), pass)
			if err != nil || st.Added["credential"] != 10000 {
				b.Fatal(err, st)
			}
		}
	})
}
