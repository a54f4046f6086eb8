package vcapi

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"
)

// challenges is a bounded store of single-use challenges with an expiry.
type challenges struct {
	mu   sync.Mutex
	max  int
	ttl  time.Duration
	now  func() time.Time
	live map[string]time.Time // challenge -> expiry
}

func newChallenges(max int, ttl time.Duration, now func() time.Time) *challenges {
	return &challenges{max: max, ttl: ttl, now: now, live: make(map[string]time.Time)}
}

// issue returns a new random challenge, or "" when the store is full of live ones.
func (c *challenges) issue() string {
	var b [18]byte
	rand.Read(b[:])
	s := base64.RawURLEncoding.EncodeToString(b[:])
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.live) >= c.max {
		for k, exp := range c.live {
			if !now.Before(exp) {
				delete(c.live, k)
			}
		}
		if len(c.live) >= c.max {
			return ""
		}
	}
	c.live[s] = now.Add(c.ttl)
	return s
}

// consume reports whether s is a live challenge and removes it.
func (c *challenges) consume(s string) bool {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	exp, ok := c.live[s]
	if !ok {
		return false
	}
	delete(c.live, s)
	return now.Before(exp)
}
