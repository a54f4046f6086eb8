package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/door"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/jose"
)

const cliDoorID = "did:web:commons.example:doors:main"

func doorCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code := run(e, args)
	return code, out.String(), errb.String()
}

// doorDir writes a door directory trusting a did:key community and returns it
// with a presentation maker.
func doorDir(t *testing.T) (string, func(nonce string) string) {
	t.Helper()
	dir := t.TempDir()
	community, err := did.GenerateKey(did.KeyEd25519)
	if err != nil {
		t.Fatal(err)
	}
	holder, err := did.GenerateKey(did.KeyEd25519)
	if err != nil {
		t.Fatal(err)
	}
	cDID, hDID := key.New(community.Public()), key.New(holder.Public())
	policy := `{"types":["MembershipCredential"],"issuers":[{"did":"` + cDID + `"}],
	  "constraints":[{"path":"credentialSubject.community","op":"equals","value":"` + cDID + `"}]}`
	if err := os.WriteFile(filepath.Join(dir, "policy.json"), []byte(policy), 0o644); err != nil {
		t.Fatal(err)
	}
	c := vc.NewMembership(vc.MembershipClaims{Member: hDID, Community: cDID, Role: "member"})
	c.Issuer = vc.Node{ID: cDID}
	c.ValidFrom = time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	b, _ := json.Marshal(c)
	tok, err := jose.SignCredential(b, community, cDID+"#"+cDID[len("did:key:"):])
	if err != nil {
		t.Fatal(err)
	}
	return dir, func(nonce string) string {
		vp, _ := json.Marshal(map[string]any{"@context": []any{vc.ContextV2}, "type": []any{"VerifiablePresentation"},
			"holder": hDID, "verifiableCredential": []any{jose.Envelope(tok)}, "iat": time.Now().Unix()})
		s, err := jose.SignPresentation(vp, holder, hDID+"#"+hDID[len("did:key:"):], cliDoorID, nonce)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
}

func TestDoorCheckCLI(t *testing.T) {
	dir, present := doorDir(t)
	file := filepath.Join(t.TempDir(), "vp.jwt")
	if err := os.WriteFile(file, []byte(present("file-1")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := doorCLI(t, "", "door", "check", "--dir", dir, "--id", cliDoorID, file)
	if code != exitOK {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	var o struct {
		Allow   bool              `json:"allow"`
		Holder  string            `json:"holder"`
		Reasons []json.RawMessage `json:"reasons"`
		Checks  []json.RawMessage `json:"checks"`
	}
	if err := json.Unmarshal([]byte(out), &o); err != nil || !o.Allow || !strings.HasPrefix(o.Holder, "did:key:") || len(o.Checks) == 0 {
		t.Fatalf("outcome %s (%v)", out, err)
	}

	// Stdin, one presentation a line: the second use of a challenge is refused.
	logPath := filepath.Join(t.TempDir(), "checkins.jsonl")
	vp := present("line-1")
	code, out, _ = doorCLI(t, vp+"\n\n"+vp+"\n", "door", "check", "--dir", dir, "--id", cliDoorID, "--log", logPath)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != exitFailure || len(lines) != 2 || !strings.Contains(lines[0], `"allow":true`) || !strings.Contains(lines[1], `"REPLAYED"`) {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	f, err := os.Open(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, err := door.ReadLog(f)
	if err != nil || len(entries) != 2 || entries[0].Decision != door.DecisionAllow || entries[1].Decision != door.DecisionDeny {
		t.Fatalf("log %+v %v", entries, err)
	}
}

func TestDoorCLIErrors(t *testing.T) {
	dir, _ := doorDir(t)
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no command", []string{"door"}, exitUsage},
		{"unknown command", []string{"door", "open"}, exitUsage},
		{"help", []string{"door", "--help"}, exitOK},
		{"check help", []string{"door", "check", "--help"}, exitOK},
		{"no dir", []string{"door", "check", "--id", cliDoorID}, exitUsage},
		{"no id", []string{"door", "check", "--dir", dir}, exitUsage},
		{"bad flag", []string{"door", "check", "--frobnicate"}, exitUsage},
		{"missing policy", []string{"door", "check", "--dir", t.TempDir(), "--id", cliDoorID}, exitFailure},
		{"missing file", []string{"door", "check", "--dir", dir, "--id", cliDoorID, filepath.Join(dir, "nope.jwt")}, exitFailure},
		{"garbage on stdin", []string{"door", "check", "--dir", dir, "--id", cliDoorID}, exitFailure},
		{"serve on a public address", []string{"door", "serve", "--dir", dir, "--id", cliDoorID, "--addr", "0.0.0.0:0"}, exitFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := doorCLI(t, "garbage\n", tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, out, errs)
			}
			if code == exitUsage && !strings.Contains(errs, "polity: error:") && !strings.Contains(errs, "Usage:") {
				t.Fatalf("no error message: %q", errs)
			}
		})
	}
}
