package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polity-id/polity/vc/status"
)

func statusCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return statusRun(append([]string{"status"}, args...)...)
}

func statusRun(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	code := run(e, args)
	return code, stdout.String(), stderr.String()
}

// statusCredential writes a credential carrying entry as its credentialStatus.
func statusCredential(t *testing.T, dir string, entry []byte) string {
	t.Helper()
	cred := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],` +
		`"issuer":"did:example:issuer","credentialSubject":{"id":"did:example:alice"},"credentialStatus":` + string(entry) + `}`
	p := filepath.Join(dir, "cred.json")
	if err := os.WriteFile(p, []byte(cred), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestStatusCommands runs the issuer and door workflow: create a suspension list,
// allocate, publish (Data Integrity and vc+jwt), check offline, suspend, check (fails),
// reinstate, check (passes).
func TestStatusCommands(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "issuer.jwk")
	if code, _, stderr := statusRun("did", "new", "--out", keyFile); code != exitOK {
		t.Fatalf("did new: %s", stderr)
	}
	list := filepath.Join(dir, "suspension.list")
	const url = "https://issuer.example/status/4"
	if code, _, stderr := statusCLI(t, "new", "--url", url, "--purpose", "suspension", "--out", list); code != exitOK {
		t.Fatalf("new: %s", stderr)
	}
	if code, _, _ := statusCLI(t, "new", "--url", url, "--purpose", "suspension", "--out", list); code != exitFailure {
		t.Fatalf("new over an existing list: exit %d", code)
	}
	code, out, stderr := statusCLI(t, "allocate", "--list", list)
	if code != exitOK {
		t.Fatalf("allocate: %s", stderr)
	}
	entry, err := status.ParseEntry([]byte(out))
	if err != nil || entry.ListCredential != url || entry.Purpose != "suspension" {
		t.Fatalf("allocate printed %s: %v", out, err)
	}
	cred := statusCredential(t, dir, []byte(out))
	index := strings.TrimSpace(strings.Split(strings.Split(out, `"statusListIndex": "`)[1], `"`)[0])
	lists := filepath.Join(dir, "lists")
	os.Mkdir(lists, 0o700)

	publish := func(suite string) {
		t.Helper()
		args := []string{"publish", "--key", keyFile, "--list", list, "--valid-for", "24h"}
		if suite != "" {
			args = append(args, "--suite", suite)
		}
		code, out, stderr := statusCLI(t, args...)
		if code != exitOK {
			t.Fatalf("publish %s: %s", suite, stderr)
		}
		if err := os.WriteFile(filepath.Join(lists, "list4"), []byte(out), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	check := func(want int, wantOut string) {
		t.Helper()
		code, out, stderr := statusCLI(t, "check", "--status-dir", lists, cred)
		if code != want || !strings.Contains(out, wantOut) {
			t.Fatalf("check: exit %d, want %d\nstdout: %s\nstderr: %s", code, want, out, stderr)
		}
	}

	publish("") // eddsa-rdfc-2022 for the Ed25519 key
	check(exitOK, "suspension index "+index+" of "+url+": unset")
	if code, _, stderr := statusCLI(t, "set", "--list", list, "--index", index); code != exitOK {
		t.Fatalf("set: %s", stderr)
	}
	check(exitOK, "unset") // not yet published
	publish("vc+jwt")
	check(exitFailure, ": set (0x1)")
	if code, _, stderr := statusCLI(t, "clear", "--list", list, "--index", index); code != exitOK {
		t.Fatalf("clear: %s", stderr)
	}
	publish("eddsa-jcs-2022")
	check(exitOK, ": unset")

	// JSON report.
	code, out, _ = statusCLI(t, "check", "--json", "--status-dir", lists, cred)
	var rep struct {
		OK      bool `json:"ok"`
		Results []struct {
			Index string `json:"statusListIndex"`
			Valid bool   `json:"valid"`
		} `json:"results"`
	}
	if code != exitOK || json.Unmarshal([]byte(out), &rep) != nil || !rep.OK || len(rep.Results) != 1 || rep.Results[0].Index != index {
		t.Fatalf("--json: exit %d: %s", code, out)
	}

	// A list without a proof is refused unless explicitly allowed.
	code, out, _ = statusCLI(t, "publish", "--key", keyFile, "--list", list, "--unsigned")
	if code != exitOK {
		t.Fatal("publish --unsigned failed")
	}
	os.WriteFile(filepath.Join(lists, "list4"), []byte(out), 0o600)
	if code, _, _ := statusCLI(t, "check", "--status-dir", lists, cred); code != exitFailure {
		t.Fatalf("unsigned list accepted: exit %d", code)
	}
	if code, _, stderr := statusCLI(t, "check", "--insecure-unsigned-lists", "--status-dir", lists, cred); code != exitOK {
		t.Fatalf("--insecure-unsigned-lists: %s", stderr)
	}

	// A tampered list fails verification.
	publish("")
	data, _ := os.ReadFile(filepath.Join(lists, "list4"))
	tampered := bytes.Replace(data, []byte(`"suspension"`), []byte(`"revocation"`), 1)
	os.WriteFile(filepath.Join(lists, "list4"), tampered, 0o600)
	if code, _, _ := statusCLI(t, "check", "--status-dir", lists, cred); code != exitFailure {
		t.Fatalf("tampered list accepted: exit %d", code)
	}
	// No list for the URL.
	os.Remove(filepath.Join(lists, "list4"))
	if code, _, stderr := statusCLI(t, "check", "--status-dir", lists, cred); code != exitFailure || !strings.Contains(stderr, "hint") {
		t.Fatalf("missing list: exit %d: %s", code, stderr)
	}
}

func TestStatusRevocationAndMessages(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "r.list")
	if code, _, stderr := statusCLI(t, "new", "--url", "https://issuer.example/status/1", "--purpose", "revocation", "--out", list); code != exitOK {
		t.Fatal(stderr)
	}
	_, out, _ := statusCLI(t, "allocate", "--list", list)
	idx := strings.Split(strings.Split(out, `"statusListIndex": "`)[1], `"`)[0]
	if code, _, _ := statusCLI(t, "set", "--list", list, "--index", idx); code != exitOK {
		t.Fatal("set")
	}
	if code, _, stderr := statusCLI(t, "clear", "--list", list, "--index", idx); code != exitFailure || !strings.Contains(stderr, "permanent") {
		t.Fatalf("clearing a revocation: exit %d %s", code, stderr)
	}

	msgs := filepath.Join(dir, "m.list")
	if code, _, _ := statusCLI(t, "new", "--url", "https://issuer.example/status/8", "--purpose", "message", "--status-size", "2", "--messages", "a,b,c", "--out", msgs); code != exitUsage {
		t.Fatalf("3 messages for 2 bits: exit %d", code)
	}
	if code, _, stderr := statusCLI(t, "new", "--url", "https://issuer.example/status/8", "--purpose", "message", "--status-size", "2",
		"--messages", "pending_review,accepted,rejected,undefined", "--reference", "https://example.org/status-dictionary/", "--out", msgs); code != exitOK {
		t.Fatal(stderr)
	}
	_, out, _ = statusCLI(t, "allocate", "--list", msgs)
	me, err := status.ParseEntry([]byte(out))
	if err != nil || me.Size != 2 || len(me.Messages) != 4 || len(me.Reference) != 1 {
		t.Fatalf("message entry %s: %v", out, err)
	}
	midx := strings.Split(strings.Split(out, `"statusListIndex": "`)[1], `"`)[0]
	if code, _, stderr := statusCLI(t, "set", "--list", msgs, "--index", midx, "--value", "2"); code != exitOK {
		t.Fatal(stderr)
	}
	_, pub, _ := statusCLI(t, "publish", "--issuer", "did:example:issuer", "--list", msgs, "--unsigned")
	lists := filepath.Join(dir, "lists")
	os.Mkdir(lists, 0o700)
	os.WriteFile(filepath.Join(lists, "8.json"), []byte(pub), 0o600)
	cred := statusCredential(t, dir, []byte(out))
	code, stdout, stderr := statusCLI(t, "check", "--insecure-unsigned-lists", "--status-dir", lists, cred)
	if code != exitOK || !strings.Contains(stdout, "rejected (0x2)") {
		t.Fatalf("message check: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestStatusUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want int
	}{
		{nil, exitUsage},
		{[]string{"--help"}, exitOK},
		{[]string{"bogus"}, exitUsage},
		{[]string{"new", "--help"}, exitOK},
		{[]string{"new", "--url", "https://x.example/s"}, exitUsage},
		{[]string{"new", "--nope"}, exitUsage},
		{[]string{"allocate"}, exitUsage},
		{[]string{"allocate", "--list", "/nonexistent/list"}, exitFailure},
		{[]string{"set", "--list", "x"}, exitUsage},
		{[]string{"set", "--list", "x", "--index", "-1"}, exitUsage},
		{[]string{"publish", "--list", "x"}, exitUsage},
		{[]string{"check", "cred.json"}, exitUsage},
		{[]string{"check", "--status-dir", "/nonexistent", "cred.json"}, exitUsage},
	} {
		if code, _, _ := statusCLI(t, c.args...); code != c.want {
			t.Errorf("status %v: exit %d, want %d", c.args, code, c.want)
		}
	}
}
