package status

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Defaults of a zero [Config].
const (
	DefaultTTL          = 5 * time.Minute
	DefaultCacheSize    = 64
	DefaultSkew         = time.Minute
	DefaultFetchTimeout = 30 * time.Second
)

// Config configures a [Checker]. The zero value gives the defaults.
type Config struct {
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Skew is the clock tolerance on the list's validFrom and validUntil. 0 means
	// DefaultSkew; negative means none.
	Skew time.Duration
	// TTL is how long a verified list is reused. A list is never reused past its
	// validUntil nor past its own ttl. 0 means DefaultTTL; negative turns caching off.
	TTL time.Duration
	// CacheSize caps the number of cached lists. 0 means DefaultCacheSize.
	CacheSize int
	// MinEntries is the minimum number of entries a list must have (131,072 by the
	// specification unless an ecosystem sets a lower bound). 0 means MinEntries.
	MinEntries int
	// FetchTimeout bounds one fetch and verification, which runs once per URL for all
	// concurrent callers. 0 means DefaultFetchTimeout.
	FetchTimeout time.Duration
	// Limits caps the decoding of encoded lists.
	Limits Limits
}

// Checker checks credentialStatus entries against their status lists: it fetches each
// list once per URL (concurrent callers share one fetch), verifies it with the
// [ListVerifier], caches it, and reads the entries' statuses. It is safe for
// concurrent use.
type Checker struct {
	fetcher  Fetcher
	verifier ListVerifier
	cfg      Config

	mu       sync.Mutex
	cache    map[string]*cached
	inflight map[string]*call
}

type cached struct {
	list    *ListCredential
	expires time.Time
}

type call struct {
	done chan struct{}
	list *ListCredential
	err  error
}

// NewChecker returns a Checker that gets lists from f and accepts only those v
// verifies. cfg may be nil for the defaults. It panics if f or v is nil: to skip list
// verification, pass [InsecureUnverifiedLists] explicitly.
func NewChecker(f Fetcher, v ListVerifier, cfg *Config) *Checker {
	if f == nil || v == nil {
		panic("status: NewChecker needs a Fetcher and a ListVerifier")
	}
	c := &Checker{fetcher: f, verifier: v, cache: map[string]*cached{}, inflight: map[string]*call{}}
	if cfg != nil {
		c.cfg = *cfg
	}
	if c.cfg.Now == nil {
		c.cfg.Now = time.Now
	}
	switch {
	case c.cfg.Skew == 0:
		c.cfg.Skew = DefaultSkew
	case c.cfg.Skew < 0:
		c.cfg.Skew = 0
	}
	if c.cfg.TTL == 0 {
		c.cfg.TTL = DefaultTTL
	}
	if c.cfg.CacheSize <= 0 {
		c.cfg.CacheSize = DefaultCacheSize
	}
	if c.cfg.MinEntries <= 0 {
		c.cfg.MinEntries = MinEntries
	}
	if c.cfg.FetchTimeout <= 0 {
		c.cfg.FetchTimeout = DefaultFetchTimeout
	}
	return c
}

// Result is the outcome of one credentialStatus entry.
type Result struct {
	Entry   Entry  // the entry as parsed
	Purpose string // the entry's statusPurpose
	Index   uint64 // the entry's statusListIndex
	Value   uint64 // the status read from the list (statusSize bits)
	Message string // the statusMessage of Value, or "set"/"unset" for one-bit entries
	Valid   bool   // Value is 0
	// Err is nil when the status was read and does not invalidate the credential. A
	// set revocation or suspension status gives ErrRevoked or ErrSuspended; a list
	// that could not be fetched, verified or read gives the corresponding kind.
	Err error
}

// Report holds one Result per entry, in the order of the entries.
type Report struct {
	Results []Result
}

// Revoked reports whether a revocation entry has a set status.
func (r *Report) Revoked() bool { return r.has(ErrRevoked) }

// Suspended reports whether a suspension entry has a set status.
func (r *Report) Suspended() bool { return r.has(ErrSuspended) }

func (r *Report) has(kind error) bool {
	for _, res := range r.Results {
		if errors.Is(res.Err, kind) {
			return true
		}
	}
	return false
}

// Err joins the Results' errors, or returns nil when there are none.
func (r *Report) Err() error {
	var errs []error
	for _, res := range r.Results {
		if res.Err != nil {
			errs = append(errs, res.Err)
		}
	}
	return errors.Join(errs...)
}

