package status

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/polity-id/polity/internal/jsonx"
)

// Issuer list sizes.
const (
	// MaxListEntries caps the entries of an issuer list (16,777,216).
	MaxListEntries = 1 << 24
	// maxStateBytes caps the state file read back.
	maxStateBytes = 32 << 20
	stateVersion  = 1
)

// ListOptions describes a new issuer list.
type ListOptions struct {
	// URL is where the list credential will be published; it becomes the list
	// credential's id and every entry's statusListCredential. Required.
	URL string
	// Purpose is the statusPurpose, such as PurposeRevocation. Required.
	Purpose string
	// Size is the number of entries, a multiple of 8 from MinEntries to
	// MaxListEntries. 0 means MinEntries.
	Size int
	// StatusSize is the number of bits per entry, 1..MaxStatusSize. 0 means 1.
	StatusSize int
	// Messages are the statusMessage values copied into every entry: required (one
	// per possible value, 2^StatusSize of them) when StatusSize > 1, optional otherwise.
	Messages []Message
	// Reference is the optional statusReference copied into every entry.
	Reference []string
}

// List is an issuer's status list, kept in a state file. Each change (an allocation or
// a status update) rewrites the file atomically and durably (temporary file, fsync,
// rename, fsync of the directory) under an exclusive lock on PATH.lock, before the call
// returns: a crash never loses an allocation that was returned nor hands out an index
// twice, even across processes sharing the file. A List is safe for concurrent use.
type List struct {
	path string
	mu   sync.Mutex
	st   *listState
}

type listState struct {
	url, purpose     string
	size, statusSize int
	messages         []Message
	reference        []string
	allocated        []byte // one bit per entry, size/8 bytes
	count            int    // allocated entries
	bits             []byte // statuses, size*statusSize/8 bytes
}

type stateJSON struct {
	Version         int           `json:"version"`
	URL             string        `json:"url"`
	Purpose         string        `json:"purpose"`
	Size            int           `json:"size"`
	StatusSize      int           `json:"statusSize"`
	StatusMessage   []messageJSON `json:"statusMessage,omitempty"`
	StatusReference []string      `json:"statusReference,omitempty"`
	AllocatedCount  int           `json:"allocatedCount"`
	Allocated       string        `json:"allocated"` // encodedList form of the allocation bitmap
	Status          string        `json:"status"`    // encodedList form of the statuses
}

// CreateList creates the state file of a new list at path, which must not exist
// ([ErrExists]). Options that break the rules give [ErrMalformed].
func CreateList(path string, opts ListOptions) (*List, error) {
	st, err := newState(opts)
	if err != nil {
		return nil, err
	}
	l := &List{path: path}
	err = l.locked(func() error {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%w: %s", ErrExists, path)
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return writeState(path, st)
	})
	if err != nil {
		return nil, err
	}
	l.st = st
	return l, nil
}

// OpenList opens the state file of an existing list. A file that is not a valid state
// gives [ErrState].
func OpenList(path string) (*List, error) {
	st, err := readState(path)
	if err != nil {
		return nil, err
	}
	return &List{path: path, st: st}, nil
}

func newState(o ListOptions) (*listState, error) {
	if !isURL(o.URL) || strings.Contains(o.URL, "#") {
		return nil, fmt.Errorf("%w: list URL %q is not a URL without a fragment", ErrMalformed, clip(o.URL))
	}
	if o.Purpose == "" {
		return nil, fmt.Errorf("%w: list purpose missing", ErrMalformed)
	}
	if o.Size == 0 {
		o.Size = MinEntries
	}
	if o.StatusSize == 0 {
		o.StatusSize = 1
	}
	st := &listState{url: o.URL, purpose: o.Purpose, size: o.Size, statusSize: o.StatusSize,
		messages: o.Messages, reference: o.Reference}
	if err := st.validate(); err != nil {
		return nil, err
	}
	st.allocated = make([]byte, st.size/8)
	st.bits = make([]byte, st.size*st.statusSize/8)
	return st, nil
}

func (st *listState) validate() error {
	if st.size < MinEntries || st.size > MaxListEntries || st.size%8 != 0 {
		return fmt.Errorf("%w: list size %d is not a multiple of 8 in %d..%d", ErrMalformed, st.size, MinEntries, MaxListEntries)
	}
	if st.statusSize < 1 || st.statusSize > MaxStatusSize {
		return fmt.Errorf("%w: statusSize %d not in 1..%d", ErrMalformed, st.statusSize, MaxStatusSize)
	}
	if len(st.messages) > 0 || st.statusSize > 1 {
		if len(st.messages) != 1<<st.statusSize {
			return fmt.Errorf("%w: %d status messages, want %d for statusSize %d", ErrMalformed, len(st.messages), 1<<st.statusSize, st.statusSize)
		}
		seen := make([]bool, len(st.messages))
		for _, m := range st.messages {
			if m.Status >= uint64(len(seen)) || seen[m.Status] {
				return fmt.Errorf("%w: status message values must be 0..%d, each once", ErrMalformed, len(seen)-1)
			}
			seen[m.Status] = true
		}
	}
	for _, r := range st.reference {
		if !isURL(r) {
			return fmt.Errorf("%w: statusReference %q is not a URL", ErrMalformed, clip(r))
		}
	}
	return nil
}

