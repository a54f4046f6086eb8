package policy

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzParse checks that Parse never panics, fails only with ErrMalformed, and
// that an accepted policy survives a marshal/parse round trip unchanged.
func FuzzParse(f *testing.F) {
	for _, s := range []string{basePolicy, `{}`, `{"maxAge":"36h","minScore":1e-3}`,
		`{"constraints":[{"path":"credentialSubject.level","op":"max","value":12.5}]}`,
		`{"issuers":[{"did":"did:example:a","validUntil":"2030-01-01T00:00:00+02:00"}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		q, err := Parse(b)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", b, err)
		}
		b2, _ := json.Marshal(q)
		if string(b) != string(b2) || !reflect.DeepEqual(p.Issuers, q.Issuers) {
			t.Fatalf("round trip:\n%s\n%s", b, b2)
		}
	})
}

// FuzzParseRegistry checks ParseRegistry the same way.
func FuzzParseRegistry(f *testing.F) {
	f.Add([]byte(`{"id":"urn:x","issuers":[{"did":"did:example:a","name":"A","types":["T"]}]}`))
	f.Add([]byte(`{"issuers":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRegistry(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		r2, err := ParseRegistry(b)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", b, err)
		}
		b2, _ := json.Marshal(r2)
		if string(b) != string(b2) {
			t.Fatalf("round trip:\n%s\n%s", b, b2)
		}
	})
}
