package wallet

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"sync"
)

// Store is the storage backend under a wallet: named buckets of key/value
// records, changed only inside transactions. The wallet seals every value
// before it reaches the store, so a Store never sees plaintext.
//
// Implementations must make each Update atomic and durable when it returns nil,
// and must allow concurrent View calls. [OpenBoltStore] is the embedded file
// backend and [NewMemStore] an in-memory one for tests.
type Store interface {
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Update runs fn in a read-write transaction, committed if fn returns nil
	// and rolled back otherwise.
	Update(ctx context.Context, fn func(Tx) error) error
	// Close releases the store. Later calls fail with ErrClosed.
	Close() error
}

// Tx is one transaction of a [Store]. Byte slices passed to or returned by a
// Tx are valid only until the transaction ends; callers copy what they keep.
type Tx interface {
	// Get returns the value under key in bucket, or nil when absent.
	Get(bucket, key string) ([]byte, error)
	// Put stores value under key in bucket, creating the bucket if needed.
	// It fails in a read-only transaction.
	Put(bucket, key string, value []byte) error
	// Delete removes key from bucket; deleting an absent key is not an error.
	Delete(bucket, key string) error
	// ForEach calls fn for every record of bucket in key order, stopping at
	// the first error, which it returns.
	ForEach(bucket string, fn func(key string, value []byte) error) error
}

// NewMemStore returns an empty in-memory [Store]. Updates are atomic: a failed
// Update leaves no trace. It is meant for tests and short-lived wallets.
func NewMemStore() Store {
	return &memStore{buckets: map[string]map[string][]byte{}}
}

type memStore struct {
	mu      sync.RWMutex
	buckets map[string]map[string][]byte
	closed  bool
}

func (s *memStore) View(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	return fn(&memTx{s: s})
}

func (s *memStore) Update(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	tx := &memTx{s: s, writable: true, pending: map[string]map[string][]byte{}}
	if err := fn(tx); err != nil {
		return err
	}
	for b, recs := range tx.pending {
		dst := s.buckets[b]
		if dst == nil {
			dst = map[string][]byte{}
			s.buckets[b] = dst
		}
		for k, v := range recs {
			if v == nil {
				delete(dst, k)
			} else {
				dst[k] = v
			}
		}
	}
	return nil
}

func (s *memStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.buckets = nil
	return nil
}

// memTx reads through pending writes (nil value = deleted) to the committed maps.
type memTx struct {
	s        *memStore
	writable bool
	pending  map[string]map[string][]byte
}

func (t *memTx) Get(bucket, key string) ([]byte, error) {
	if p, ok := t.pending[bucket]; ok {
		if v, ok := p[key]; ok {
			return v, nil
		}
	}
	return t.s.buckets[bucket][key], nil
}

func (t *memTx) Put(bucket, key string, value []byte) error {
	if !t.writable {
		return fmt.Errorf("wallet: put in a read-only transaction")
	}
	if value == nil {
		value = []byte{}
	}
	p := t.pending[bucket]
	if p == nil {
		p = map[string][]byte{}
		t.pending[bucket] = p
	}
	p[key] = bytes.Clone(value)
	return nil
}

func (t *memTx) Delete(bucket, key string) error {
	if !t.writable {
		return fmt.Errorf("wallet: delete in a read-only transaction")
	}
	p := t.pending[bucket]
	if p == nil {
		p = map[string][]byte{}
		t.pending[bucket] = p
	}
	p[key] = nil
	return nil
}

func (t *memTx) ForEach(bucket string, fn func(string, []byte) error) error {
	merged := map[string][]byte{}
	for k, v := range t.s.buckets[bucket] {
		merged[k] = v
	}
	for k, v := range t.pending[bucket] {
		if v == nil {
			delete(merged, k)
		} else {
			merged[k] = v
		}
	}
	keys := make([]string, 0, len(merged))
	for k := range merged {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := fn(k, merged[k]); err != nil {
			return err
		}
	}
	return nil
}
