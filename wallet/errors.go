package wallet

import (
	"errors"
	"fmt"
)

// Error kinds. Every error returned by this package wraps one of them (or a
// context error), so callers test with errors.Is.
var (
	// ErrLocked means the wallet holds no key: call Unlock first.
	ErrLocked = errors.New("wallet: locked")
	// ErrWrongPassphrase means the passphrase does not open the wallet or backup.
	// A header whose KDF parameters were altered also reports this kind, since
	// the two cannot be told apart without the passphrase.
	ErrWrongPassphrase = errors.New("wallet: wrong passphrase")
	// ErrCorrupt means the file, a record or a backup is damaged or was tampered with.
	ErrCorrupt = errors.New("wallet: corrupt data")
	// ErrUnsupported means a format version or feature this build does not know.
	ErrUnsupported = errors.New("wallet: unsupported format")
	// ErrNotFound means no record has the given id, or the wallet file does not exist.
	ErrNotFound = errors.New("wallet: not found")
	// ErrExists means Create found a file already at the path.
	ErrExists = errors.New("wallet: already exists")
	// ErrMalformed means an input (credential, key, request) could not be parsed.
	ErrMalformed = errors.New("wallet: malformed input")
	// ErrLimit means an input or a header parameter is above a configured cap.
	ErrLimit = errors.New("wallet: limit exceeded")
	// ErrBusy means another process holds the wallet file open.
	ErrBusy = errors.New("wallet: file in use")
	// ErrClosed means the wallet or store was closed.
	ErrClosed = errors.New("wallet: closed")
	// ErrNoPresenter means no Presenter can build the requested presentation
	// format.
	ErrNoPresenter = errors.New("wallet: no presenter for this format")
)

// LimitError reports which cap an input exceeded. It unwraps to ErrLimit.
type LimitError struct {
	What  string // what was measured, e.g. "credential bytes"
	Limit int64  // the cap
	Got   int64  // the measured value (0 when not known)
}

func (e *LimitError) Error() string {
	if e.Got > 0 {
		return fmt.Sprintf("wallet: %s %d above limit %d", e.What, e.Got, e.Limit)
	}
	return fmt.Sprintf("wallet: %s above limit %d", e.What, e.Limit)
}

// Unwrap returns ErrLimit.
func (e *LimitError) Unwrap() error { return ErrLimit }
