package key_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
)

// FuzzResolve checks that did:key expansion never panics, fails only with the did kinds,
// and that an accepted DID's key gives a did:key DID that resolves to an equal key.
func FuzzResolve(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/did-key/*.json")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var vectors map[string]json.RawMessage
		_ = json.Unmarshal(data, &vectors)
		for d := range vectors {
			f.Add(d)
		}
	}
	f.Add("did:key:z")
	f.Add("did:key:zQ3s")
	f.Add("did:key:u7QE")
	f.Fuzz(func(t *testing.T, s string) {
		doc, err := key.Resolve(s, nil)
		if err != nil {
			if !errors.Is(err, did.ErrInvalidDID) && !errors.Is(err, did.ErrInvalidKey) &&
				!errors.Is(err, did.ErrUnsupportedKeyType) && !errors.Is(err, did.ErrMethodNotSupported) {
				t.Fatalf("Resolve(%q): untyped error %v", s, err)
			}
			return
		}
		if doc.ID == "" {
			t.Fatalf("Resolve(%q): document without id", s)
		}
		pub, err := key.PublicKey(s)
		if err != nil {
			t.Fatalf("Resolve(%q) succeeded but PublicKey failed: %v", s, err)
		}
		again, err := key.PublicKey(key.New(pub))
		if err != nil || !again.Equal(pub) {
			t.Fatalf("round trip of %q: %v", s, err)
		}
	})
}
