package wallet

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"
)

// Limits used when the matching Options field is zero.
const (
	DefaultMaxCredentialBytes = 1 << 20   // one credential, key or blob: 1 MiB
	DefaultMaxBackupBytes     = 256 << 20 // one backup file: 256 MiB
)

// Bucket names. Every value except the header is sealed with the record key.
const (
	bucketMeta     = "meta"
	bucketCred     = "cred"     // raw credential bytes
	bucketCredInfo = "credinfo" // CredentialInfo JSON
	bucketKey      = "key"
	bucketDID      = "did"
	bucketPres     = "pres"
	bucketStatus   = "status"
	bucketContact  = "contact"
	keyHeader      = "header"
)

// Options tunes a wallet. The zero value (or nil) gives the documented defaults.
type Options struct {
	// KDF is the Argon2id cost for Create; zero fields mean DefaultKDFTime,
	// DefaultKDFMemoryKiB, DefaultKDFThreads. ChangePassphrase and Export use
	// it when it is non-zero, and otherwise keep the cost in the wallet header.
	KDF KDFParams
	// MaxKDFMemoryKiB caps the Argon2id memory a file or backup may ask for;
	// zero means DefaultMaxKDFMemoryKiB.
	MaxKDFMemoryKiB uint32
	// MaxCredentialBytes caps one stored item; zero means DefaultMaxCredentialBytes.
	MaxCredentialBytes int
	// MaxBackupBytes caps a backup read by Import; zero means DefaultMaxBackupBytes.
	MaxBackupBytes int64
	// LockTimeout bounds the wait for the file lock; zero means DefaultLockTimeout.
	LockTimeout time.Duration
	// Now is the clock for record timestamps; nil means time.Now.
	Now func() time.Time
	// Presenter signs presentations for Present when it is given none; nil
	// means VCPresenter.
	Presenter Presenter

	kdfSet bool // KDF was given by the caller
}

// kdfFor returns the cost for a new wrapping: Options.KDF if set, else h's.
func (w *Wallet) kdfFor(h *header) KDFParams {
	if w.opts.kdfSet || h == nil {
		return w.opts.KDF
	}
	return h.kdf
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	r.kdfSet = r.KDF != (KDFParams{})
	r.KDF = r.KDF.withDefaults()
	if r.MaxKDFMemoryKiB == 0 {
		r.MaxKDFMemoryKiB = DefaultMaxKDFMemoryKiB
	}
	if r.MaxCredentialBytes <= 0 {
		r.MaxCredentialBytes = DefaultMaxCredentialBytes
	}
	if r.MaxBackupBytes <= 0 {
		r.MaxBackupBytes = DefaultMaxBackupBytes
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	return r
}

// Wallet is an encrypted store of keys, DIDs, credentials, presentations,
// status lists and trusted issuers. It is safe for concurrent use.
//
// A Wallet starts locked after [Open]; [Wallet.Unlock] loads the data key and
// [Wallet.Lock] clears it. Calls that read or write records while locked fail
// with ErrLocked.
type Wallet struct {
	store Store
	opts  Options

	mu     sync.RWMutex // guards the keys below; held (read) for the length of each operation
	closed bool
	recKey []byte // XChaCha20-Poly1305 key for records; nil when locked
	idKey  []byte // HMAC key for record ids; nil when locked

	cacheMu sync.Mutex
	cache   map[string]*CredentialInfo // credential metadata; nil until loaded
	order   []*CredentialInfo          // cache values oldest first; nil when stale
}

// Create makes a new wallet file at path, protected by passphrase (secret), and
// returns it unlocked. It fails with ErrExists if the path exists.
func Create(ctx context.Context, path string, passphrase []byte, opts *Options) (*Wallet, error) {
	// Create the file exclusively, so that of two Creates racing for one path
	// only the one that made the file may remove it on failure.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("%w: %s", ErrExists, path)
	} else if err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("wallet: %w", err)
	}
	o := opts.withDefaults()
	s, err := OpenBoltStore(path, &BoltOptions{LockTimeout: o.LockTimeout})
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	w, err := CreateStore(ctx, s, passphrase, opts)
	if err != nil {
		s.Close()
		os.Remove(path)
		return nil, err
	}
	return w, nil
}

