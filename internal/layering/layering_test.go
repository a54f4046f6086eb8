// Package layering holds no code: its test checks the import rules between Polity's packages,
// so that a shortcut across a boundary fails the build's tests instead of surviving review.
package layering

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/polity-id/polity"

// forbidden lists, for each package pattern, the packages it must not depend on (directly or not).
var forbidden = []struct {
	pkg      string // package path relative to the module, "/..." for subtrees
	mustNot  []string
	external []string // third-party module path prefixes it must not pull in
}{
	{pkg: "did/...", mustNot: []string{"vc/...", "wallet/...", "sybil/..."}},
	{pkg: "vc/dataintegrity", mustNot: []string{"vc", "wallet/..."}},
	{pkg: "vc/jose", mustNot: []string{"vc", "wallet/..."}},
	{pkg: "vc/sdjwt", mustNot: []string{"vc", "wallet/..."}},
	{pkg: "vc/status", mustNot: []string{"vc", "wallet/..."}},
	{pkg: "sybil/...", mustNot: []string{"vc/...", "wallet/..."}, external: []string{"github.com/piprate", "github.com/lestrrat-go", "go.etcd.io/bbolt"}},
	{pkg: "internal/jsonx", mustNot: []string{"did/...", "vc/...", "wallet/...", "sybil/..."}},
	{pkg: "internal/canon", mustNot: []string{"did/...", "vc/...", "wallet/...", "sybil/..."}},
	{pkg: "internal/rdf", mustNot: []string{"did/...", "vc/...", "wallet/...", "sybil/..."}},
	{pkg: "internal/jose", mustNot: []string{"did/...", "vc/...", "wallet/..."}},
}

// owners says which single package may import each heavy third-party library.
var owners = map[string][]string{
	"github.com/piprate/json-gold":         {"internal/jsonld"},
	"github.com/lestrrat-go/jwx":           {"internal/jose"},
	"go.etcd.io/bbolt":                     {"wallet"},
	"github.com/multiformats/go-multibase": {"internal/multi"},
}

func goList(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list %v: %v\n%s", args, err, ee.Stderr)
		}
		t.Skipf("go command not available: %v", err)
	}
	return out
}

func lines(b []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func TestImportBoundaries(t *testing.T) {
	for _, rule := range forbidden {
		pkgs := lines(goList(t, "-e", "-f", "{{if not .Error}}{{.ImportPath}}{{end}}", "./"+rule.pkg))
		for _, p := range pkgs {
			deps := lines(goList(t, "-deps", p))
			for _, d := range deps {
				for _, bad := range rule.mustNot {
					full := module + "/" + strings.TrimSuffix(bad, "/...")
					if d == full || (strings.HasSuffix(bad, "/...") && strings.HasPrefix(d, full+"/")) {
						t.Errorf("%s depends on %s, which the package map forbids", p, d)
					}
				}
				for _, ext := range rule.external {
					if strings.HasPrefix(d, ext) {
						t.Errorf("%s depends on %s, which the package map forbids", p, d)
					}
				}
			}
		}
	}
}

func TestLibraryOwners(t *testing.T) {
	out := goList(t, "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...")
	for _, line := range lines(out) {
		fields := strings.Fields(line)
		pkg, imports := strings.TrimPrefix(fields[0], module+"/"), fields[1:]
		for _, imp := range imports {
			for lib, allowed := range owners {
				if !strings.HasPrefix(imp, lib) {
					continue
				}
				ok := false
				for _, a := range allowed {
					if pkg == a {
						ok = true
					}
				}
				if !ok {
					t.Errorf("%s imports %s; only %v may import it", pkg, imp, allowed)
				}
			}
		}
	}
}
