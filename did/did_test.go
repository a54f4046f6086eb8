package did_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polity-id/polity/did"
)

func TestParseDID(t *testing.T) {
	valid := []string{
		"did:example:123456789abcdefghi",
		"did:web:example.com%3A8443:user:alice",
		"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
		"did:a1:b::c",
		"did:ex:%41%42",
		"did:ex:a.b-c_d",
	}
	for _, s := range valid {
		d, err := did.Parse(s)
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		if d.String() != s {
			t.Errorf("%s: round trip %s", s, d)
		}
	}
	invalid := []struct {
		in     string
		reason did.SyntaxReason
	}{
		{"", did.ReasonScheme},
		{"DID:ex:1", did.ReasonScheme},
		{"did::1", did.ReasonMethodName},
		{"did:Ex:1", did.ReasonMethodName},
		{"did:ex", did.ReasonMethodName},
		{"did:ex-1:1", did.ReasonMethodName},
		{"did:ex:", did.ReasonMethodSpecificID},
		{"did:ex:a:", did.ReasonMethodSpecificID},
		{"did:ex:a b", did.ReasonMethodSpecificID},
		{"did:ex:a%4", did.ReasonPercentEncoding},
		{"did:ex:a%zz", did.ReasonPercentEncoding},
		{"did:ex:a#frag", did.ReasonNotPlainDID},
		{"did:ex:a/path", did.ReasonNotPlainDID},
		{"did:ex:" + strings.Repeat("a", did.MaxLength), did.ReasonTooLong},
	}
	for _, tt := range invalid {
		_, err := did.Parse(tt.in)
		var se *did.SyntaxError
		if !errors.Is(err, did.ErrInvalidDID) || !errors.As(err, &se) || se.Reason != tt.reason {
			t.Errorf("%q: err = %v, want reason %v", tt.in, err, tt.reason)
		}
	}
}

func TestParseURL(t *testing.T) {
	valid := []struct {
		in                    string
		path, query, fragment string
	}{
		{"did:ex:1", "", "", ""},
		{"did:ex:1#key-1", "", "", "key-1"},
		{"did:ex:1/path/to?versionId=1#frag", "/path/to", "versionId=1", "frag"},
		{"did:ex:1?service=files&relativeRef=/x%20y", "", "service=files&relativeRef=/x%20y", ""},
		{"did:ex:1?", "", "", ""},
		{"did:ex:1#", "", "", ""},
		{"did:ex:1/", "/", "", ""},
		{"did:ex:1#a/b?c:d@e", "", "", "a/b?c:d@e"},
	}
	for _, tt := range valid {
		u, err := did.ParseURL(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if u.Path != tt.path || u.Query != tt.query || u.Fragment != tt.fragment || u.String() != tt.in {
			t.Errorf("%s: got %+v (%s)", tt.in, u, u)
		}
	}
	invalid := []struct {
		in     string
		reason did.SyntaxReason
	}{
		{"did:ex:1#a#b", did.ReasonFragment},
		{"did:ex:1#a b", did.ReasonFragment},
		{"did:ex:1?a b", did.ReasonQuery},
		{"did:ex:1/a b", did.ReasonPath},
		{"did:ex:1/%G0", did.ReasonPercentEncoding},
		{"did:ex:1#%", did.ReasonPercentEncoding},
		{"did:ex:1[", did.ReasonMethodSpecificID},
		{"urn:ex:1", did.ReasonScheme},
	}
	for _, tt := range invalid {
		_, err := did.ParseURL(tt.in)
		var se *did.SyntaxError
		if !errors.Is(err, did.ErrInvalidDIDURL) || !errors.As(err, &se) || se.Reason != tt.reason {
			t.Errorf("%q: err = %v, want reason %v", tt.in, err, tt.reason)
		}
	}
}

type productionFixture struct {
	DIDMethod string   `json:"didMethod"`
	DIDs      []string `json:"dids"`
}

// TestDIDCoreFixtureDIDs parses every DID listed in the DID Core test-suite production
// fixtures (testdata/did-core/did-*.json) and round-trips it.
func TestDIDCoreFixtureDIDs(t *testing.T) {
	files, _ := filepath.Glob("../testdata/did-core/did-*.json")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	n := 0
	for _, f := range files {
		var fx productionFixture
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &fx); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, s := range fx.DIDs {
			n++
			d, err := did.Parse(s)
			if err != nil {
				t.Errorf("%s: %s: %v", filepath.Base(f), s, err)
				continue
			}
			if d.String() != s || "did:"+d.Method != fx.DIDMethod {
				t.Errorf("%s: %s: got %s (method %s)", filepath.Base(f), s, d, fx.DIDMethod)
			}
		}
	}
	t.Logf("%d DIDs from %d fixture files", n, len(files))
}
