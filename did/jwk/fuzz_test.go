package jwk_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/jwk"
)

// FuzzResolve checks that did:jwk expansion never panics, fails only with the did kinds,
// and that an accepted DID's key gives a did:jwk DID that resolves to an equal key.
func FuzzResolve(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/did-jwk/*.json")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var v struct{ DID string }
		if json.Unmarshal(data, &v) == nil && v.DID != "" {
			f.Add(v.DID)
		}
	}
	f.Add("did:jwk:e30")    // {}
	f.Add("did:jwk:bnVsbA") // null
	f.Fuzz(func(t *testing.T, s string) {
		doc, err := jwk.Resolve(s)
		if err != nil {
			if !errors.Is(err, did.ErrInvalidDID) && !errors.Is(err, did.ErrInvalidKey) &&
				!errors.Is(err, did.ErrUnsupportedKeyType) && !errors.Is(err, did.ErrMethodNotSupported) &&
				!errors.Is(err, did.ErrTooLarge) {
				t.Fatalf("Resolve(%q): untyped error %v", s, err)
			}
			return
		}
		if doc.ID != s {
			t.Fatalf("Resolve(%q): document id %q", s, doc.ID)
		}
		pub, _, err := jwk.PublicKey(s)
		if err != nil {
			t.Fatalf("Resolve(%q) succeeded but PublicKey failed: %v", s, err)
		}
		again, _, err := jwk.PublicKey(jwk.New(pub))
		if err != nil || !again.Equal(pub) {
			t.Fatalf("round trip of %q: %v", s, err)
		}
	})
}
