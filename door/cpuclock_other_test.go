//go:build !linux

package door

import "time"

// threadCPU reports that no per-thread CPU clock is read on this platform.
func threadCPU() time.Duration { return -1 }
