package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Alice with her membership: welcome in",
		"Alice with a tampered credential: denied (NOT_VERIFIED)",
		"Alice with another community's credential: denied (UNTRUSTED_ISSUER)",
		"Alice with another community's credential: denied (CLAIM_MISMATCH)",
	}
	for _, line := range want {
		if !strings.Contains(out.String(), line+"\n") {
			t.Errorf("missing %q in:\n%s", line, out.String())
		}
	}
}
