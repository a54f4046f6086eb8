package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestRun runs the example and checks the lines an organizer relies on.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"A ballot from Dee was not counted: none of the credentials shown gives a vote on this proposal.",
		"A ballot from Bo was not counted: the same person voted again later, and the later ballot counts.",
		"A ballot from Mallory was not counted",
		`Outcome: approved. "yes" has 80.0% (4/5) of the decisive votes, at least 2/3.`,
		"After Fay signed: not valid yet, 1 of 2 steward signatures.",
		"After Gus signed: valid, the roof repair is approved (signed by Fay and Gus).",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in:\n%s", want, out.String())
		}
	}
}
