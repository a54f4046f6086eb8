package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sybilFiles(t *testing.T) (graph, seeds string) {
	t.Helper()
	dir := t.TempDir()
	graph = filepath.Join(dir, "edges.txt")
	seeds = filepath.Join(dir, "seeds.txt")
	os.WriteFile(graph, []byte("# two triangles\na b\nb c\na c\nc x\nx y\ny z\nx z\n"), 0o600)
	os.WriteFile(seeds, []byte("a\n"), 0o600)
	return graph, seeds
}

func runBuf(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = run(e, args)
	return code, out.String(), errb.String()
}

func TestSybilRank(t *testing.T) {
	graph, seeds := sybilFiles(t)
	for _, m := range []string{"polity", "sybilrank", "sybilscar", "sybilscar-d", "ppr"} {
		code, out, errs := runBuf("sybil", "rank", "--graph", graph, "--seeds", seeds, "--method", m)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", m, code, errs)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 6 || !strings.HasPrefix(lines[0], "a ") {
			t.Fatalf("%s: output %q", m, out)
		}
	}
}

func TestSybilExplain(t *testing.T) {
	graph, seeds := sybilFiles(t)
	code, out, errs := runBuf("sybil", "explain", "--graph", graph, "--seeds", seeds, "--id", "c", "--iterations", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var exp struct {
		Subject string
		Method  string
		Parts   []struct{ Kind, Ref string }
	}
	if err := json.Unmarshal([]byte(out), &exp); err != nil {
		t.Fatal(err)
	}
	if exp.Subject != "c" || exp.Method != "polity" || exp.Parts[0].Kind != "seed" || exp.Parts[0].Ref != "a" {
		t.Fatalf("explanation %s", out)
	}
}

func TestSybilErrors(t *testing.T) {
	graph, seeds := sybilFiles(t)
	bad := filepath.Join(t.TempDir(), "bad.txt")
	os.WriteFile(bad, []byte("a b c d\n"), 0o600)
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no subcommand", []string{"sybil"}, 2},
		{"unknown subcommand", []string{"sybil", "frob"}, 2},
		{"missing seeds", []string{"sybil", "rank", "--graph", graph}, 2},
		{"bad flag", []string{"sybil", "rank", "--nope"}, 2},
		{"bad method", []string{"sybil", "rank", "--graph", graph, "--seeds", seeds, "--method", "x"}, 2},
		{"explain without id", []string{"sybil", "explain", "--graph", graph, "--seeds", seeds}, 2},
		{"missing file", []string{"sybil", "rank", "--graph", graph + ".none", "--seeds", seeds}, 1},
		{"bad graph", []string{"sybil", "rank", "--graph", bad, "--seeds", seeds}, 1},
		{"unknown seed", []string{"sybil", "rank", "--graph", graph, "--seeds", graph}, 1},
		{"unknown id", []string{"sybil", "explain", "--graph", graph, "--seeds", seeds, "--id", "q"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runBuf(tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d (%s)", code, tc.code, errs)
			}
			if !strings.HasPrefix(errs, "polity: error: ") && !strings.HasPrefix(errs, "Usage:") {
				t.Fatalf("stderr %q", errs)
			}
		})
	}
	if code, out, _ := runBuf("sybil", "--help"); code != 0 || !strings.Contains(out, "Usage:") {
		t.Fatalf("--help: exit %d", code)
	}
	if code, out, _ := runBuf("sybil", "rank", "--help"); code != 0 || !strings.Contains(out, "Usage:") {
		t.Fatalf("rank --help: exit %d", code)
	}
}
