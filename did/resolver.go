package did

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Resolver resolves a DID to its DID document. Implementations must return an error
// wrapping [ErrInvalidDID], [ErrNotFound], [ErrMethodNotSupported], [ErrResolution] or
// [ErrInvalidDocument] on failure, and a document whose id equals the DID on success.
type Resolver interface {
	Resolve(ctx context.Context, did string) (*Document, error)
}

// ResolverFunc adapts a function to [Resolver].
type ResolverFunc func(ctx context.Context, did string) (*Document, error)

// Resolve calls f.
func (f ResolverFunc) Resolve(ctx context.Context, did string) (*Document, error) { return f(ctx, did) }

// CacheConfig configures the cache of a [MultiResolver]. The zero value gives the
// documented defaults.
type CacheConfig struct {
	// Size is the number of documents kept (least recently used evicted first).
	// 0 means 256; a negative value disables caching.
	Size int
	// TTL is how long a resolved document is reused. 0 means 1 hour.
	TTL time.Duration
	// NegativeTTL is how long a "not found" or invalid result is remembered. 0 means
	// 30 seconds; a negative value disables negative caching. Transient failures
	// (network, timeouts, cancellation) are never cached.
	NegativeTTL time.Duration
	// Now returns the current time; nil means time.Now. For tests.
	Now func() time.Time
}

// MultiResolver dispatches DIDs to method resolvers by method name, answers pinned DIDs
// from memory (offline) and caches results in a bounded LRU with a TTL. It is safe for
// concurrent use. Documents it returns are copies the caller may modify.
type MultiResolver struct {
	mu      sync.Mutex
	methods map[string]Resolver
	pinned  map[string]*Document
	cfg     CacheConfig
	lru     *list.List // of *cacheEntry, most recent first
	index   map[string]*list.Element
}

type cacheEntry struct {
	did     string
	doc     *Document
	err     error
	expires time.Time
}

// NewMultiResolver returns a resolver with the given cache settings (nil: defaults) and
// no methods; add them with [MultiResolver.Register].
func NewMultiResolver(cfg *CacheConfig) *MultiResolver {
	r := &MultiResolver{methods: map[string]Resolver{}, pinned: map[string]*Document{}, lru: list.New(), index: map[string]*list.Element{}}
	if cfg != nil {
		r.cfg = *cfg
	}
	if r.cfg.Size == 0 {
		r.cfg.Size = 256
	}
	if r.cfg.TTL == 0 {
		r.cfg.TTL = time.Hour
	}
	if r.cfg.NegativeTTL == 0 {
		r.cfg.NegativeTTL = 30 * time.Second
	}
	if r.cfg.Now == nil {
		r.cfg.Now = time.Now
	}
	return r
}

// Register sets the resolver for a DID method name ("key", "jwk", "web", ...),
// replacing any previous one.
func (r *MultiResolver) Register(method string, res Resolver) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.methods[method] = res
	r.purgeLocked()
}

// Pin makes r answer doc.ID with doc, without calling any method resolver (for offline
// use, e.g. a door device with its issuers' documents). Pinned documents never expire.
func (r *MultiResolver) Pin(doc *Document) error {
	if _, err := Parse(doc.ID); err != nil {
		return fmt.Errorf("%w: pinned document id: %w", ErrInvalidDocument, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pinned[doc.ID] = doc.Clone()
	return nil
}

// maxPinFileBytes caps a pinned document file.
const maxPinFileBytes = MaxDocumentBytes

// PinFile parses the DID document in the file at path and pins it (see [MultiResolver.Pin]).
func (r *MultiResolver) PinFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("did: pin: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPinFileBytes+1))
	if err != nil {
		return fmt.Errorf("did: pin: %w", err)
	}
	if len(data) > maxPinFileBytes {
		return fmt.Errorf("%w: %s over %d bytes", ErrTooLarge, path, maxPinFileBytes)
	}
	doc, err := ParseDocument(data)
	if err != nil {
		return fmt.Errorf("pin %s: %w", path, err)
	}
	return r.Pin(doc)
}

// PinDir pins every *.json file of dir (not recursive) and returns how many it pinned.
// It stops at the first bad file.
func (r *MultiResolver) PinDir(dir string) (int, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return 0, fmt.Errorf("did: pin: %w", err)
	}
	for i, p := range paths {
		if err := r.PinFile(p); err != nil {
			return i, err
		}
	}
	return len(paths), nil
}

// Resolve resolves did: pinned documents first, then the cache, then the method
// resolver. The document id must equal did, otherwise the result is
// [ErrInvalidDocument].
func (r *MultiResolver) Resolve(ctx context.Context, did string) (*Document, error) {
	doc, err := r.resolveShared(ctx, did)
	if err != nil {
		return nil, err
	}
	return doc.Clone(), nil
}

// resolveShared is Resolve without the defensive copy: the document it returns
// is shared with the cache, so callers in this package only read it.
func (r *MultiResolver) resolveShared(ctx context.Context, did string) (*Document, error) {
	d, err := Parse(did)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	if doc, ok := r.pinned[did]; ok {
		r.mu.Unlock()
		return doc, nil
	}
	if e, ok := r.index[did]; ok {
		ce := e.Value.(*cacheEntry)
		if r.cfg.Now().Before(ce.expires) {
			r.lru.MoveToFront(e)
			r.mu.Unlock()
			if ce.err != nil {
				return nil, ce.err
			}
			return ce.doc, nil
		}
		r.lru.Remove(e)
		delete(r.index, did)
	}
	res, ok := r.methods[d.Method]
	r.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w: did:%s", ErrMethodNotSupported, truncate(d.Method, 40))
	}
	doc, err := res.Resolve(ctx, did)
	if err == nil && (doc == nil || doc.ID != did) {
		err = fmt.Errorf("%w: document id does not match %q", ErrInvalidDocument, truncate(did, 200))
		doc = nil
	}
	r.store(did, doc, err)
	if err != nil {
		return nil, err
	}
	return doc, nil
}

