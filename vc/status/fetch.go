package status

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/polity-id/polity/internal/fetch"
)

// Fetcher dereferences a statusListCredential URL into the bytes of the list
// credential as published (JSON with an embedded proof, a vc+jwt token, ...).
type Fetcher interface {
	Fetch(ctx context.Context, url string) ([]byte, error)
}

// FetcherFunc adapts a function to [Fetcher].
type FetcherFunc func(ctx context.Context, url string) ([]byte, error)

// Fetch calls f(ctx, url).
func (f FetcherFunc) Fetch(ctx context.Context, url string) ([]byte, error) { return f(ctx, url) }

// ListVerifier verifies a fetched list credential, whatever secures it, and returns the
// verified credential's JSON. An error means the list must not be used; wrap the
// verification kinds (vc.ErrInvalidSignature, ...) so that they reach the caller.
// Package vc supplies one that accepts every securing mechanism it verifies.
type ListVerifier interface {
	VerifyList(ctx context.Context, raw []byte) (credentialJSON []byte, err error)
}

// ListVerifierFunc adapts a function to [ListVerifier].
type ListVerifierFunc func(ctx context.Context, raw []byte) ([]byte, error)

// VerifyList calls f(ctx, raw).
func (f ListVerifierFunc) VerifyList(ctx context.Context, raw []byte) ([]byte, error) {
	return f(ctx, raw)
}

// InsecureUnverifiedLists returns a ListVerifier that accepts any list credential JSON
// without checking a proof. Anyone who can answer the list's URL (or write to the
// status directory) then decides which credentials pass: use it only for tests and
// for lists that reach the verifier over an already trusted channel.
func InsecureUnverifiedLists() ListVerifier {
	return ListVerifierFunc(func(_ context.Context, raw []byte) ([]byte, error) { return raw, nil })
}

// HTTPConfig configures [NewHTTPFetcher]. The zero value is safe.
type HTTPConfig struct {
	// Client is the base client; nil means a default transport. Its transport must be
	// an *http.Transport unless AllowPrivateAddresses is set.
	Client *http.Client
	// MaxBytes caps a response. 0 means DefaultMaxEncodedBytes + MaxListCredentialBytes.
	MaxBytes int64
	// Timeout bounds one fetch. 0 means 10 seconds.
	Timeout time.Duration
	// AllowPrivateAddresses turns off the address policy (loopback, private,
	// link-local and other non-public addresses are refused at dial time, as for
	// did:web). For tests and intranets only.
	AllowPrivateAddresses bool
}

// NewHTTPFetcher returns a Fetcher for https URLs: bounded size and time, no private
// addresses, redirects only to the same host. HTTP 404/410 and other failures are
// returned as errors; the [Checker] wraps them in [ErrRetrieval].
func NewHTTPFetcher(cfg *HTTPConfig) (Fetcher, error) {
	var c HTTPConfig
	if cfg != nil {
		c = *cfg
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = DefaultMaxEncodedBytes + MaxListCredentialBytes
	}
	f, err := fetch.New(fetch.Config{
		Client: c.Client, MaxBytes: c.MaxBytes, Timeout: c.Timeout,
		AllowPrivateAddresses: c.AllowPrivateAddresses,
		Accept:                "application/vc, application/vc+jwt, application/ld+json, application/json;q=0.9, */*;q=0.1",
	})
	if err != nil {
		return nil, err
	}
	return FetcherFunc(func(ctx context.Context, url string) ([]byte, error) {
		resp, err := f.Get(ctx, url)
		if err != nil {
			return nil, err
		}
		return resp.Body, nil
	}), nil
}

// Caps of a DirFetcher scan.
const (
	MaxDirFiles    = 4096                                            // files looked at per scan
	MaxDirFileSize = DefaultMaxEncodedBytes + MaxListCredentialBytes // larger files are skipped
)

// DirFetcher serves list credentials from a local directory, for verifiers that work
// offline: each regular file (not in subdirectories) that holds a list credential, as
// JSON or as a compact JWS whose payload is the credential, answers for the URL in the
// credential's "id". Files are matched by content, not by name. It rescans the
// directory when a URL is unknown or a file changed; two files with the same id make
// that id an error. It is safe for concurrent use.
type DirFetcher struct {
	dir   string
	mu    sync.Mutex
	index map[string]string // id -> path; "" marks an ambiguous id
}

// NewDirFetcher returns a DirFetcher for dir. The directory is read on first use.
func NewDirFetcher(dir string) *DirFetcher {
	return &DirFetcher{dir: dir}
}

// Fetch returns the bytes of the file in the directory whose credential id is url. A
// missing id gives an error matching fs.ErrNotExist.
func (d *DirFetcher) Fetch(ctx context.Context, url string) ([]byte, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for attempt := 0; attempt < 2; attempt++ {
		if d.index == nil || attempt == 1 {
			if err := d.scan(ctx); err != nil {
				return nil, err
			}
		}
		path, ok := d.index[url]
		if !ok {
			continue
		}
		if path == "" {
			return nil, fmt.Errorf("status: two files in %s have id %q", d.dir, clip(url))
		}
		data, err := readCapped(path)
		if err == nil && credentialID(data) == url {
			return data, nil
		}
	}
	return nil, fmt.Errorf("status: no file in %s has id %q: %w", d.dir, clip(url), fs.ErrNotExist)
}

func (d *DirFetcher) scan(ctx context.Context) error {
	ents, err := os.ReadDir(d.dir)
	if err != nil {
		return fmt.Errorf("status: reading status directory: %w", err)
	}
	index := make(map[string]string)
	n := 0
	for _, ent := range ents {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !ent.Type().IsRegular() {
			continue
		}
		if n++; n > MaxDirFiles {
			break
		}
		path := filepath.Join(d.dir, ent.Name())
		data, err := readCapped(path)
		if err != nil {
			continue
		}
		id := credentialID(data)
		if id == "" {
			continue
		}
		if _, dup := index[id]; dup {
			index[id] = ""
			continue
		}
		index[id] = path
	}
	d.index = index
	return nil
}

func readCapped(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxDirFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxDirFileSize {
		return nil, fmt.Errorf("%w: %s over %d bytes", ErrListTooLarge, path, MaxDirFileSize)
	}
	return data, nil
}

// credentialID returns the "id" of a credential given as JSON or as a compact JWS
// (vc+jwt: the payload is the credential; JWT-VC 1.1: the "vc" claim's id or "jti"),
// without verifying anything, or "".
func credentialID(data []byte) string {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return ""
	}
	if data[0] != '{' {
		parts := bytes.Split(data, []byte("."))
		if len(parts) != 3 {
			return ""
		}
		payload, err := base64.RawURLEncoding.DecodeString(string(parts[1]))
		if err != nil {
			return ""
		}
		data = payload
	}
	var c struct {
		ID  string `json:"id"`
		JTI string `json:"jti"`
		VC  *struct {
			ID string `json:"id"`
		} `json:"vc"`
	}
	if json.Unmarshal(data, &c) != nil {
		return ""
	}
	switch {
	case c.ID != "":
		return c.ID
	case c.VC != nil && c.VC.ID != "":
		return c.VC.ID
	}
	return c.JTI
}
