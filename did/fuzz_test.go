package did_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/polity-id/polity/did"
)

// fixtureDIDs returns DIDs from the DID Core fixtures and did:key vectors as fuzz seeds.
func fixtureDIDs(f *testing.F) []string {
	var out []string
	files, _ := filepath.Glob("../testdata/did-core/did-*.json")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var fx productionFixture
		_ = json.Unmarshal(data, &fx)
		out = append(out, fx.DIDs...)
	}
	return out
}

func FuzzParseDID(f *testing.F) {
	for _, s := range fixtureDIDs(f) {
		f.Add(s)
	}
	f.Add("did:ex:a%41:b")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := did.Parse(s)
		if err != nil {
			if !errors.Is(err, did.ErrInvalidDID) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if d.String() != s {
			t.Fatalf("round trip %q -> %q", s, d)
		}
	})
}

func FuzzParseDIDURL(f *testing.F) {
	for _, s := range fixtureDIDs(f) {
		f.Add(s + "/p?q=1#frag")
	}
	f.Add("did:ex:1?#")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := did.ParseURL(s)
		if err != nil {
			if !errors.Is(err, did.ErrInvalidDIDURL) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if u.String() != s {
			t.Fatalf("round trip %q -> %q", s, u)
		}
		again, err := did.ParseURL(u.String())
		if err != nil || *again != *u {
			t.Fatalf("reparse %q: %v", s, err)
		}
	})
}

func FuzzParseDocument(f *testing.F) {
	f.Add([]byte(sampleDoc))
	files, _ := filepath.Glob("../testdata/did-core/did-key-*.json")
	for _, file := range files {
		data, _ := os.ReadFile(file)
		var fx map[string]json.RawMessage
		_ = json.Unmarshal(data, &fx)
		for _, raw := range fx {
			var entry map[string]struct {
				Representation string `json:"representation"`
			}
			if json.Unmarshal(raw, &entry) == nil {
				for _, r := range entry {
					if r.Representation != "" && len(r.Representation) < 4096 {
						f.Add([]byte(r.Representation))
					}
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := did.ParseDocument(data)
		if err != nil {
			if !errors.Is(err, did.ErrInvalidDocument) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		out, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		doc2, err := did.ParseDocument(out)
		if err != nil {
			t.Fatalf("reparse: %v\n%s", err, out)
		}
		out2, _ := json.Marshal(doc2)
		if string(out) != string(out2) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
		for i := range doc.VerificationMethod {
			_, _ = doc.VerificationMethod[i].PublicKey() // must not panic
		}
	})
}

func FuzzParseMultikey(f *testing.F) {
	for _, typ := range did.KeyTypes() {
		k, _ := did.GenerateKey(typ)
		f.Add(k.Public().Multikey())
	}
	f.Add("z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
	f.Add("z2J9gaYxrKVpdoG9A4gRnmpnRCcxU6agDtFVVBVdn1JedouoZN7SzcyREXXzWgt3gGiwpoHq7K68X4m32D8HgzG8wv3sY5j7")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := did.ParseMultikey(s)
		if err != nil {
			if !errors.Is(err, did.ErrInvalidKey) && !errors.Is(err, did.ErrUnsupportedKeyType) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		k2, err := did.ParseMultikey(k.Multikey())
		if err != nil || !k2.Equal(k) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzParseJWK(f *testing.F) {
	for _, typ := range did.KeyTypes() {
		k, _ := did.GenerateKey(typ)
		b, _ := json.Marshal(k.Public().JWK())
		f.Add(b)
		b, _ = json.Marshal(k.JWK())
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if k, err := did.ParsePublicJWK(data); err == nil {
			b, _ := json.Marshal(k.JWK())
			k2, err := did.ParsePublicJWK(b)
			if err != nil || !k2.Equal(k) {
				t.Fatalf("round trip: %v", err)
			}
		} else if !errors.Is(err, did.ErrInvalidKey) && !errors.Is(err, did.ErrUnsupportedKeyType) {
			t.Fatalf("untyped error %v", err)
		}
		if k, err := did.ParsePrivateJWK(data); err == nil {
			b, _ := json.Marshal(k.JWK())
			k2, err := did.ParsePrivateJWK(b)
			if err != nil || !k2.Public().Equal(k.Public()) {
				t.Fatalf("private round trip: %v", err)
			}
		} else if !errors.Is(err, did.ErrInvalidKey) && !errors.Is(err, did.ErrUnsupportedKeyType) {
			t.Fatalf("untyped error %v", err)
		}
	})
}
