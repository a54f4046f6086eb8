package door

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"sync"
	"time"
)

// Defaults of the challenge store.
const (
	DefaultChallengeTTL  = 2 * time.Minute
	DefaultMaxChallenges = 4096
	// MaxChallengeLength caps a challenge read from a presentation.
	MaxChallengeLength = 256
)

// Challenges issues and redeems challenges (nonces), so that a presentation
// cannot be replayed. Each challenge is good for one check within its TTL.
//
// With RequireIssued, only challenges this store issued are accepted (the
// serve mode, where a scanner first fetches GET /challenge). Without it, any
// challenge the holder chose is accepted once, and remembered as used for the
// TTL: presentations made offline can be checked, and a copy of one is refused
// while the store remembers it. A [Door] without RequireIssued therefore also
// refuses presentations created longer than the TTL ago, and remembers their
// challenges for the TTL plus twice its clock skew. It is safe for concurrent use.
type Challenges struct {
	requireIssued bool
	ttl           time.Duration
	hold          time.Duration // how long a used challenge is remembered
	max           int

	mu     sync.Mutex
	issued map[string]time.Time // outstanding challenge -> expiry
	used   map[string]time.Time // redeemed challenge -> time it may be forgotten
	order  []stamp              // insertion order of issued and used entries, for pruning
}

type stamp struct {
	nonce  string
	expiry time.Time
	used   bool
}

// NewChallenges returns a store. ttl <= 0 means DefaultChallengeTTL and max <= 0
// means DefaultMaxChallenges (outstanding plus remembered challenges).
func NewChallenges(requireIssued bool, ttl time.Duration, max int) *Challenges {
	if ttl <= 0 {
		ttl = DefaultChallengeTTL
	}
	if max <= 0 {
		max = DefaultMaxChallenges
	}
	return &Challenges{requireIssued: requireIssued, ttl: ttl, hold: ttl, max: max,
		issued: map[string]time.Time{}, used: map[string]time.Time{}}
}

// Issue returns a fresh random challenge (128 bits, base64url) and its expiry.
// When the store is full, the oldest outstanding challenges are dropped.
func (c *Challenges) Issue(now time.Time) (string, time.Time) {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	nonce := base64.RawURLEncoding.EncodeToString(b[:])
	exp := now.Add(c.ttl)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.prune(now, true)
	c.issued[nonce] = exp
	c.order = append(c.order, stamp{nonce, exp, false})
	return nonce, exp
}

// Check reports, without redeeming it, whether nonce may be used now. Errors
// wrap ErrReplay.
func (c *Challenges) Check(nonce string, now time.Time) error {
	if nonce == "" || len(nonce) > MaxChallengeLength {
		return fmt.Errorf("%w: no challenge, or one over %d bytes", ErrReplay, MaxChallengeLength)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.check(nonce, now)
}

func (c *Challenges) check(nonce string, now time.Time) error {
	if exp, ok := c.used[nonce]; ok && now.Before(exp) {
		return fmt.Errorf("%w: challenge already used", ErrReplay)
	}
	if !c.requireIssued {
		return nil
	}
	exp, ok := c.issued[nonce]
	switch {
	case !ok:
		return fmt.Errorf("%w: challenge not issued by this door", ErrReplay)
	case !now.Before(exp):
		return fmt.Errorf("%w: challenge expired", ErrReplay)
	}
	return nil
}

// outstanding reports whether nonce was issued by this store and is neither
// used nor expired.
func (c *Challenges) outstanding(nonce string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	exp, ok := c.issued[nonce]
	return ok && now.Before(exp)
}

// Redeem uses nonce up: it checks it as [Challenges.Check] does and then
// remembers it as used until its TTL passes. Of two concurrent redemptions of
// one challenge, exactly one succeeds.
func (c *Challenges) Redeem(nonce string, now time.Time) error {
	if nonce == "" || len(nonce) > MaxChallengeLength {
		return fmt.Errorf("%w: no challenge, or one over %d bytes", ErrReplay, MaxChallengeLength)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.check(nonce, now); err != nil {
		return err
	}
	c.prune(now, false)
	if len(c.used) >= c.max {
		// Forgetting an unexpired used challenge would allow a replay: refuse.
		return fmt.Errorf("%w: too many recent challenges", ErrReplay)
	}
	delete(c.issued, nonce)
	exp := now.Add(c.hold)
	c.used[nonce] = exp
	c.order = append(c.order, stamp{nonce, exp, true})
	return nil
}

// prune forgets expired entries, and with dropIssued also the oldest outstanding
// challenges while the store is full; used challenges are never dropped before
// they expire. The caller holds c.mu.
func (c *Challenges) prune(now time.Time, dropIssued bool) {
	kept := c.order[:0]
	for _, s := range c.order {
		m := c.issued
		if s.used {
			m = c.used
		}
		if e, ok := m[s.nonce]; !ok || !e.Equal(s.expiry) {
			continue // redeemed or replaced since: a stale stamp
		}
		full := len(c.issued)+len(c.used) >= c.max
		if !now.Before(s.expiry) || !s.used && dropIssued && full {
			delete(m, s.nonce)
			continue
		}
		kept = append(kept, s)
	}
	clear(c.order[len(kept):])
	c.order = kept
}
