package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const walletTestdata = "../../testdata/wallet"

// walletCLI runs "polity wallet ARGS" with the given environment.
func walletCLI(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	code := run(e, append([]string{"wallet"}, args...))
	return code, out.String(), errb.String()
}

func TestWalletCommands(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"POLITY_WALLET": filepath.Join(dir, "w.db"), "POLITY_PASSPHRASE": "s3cret pass"}
	cheapKDF := []string{"--kdf-time", "1", "--kdf-memory", "64", "--kdf-threads", "1"}
	ok := func(args ...string) string {
		t.Helper()
		code, out, errs := walletCLI(t, vars, args...)
		if code != exitOK {
			t.Fatalf("wallet %v: exit %d\n%s", args, code, errs)
		}
		return out
	}
	if out := ok(append([]string{"init"}, cheapKDF...)...); !strings.Contains(out, "argon2id t=1 m=64KiB p=1") {
		t.Fatalf("init output %q", out)
	}
	if code, _, _ := walletCLI(t, vars, append([]string{"init"}, cheapKDF...)...); code != exitFailure {
		t.Fatalf("second init: exit %d", code)
	}
	ok("unlock")

	di := filepath.Join(walletTestdata, "di-eddsa/signedDataInt.json")
	jwt := filepath.Join(walletTestdata, "jose/credential-jose-minimal.txt")
	sd := filepath.Join(walletTestdata, "jose/credential-sdjwt-selective.txt")
	id1 := strings.TrimSpace(ok("add", di, "--tag", "school", "--tag", "2023"))
	ok("add", "--tag", "jwt", jwt)
	ok("import", sd)

	lines := strings.Split(strings.TrimSpace(ok("list")), "\n")
	if len(lines) != 3 {
		t.Fatalf("list: %q", lines)
	}
	slices.Sort(lines)
	i, _ := slices.BinarySearchFunc(lines, id1, func(l, id string) int { return strings.Compare(l[:len(id)], id) })
	if !strings.HasPrefix(lines[i], id1+"\tldp_vc\tAlumniCredential\thttps://vc.example/issuers/5678\t-\t2023,school") {
		t.Fatalf("list line %q", lines[i])
	}
	raw, _ := os.ReadFile(di)
	if got := ok("show", "--raw", id1); got != string(raw) {
		t.Fatalf("show --raw is not byte-exact")
	}
	if got := ok("show", id1); !strings.Contains(got, "format:     ldp_vc") {
		t.Fatalf("show: %s", got)
	}
	if got := ok("query", "--type", "IdentityCredential", "--valid-at", "now"); strings.Count(got, "\n") != 1 || !strings.Contains(got, "dc+sd-jwt") {
		t.Fatalf("query --type: %q", got)
	}
	if got := ok("query", "--issuer", "https://example.issuer/vc-jose-cose"); strings.Count(got, "\n") != 2 {
		t.Fatalf("query --issuer: %q", got)
	}
	if got := ok("query", "--tag", "nope"); got != "" {
		t.Fatalf("query --tag nope: %q", got)
	}
	if got := ok("query", "--trusted"); got != "" {
		t.Fatalf("query --trusted without trusted issuers: %q", got)
	}
	ok("trust", "https://vc.example/issuers/5678", "--type", "AlumniCredential", "--label", "school")
	if got := ok("trust", "--list"); got != "https://vc.example/issuers/5678\tAlumniCredential\tschool\n" {
		t.Fatalf("trust --list: %q", got)
	}
	if got := ok("query", "--trusted"); !strings.HasPrefix(got, id1) || strings.Count(got, "\n") != 1 {
		t.Fatalf("query --trusted: %q", got)
	}
	ok("trust", "--remove", "https://vc.example/issuers/5678")
	if code, _, _ := walletCLI(t, vars, "trust", "--remove", "https://vc.example/issuers/5678"); code != exitFailure {
		t.Fatalf("removing an absent trusted issuer: exit %d", code)
	}

	pe := filepath.Join(dir, "pe.json")
	os.WriteFile(pe, []byte(`{"id":"alumni","input_descriptors":[{"id":"a","constraints":{"fields":[
		{"path":["$.type"],"filter":{"type":"array","contains":{"const":"AlumniCredential"}}}]}}]}`), 0o600)
	var peOut struct {
		Submission struct {
			DefinitionID  string                              `json:"definition_id"`
			DescriptorMap []struct{ ID, Format, Path string } `json:"descriptor_map"`
		} `json:"presentation_submission"`
		Credentials []string
	}
	if err := json.Unmarshal([]byte(ok("query", "--pe", pe)), &peOut); err != nil {
		t.Fatal(err)
	}
	if peOut.Submission.DefinitionID != "alumni" || len(peOut.Credentials) != 1 || peOut.Credentials[0] != id1 ||
		peOut.Submission.DescriptorMap[0].Path != "$.verifiableCredential[0]" {
		t.Fatalf("query --pe: %+v", peOut)
	}
	dcql := filepath.Join(dir, "dcql.json")
	os.WriteFile(dcql, []byte(`{"credentials":[{"id":"idc","format":"vc+sd-jwt","meta":{"type_values":[["IdentityCredential"]]},
		"claims":[{"path":["credentialSubject","lastName"],"values":["Doe"]}]}]}`), 0o600)
	if got := ok("query", "--dcql", dcql); !strings.Contains(got, `"idc"`) || !strings.Contains(got, `"lastName"`) {
		t.Fatalf("query --dcql: %s", got)
	}
	os.WriteFile(dcql, []byte(`{"credentials":[{"id":"x","format":"ldp_vc","claims":[{"path":["passport"]}]}]}`), 0o600)
	if code, _, errs := walletCLI(t, vars, "query", "--dcql", dcql); code != exitFailure || !strings.Contains(errs, "cannot be satisfied") {
		t.Fatalf("unsatisfiable dcql: %d %s", code, errs)
	}

	// Backup to a second wallet with another passphrase; importing twice adds nothing.
	backup := filepath.Join(dir, "backup.bin")
	ok("export", "--out", backup)
	vars2 := map[string]string{"POLITY_WALLET": filepath.Join(dir, "w2.db"), "POLITY_PASSPHRASE": "other",
		"POLITY_BACKUP_PASSPHRASE": "s3cret pass"}
	code, _, errs := walletCLI(t, vars2, append([]string{"init"}, cheapKDF...)...)
	if code != exitOK {
		t.Fatal(errs)
	}
	code, out, errs := walletCLI(t, vars2, "import", backup)
	if code != exitOK || !strings.Contains(out, "credential: 3 added, 0 already present") {
		t.Fatalf("import backup: %d %q %s", code, out, errs)
	}
	_, out, _ = walletCLI(t, vars2, "import", backup)
	if !strings.Contains(out, "credential: 0 added, 3 already present") {
		t.Fatalf("second import: %q", out)
	}

	// passwd, then the old passphrase fails.
	vars["POLITY_NEW_PASSPHRASE"] = "n3w pass"
	ok("passwd")
	if code, _, errs := walletCLI(t, vars, "list"); code != exitFailure || !strings.Contains(errs, "wrong passphrase") || !strings.Contains(errs, "polity: hint:") {
		t.Fatalf("old passphrase after passwd: %d %s", code, errs)
	}
	pf := filepath.Join(dir, "pass.txt")
	os.WriteFile(pf, []byte("n3w pass\n"), 0o600)
	ok("list", "--passphrase-file", pf)
}