// Open opens the existing wallet file at path, locked. A missing file reports
// ErrNotFound, a damaged one ErrCorrupt, one held by another process ErrBusy.
// The header is read and checked now, so a bad file fails here.
func Open(ctx context.Context, path string, opts *Options) (*Wallet, error) {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s", ErrNotFound, path)
		}
		return nil, fmt.Errorf("wallet: %w", err)
	}
	o := opts.withDefaults()
	s, err := OpenBoltStore(path, &BoltOptions{LockTimeout: o.LockTimeout})
	if err != nil {
		return nil, err
	}
	w, err := OpenStore(ctx, s, opts)
	if err != nil {
		s.Close()
		return nil, err
	}
	return w, nil
}

// CreateStore initializes a new wallet in s with a random 256-bit data key
// wrapped under passphrase, and returns it unlocked. It fails with ErrExists
// if s already holds a wallet.
func CreateStore(ctx context.Context, s Store, passphrase []byte, opts *Options) (*Wallet, error) {
	w := &Wallet{store: s, opts: opts.withDefaults()}
	dk := randomBytes(keySize)
	defer clear(dk)
	h := newHeader(passphrase, dk, w.opts.KDF)
	err := s.Update(ctx, func(tx Tx) error {
		if old, err := tx.Get(bucketMeta, keyHeader); err != nil {
			return err
		} else if old != nil {
			return ErrExists
		}
		return tx.Put(bucketMeta, keyHeader, h.marshal())
	})
	if err != nil {
		return nil, err
	}
	w.setKeys(dk)
	return w, nil
}

// OpenStore opens the wallet held in s, locked, after checking its header.
func OpenStore(ctx context.Context, s Store, opts *Options) (*Wallet, error) {
	w := &Wallet{store: s, opts: opts.withDefaults()}
	if _, err := w.readHeader(ctx); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *Wallet) readHeader(ctx context.Context) (*header, error) {
	var h *header
	err := w.store.View(ctx, func(tx Tx) error {
		b, err := tx.Get(bucketMeta, keyHeader)
		if err != nil {
			return err
		}
		if b == nil {
			return fmt.Errorf("%w: no wallet header", ErrCorrupt)
		}
		h, err = parseHeader(b)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := h.kdf.check(w.opts.MaxKDFMemoryKiB); err != nil {
		return nil, err
	}
	return h, nil
}

// KDF returns the Argon2id cost recorded in the wallet header.
func (w *Wallet) KDF(ctx context.Context) (KDFParams, error) {
	h, err := w.readHeader(ctx)
	if err != nil {
		return KDFParams{}, err
	}
	return h.kdf, nil
}

// setKeys derives the record and id keys from the data key. Caller holds w.mu or owns w.
func (w *Wallet) setKeys(dk []byte) {
	rk, err1 := hkdf.Key(sha256.New, dk, nil, "polity wallet v1 record key", keySize)
	ik, err2 := hkdf.Key(sha256.New, dk, nil, "polity wallet v1 id key", keySize)
	if err1 != nil || err2 != nil {
		panic("wallet: hkdf failed") // fixed sizes; cannot happen
	}
	w.recKey, w.idKey = rk, ik
}

// Unlock checks passphrase (secret) against the header and loads the keys. A
// wrong passphrase reports ErrWrongPassphrase and leaves the wallet locked.
// Unlocking an unlocked wallet re-checks the passphrase.
func (w *Wallet) Unlock(ctx context.Context, passphrase []byte) error {
	h, err := w.readHeader(ctx)
	if err != nil {
		return err
	}
	dk, err := h.unwrap(passphrase)
	if err != nil {
		return err
	}
	defer clear(dk)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	w.clearKeys()
	w.setKeys(dk)
	return nil
}

// Lock clears the keys and cached metadata from memory. It waits for running
// operations to finish.
func (w *Wallet) Lock() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.clearKeys()
}

func (w *Wallet) clearKeys() {
	clear(w.recKey)
	clear(w.idKey)
	w.recKey, w.idKey = nil, nil
	w.cacheReset()
}

// Locked reports whether the wallet holds no keys.
func (w *Wallet) Locked() bool {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.recKey == nil
}

// Close locks the wallet and closes its store.
func (w *Wallet) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.clearKeys()
	w.closed = true
	return w.store.Close()
}

