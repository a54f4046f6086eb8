package vcapi

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"sync"
	"time"
)

// Layout of a challenge issued by POST /challenges, before base64url: 16 random
// bytes, the expiry in Unix seconds (8 bytes, big-endian) and the first 16 bytes
// of an HMAC-SHA256 of both under a key the server draws at start. The tag lets
// the server tell its own challenges (redeemed once, until their expiry) from
// those a caller chose (checked against the presentation only) without keeping
// every challenge it ever issued.
const (
	challengeRandom = 16
	challengeTag    = 16
	challengeBytes  = challengeRandom + 8 + challengeTag
)

// challengeState is the verdict on an options.challenge.
type challengeState int

const (
	challengeCaller  challengeState = iota // not issued here: the caller's own
	challengeLive                          // issued here, not used yet (or redeemed now)
	challengeSpent                         // issued here, already used
	challengeExpired                       // issued here, past its expiry or forgotten
	challengeForeign                       // shaped like ours but not tagged by this server's key
)

// challenges issues self-authenticating single-use challenges and remembers the
// live and used ones until they expire, at most max of them.
type challenges struct {
	mu   sync.Mutex
	key  [32]byte
	max  int
	ttl  time.Duration
	now  func() time.Time
	seen map[string]issued // issued challenges until they expire
}

// issued is the state of a challenge issued here.
type issued struct {
	expires time.Time
	used    bool
}

func newChallenges(max int, ttl time.Duration, now func() time.Time) *challenges {
	c := &challenges{max: max, ttl: ttl, now: now, seen: make(map[string]issued)}
	rand.Read(c.key[:])
	return c
}

func (c *challenges) tag(body []byte) []byte {
	m := hmac.New(sha256.New, c.key[:])
	m.Write(body)
	return m.Sum(nil)[:challengeTag]
}

// issue returns a new challenge, or "" when the store is full of unexpired ones.
func (c *challenges) issue() string {
	now := c.now()
	exp := time.Unix(now.Add(c.ttl).Unix(), 0)
	var b [challengeBytes]byte
	rand.Read(b[:challengeRandom])
	binary.BigEndian.PutUint64(b[challengeRandom:], uint64(exp.Unix()))
	copy(b[challengeRandom+8:], c.tag(b[:challengeRandom+8]))
	s := base64.RawURLEncoding.EncodeToString(b[:])
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.seen) >= c.max {
		c.purge(now)
		if len(c.seen) >= c.max {
			return ""
		}
	}
	c.seen[s] = issued{expires: exp}
	return s
}

// purge forgets expired challenges; c.mu is held.
func (c *challenges) purge(now time.Time) {
	for s, st := range c.seen {
		if !now.Before(st.expires) {
			delete(c.seen, s)
		}
	}
}

// expiry returns the expiry of a challenge issued here. shaped reports whether s
// has the layout of a challenge issued here, and ours whether its tag verifies
// under this server's key; the tag is compared in constant time. A challenge
// with our shape but not our tag was issued before a restart, or forged: it is
// not taken for the caller's, since a server that issued it would have redeemed it.
func (c *challenges) expiry(s string) (exp time.Time, shaped, ours bool) {
	if base64.RawURLEncoding.DecodedLen(len(s)) != challengeBytes {
		return time.Time{}, false, false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != challengeBytes {
		return time.Time{}, false, false
	}
	if !hmac.Equal(b[challengeRandom+8:], c.tag(b[:challengeRandom+8])) {
		return time.Time{}, true, false
	}
	return time.Unix(int64(binary.BigEndian.Uint64(b[challengeRandom:])), 0), true, true
}

// state classifies s without using it up.
func (c *challenges) state(s string) challengeState {
	return c.use(s, false)
}

// redeem classifies s and, when it is a live challenge issued here, marks it used.
// Of concurrent redemptions of one challenge, exactly one gets challengeLive.
func (c *challenges) redeem(s string) challengeState {
	return c.use(s, true)
}

func (c *challenges) use(s string, redeem bool) challengeState {
	exp, shaped, ours := c.expiry(s)
	switch {
	case !shaped:
		return challengeCaller
	case !ours:
		return challengeForeign
	}
	now := c.now()
	if !now.Before(exp) {
		return challengeExpired
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.seen[s]
	switch {
	case !ok:
		return challengeExpired
	case st.used:
		return challengeSpent
	}
	if redeem {
		st.used = true
		c.seen[s] = st
	}
	return challengeLive
}
