package did_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
)

// countingResolver serves documents for did:test:<n> and counts calls.
type countingResolver struct {
	calls atomic.Int64
	fail  error
}

func (c *countingResolver) Resolve(ctx context.Context, id string) (*did.Document, error) {
	c.calls.Add(1)
	if c.fail != nil {
		return nil, c.fail
	}
	if id == "did:test:missing" {
		return nil, fmt.Errorf("%w: %s", did.ErrNotFound, id)
	}
	if id == "did:test:wrongid" {
		return &did.Document{ID: "did:test:other"}, nil
	}
	return &did.Document{ID: id}, nil
}

func TestMultiResolverCache(t *testing.T) {
	now := time.Unix(1000, 0)
	clock := func() time.Time { return now }
	r := did.NewMultiResolver(&did.CacheConfig{Size: 2, TTL: time.Minute, NegativeTTL: 5 * time.Second, Now: clock})
	c := &countingResolver{}
	r.Register("test", c)
	ctx := context.Background()
	for range 3 {
		if _, err := r.Resolve(ctx, "did:test:a"); err != nil {
			t.Fatal(err)
		}
	}
	if c.calls.Load() != 1 {
		t.Fatalf("calls = %d, want 1 (cached)", c.calls.Load())
	}
	// Returned documents are copies.
	d, _ := r.Resolve(ctx, "did:test:a")
	d.ID = "changed"
	if d2, _ := r.Resolve(ctx, "did:test:a"); d2.ID != "did:test:a" {
		t.Fatal("cache handed out shared memory")
	}
	// LRU eviction: size 2.
	r.Resolve(ctx, "did:test:b")
	r.Resolve(ctx, "did:test:c")
	r.Resolve(ctx, "did:test:a")
	if c.calls.Load() != 4 {
		t.Fatalf("calls = %d, want 4 after eviction", c.calls.Load())
	}
	// TTL expiry.
	now = now.Add(2 * time.Minute)
	r.Resolve(ctx, "did:test:a")
	if c.calls.Load() != 5 {
		t.Fatalf("calls = %d, want 5 after expiry", c.calls.Load())
	}
	// Negative results are cached briefly.
	for range 2 {
		if _, err := r.Resolve(ctx, "did:test:missing"); !errors.Is(err, did.ErrNotFound) {
			t.Fatal(err)
		}
	}
	if c.calls.Load() != 6 {
		t.Fatalf("calls = %d, want 6 (negative cached)", c.calls.Load())
	}
	now = now.Add(6 * time.Second)
	r.Resolve(ctx, "did:test:missing")
	if c.calls.Load() != 7 {
		t.Fatalf("calls = %d, want 7 (negative expired)", c.calls.Load())
	}
	if _, err := r.Resolve(ctx, "did:test:wrongid"); !errors.Is(err, did.ErrInvalidDocument) {
		t.Fatalf("wrong id: %v", err)
	}
	if _, err := r.Resolve(ctx, "did:nope:x"); !errors.Is(err, did.ErrMethodNotSupported) {
		t.Fatalf("unknown method: %v", err)
	}
	if _, err := r.Resolve(ctx, "did:test"); !errors.Is(err, did.ErrInvalidDID) {
		t.Fatalf("bad DID: %v", err)
	}
}

func TestMultiResolverTransientNotCached(t *testing.T) {
	r := did.NewMultiResolver(nil)
	c := &countingResolver{fail: fmt.Errorf("%w: network down", did.ErrResolution)}
	r.Register("test", c)
	for range 3 {
		if _, err := r.Resolve(context.Background(), "did:test:a"); !errors.Is(err, did.ErrResolution) {
			t.Fatal(err)
		}
	}
	if c.calls.Load() != 3 {
		t.Fatalf("calls = %d, transient failures must not be cached", c.calls.Load())
	}
}

func TestMultiResolverConcurrent(t *testing.T) {
	r := did.NewMultiResolver(&did.CacheConfig{Size: 8})
	r.Register("test", &countingResolver{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 200 {
				id := fmt.Sprintf("did:test:%d", (i+j)%16)
				if d, err := r.Resolve(context.Background(), id); err != nil || d.ID != id {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestPinnedOffline(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "alice.json"), []byte(sampleDoc), 0o644); err != nil {
		t.Fatal(err)
	}
	r := did.NewMultiResolver(nil) // no methods at all: offline
	n, err := r.PinDir(dir)
	if err != nil || n != 1 {
		t.Fatalf("PinDir = %d, %v", n, err)
	}
	ctx := context.Background()
	vm, key, err := did.ResolveVerificationMethod(ctx, r, "did:example:alice#k1", did.AssertionMethod)
	if err != nil || key.Type() != did.KeyEd25519 || vm.Type != "Multikey" {
		t.Fatalf("ResolveVerificationMethod: %v", err)
	}
	tests := []struct {
		url  string
		rel  did.Relationship
		want error
	}{
		{"did:example:alice#k1", did.KeyAgreement, did.ErrNotAuthorized},
		{"did:example:alice#none", did.AssertionMethod, did.ErrNotFound},
		{"did:example:alice", did.AssertionMethod, did.ErrInvalidDIDURL},
		{"did:example:alice/p#k1", did.AssertionMethod, did.ErrInvalidDIDURL},
		{"did:example:bob#k1", did.AssertionMethod, did.ErrMethodNotSupported},
		{"not a did", did.AssertionMethod, did.ErrInvalidDIDURL},
	}
	for _, tt := range tests {
		if _, _, err := did.ResolveVerificationMethod(ctx, r, tt.url, tt.rel); !errors.Is(err, tt.want) {
			t.Errorf("%s %s: err = %v, want %v", tt.url, tt.rel, err, tt.want)
		}
	}
	os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"id":"nope"}`), 0o644)
	if _, err := did.NewMultiResolver(nil).PinDir(dir); !errors.Is(err, did.ErrInvalidDocument) {
		t.Fatalf("bad pinned file: %v", err)
	}
}

func TestResolveVerificationMethodForeignController(t *testing.T) {
	r := did.NewMultiResolver(nil)
	doc, err := did.ParseDocument([]byte(`{"id":"did:example:carol","verificationMethod":[{"id":"did:example:carol#k","type":"Multikey","controller":"did:example:mallory","publicKeyMultibase":"z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"}],"assertionMethod":["#k"]}`))
	if err != nil {
		t.Fatal(err)
	}
	r.Pin(doc)
	if _, _, err := did.ResolveVerificationMethod(context.Background(), r, "did:example:carol#k", did.AssertionMethod); !errors.Is(err, did.ErrNotAuthorized) {
		t.Fatalf("err = %v, want ErrNotAuthorized", err)
	}
}

// ResolveVerificationMethod reads the cached document in place; the method it
// returns must still be the caller's own copy.
func TestResolveVerificationMethodReturnsCopy(t *testing.T) {
	k, err := did.GenerateKey(did.KeyEd25519)
	if err != nil {
		t.Fatal(err)
	}
	r := did.NewMultiResolver(nil)
	doc, err := key.Document(k.Public(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Pin(doc); err != nil {
		t.Fatal(err)
	}
	vmID := doc.VerificationMethod[0].ID
	ctx := context.Background()
	vm, _, err := did.ResolveVerificationMethod(ctx, r, vmID, did.AssertionMethod)
	if err != nil {
		t.Fatal(err)
	}
	vm.Controller = "did:example:attacker"
	vm.PublicKeyMultibase = "z"
	if _, _, err := did.ResolveVerificationMethod(ctx, r, vmID, did.AssertionMethod); err != nil {
		t.Fatalf("cached document changed through a returned method: %v", err)
	}
}
