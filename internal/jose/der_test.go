package jose

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"math/big"
	"testing"
)

// appendDERSig must give the DER encoding/asn1 gives for the same two
// integers, for the halves that reach it: zero, leading zeros, high bit set.
func TestAppendDERSig(t *testing.T) {
	half := func(b ...byte) []byte { return append(make([]byte, 32-len(b)), b...) }
	full := bytes.Repeat([]byte{0xff}, 32)
	for _, c := range []struct {
		name string
		r, s []byte
	}{
		{"zero", half(), half()},
		{"one", half(1), half(1)},
		{"high bit", full, half(0x80)},
		{"leading zeros", half(0x00, 0x7f, 0x01), full},
		{"random", bytes.Repeat([]byte{0x5a}, 32), bytes.Repeat([]byte{0xa5}, 32)},
		{"P-384 sizes", bytes.Repeat([]byte{0x81}, 48), append(make([]byte, 47), 2)},
	} {
		t.Run(c.name, func(t *testing.T) {
			want, err := asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(c.r), new(big.Int).SetBytes(c.s)})
			if err != nil {
				t.Fatal(err)
			}
			if got := appendDERSig(nil, append(c.r, c.s...)); !bytes.Equal(got, want) {
				t.Fatalf("got %x, want %x", got, want)
			}
		})
	}
}

// verifyWith must agree with ecdsa.Verify on the raw r||s halves, valid or not.
func TestVerifyES256Differential(t *testing.T) {
	priv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	msg := []byte("header.payload")
	_, sig, err := SignRaw(priv, msg)
	if err != nil {
		t.Fatal(err)
	}
	d := sha256.Sum256(msg)
	for name, s := range map[string][]byte{
		"valid":    sig,
		"zero r":   append(make([]byte, 32), sig[32:]...),
		"flipped":  append(append([]byte{}, sig[:63]...), sig[63]^1),
		"all ones": bytes.Repeat([]byte{0xff}, 64),
	} {
		want := ecdsa.Verify(&priv.PublicKey, d[:], new(big.Int).SetBytes(s[:32]), new(big.Int).SetBytes(s[32:]))
		if got := verifyWith(ES256, &priv.PublicKey, msg, s) == nil; got != want {
			t.Errorf("%s: verifyWith %v, ecdsa.Verify %v", name, got, want)
		}
	}
}