func readState(path string) (*listState, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrState, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxStateBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrState, err)
	}
	if len(data) > maxStateBytes {
		return nil, fmt.Errorf("%w: %s over %d bytes", ErrState, path, maxStateBytes)
	}
	var j stateJSON
	if err := jsonx.Unmarshal(data, &j, jsonx.Limits{MaxBytes: maxStateBytes}); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrState, path, err)
	}
	if j.Version != stateVersion {
		return nil, fmt.Errorf("%w: %s: version %d, want %d", ErrState, path, j.Version, stateVersion)
	}
	st := &listState{url: j.URL, purpose: j.Purpose, size: j.Size, statusSize: j.StatusSize,
		reference: j.StatusReference, count: j.AllocatedCount}
	for _, m := range j.StatusMessage {
		v, ok := parseHexStatus(m.Status)
		if !ok {
			return nil, fmt.Errorf("%w: %s: bad status message value", ErrState, path)
		}
		st.messages = append(st.messages, Message{v, m.Message})
	}
	if err := st.validate(); err != nil || !isURL(st.url) || st.purpose == "" {
		return nil, fmt.Errorf("%w: %s: %v", ErrState, path, err)
	}
	lim := Limits{MaxEncodedBytes: maxStateBytes, MaxDecodedBytes: MaxListEntries * MaxStatusSize / 8}
	if st.allocated, err = DecodeList(j.Allocated, lim); err != nil {
		return nil, fmt.Errorf("%w: %s: allocation bitmap: %w", ErrState, path, err)
	}
	if st.bits, err = DecodeList(j.Status, lim); err != nil {
		return nil, fmt.Errorf("%w: %s: statuses: %w", ErrState, path, err)
	}
	if len(st.allocated) != st.size/8 || len(st.bits) != st.size*st.statusSize/8 {
		return nil, fmt.Errorf("%w: %s: bitmap lengths do not match the size", ErrState, path)
	}
	n := 0
	for _, b := range st.allocated {
		n += bits.OnesCount8(b)
	}
	if n != st.count {
		return nil, fmt.Errorf("%w: %s: %d indexes allocated, state says %d", ErrState, path, n, st.count)
	}
	return st, nil
}

func (st *listState) marshal() []byte {
	j := stateJSON{Version: stateVersion, URL: st.url, Purpose: st.purpose, Size: st.size,
		StatusSize: st.statusSize, StatusReference: st.reference, AllocatedCount: st.count,
		Allocated: encodeList(st.allocated, &gzipFast), Status: encodeList(st.bits, &gzipFast)}
	for _, m := range st.messages {
		j.StatusMessage = append(j.StatusMessage, messageJSON{"0x" + strconv.FormatUint(m.Status, 16), m.Message})
	}
	data, _ := json.MarshalIndent(j, "", "  ") // only strings and numbers: cannot fail
	return append(data, '\n')
}

func (st *listState) clone() *listState {
	c := *st
	c.allocated = bytes.Clone(st.allocated)
	c.bits = bytes.Clone(st.bits)
	return &c
}

func writeState(path string, st *listState) error {
	return writeFileDurable(path, st.marshal())
}

