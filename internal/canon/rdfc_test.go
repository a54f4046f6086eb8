package canon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polity-id/polity/internal/rdf"
)

const suiteDir = "../../testdata/rdf-canon"

type suiteTest struct {
	ID     string `json:"id"`
	Type   string `json:"type"`
	Name   string `json:"name"`
	Action string `json:"action"`
	Result string `json:"result"`
	Hash   string `json:"hashAlgorithm"`
}

func loadSuite(t testing.TB) []suiteTest {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(suiteDir, "manifest.jsonld"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Entries []suiteTest `json:"entries"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for i := range m.Entries {
		m.Entries[i].ID = strings.TrimPrefix(m.Entries[i].ID, "#")
	}
	return m.Entries
}

func readSuiteFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(suiteDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func (st suiteTest) options(t testing.TB) *Options {
	switch st.Hash {
	case "", "SHA256":
		return nil
	case "SHA384":
		return &Options{Hash: SHA384}
	}
	t.Fatalf("unknown hashAlgorithm %q", st.Hash)
	return nil
}

// TestRDFCSuite runs the W3C RDFC-1.0 test suite (testdata/rdf-canon, w3c/rdf-canon tests/).
func TestRDFCSuite(t *testing.T) {
	counts := map[string]int{}
	for _, st := range loadSuite(t) {
		t.Run(st.ID, func(t *testing.T) {
			input := readSuiteFile(t, st.Action)
			res, err := CanonicalizeNQuads(input, st.options(t))
			switch st.Type {
			case "rdfc:RDFC10EvalTest":
				if err != nil {
					t.Fatalf("%s: %v", st.Name, err)
				}
				want := readSuiteFile(t, st.Result)
				if !bytes.Equal(res.Canonical, want) {
					t.Fatalf("%s: canonical form differs\ngot:\n%s\nwant:\n%s", st.Name, res.Canonical, want)
				}
			case "rdfc:RDFC10MapTest":
				if err != nil {
					t.Fatalf("%s: %v", st.Name, err)
				}
				var want map[string]string
				if err := json.Unmarshal(readSuiteFile(t, st.Result), &want); err != nil {
					t.Fatal(err)
				}
				if len(want) != len(res.Issued) {
					t.Fatalf("%s: issued map %v, want %v", st.Name, res.Issued, want)
				}
				for k, v := range want {
					if res.Issued[k] != v {
						t.Fatalf("%s: issued map %v, want %v", st.Name, res.Issued, want)
					}
				}
			case "rdfc:RDFC10NegativeEvalTest":
				var le *LimitError
				if !errors.Is(err, ErrTooComplex) || !errors.As(err, &le) {
					t.Fatalf("%s: got %v, want ErrTooComplex", st.Name, err)
				}
			default:
				t.Fatalf("unknown test type %q", st.Type)
			}
			counts[st.Type]++
		})
	}
	t.Logf("passed: %v", counts)
}

func TestPoisonContextCanceled(t *testing.T) {
	input := readSuiteFile(t, "rdfc10/test074-in.nq")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	quads, err := rdf.ParseNQuads(input, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = CanonicalizeContext(ctx, quads, &Options{MaxNDegreeCalls: 1 << 30, MaxPermutations: 1 << 30})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}
