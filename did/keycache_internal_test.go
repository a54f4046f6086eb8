package did

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/asn1"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/polity-id/polity/internal/multi"
)

// purgeKeyCache empties the key cache, for tests and benchmarks of the uncached path.
func purgeKeyCache() {
	for i := range keyCache.shards {
		s := &keyCache.shards[i]
		s.mu.Lock()
		s.index, s.entries, s.hand = nil, nil, 0
		s.mu.Unlock()
	}
}

// keyCacheLen returns the number of cached entries.
func keyCacheLen() int {
	n := 0
	for i := range keyCache.shards {
		s := &keyCache.shards[i]
		s.mu.Lock()
		n += len(s.entries)
		s.mu.Unlock()
	}
	return n
}

// BenchmarkECDSAVerifyForms compares the two ways to hand an r||s signature to
// crypto/ecdsa: big.Ints for ecdsa.Verify, or DER built on the stack for VerifyASN1.
func BenchmarkECDSAVerifyForms(b *testing.B) {
	for _, typ := range []KeyType{KeyP256, KeyP384} {
		priv, _ := GenerateKey(typ)
		msg := []byte("a typical credential digest input of moderate length ........")
		sig, _ := priv.Sign(msg)
		pub := priv.Public().ec
		hash := typ.hash(msg)
		half := len(sig) / 2
		b.Run(string(typ)+"/big.Int", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := new(big.Int).SetBytes(sig[:half])
				s := new(big.Int).SetBytes(sig[half:])
				if !ecdsa.Verify(pub, hash, r, s) {
					b.Fatal("does not verify")
				}
			}
		})
		b.Run(string(typ)+"/DER", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !verifyP1363(pub, hash, sig) {
					b.Fatal("does not verify")
				}
			}
		})
	}
}