func TestWalletUsageErrors(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"POLITY_PASSPHRASE": "x"}
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no-command", nil, exitUsage, "Usage: polity wallet"},
		{"unknown", []string{"frobnicate"}, exitUsage, "unknown wallet command"},
		{"no-wallet", []string{"list"}, exitUsage, "no wallet file"},
		{"bad-flag", []string{"list", "--wallet", "x", "--nope"}, exitUsage, "flag provided but not defined"},
		{"add-no-file", []string{"add", "--wallet", "x"}, exitUsage, "takes 1 argument"},
		{"missing-wallet", []string{"list", "--wallet", filepath.Join(dir, "missing.db")}, exitFailure, "polity wallet init"},
		{"export-no-out", []string{"export", "--wallet", "x"}, exitUsage, "--out"},
		{"bad-valid-at", []string{"query", "--wallet", "x", "--valid-at", "tomorrow"}, exitUsage, "--valid-at"},
		{"present-no-key", []string{"present", "--wallet", "x", "--challenge", "c", "id"}, exitUsage, "--key"},
		{"present-no-challenge", []string{"present", "--wallet", "x", "--key", "k", "id"}, exitUsage, "--challenge"},
		{"present-bad-format", []string{"present", "--wallet", "x", "--format", "mdoc"}, exitUsage, "--format"},
		{"present-nothing", []string{"present", "--wallet", "x", "--key", "k", "--challenge", "c"}, exitUsage, "--query FILE or credential ids"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := walletCLI(t, vars, tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.msg) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errs, tc.code, tc.msg)
			}
		})
	}
	// A wallet file that is not a wallet.
	bad := filepath.Join(dir, "bad.db")
	os.WriteFile(bad, bytes.Repeat([]byte("x"), 8192), 0o600)
	if code, _, errs := walletCLI(t, vars, "list", "--wallet", bad); code != exitFailure || !strings.Contains(errs, "corrupt") {
		t.Fatalf("corrupt wallet: %d %s", code, errs)
	}
	// No passphrase and no terminal.
	if code, _, errs := walletCLI(t, map[string]string{}, "init", "--wallet", filepath.Join(dir, "n.db")); code != exitFailure || !strings.Contains(errs, "no passphrase") {
		t.Fatalf("no passphrase: %d %s", code, errs)
	}
}
