package wallet

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// DefaultLockTimeout is how long OpenBoltStore waits for another process to
// release the file lock when BoltOptions.LockTimeout is zero.
const DefaultLockTimeout = time.Second

// BoltOptions tunes [OpenBoltStore]. The zero value is ready to use.
type BoltOptions struct {
	// LockTimeout bounds the wait for the file lock; zero means DefaultLockTimeout.
	LockTimeout time.Duration
	// ReadOnly opens the file with a shared lock; Update then fails.
	ReadOnly bool
}

// OpenBoltStore opens (or, unless ReadOnly, creates) the bbolt file at path as
// a [Store]. Each Update is one bbolt read-write transaction, synced to disk
// before it returns; Views run concurrently. A file that is not a bbolt
// database reports ErrCorrupt; a file locked by another process reports ErrBusy.
func OpenBoltStore(path string, opts *BoltOptions) (Store, error) {
	var o BoltOptions
	if opts != nil {
		o = *opts
	}
	if o.LockTimeout == 0 {
		o.LockTimeout = DefaultLockTimeout
	}
	db, err := openBolt(path, o)
	if err != nil {
		return nil, err
	}
	return &boltStore{db: db}, nil
}

func openBolt(path string, o BoltOptions) (db *bolt.DB, err error) {
	defer func() {
		// bbolt may panic on a damaged meta page; report it as corruption.
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("%w: %s: unreadable database", ErrCorrupt, path)
		}
	}()
	db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: o.LockTimeout, ReadOnly: o.ReadOnly})
	switch {
	case err == nil:
		return db, nil
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("%w: %s", ErrBusy, path)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("%w: %s", ErrNotFound, path)
	default:
		// bbolt reports short or garbled files with plain errors.
		if fi, serr := os.Stat(path); serr == nil && fi.Mode().IsRegular() && !errors.Is(err, os.ErrPermission) {
			return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
		}
		return nil, fmt.Errorf("wallet: open %s: %w", path, err)
	}
}

type boltStore struct{ db *bolt.DB }

func (s *boltStore) View(ctx context.Context, fn func(Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer recoverCorrupt(&err)
	err = s.db.View(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
	return mapBoltErr(err)
}

func (s *boltStore) Update(ctx context.Context, fn func(Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer recoverCorrupt(&err)
	err = s.db.Update(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
	return mapBoltErr(err)
}

func (s *boltStore) Close() error { return s.db.Close() }

// recoverCorrupt turns a bbolt panic on damaged pages into ErrCorrupt; bbolt
// rolls the transaction back before the panic reaches here.
func recoverCorrupt(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: damaged database page", ErrCorrupt)
	}
}

func mapBoltErr(err error) error {
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return fmt.Errorf("%w: %v", ErrClosed, err)
	}
	return err
}

type boltTx struct{ tx *bolt.Tx }

func (t boltTx) Get(bucket, key string) ([]byte, error) {
	b := t.tx.Bucket([]byte(bucket))
	if b == nil {
		return nil, nil
	}
	return b.Get([]byte(key)), nil
}

func (t boltTx) Put(bucket, key string, value []byte) error {
	b, err := t.tx.CreateBucketIfNotExists([]byte(bucket))
	if err != nil {
		return err
	}
	return b.Put([]byte(key), value)
}

func (t boltTx) Delete(bucket, key string) error {
	b := t.tx.Bucket([]byte(bucket))
	if b == nil {
		return nil
	}
	return b.Delete([]byte(key))
}

func (t boltTx) ForEach(bucket string, fn func(string, []byte) error) error {
	b := t.tx.Bucket([]byte(bucket))
	if b == nil {
		return nil
	}
	return b.ForEach(func(k, v []byte) error {
		if v == nil { // nested bucket
			return nil
		}
		return fn(string(k), v)
	})
}
