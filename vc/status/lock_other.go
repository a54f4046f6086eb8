//go:build !unix

package status

import "os"

// lockFile is a no-op where advisory locks are not available: on such systems only one
// process at a time may change a list (the in-process mutex still serializes
// goroutines).
func lockFile(f *os.File) error { return nil }

func unlockFile(f *os.File) error { return nil }