// ChangePassphrase re-wraps the data key under newPass with a fresh salt and
// the cost in Options.KDF, in one transaction; records are not re-encrypted.
// oldPass must open the wallet (else ErrWrongPassphrase). Both are secret.
// The lock state does not change.
func (w *Wallet) ChangePassphrase(ctx context.Context, oldPass, newPass []byte) error {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return ErrClosed
	}
	h, err := w.readHeader(ctx)
	if err != nil {
		return err
	}
	dk, err := h.unwrap(oldPass)
	if err != nil {
		return err
	}
	defer clear(dk)
	nh := newHeader(newPass, dk, w.kdfFor(h))
	old := h.marshal()
	return w.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.Get(bucketMeta, keyHeader)
		if err != nil {
			return err
		}
		if !hmac.Equal(cur, old) {
			return fmt.Errorf("%w: header changed during passphrase change", ErrCorrupt)
		}
		return tx.Put(bucketMeta, keyHeader, nh.marshal())
	})
}

// begin takes the read lock and checks the wallet is open and unlocked. The
// caller must call w.mu.RUnlock.
func (w *Wallet) begin() error {
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return ErrClosed
	}
	if w.recKey == nil {
		w.mu.RUnlock()
		return ErrLocked
	}
	return nil
}

// recordID is the keyed id of a record: HMAC(idKey, kind || 0 || natural key),
// 16 bytes in hex. Equal content gives equal ids within one wallet only.
func (w *Wallet) recordID(kind string, natural []byte) string {
	m := hmac.New(sha256.New, w.idKey)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write(natural)
	return hex.EncodeToString(m.Sum(nil)[:16])
}

func recordAD(bucket, key string) []byte {
	ad := make([]byte, 0, 32+len(bucket)+len(key))
	ad = append(ad, "polity-wallet/1\x00"...)
	ad = append(ad, bucket...)
	ad = append(ad, 0)
	return append(ad, key...)
}

// put seals plaintext bound to bucket and key.
func (w *Wallet) put(tx Tx, bucket, key string, plaintext []byte) error {
	return tx.Put(bucket, key, seal(w.recKey, plaintext, recordAD(bucket, key)))
}

// get opens the record at bucket/key; nil, nil when absent; ErrCorrupt when it
// does not authenticate (tampered, or moved from another id or bucket).
func (w *Wallet) get(tx Tx, bucket, key string) ([]byte, error) {
	v, err := tx.Get(bucket, key)
	if err != nil || v == nil {
		return nil, err
	}
	return w.openRecord(bucket, key, v)
}

func (w *Wallet) openRecord(bucket, key string, v []byte) ([]byte, error) {
	pt, ok := open(w.recKey, v, recordAD(bucket, key))
	if !ok {
		return nil, fmt.Errorf("%w: record %s/%s does not authenticate", ErrCorrupt, bucket, key)
	}
	return pt, nil
}

// each opens every record of bucket in id order.
func (w *Wallet) each(tx Tx, bucket string, fn func(key string, pt []byte) error) error {
	return tx.ForEach(bucket, func(k string, v []byte) error {
		pt, err := w.openRecord(bucket, k, v)
		if err != nil {
			return err
		}
		return fn(k, pt)
	})
}

func (w *Wallet) checkSize(what string, n int) error {
	if n > w.opts.MaxCredentialBytes {
		return &LimitError{What: what, Limit: int64(w.opts.MaxCredentialBytes), Got: int64(n)}
	}
	return nil
}
