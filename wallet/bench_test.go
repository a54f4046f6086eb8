package wallet

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

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
			b.ResetTimer()
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
	return w
}

// BenchmarkQuery10k filters 10,000 credentials by metadata; the cold case
// decrypts all metadata first, as after Unlock.
func BenchmarkQuery10k(b *testing.B) {
	ctx := context.Background()
	w := wallet10k(b)
	f := &Filter{Type: "AgeCredential", Issuer: "did:example:issuer0", Tag: "t0"}
	b.Run("warm", func(b *testing.B) {
		w.Credentials(ctx, nil) // load and order the cache
		for b.Loop() {
			if got, err := w.Credentials(ctx, f); err != nil || len(got) == 0 {
				b.Fatal(err, len(got))
			}
		}
	})
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			w.cacheReset()
			if _, err := w.Credentials(ctx, f); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDCQL10k answers a DCQL query over 10,000 credentials, decrypting
// and decoding each.
func BenchmarkDCQL10k(b *testing.B) {
	ctx := context.Background()
	w := wallet10k(b)
	q, err := query.ParseDCQL([]byte(`{"credentials":[{"id":"age","format":"ldp_vc","meta":{"type_values":[["AgeCredential"]]},` +
		`"claims":[{"path":["credentialSubject","age"],"values":[28]}]}]}`))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := w.MatchDCQL(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}