// BenchmarkParseMultikeyUncached is ParseMultikey for a key not in the cache.
func BenchmarkParseMultikeyUncached(b *testing.B) {
	for _, typ := range KeyTypes() {
		priv, _ := GenerateKey(typ)
		mk := priv.Public().Multikey()
		b.Run(string(typ), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parseMultikey(mk); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEd25519Decode is the on-curve check alone.
func BenchmarkEd25519Decode(b *testing.B) {
	priv, _ := GenerateKey(KeyEd25519)
	raw := (*[32]byte)(priv.Public().Bytes())
	for b.Loop() {
		if _, _, ok := edDecode(raw); ok != 1 {
			b.Fatal("rejected")
		}
	}
}

// TestP1363ToDER compares the DER encoder with encoding/asn1 on r and s with leading
// zero bytes, a set top bit, and other lengths.
func TestP1363ToDER(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, half := range []int{32, 48} {
		for range 2000 {
			sig := make([]byte, 2*half)
			for i := range sig {
				sig[i] = byte(rng.Uint32())
			}
			for _, h := range []int{0, half} { // leading zeros, or a set top bit
				switch rng.IntN(4) {
				case 0:
					clear(sig[h : h+1+rng.IntN(half-1)])
				case 1:
					sig[h] |= 0x80
				}
			}
			r, s := new(big.Int).SetBytes(sig[:half]), new(big.Int).SetBytes(sig[half:])
			der, ok := p1363ToDER(nil, sig)
			if r.Sign() == 0 || s.Sign() == 0 {
				if ok {
					t.Fatalf("%x: zero half encoded", sig)
				}
				continue
			}
			want, err := asn1.Marshal(struct{ R, S *big.Int }{r, s})
			if err != nil {
				t.Fatal(err)
			}
			if !ok || !bytes.Equal(der, want) || len(der) > p1363MaxDER {
				t.Fatalf("%x:\n got %x\nwant %x", sig, der, want)
			}
		}
	}
	if _, ok := p1363ToDER(nil, make([]byte, 2*49)); ok {
		t.Fatal("49-byte halves encoded")
	}
}

func TestVerifyP1363MatchesBigInt(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, typ := range []KeyType{KeyP256, KeyP384} {
		priv, err := GenerateKey(typ)
		if err != nil {
			t.Fatal(err)
		}
		pub := priv.Public().ec
		n := pub.Curve.Params().N
		half := typ.SignatureSize() / 2
		check := func(name string, msg, sig []byte) {
			t.Helper()
			hash := typ.hash(msg)
			r := new(big.Int).SetBytes(sig[:half])
			s := new(big.Int).SetBytes(sig[half:])
			if got, want := verifyP1363(pub, hash, sig), ecdsa.Verify(pub, hash, r, s); got != want {
				t.Fatalf("%s/%s: DER form says %v, big.Int form %v (sig %x)", typ, name, got, want, sig)
			}
		}
		for i := range 20 {
			msg := fmt.Appendf(nil, "message %d", i)
			sig, err := priv.Sign(msg)
			if err != nil {
				t.Fatal(err)
			}
			check("valid", msg, sig)
			bad := bytes.Clone(sig)
			bad[rng.IntN(len(bad))] ^= byte(1 + rng.IntN(255))
			check("flipped", msg, bad)
			// s' = n - s also verifies (high-S is accepted).
			hi := bytes.Clone(sig)
			new(big.Int).Sub(n, new(big.Int).SetBytes(sig[half:])).FillBytes(hi[half:])
			check("high-S", msg, hi)
			// r + n and s + n are out of range when they fit.
			over := bytes.Clone(sig)
			if v := new(big.Int).Add(n, new(big.Int).SetBytes(sig[:half])); v.BitLen() <= 8*half {
				v.FillBytes(over[:half])
				check("r+n", msg, over)
			}
		}
		msg := []byte("m")
		sig, _ := priv.Sign(msg)
		for name, mut := range map[string]func(s []byte){
			"r=0": func(s []byte) { clear(s[:half]) },
			"s=0": func(s []byte) { clear(s[half:]) },
			"r=n": func(s []byte) { n.FillBytes(s[:half]) },
			"s=n": func(s []byte) { n.FillBytes(s[half:]) },
			"r=1": func(s []byte) { clear(s[:half]); s[half-1] = 1 },
			"ff": func(s []byte) {
				for i := range s {
					s[i] = 0xff
				}
			},
			"r=top": func(s []byte) { clear(s[:half]); s[0] = 0x80 },
		} {
			s := bytes.Clone(sig)
			mut(s)
			check(name, msg, s)
		}
		if verifyP1363(pub, typ.hash(msg), make([]byte, 2*49+2)) {
			t.Fatal("oversize signature halves verify")
		}
	}
}

func TestKeyCacheSharesParsedKeys(t *testing.T) {
	purgeKeyCache()
	for _, typ := range KeyTypes() {
		t.Run(string(typ), func(t *testing.T) {
			priv, err := GenerateKey(typ)
			if err != nil {
				t.Fatal(err)
			}
			pub := priv.Public()
			mk := pub.Multikey()
			a, err := ParseMultikey(mk)
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := ParseMultikey(mk); b != a {
				t.Fatal("Multikey: second parse is not the cached key")
			}
			if typ != KeyX25519 {
				r, err := NewPublicKey(typ, pub.Bytes())
				if err != nil {
					t.Fatal(err)
				}
				if b, _ := NewPublicKey(typ, pub.Bytes()); b != r {
					t.Fatal("raw: second parse is not the cached key")
				}
			}
			data, _ := json.Marshal(pub.JWK())
			j, err := ParsePublicJWK(data)
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := ParsePublicJWK(data); b != j {
				t.Fatal("JWK: second parse is not the cached key")
			}
			// Another text of the same public members (member order, spacing, kid) hits
			// the cache of the public members.
			var m map[string]any
			_ = json.Unmarshal(data, &m)
			m["kid"] = "other"
			other, _ := json.MarshalIndent(m, "", "  ")
			if b, err := ParsePublicJWK(other); err != nil || b != j {
				t.Fatalf("JWK with other text: %v, shared %v", err, b == j)
			}
			if !j.Equal(pub) || !a.Equal(pub) {
				t.Fatal("cached key differs from the original")
			}
		})
	}
}

func TestKeyCacheBase58(t *testing.T) {
	priv, _ := GenerateKey(KeyEd25519)
	vm := VerificationMethod{ID: "did:ex:a#k", Type: "Ed25519VerificationKey2018", Controller: "did:ex:a",
		PublicKeyBase58: multi.EncodeRawBase58(priv.Public().Bytes())}
	a, err := vm.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := vm.PublicKey(); b != a {
		t.Fatal("publicKeyBase58: second read is not the cached key")
	}
	// The same bytes under another method type must not come back from the cache.
	vm.Type = "X25519KeyAgreementKey2019"
	x, err := vm.PublicKey()
	if err != nil || x.Type() != KeyX25519 {
		t.Fatalf("X25519 method: %v, %v", x, err)
	}
	vm.Type = "EcdsaSecp256k1VerificationKey2019"
	if _, err := vm.PublicKey(); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("secp256k1 method with a 32-byte key: %v", err)
	}
}

func TestKeyCacheErrorsNotCached(t *testing.T) {
	purgeKeyCache()
	bad := []string{"z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooW", "zzz", "u7QE"}
	for range 2 {
		for _, s := range bad {
			if _, err := ParseMultikey(s); err == nil {
				t.Fatalf("%q parsed", s)
			}
		}
		if _, err := ParsePublicJWK([]byte(`{"kty":"OKP","crv":"Ed25519","x":"AA"}`)); !errors.Is(err, ErrInvalidKey) {
			t.Fatalf("short JWK: %v", err)
		}
		// y = 2 is not on the curve.
		if _, err := NewPublicKey(KeyEd25519, append([]byte{2}, make([]byte, 31)...)); !errors.Is(err, ErrInvalidKey) {
			t.Fatalf("off-curve key: %v", err)
		}
	}
	if n := keyCacheLen(); n != 0 {
		t.Fatalf("%d entries after failures only", n)
	}
}

func TestKeyCacheBounded(t *testing.T) {
	purgeKeyCache()
	hot, _ := GenerateKey(KeyEd25519)
	hotMK := hot.Public().Multikey()
	first, _ := ParseMultikey(hotMK)
	for i := range 3 * keyCacheShards * keyCacheWays {
		var raw [32]byte
		binary.LittleEndian.PutUint64(raw[:], uint64(i))
		raw[31] = 0x40 // some y values are not curve points; those are not cached
		_, _ = NewPublicKey(KeyEd25519, raw[:])
		if k, _ := ParseMultikey(hotMK); k != first {
			t.Fatalf("hot key evicted after %d other keys", i)
		}
	}
	if n := keyCacheLen(); n > keyCacheShards*keyCacheWays {
		t.Fatalf("%d entries, cap %d", n, keyCacheShards*keyCacheWays)
	}
}

func TestKeyCacheConcurrent(t *testing.T) {
	purgeKeyCache()
	var keys []string
	for _, typ := range KeyTypes() {
		for range 3 {
			k, _ := GenerateKey(typ)
			keys = append(keys, k.Public().Multikey())
		}
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				mk := keys[(g+i)%len(keys)]
				k, err := ParseMultikey(mk)
				if err != nil || k.Multikey() != mk {
					t.Errorf("%s: %v", mk, err)
					return
				}
				if i%50 == 0 && g == 0 {
					purgeKeyCache()
				}
			}
		})
	}
	wg.Wait()
}

