// Package web implements the did:web method (https://w3c-ccg.github.io/did-method-web/):
// the DID document is fetched over HTTPS from the domain the DID names.
//
// [URL] maps a DID to its document URL ("did:web:example.com" to
// https://example.com/.well-known/did.json, "did:web:example.com:user:alice" to
// https://example.com/user/alice/did.json, "%3A" to a port colon). [Resolver] fetches it
// with a size cap, a timeout, no redirects to another host and, unless
// [Config.AllowPrivateAddresses] is set, refusal of loopback, private, link-local,
// unspecified and multicast addresses, checked on the resolved IPs at dial time.
// The document id must equal the DID.
package web

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"net/http"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/internal/fetch"
)

// Method is the DID method name.
const Method = "web"

// DefaultMaxBytes caps a did:web document when Config.MaxBytes is 0.
const DefaultMaxBytes = 256 << 10

// Config configures a [Resolver]. The zero value fetches with a default client, public
// addresses only, 256 KiB and 10 seconds.
type Config struct {
	// Client is the HTTP client to build on (its transport must be an *http.Transport
	// unless AllowPrivateAddresses is set). nil means a default client.
	Client *http.Client
	// MaxBytes caps the document size. 0 means DefaultMaxBytes.
	MaxBytes int64
	// Timeout bounds each resolution on top of the context. 0 means 10 seconds.
	Timeout time.Duration
	// AllowPrivateAddresses allows loopback, private and link-local addresses. Only for
	// tests and closed networks.
	AllowPrivateAddresses bool
}

// Resolver resolves did:web DIDs over HTTPS. It is safe for concurrent use.
type Resolver struct {
	f *fetch.Fetcher
}

// New returns a Resolver. cfg may be nil.
func New(cfg *Config) (*Resolver, error) {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	f, err := fetch.New(fetch.Config{
		Client:                c.Client,
		MaxBytes:              c.MaxBytes,
		Timeout:               c.Timeout,
		AllowPrivateAddresses: c.AllowPrivateAddresses,
		Accept:                "application/did+json, application/did+ld+json;q=0.9, application/json;q=0.8",
		MediaType:             jsonish,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", did.ErrBlockedAddress, err)
	}
	return &Resolver{f: f}, nil
}

// jsonish accepts JSON media types, and the generic types static hosts often use.
func jsonish(mt string) bool {
	switch mt {
	case "", "application/json", "application/did+json", "application/did+ld+json", "application/ld+json",
		"text/plain", "application/octet-stream":
		return true
	}
	return strings.HasSuffix(mt, "+json")
}

// URL returns the HTTPS URL of the DID document of a did:web DID.
func URL(s string) (string, error) {
	d, err := did.Parse(s)
	if err != nil {
		return "", err
	}
	if d.Method != Method {
		return "", fmt.Errorf("%w: did:%s is not did:web", did.ErrMethodNotSupported, d.Method)
	}
	parts := strings.Split(d.ID, ":")
	host, err := url.PathUnescape(parts[0])
	if err != nil || !validHost(host) {
		return "", fmt.Errorf("%w: did:web domain %q is not a host name with optional port", did.ErrInvalidDID, parts[0])
	}
	path := "/.well-known"
	if len(parts) > 1 {
		var b strings.Builder
		for _, p := range parts[1:] {
			if p == "" || p == "." || p == ".." {
				return "", fmt.Errorf("%w: did:web path segment %q", did.ErrInvalidDID, p)
			}
			if dec, err := url.PathUnescape(p); err != nil || strings.ContainsAny(dec, "/?#\\") {
				return "", fmt.Errorf("%w: did:web path segment %q", did.ErrInvalidDID, p)
			}
			b.WriteByte('/')
			b.WriteString(p)
		}
		path = b.String()
	}
	return "https://" + host + path + "/did.json", nil
}

// validHost accepts a DNS name or IPv4 address with an optional port.
func validHost(h string) bool {
	name, port, hasPort := strings.Cut(h, ":")
	if hasPort {
		if port == "" || len(port) > 5 || strings.Trim(port, "0123456789") != "" {
			return false
		}
	}
	if name == "" || len(name) > 253 {
		return false
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// Resolve fetches and parses the document of a did:web DID. Errors wrap
// [did.ErrInvalidDID], [did.ErrNotFound] (HTTP 404/410), [did.ErrBlockedAddress],
// [did.ErrTooLarge], [did.ErrInvalidDocument] (including an id other than the DID) or
// [did.ErrResolution].
func (r *Resolver) Resolve(ctx context.Context, s string) (*did.Document, error) {
	u, err := URL(s)
	if err != nil {
		return nil, err
	}
	resp, err := r.f.Get(ctx, u)
	if err != nil {
		switch {
		case errors.Is(err, fetch.ErrNotFound):
			return nil, fmt.Errorf("%w: %s: %w", did.ErrNotFound, s, err)
		case errors.Is(err, fetch.ErrBlockedAddress):
			return nil, fmt.Errorf("%w: %w: %s: %w", did.ErrResolution, did.ErrBlockedAddress, s, err)
		case errors.Is(err, fetch.ErrTooLarge):
			return nil, fmt.Errorf("%w: %w: %s: %w", did.ErrResolution, did.ErrTooLarge, s, err)
		}
		return nil, fmt.Errorf("%w: %s: %w", did.ErrResolution, s, err)
	}
	doc, err := did.ParseDocument(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s, err)
	}
	if doc.ID != s {
		return nil, fmt.Errorf("%w: document id %q does not match %s", did.ErrInvalidDocument, doc.ID, s)
	}
	return doc, nil
}
