package main

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadPassLine(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		fails          bool
	}{
		{"newline", "pass\nrest", "pass", false},
		{"crlf", "pass\r\n", "pass", false},
		{"eof", "pass", "pass", false},
		{"empty-eof", "", "", true},
		{"too-long", strings.Repeat("x", maxPassphrase+1) + "\n", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readPassLine(strings.NewReader(tc.in))
			if (err != nil) != tc.fails || string(got) != tc.want {
				t.Fatalf("got %q, %v", got, err)
			}
		})
	}
	if _, err := readPassLine(iotest.ErrReader(errors.New("boom"))); err == nil || errors.Is(err, io.EOF) {
		t.Fatalf("read error: %v", err)
	}
}

// TestReadPassLineNoRegrowth checks that a passphrase is read into one buffer,
// so that no uncleared partial copy is left behind by append.
func TestReadPassLineNoRegrowth(t *testing.T) {
	got, err := readPassLine(strings.NewReader(strings.Repeat("x", maxPassphrase-1) + "\n"))
	if err != nil || len(got) != maxPassphrase-1 || cap(got) != maxPassphrase {
		t.Fatalf("len %d cap %d, %v", len(got), cap(got), err)
	}
}
