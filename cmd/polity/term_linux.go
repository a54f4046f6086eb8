//go:build linux

package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"unsafe"
)

func tcget(fd uintptr) (*syscall.Termios, error) {
	t := new(syscall.Termios)
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TCGETS, uintptr(unsafe.Pointer(t))); e != 0 {
		return nil, e
	}
	return t, nil
}

func tcset(fd uintptr, t *syscall.Termios) error {
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TCSETS, uintptr(unsafe.Pointer(t))); e != 0 {
		return e
	}
	return nil
}

func isTerminal(f *os.File) bool {
	_, err := tcget(f.Fd())
	return err == nil
}

// readSecretLine turns echo off, reads one line and restores the terminal,
// also when a signal (interrupt, hang-up, terminate, quit) arrives while it
// waits: the signal is then re-raised with its default action.
func readSecretLine(f *os.File, w io.Writer, prompt string) ([]byte, error) {
	fd := f.Fd()
	old, err := tcget(fd)
	if err != nil {
		return nil, err
	}
	quiet := *old
	quiet.Lflag &^= syscall.ECHO
	quiet.Lflag |= syscall.ICANON | syscall.ISIG
	quiet.Iflag |= syscall.ICRNL

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	var once sync.Once
	restore := func() { once.Do(func() { tcset(fd, old) }) }
	done := make(chan struct{})
	defer func() {
		// Restore before the handler goes: a signal in between would otherwise
		// end the process with echo still off.
		restore()
		signal.Stop(sigs)
		close(done)
	}()
	go func() {
		select {
		case s := <-sigs:
			restore()
			fmt.Fprintln(w)
			signal.Reset(s)
			if sig, ok := s.(syscall.Signal); ok {
				syscall.Kill(syscall.Getpid(), sig)
			}
		case <-done:
		}
	}()

	fmt.Fprintf(w, "%s: ", prompt)
	if err := tcset(fd, &quiet); err != nil {
		return nil, err
	}
	line, err := readPassLine(f)
	fmt.Fprintln(w) // the user's Enter was not echoed
	return line, err
}
