package vcerr

import (
	"errors"
	"fmt"
	"testing"
)

func TestCode(t *testing.T) {
	for _, k := range Kinds() {
		t.Run(k.Code(), func(t *testing.T) {
			err := fmt.Errorf("outer: %w", fmt.Errorf("%w: inner", k))
			if Code(err) != k.Code() || Find(err) != k || !errors.Is(err, k) {
				t.Fatalf("Code(%v) = %q, want %q", err, Code(err), k.Code())
			}
		})
	}
	if Code(nil) != "" || Code(errors.New("x")) != CodeUnknown {
		t.Fatal("nil or unknown error")
	}
	if got := Code(errors.Join(errors.New("x"), ErrSuspended, ErrRevoked)); got != CodeSuspended {
		t.Fatalf("joined: %q", got)
	}
}
