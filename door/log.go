package door

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/sybil"
	"github.com/polity-id/polity/vc/policy"
)

// Caps of the check-in log.
const (
	MaxLogLineBytes = 16 << 10 // one JSON line
	MaxLogEntries   = 1 << 22  // entries ReadLog returns
)

// Decisions in a log entry.
const (
	DecisionAllow = "allow"
	DecisionDeny  = "deny"
)

// Entry is one check-in: a line of the door's append-only log.
type Entry struct {
	Time     time.Time     `json:"time"`
	Door     string        `json:"door"`
	Holder   string        `json:"holder,omitempty"` // the authenticated holder; "" when none
	Decision string        `json:"decision"`         // DecisionAllow or DecisionDeny
	Types    []string      `json:"types,omitempty"`  // credential types presented
	Reasons  []policy.Code `json:"reasons,omitempty"`
}

// Log is an append-only check-in log: JSON lines written with O_APPEND, never
// truncated or rewritten. Reopening a log appends to it. It is safe for
// concurrent use.
type Log struct {
	mu        sync.Mutex
	f         *os.File
	syncEvery int
	pending   int
	closed    bool
}

// OpenLog opens (creating it with mode 0600 if needed) the log at path for
// appending. syncEvery is how many entries are written between fsyncs: 0 or 1
// syncs after each entry; larger values batch, and [Log.Sync] or [Log.Close]
// flush the rest.
func OpenLog(path string, syncEvery int) (*Log, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrLog, err)
	}
	if syncEvery < 1 {
		syncEvery = 1
	}
	return &Log{f: f, syncEvery: syncEvery}, nil
}

// Append writes e as one line, in a single write, and syncs per the log's
// batching. An entry without time, door or decision is refused.
func (l *Log) Append(e Entry) error {
	if e.Time.IsZero() || e.Door == "" || (e.Decision != DecisionAllow && e.Decision != DecisionDeny) {
		return fmt.Errorf("%w: entry needs time, door and decision", ErrLog)
	}
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrLog, err)
	}
	if len(b) >= MaxLogLineBytes {
		return fmt.Errorf("%w: %w: entry of %d bytes", ErrLog, ErrTooLarge, len(b))
	}
	b = append(b, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return fmt.Errorf("%w: log closed", ErrLog)
	}
	if _, err := l.f.Write(b); err != nil {
		return fmt.Errorf("%w: %w", ErrLog, err)
	}
	l.pending++
	if l.pending >= l.syncEvery {
		return l.syncLocked()
	}
	return nil
}

func (l *Log) syncLocked() error {
	l.pending = 0
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("%w: %w", ErrLog, err)
	}
	return nil
}

// Sync flushes entries written since the last sync to stable storage.
func (l *Log) Sync() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	return l.syncLocked()
}

// Close syncs and closes the log.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	err := l.syncLocked()
	return errors.Join(err, l.f.Close())
}

// ReadLog reads a check-in log: one strict JSON entry a line, blank lines
// ignored. A bad line gives a *LineError wrapping ErrLog; more than
// MaxLogEntries entries or a line over MaxLogLineBytes also wrap ErrTooLarge.
func ReadLog(r io.Reader) ([]Entry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), MaxLogLineBytes)
	var out []Entry
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if len(out) >= MaxLogEntries {
			return nil, &LineError{Line: n, Kind: ErrLog, Err: ErrTooLarge}
		}
		var e Entry
		if err := jsonx.Unmarshal(line, &e, jsonx.Limits{MaxBytes: MaxLogLineBytes, MaxDepth: 8}); err != nil {
			return nil, &LineError{Line: n, Kind: ErrLog, Err: err}
		}
		if e.Time.IsZero() || e.Door == "" || (e.Decision != DecisionAllow && e.Decision != DecisionDeny) {
			return nil, &LineError{Line: n, Kind: ErrLog, Err: errors.New("entry needs time, door and decision")}
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &LineError{Line: n + 1, Kind: ErrLog, Err: ErrTooLarge}
		}
		return nil, fmt.Errorf("%w: %w", ErrLog, err)
	}
	return out, nil
}

// AddCheckIns feeds the allowed check-ins of entries with an authenticated
// holder to b as co-presence evidence (sybil.Builder.CheckIn with the door as
// the place), and returns how many it added. Denied entries are not evidence of
// presence and are skipped.
func AddCheckIns(b *sybil.Builder, entries []Entry) int {
	n := 0
	for _, e := range entries {
		if e.Decision != DecisionAllow || e.Holder == "" || e.Door == "" || e.Time.IsZero() {
			continue
		}
		b.CheckIn(e.Holder, e.Door, e.Time)
		n++
	}
	return n
}