// Check reads the status of each entry. The error is nil when every status was read
// and none invalidates the credential: a set "revocation" status gives [ErrRevoked], a
// set "suspension" status [ErrSuspended]; "message", "refresh" and other purposes only
// report their value. A list that cannot be fetched gives [ErrRetrieval]; one that
// fails verification, is expired, lacks the purpose or does not answer for the entry
// gives [ErrVerification]; a bad list gives [ErrMalformed] (with [ErrListTooLarge],
// [ErrListTooShort] or [ErrRange]). The error joins every entry's error, and the Report
// (never nil) has them per entry.
func (c *Checker) Check(ctx context.Context, entries []Entry) (*Report, error) {
	rep := &Report{Results: make([]Result, len(entries))}
	now := c.cfg.Now()
	for i, e := range entries {
		res := &rep.Results[i]
		res.Entry, res.Purpose, res.Index = e, e.Purpose, e.Index
		list, err := c.list(ctx, e.ListCredential, now)
		if err == nil {
			err = list.CheckValidity(now, c.cfg.Skew)
		}
		if err == nil {
			res.Value, err = list.Status(e, c.cfg.MinEntries)
		}
		if err != nil {
			res.Err = fmt.Errorf("credentialStatus[%d] (%s): %w", i, clip(e.ListCredential), err)
			continue
		}
		res.Valid = res.Value == 0
		res.Message = e.message(res.Value)
		if res.Value != 0 {
			switch e.Purpose {
			case PurposeRevocation:
				res.Err = fmt.Errorf("%w: credentialStatus[%d] index %d of %s", ErrRevoked, i, e.Index, clip(e.ListCredential))
			case PurposeSuspension:
				res.Err = fmt.Errorf("%w: credentialStatus[%d] index %d of %s", ErrSuspended, i, e.Index, clip(e.ListCredential))
			}
		}
	}
	return rep, rep.Err()
}

// CheckCredential reads the credentialStatus entries of a credential (JSON, read
// without verifying it: verify the credential itself first) and checks them as
// [Checker.Check] does. A credential without credentialStatus gives an empty Report.
func (c *Checker) CheckCredential(ctx context.Context, credential []byte) (*Report, error) {
	entries, err := EntriesFromCredential(credential)
	if err != nil {
		return &Report{}, err
	}
	return c.Check(ctx, entries)
}

// Purge empties the cache.
func (c *Checker) Purge() {
	c.mu.Lock()
	clear(c.cache)
	c.mu.Unlock()
}

// list returns the verified list credential at url, from the cache or by one shared
// fetch.
func (c *Checker) list(ctx context.Context, url string, now time.Time) (*ListCredential, error) {
	c.mu.Lock()
	if e, ok := c.cache[url]; ok {
		if now.Before(e.expires) {
			c.mu.Unlock()
			return e.list, nil
		}
		delete(c.cache, url)
	}
	cl, ok := c.inflight[url]
	if !ok {
		cl = &call{done: make(chan struct{})}
		c.inflight[url] = cl
		// The fetch runs on its own, so that one caller giving up does not fail the
		// others waiting for the same list.
		go c.load(context.WithoutCancel(ctx), url, cl)
	}
	c.mu.Unlock()
	select {
	case <-cl.done:
		return cl.list, cl.err
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrRetrieval, ctx.Err())
	}
}

func (c *Checker) load(ctx context.Context, url string, cl *call) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.FetchTimeout)
	defer cancel()
	cl.list, cl.err = c.fetchVerify(ctx, url)
	c.mu.Lock()
	delete(c.inflight, url)
	if cl.err == nil && c.cfg.TTL > 0 {
		now := c.cfg.Now()
		exp := now.Add(c.cfg.TTL)
		if l := cl.list; l.TTL > 0 && now.Add(l.TTL).Before(exp) {
			exp = now.Add(l.TTL)
		}
		if l := cl.list; !l.ValidUntil.IsZero() && l.ValidUntil.Before(exp) {
			exp = l.ValidUntil
		}
		if now.Before(exp) {
			c.evict(now)
			c.cache[url] = &cached{list: cl.list, expires: exp}
		}
	}
	c.mu.Unlock()
	close(cl.done)
}

// evict makes room for one entry: expired entries go first, then the one closest to
// expiry. Called with c.mu held.
func (c *Checker) evict(now time.Time) {
	if len(c.cache) < c.cfg.CacheSize {
		return
	}
	var victim string
	var soonest time.Time
	for u, e := range c.cache {
		if !now.Before(e.expires) {
			delete(c.cache, u)
			continue
		}
		if victim == "" || e.expires.Before(soonest) {
			victim, soonest = u, e.expires
		}
	}
	if len(c.cache) >= c.cfg.CacheSize && victim != "" {
		delete(c.cache, victim)
	}
}

func (c *Checker) fetchVerify(ctx context.Context, url string) (*ListCredential, error) {
	raw, err := c.fetcher.Fetch(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRetrieval, err)
	}
	credJSON, err := c.verifier.VerifyList(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrVerification, err)
	}
	return ParseListCredential(credJSON, c.cfg.Limits)
}