// TestCachedKeyImmutable changes every value a PublicKey hands out and checks the
// cached key is unchanged.
func TestCachedKeyImmutable(t *testing.T) {
	msg := []byte("door check")
	for _, typ := range []KeyType{KeyEd25519, KeyP256, KeyP384, KeySecp256k1, KeyX25519} {
		t.Run(string(typ), func(t *testing.T) {
			priv, _ := GenerateKey(typ)
			mk := priv.Public().Multikey()
			k, err := ParseMultikey(mk)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range [][]byte{k.Bytes(), k.UncompressedBytes()} {
				for i := range b {
					b[i] ^= 0xff
				}
			}
			switch c := k.CryptoPublicKey().(type) {
			case ed25519.PublicKey:
				for i := range c {
					c[i] = 0
				}
			case *ecdsa.PublicKey:
				c.X.SetInt64(1)
				c.Y.SetInt64(2)
			case *secp256k1.PublicKey:
				*c = secp256k1.PublicKey{}
			}
			again, err := ParseMultikey(mk)
			if err != nil || again.Multikey() != mk || !again.Equal(priv.Public()) {
				t.Fatalf("cached key changed: %v", err)
			}
			if typ != KeyX25519 {
				sig, _ := priv.Sign(msg)
				if err := again.Verify(msg, sig); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
