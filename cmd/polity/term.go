package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// maxPassphrase caps a passphrase typed at the prompt.
const maxPassphrase = 1024

var (
	errNoTerminal   = errors.New("stdin is not a terminal")
	errPassMismatch = errors.New("the passphrases do not match")
)

// termPassphrase prompts on w and reads a passphrase from in, which must be a
// terminal: without echo where the platform allows it (see term_linux.go),
// else visibly, after a warning. With confirm it asks a second time and the
// two entries must match. The terminal is restored on every path.
func termPassphrase(in io.Reader, w io.Writer, prompt string, confirm bool) ([]byte, error) {
	f, ok := in.(*os.File)
	if !ok || !isTerminal(f) {
		return nil, errNoTerminal
	}
	p, err := readSecretLine(f, w, prompt)
	if err != nil || !confirm {
		return p, err
	}
	again, err := readSecretLine(f, w, "Repeat "+lowerFirst(prompt))
	defer clear(again)
	if err != nil {
		clear(p)
		return nil, err
	}
	if !bytes.Equal(p, again) {
		clear(p)
		return nil, errPassMismatch
	}
	return p, nil
}

func lowerFirst(s string) string {
	if s != "" && 'A' <= s[0] && s[0] <= 'Z' {
		return string(s[0]+'a'-'A') + s[1:]
	}
	return s
}

// readPassLine reads bytes up to a newline, one at a time so that nothing after
// the line is consumed, and drops the line ending.
func readPassLine(r io.Reader) ([]byte, error) {
	// One allocation of the final size: growing by append would leave copies of
	// the passphrase in buffers nobody clears.
	line := make([]byte, 0, maxPassphrase)
	var b [1]byte
	for {
		n, err := r.Read(b[:])
		if n == 1 {
			if b[0] == '\n' {
				return bytes.TrimSuffix(line, []byte("\r")), nil
			}
			if len(line) >= maxPassphrase {
				clear(line)
				return nil, fmt.Errorf("passphrase longer than %d bytes", maxPassphrase)
			}
			line = append(line, b[0])
			continue
		}
		if err == io.EOF && len(line) > 0 {
			return line, nil
		}
		if err != nil {
			clear(line)
			return nil, fmt.Errorf("reading passphrase: %w", err)
		}
	}
}
