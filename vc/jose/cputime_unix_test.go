//go:build unix

package jose

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user and system) the process has used so far: on a
// machine shared with other work, unlike the wall clock, it does not count the time
// the benchmark waits for a CPU.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