// writeFileDurable replaces path with data so that after it returns the new content
// survives a crash, and a crash at any moment leaves either the old or the new file.
func writeFileDurable(path string, data []byte) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("status: writing list state: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("status: writing list state: %w", err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("status: writing list state: %w", err)
	}
	if err = syncDir(dir); err != nil {
		return fmt.Errorf("status: writing list state: %w", err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// locked runs fn holding the in-process mutex and the exclusive file lock, after
// removing temporary files a crash may have left behind.
func (l *List) locked(fn func() error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	lf, err := os.OpenFile(l.path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("status: locking list state: %w", err)
	}
	defer lf.Close()
	if err := lockFile(lf); err != nil {
		return fmt.Errorf("status: locking list state: %w", err)
	}
	defer unlockFile(lf)
	dir, base := filepath.Split(l.path)
	if dir == "" {
		dir = "."
	}
	if ents, err := os.ReadDir(dir); err == nil {
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), "."+base+".tmp-") {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
	return fn()
}

// update reads the current state from disk (another process may have changed it),
// applies fn to a copy and makes the result durable before publishing it in memory.
func (l *List) update(fn func(st *listState) error) error {
	return l.locked(func() error {
		st, err := readState(l.path)
		if err != nil {
			return err
		}
		if st.url != l.st.url || st.purpose != l.st.purpose {
			return fmt.Errorf("%w: %s was replaced by another list", ErrState, l.path)
		}
		if err := fn(st); err != nil {
			return err
		}
		if err := writeState(l.path, st); err != nil {
			return err
		}
		l.st = st
		return nil
	})
}

func (l *List) snapshot() *listState {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.st
}

// Reload rereads the state file, to see changes made by other processes.
func (l *List) Reload() error {
	return l.locked(func() error {
		st, err := readState(l.path)
		if err != nil {
			return err
		}
		l.st = st
		return nil
	})
}

// Path returns the state file's path.
func (l *List) Path() string { return l.path }

// URL returns the list credential's URL.
func (l *List) URL() string { return l.snapshot().url }

// Purpose returns the list's statusPurpose.
func (l *List) Purpose() string { return l.snapshot().purpose }

// Len returns the number of entries.
func (l *List) Len() int { return l.snapshot().size }

// StatusSize returns the bits per entry.
func (l *List) StatusSize() int { return l.snapshot().statusSize }

// Allocated returns the number of allocated indexes.
func (l *List) Allocated() int { return l.snapshot().count }

// IsAllocated reports whether index has been handed out.
func (l *List) IsAllocated(index uint64) bool {
	st := l.snapshot()
	return index < uint64(st.size) && st.allocated[index>>3]&(0x80>>(index&7)) != 0
}

// Allocate hands out a new index, chosen uniformly at random among the free ones
// (crypto/rand, rejection sampling) so that an index reveals neither the order of
// issuance nor how many credentials were issued, and returns its credentialStatus
// entry. The allocation is durable when Allocate returns. A full list gives
// [ErrListFull].
func (l *List) Allocate() (Entry, error) {
	var index uint64
	err := l.update(func(st *listState) error {
		free := st.size - st.count
		if free <= 0 {
			return fmt.Errorf("%w: all %d indexes allocated", ErrListFull, st.size)
		}
		index = st.pickFree(free)
		st.allocated[index>>3] |= 0x80 >> (index & 7)
		st.count++
		return nil
	})
	if err != nil {
		return Entry{}, err
	}
	return l.entry(l.snapshot(), index), nil
}

// pickFree returns a uniformly random free index. It samples the whole range and
// rejects allocated indexes; when the list is so full that this keeps failing, it
// takes the r-th free index for a uniform r instead (equally uniform).
func (st *listState) pickFree(free int) uint64 {
	for range 64 {
		i := randBelow(uint64(st.size))
		if st.allocated[i>>3]&(0x80>>(i&7)) == 0 {
			return i
		}
	}
	r := randBelow(uint64(free))
	for bi, b := range st.allocated {
		zeros := uint64(8 - bits.OnesCount8(b))
		if r >= zeros {
			r -= zeros
			continue
		}
		for k := uint64(0); k < 8; k++ {
			if b&(0x80>>k) == 0 {
				if r == 0 {
					return uint64(bi)*8 + k
				}
				r--
			}
		}
	}
	panic("status: allocation bitmap disagrees with its count") // readState checks the count
}

// randBelow returns a uniform random integer in [0, n), n > 0, by rejection sampling.
func randBelow(n uint64) uint64 {
	mask := uint64(1)<<bits.Len64(n-1) - 1
	var b [8]byte
	for {
		rand.Read(b[:]) // never fails (crypto/rand aborts the program instead)
		if v := binary.LittleEndian.Uint64(b[:]) & mask; v < n {
			return v
		}
	}
}

// Entry returns the credentialStatus entry of an allocated index.
func (l *List) Entry(index uint64) (Entry, error) {
	st := l.snapshot()
	if err := st.checkAllocated(index); err != nil {
		return Entry{}, err
	}
	return l.entry(st, index), nil
}

func (l *List) entry(st *listState, index uint64) Entry {
	e := Entry{
		ID:   st.url + "#" + strconv.FormatUint(index, 10),
		Type: TypeEntry, Purpose: st.purpose, Index: index, ListCredential: st.url,
		Messages: st.messages, Reference: st.reference,
	}
	if st.statusSize > 1 {
		e.Size = st.statusSize
	}
	return e
}

func (st *listState) checkAllocated(index uint64) error {
	if index >= uint64(st.size) {
		return fmt.Errorf("%w: index %d, list has %d entries", ErrRange, index, st.size)
	}
	if st.allocated[index>>3]&(0x80>>(index&7)) == 0 {
		return fmt.Errorf("%w: index %d was never allocated", ErrRange, index)
	}
	return nil
}

// Status returns the status value of an allocated index.
func (l *List) Status(index uint64) (uint64, error) {
	st := l.snapshot()
	if err := st.checkAllocated(index); err != nil {
		return 0, err
	}
	return statusAt(st.bits, index, st.statusSize)
}

// Set sets the status of an allocated index to 1 (revoked, suspended, ...).
func (l *List) Set(index uint64) error { return l.SetStatus(index, 1) }

// Clear sets the status of an allocated index back to 0. Revocation and refresh
// statuses cannot be cleared ([ErrIrreversible]) once set.
func (l *List) Clear(index uint64) error { return l.SetStatus(index, 0) }

// SetStatus sets the status of an allocated index to v (below 2^StatusSize). Indexes
// that were never allocated give [ErrRange]. The change is durable when it returns.
func (l *List) SetStatus(index, v uint64) error {
	return l.update(func(st *listState) error {
		if err := st.checkAllocated(index); err != nil {
			return err
		}
		if v >= 1<<st.statusSize {
			return fmt.Errorf("%w: status %d does not fit in %d bits", ErrMalformed, v, st.statusSize)
		}
		old, _ := statusAt(st.bits, index, st.statusSize)
		if old != 0 && v != old && (st.purpose == PurposeRevocation || st.purpose == PurposeRefresh) {
			return fmt.Errorf("%w: index %d has %s status set", ErrIrreversible, index, st.purpose)
		}
		setStatusAt(st.bits, index, st.statusSize, v)
		return nil
	})
}

// EncodedList returns the list's current encodedList.
func (l *List) EncodedList() string { return EncodeList(l.snapshot().bits) }

// CredentialOptions are the issuer-chosen properties of a published list credential.
type CredentialOptions struct {
	// Issuer is the issuer id (a DID). Required.
	Issuer string
	// ValidFrom is the list's validFrom; zero means now.
	ValidFrom time.Time
	// ValidUntil is the list's validUntil; zero means none. Verifiers cache the list
	// at most until then, so it bounds how stale a cached list can be.
	ValidUntil time.Time
	// TTL is the optional credentialSubject.ttl: how long verifiers may wait before
	// fetching the list again (whole milliseconds).
	TTL time.Duration
}

// Credential returns the unsigned BitstringStatusListCredential of the list's current
// statuses, as JSON, for the caller to secure (a Data Integrity proof or vc+jwt) and
// publish at the list's URL, which is the credential's id.
func (l *List) Credential(opts CredentialOptions) ([]byte, error) {
	st := l.snapshot()
	if opts.Issuer == "" || !isURL(opts.Issuer) {
		return nil, fmt.Errorf("%w: list credential issuer %q is not a URL or DID", ErrMalformed, clip(opts.Issuer))
	}
	if opts.ValidFrom.IsZero() {
		opts.ValidFrom = time.Now()
	}
	if !opts.ValidUntil.IsZero() && !opts.ValidUntil.After(opts.ValidFrom) {
		return nil, fmt.Errorf("%w: validUntil is not after validFrom", ErrMalformed)
	}
	type subject struct {
		ID            string `json:"id"`
		Type          string `json:"type"`
		StatusPurpose string `json:"statusPurpose"`
		EncodedList   string `json:"encodedList"`
		TTL           int64  `json:"ttl,omitempty"`
	}
	type credential struct {
		Context           []string `json:"@context"`
		ID                string   `json:"id"`
		Type              []string `json:"type"`
		Issuer            string   `json:"issuer"`
		ValidFrom         string   `json:"validFrom"`
		ValidUntil        string   `json:"validUntil,omitempty"`
		CredentialSubject subject  `json:"credentialSubject"`
	}
	c := credential{
		Context:   []string{"https://www.w3.org/ns/credentials/v2"},
		ID:        st.url,
		Type:      []string{"VerifiableCredential", TypeListCredential},
		Issuer:    opts.Issuer,
		ValidFrom: formatDateTime(opts.ValidFrom),
		CredentialSubject: subject{
			ID: st.url + "#list", Type: TypeList, StatusPurpose: st.purpose,
			EncodedList: EncodeList(st.bits), TTL: opts.TTL.Milliseconds(),
		},
	}
	if !opts.ValidUntil.IsZero() {
		c.ValidUntil = formatDateTime(opts.ValidUntil)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func formatDateTime(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}
