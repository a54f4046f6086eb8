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
