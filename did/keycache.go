package did

import (
	"hash/maphash"
	"sync"
)

// A process-wide cache of parsed public keys. Verifiers see the same few issuer keys
// over and over, and parsing one costs a base58 or JSON decode plus a point
// decompression and curve check (a few µs for Ed25519 and P-256, far more for P-384
// and secp256k1). PublicKey values are immutable and never hand out their internals,
// so one value is safely shared by every caller and goroutine.
//
// Only successful parses are cached, so every key in the cache is the encoding of a
// valid public key: a few dozen to a few hundred bytes, never secret. Entries are keyed
// by the exact input (parsing is a pure function of it) and, for JWKs, also by the
// public members alone. The cache holds at most keyCacheShards·keyCacheWays entries
// and evicts with the CLOCK (second chance) policy, so keys in use survive a flood of
// one-off keys.

const (
	keyCacheShards = 16
	keyCacheWays   = 64 // entries per shard: 1024 in all
	// maxCachedJWKJSON caps the JSON text kept as a cache key by ParsePublicJWK;
	// longer (padded, annotated) JWKs are still cached by their public members.
	maxCachedJWKJSON = 512
)

// keyEncoding names what a keyCacheKey's strings hold.
type keyEncoding uint8

const (
	encRaw      keyEncoding = iota + 1 // NewPublicKey: typ, a = raw bytes
	encMultikey                        // ParseMultikey: a = the Multikey string
	encJWKJSON                         // ParsePublicJWK: a = the JSON text
	encJWK                             // JWK.PublicKey: typ (from kty, crv), a = x, b = y
	encBase58                          // publicKeyBase58: typ (from the method type), a = the base58 text
	encX25519Of                        // PublicKey.X25519: a = the raw Ed25519 key
)

type keyCacheKey struct {
	enc  keyEncoding
	typ  KeyType
	a, b string
}

type keyCacheEntry struct {
	key keyCacheKey
	pub *PublicKey
	ref bool // used since the clock hand last passed
}

type keyCacheShard struct {
	mu      sync.Mutex
	index   map[keyCacheKey]int // position in entries
	entries []keyCacheEntry
	hand    int
}

var keyCache = struct {
	seed   maphash.Seed
	shards [keyCacheShards]keyCacheShard
}{seed: maphash.MakeSeed()}

// cachedKey returns the key cached under (enc, typ, a, b), or nil.
func cachedKey(enc keyEncoding, typ KeyType, a, b string) *PublicKey {
	s := &keyCache.shards[shardIndex(maphash.String(keyCache.seed, a), enc)]
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.index[keyCacheKey{enc, typ, a, b}]
	if !ok {
		return nil
	}
	s.entries[i].ref = true
	return s.entries[i].pub
}

// cachedKeyBytes is cachedKey(enc, typ, string(a), "") without copying a.
func cachedKeyBytes(enc keyEncoding, typ KeyType, a []byte) *PublicKey {
	s := &keyCache.shards[shardIndex(maphash.Bytes(keyCache.seed, a), enc)]
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.index[keyCacheKey{enc, typ, string(a), ""}]
	if !ok {
		return nil
	}
	s.entries[i].ref = true
	return s.entries[i].pub
}

func shardIndex(h uint64, enc keyEncoding) uint64 { return (h ^ uint64(enc)) % keyCacheShards }

// cacheKey stores pub under k, evicting an entry not used lately when the shard is
// full. The strings of k must not alias memory the caller may change.
func cacheKey(k keyCacheKey, pub *PublicKey) {
	s := &keyCache.shards[shardIndex(maphash.String(keyCache.seed, k.a), k.enc)]
	s.mu.Lock()
	defer s.mu.Unlock()
	if i, ok := s.index[k]; ok {
		s.entries[i].pub = pub
		return
	}
	if s.index == nil {
		s.index = make(map[keyCacheKey]int, keyCacheWays)
		s.entries = make([]keyCacheEntry, 0, keyCacheWays)
	}
	if len(s.entries) < keyCacheWays {
		s.index[k] = len(s.entries)
		s.entries = append(s.entries, keyCacheEntry{key: k, pub: pub})
		return
	}
	for s.entries[s.hand].ref {
		s.entries[s.hand].ref = false
		s.hand = (s.hand + 1) % keyCacheWays
	}
	delete(s.index, s.entries[s.hand].key)
	s.entries[s.hand] = keyCacheEntry{key: k, pub: pub}
	s.index[k] = s.hand
	s.hand = (s.hand + 1) % keyCacheWays
}