func (r *MultiResolver) store(did string, doc *Document, err error) {
	ttl := r.cfg.TTL
	if err != nil {
		if !cacheableFailure(err) || r.cfg.NegativeTTL < 0 {
			return
		}
		ttl = min(r.cfg.NegativeTTL, r.cfg.TTL)
	}
	if r.cfg.Size < 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.index[did]; ok {
		r.lru.Remove(e)
	}
	r.index[did] = r.lru.PushFront(&cacheEntry{did: did, doc: doc, err: err, expires: r.cfg.Now().Add(ttl)})
	for r.lru.Len() > r.cfg.Size {
		last := r.lru.Back()
		r.lru.Remove(last)
		delete(r.index, last.Value.(*cacheEntry).did)
	}
}

// cacheableFailure reports whether a failure is a property of the DID (cache briefly)
// rather than of the moment (never cache).
func cacheableFailure(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	return errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalidDID) || errors.Is(err, ErrInvalidDocument) ||
		errors.Is(err, ErrInvalidKey) || errors.Is(err, ErrUnsupportedKeyType)
}

// Purge empties the cache (pinned documents stay).
func (r *MultiResolver) Purge() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.purgeLocked()
}

func (r *MultiResolver) purgeLocked() {
	r.lru.Init()
	clear(r.index)
}

// ResolveVerificationMethod resolves the DID of didURL with r and returns the
// verification method didURL names together with its public key, checking that the
// method is in relationship rel. A method that exists but is not in rel gives
// [ErrNotAuthorized]; a missing one [ErrNotFound]; a URL without fragment, or with a path
// or query, [ErrInvalidDIDURL]. The method's controller must be the DID itself.
func ResolveVerificationMethod(ctx context.Context, r Resolver, didURL string, rel Relationship) (*VerificationMethod, *PublicKey, error) {
	u, err := ParseURL(didURL)
	if err != nil {
		return nil, nil, err
	}
	if u.Path != "" || u.HasQuery || u.Fragment == "" {
		return nil, nil, fmt.Errorf("%w: %q: a verification method URL is a DID with a fragment", ErrInvalidDIDURL, truncate(didURL, 200))
	}
	var doc *Document
	if mr, ok := r.(*MultiResolver); ok {
		doc, err = mr.resolveShared(ctx, u.DID.String()) // read only below; vm is cloned
	} else {
		doc, err = r.Resolve(ctx, u.DID.String())
	}
	if err != nil {
		return nil, nil, err
	}
	if doc.ID != u.DID.String() {
		return nil, nil, fmt.Errorf("%w: document id does not match %q", ErrInvalidDocument, truncate(u.DID.String(), 200))
	}
	vm, err := doc.MethodFor(didURL, rel)
	if err != nil {
		return nil, nil, err
	}
	if vm.Controller != doc.ID {
		return nil, nil, fmt.Errorf("%w: method %q is controlled by %q, not %q", ErrNotAuthorized, truncate(didURL, 200), truncate(vm.Controller, 200), truncate(doc.ID, 200))
	}
	key, err := vm.PublicKey()
	if err != nil {
		return nil, nil, err
	}
	return vm.Clone(), key, nil
}
