package door

import (
	"errors"
	"fmt"

	"github.com/polity-id/polity/vc"
)

// Sentinel error kinds. Test them with errors.Is.
var (
	// ErrConfig reports a door directory or configuration that cannot be used: a
	// missing or malformed policy, a bad DID document, status list or scores file.
	// The underlying error stays wrapped.
	ErrConfig = errors.New("door: bad configuration")

	// ErrReplay reports a presentation whose challenge is missing, was not issued by
	// this door, has expired or was already used.
	ErrReplay = errors.New("door: challenge missing, unknown or already used")

	// ErrTooLarge reports an input over a size cap. It also matches vc.ErrMalformed.
	ErrTooLarge = &kind{"door: input too large", vc.ErrMalformed}

	// ErrUnsupported reports a presentation format the door cannot verify. It also
	// matches vc.ErrUnsupportedSuite.
	ErrUnsupported = &kind{"door: unsupported presentation format", vc.ErrUnsupportedSuite}

	// ErrLog reports a check-in log that cannot be written or read back.
	ErrLog = errors.New("door: check-in log error")
)

type kind struct {
	msg    string
	parent error
}

func (k *kind) Error() string        { return k.msg }
func (k *kind) Is(target error) bool { return k.parent != nil && target == k.parent }

// LineError reports a bad line of a scores file or check-in log. It unwraps to
// its kind (ErrConfig or ErrLog) and the cause.
type LineError struct {
	Line int   // 1-based line number
	Kind error // ErrConfig or ErrLog
	Err  error // what is wrong
}

func (e *LineError) Error() string { return fmt.Sprintf("%v: line %d: %v", e.Kind, e.Line, e.Err) }

// Unwrap returns the kind and the cause.
func (e *LineError) Unwrap() []error { return []error{e.Kind, e.Err} }
