package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/polity-id/polity/sybil"
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

func TestSybilProgress(t *testing.T) {
	graph, seeds := sybilFiles(t)
	code, _, errs := runBuf("sybil", "rank", "--graph", graph, "--seeds", seeds, "--iterations", "2", "--progress")
	if code != 0 || errs != "polity: progress: iteration 1 of 2\npolity: progress: iteration 2 of 2\n" {
		t.Fatalf("exit %d, stderr %q", code, errs)
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

// TestSybilWriteScores checks the block-parallel score writer against
// plain serial formatting, over several blocks, for numeric and string
// ids, and that a write error is returned.
func TestSybilWriteScores(t *testing.T) {
	for _, prefix := range []string{"", "n"} {
		var in strings.Builder
		for i := range 70000 {
			fmt.Fprintf(&in, "%s%d %s%d\n", prefix, i, prefix, i+1)
		}
		g, err := sybil.ReadEdgeList(strings.NewReader(in.String()), nil)
		if err != nil {
			t.Fatal(err)
		}
		scores := make([]float64, g.Len())
		for i := range scores {
			scores[i] = float64(i%977) / 977
		}
		var want strings.Builder
		for i, s := range scores {
			fmt.Fprintf(&want, "%s %s\n", g.ID(i), strconv.FormatFloat(s, 'g', -1, 64))
		}
		var got bytes.Buffer
		if err := writeScores(&got, g, scores); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("ids %q: output differs from serial formatting", prefix)
		}
		if err := writeScores(failWriter{}, g, scores); !errors.Is(err, errWrite) {
			t.Fatalf("write error: %v", err)
		}
	}
}

var errWrite = errors.New("write failed")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }
