package did_test

import (
	"errors"
	"testing"

	"github.com/polity-id/polity/did"
)

// FuzzParsePrivateMultikey checks the secret-key multikey parser (the form of key
// files): no panic, typed errors, and a key that round-trips to the same public key.
func FuzzParsePrivateMultikey(f *testing.F) {
	for _, typ := range did.KeyTypes() {
		if k, err := did.GenerateKey(typ); err == nil {
			f.Add(k.Multikey())
		}
	}
	f.Add("z")
	f.Add("u")
	f.Add("z3u2")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := did.ParsePrivateMultikey(s)
		if err != nil {
			if !errors.Is(err, did.ErrInvalidKey) && !errors.Is(err, did.ErrUnsupportedKeyType) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		k2, err := did.ParsePrivateMultikey(k.Multikey())
		if err != nil || !k2.Public().Equal(k.Public()) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
