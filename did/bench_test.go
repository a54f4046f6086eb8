package did_test

import (
	"testing"

	"github.com/polity-id/polity/did"
)

func BenchmarkVerify(b *testing.B) {
	msg := []byte("a typical credential digest input of moderate length ........")
	for _, typ := range did.KeyTypes() {
		if typ == did.KeyX25519 {
			continue
		}
		priv, _ := did.GenerateKey(typ)
		sig, _ := priv.Sign(msg)
		pub := priv.Public()
		b.Run(string(typ), func(b *testing.B) {
			for b.Loop() {
				if err := pub.Verify(msg, sig); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSign(b *testing.B) {
	msg := []byte("message")
	for _, typ := range []did.KeyType{did.KeyEd25519, did.KeyP256, did.KeyP384, did.KeySecp256k1} {
		priv, _ := did.GenerateKey(typ)
		b.Run(string(typ), func(b *testing.B) {
			for b.Loop() {
				if _, err := priv.Sign(msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParseMultikey(b *testing.B) {
	for _, typ := range did.KeyTypes() {
		priv, _ := did.GenerateKey(typ)
		mk := priv.Public().Multikey()
		b.Run(string(typ), func(b *testing.B) {
			for b.Loop() {
				if _, err := did.ParseMultikey(mk); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParseDocument(b *testing.B) {
	data := []byte(sampleDoc)
	for b.Loop() {
		if _, err := did.ParseDocument(data); err != nil {
			b.Fatal(err)
		}
	}
}
