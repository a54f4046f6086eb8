package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestRun runs the example and checks its conclusions.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Eve: weight 1.00",
		"Weighted by contribution, lisbon wins.",
		"With one person, one vote, oaxaca would have won.",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in:\n%s", want, out.String())
		}
	}
}
