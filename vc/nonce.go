package vc

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/polity-id/polity/internal/vcerr"
)

// Presentation error kinds, reported by [Verifier.VerifyPresentation] with their codes.
var (
	// ErrChallengeMismatch (CHALLENGE_MISMATCH): the presentation's challenge (DI
	// challenge, vp+jwt or KB-JWT nonce) is missing or is not the one expected. For a
	// Data Integrity proof it also matches dataintegrity.ErrChallenge.
	ErrChallengeMismatch error = vcerr.ErrChallengeMismatch
	// ErrDomainMismatch (DOMAIN_MISMATCH): the presentation's domain (DI domain,
	// vp+jwt or KB-JWT aud) does not include the expected one.
	ErrDomainMismatch error = vcerr.ErrDomainMismatch
	// ErrHolderMismatch (HOLDER_MISMATCH): a credential is presented by someone
	// other than its subject, and the holder policy does not accept it.
	ErrHolderMismatch error = vcerr.ErrHolderMismatch
	// ErrReplay (REPLAY): the presentation was already accepted within the replay
	// window.
	ErrReplay error = vcerr.ErrReplay
)

// ErrNonceStoreFull is returned by a [MemoryNonceStore] that holds its maximum number
// of unexpired entries: the presentation is refused rather than risk a replay.
var ErrNonceStoreFull = errors.New("vc: nonce store full")

// Replay defaults.
const (
	// DefaultReplayWindow is how long a [Verifier] remembers an accepted presentation
	// when VerifierConfig.ReplayWindow is zero (longer when the presentation itself
	// stays valid longer, up to MaxReplayHold).
	DefaultReplayWindow = 5 * time.Minute
	// MaxReplayHold caps how long an accepted presentation is remembered.
	MaxReplayHold = 24 * time.Hour
	// DefaultMaxNonces is the capacity of a [MemoryNonceStore] created with max 0.
	DefaultMaxNonces = 1 << 16
)

// NonceStore remembers the presentations a [Verifier] accepted, so that the same
// presentation is not accepted twice. Implementations must be safe for concurrent
// use; share one between verifiers (or processes, with a database behind it) that
// must not accept each other's presentations twice.
//
// Use records id until the given time. It returns an error wrapping [ErrReplay]
// when id is already recorded with a time after now, and another error when it
// cannot decide (the presentation is then refused). An id is a fixed-length
// digest of a presentation's signed challenge, domain, signer and signing time (for
// JOSE formats, of the signed bytes); it carries no secret.
type NonceStore interface {
	Use(ctx context.Context, id string, until time.Time) error
}

// NonceStoreFunc adapts a function to the [NonceStore] interface.
type NonceStoreFunc func(ctx context.Context, id string, until time.Time) error

// Use calls f.
func (f NonceStoreFunc) Use(ctx context.Context, id string, until time.Time) error {
	return f(ctx, id, until)
}

// MemoryNonceStore is an in-memory [NonceStore]: bounded, expiring and safe for
// concurrent use. It is the default of a [Verifier]. Its memory is about 100 bytes
// per entry.
type MemoryNonceStore struct {
	mu    sync.Mutex
	max   int
	now   func() time.Time
	until map[string]time.Time
	queue expiryHeap
}

// NewMemoryNonceStore returns a store that holds at most max unexpired entries (0
// means [DefaultMaxNonces]); now is its clock (nil means time.Now). When it is full
// of unexpired entries, Use fails with [ErrNonceStoreFull].
func NewMemoryNonceStore(max int, now func() time.Time) *MemoryNonceStore {
	if max <= 0 {
		max = DefaultMaxNonces
	}
	if now == nil {
		now = time.Now
	}
	return &MemoryNonceStore{max: max, now: now, until: make(map[string]time.Time)}
}

// Use implements [NonceStore].
func (s *MemoryNonceStore) Use(ctx context.Context, id string, until time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	if t, ok := s.until[id]; ok && t.After(now) {
		return fmt.Errorf("%w: seen before, remembered until %s", ErrReplay, t.UTC().Format(time.RFC3339))
	}
	if !until.After(now) {
		return nil // nothing to remember
	}
	if len(s.until) >= s.max {
		return fmt.Errorf("%w: %d presentations remembered", ErrNonceStoreFull, len(s.until))
	}
	s.until[id] = until
	heap.Push(&s.queue, expiry{id, until})
	return nil
}

// Len returns the number of entries, expired ones not yet dropped included.
func (s *MemoryNonceStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.until)
}

// expire drops the entries whose time is not after now.
func (s *MemoryNonceStore) expire(now time.Time) {
	for len(s.queue) > 0 && !s.queue[0].until.After(now) {
		e := heap.Pop(&s.queue).(expiry)
		if t, ok := s.until[e.id]; ok && t.Equal(e.until) {
			delete(s.until, e.id)
		}
	}
}

type expiry struct {
	id    string
	until time.Time
}

// expiryHeap is a min-heap of entries by expiry time.
type expiryHeap []expiry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].until.Before(h[j].until) }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(expiry)) }
func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
