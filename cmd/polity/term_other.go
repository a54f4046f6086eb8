//go:build !linux

package main

import (
	"fmt"
	"io"
	"os"
)

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// readSecretLine reads one line visibly: this build cannot turn echo off.
func readSecretLine(f *os.File, w io.Writer, prompt string) ([]byte, error) {
	fmt.Fprintf(w, "polity: warning: the passphrase will be shown as you type\n%s: ", prompt)
	return readPassLine(f)
}
