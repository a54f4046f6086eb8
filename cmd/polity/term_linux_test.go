//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// openPTY returns the two ends of a new pseudo-terminal.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	var unlock int32
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		m.Close()
		t.Skipf("unlockpt: %v", e)
	}
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		m.Close()
		t.Skipf("ptsname: %v", e)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("open pts: %v", err)
	}
	t.Cleanup(func() { s.Close(); m.Close() })
	return m, s
}

// TestTermPassphrase types passphrases into a pseudo-terminal: echo is off
// while reading and restored afterwards, and confirmation must match.
func TestTermPassphrase(t *testing.T) {
	for _, tc := range []struct {
		name, typed string
		confirm     bool
		want        string
		err         error
	}{
		{"single", "s3cret\n", false, "s3cret", nil},
		{"confirmed", "s3cret\ns3cret\n", true, "s3cret", nil},
		{"mismatch", "s3cret\nother\n", true, "", errPassMismatch},
		{"carriage-return", "s3cret\r\n", false, "s3cret", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			master, tty := openPTY(t)
			before, err := tcget(tty.Fd())
			if err != nil {
				t.Fatal(err)
			}
			if before.Lflag&syscall.ECHO == 0 {
				t.Fatal("a new terminal should echo")
			}
			if _, err := master.Write([]byte(tc.typed)); err != nil {
				t.Fatal(err)
			}
			var prompt bytes.Buffer
			got, err := termPassphrase(tty, &prompt, "New passphrase", tc.confirm)
			if !errors.Is(err, tc.err) || string(got) != tc.want {
				t.Fatalf("got %q, %v; want %q, %v", got, err, tc.want, tc.err)
			}
			after, err := tcget(tty.Fd())
			if err != nil {
				t.Fatal(err)
			}
			if *after != *before {
				t.Fatalf("terminal not restored: lflag %#x, want %#x", after.Lflag, before.Lflag)
			}
			if !strings.HasPrefix(prompt.String(), "New passphrase: ") || tc.confirm != strings.Contains(prompt.String(), "Repeat new passphrase: ") {
				t.Fatalf("prompt %q", prompt.String())
			}
		})
	}
	// Not a terminal: no prompt.
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := termPassphrase(f, &bytes.Buffer{}, "p", false); !errors.Is(err, errNoTerminal) {
		t.Fatalf("/dev/null: %v", err)
	}
}

const termChildEnv = "POLITY_TERM_CHILD"

// TestTermRestoredOnSignal interrupts a process waiting at the prompt: the
// terminal must have its echo back after the process dies of the signal.
func TestTermRestoredOnSignal(t *testing.T) {
	if os.Getenv(termChildEnv) != "" {
		tty := os.NewFile(3, "tty")
		termPassphrase(tty, io.Discard, "Passphrase", false)
		os.Exit(0) // not reached: the parent interrupts the read
	}
	if testing.Short() {
		t.Skip("spawns a process")
	}
	_, tty := openPTY(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestTermRestoredOnSignal$", "-test.count=1")
	cmd.Env = append(os.Environ(), termChildEnv+"=1")
	cmd.ExtraFiles = []*os.File{tty}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	// Wait for the child to turn echo off.
	deadline := time.Now().Add(20 * time.Second)
	for {
		st, err := tcget(tty.Fd())
		if err != nil {
			t.Fatal(err)
		}
		if st.Lflag&syscall.ECHO == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the child never turned echo off")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("child: %v, want death by signal", err)
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGINT {
		t.Fatalf("child exit %v, want SIGINT", err)
	}
	st, err := tcget(tty.Fd())
	if err != nil {
		t.Fatal(err)
	}
	if st.Lflag&syscall.ECHO == 0 {
		t.Fatal("echo still off after the interrupted prompt")
	}
}
