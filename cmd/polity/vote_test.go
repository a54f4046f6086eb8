package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
)

func voteRun(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = run(e, args)
	return code, out.String(), errb.String()
}

// voteKey writes a deterministic Ed25519 key file and returns its path and did:key.
func voteKey(t *testing.T, dir string, seed byte) (string, string) {
	t.Helper()
	k, err := did.NewPrivateKey(did.KeyEd25519, bytes.Repeat([]byte{seed}, 32))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "key-"+string(rune('a'+seed%26))+".jwk")
	if err := did.WriteKeyFile(path, k, true); err != nil {
		t.Fatal(err)
	}
	return path, key.New(k.Public())
}

func voteWrite(t *testing.T, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestVoteCLI drives ballot, tally, result, cosign and verify-result end to end.
func TestVoteCLI(t *testing.T) {
	dir := t.TempDir()
	opens := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	communityKey, community := voteKey(t, dir, 1)
	ck, _ := did.ReadKeyFile(communityKey)

	prop := map[string]any{
		"id": "https://hall.example/proposals/9", "title": "Buy a kettle", "class": "routine", "community": community,
		"options": []string{"yes", "no"}, "reject": "no",
		"opens": "2025-03-01T09:00:00Z", "closes": "2025-03-08T09:00:00Z",
	}
	pb, _ := json.Marshal(prop)
	propFile := voteWrite(t, filepath.Join(dir, "proposal.json"), pb)
	stewardsKeys := make([]string, 3)
	stewards := make([]string, 3)
	for i := range 3 {
		stewardsKeys[i], stewards[i] = voteKey(t, dir, byte(20+i))
	}
	gov := map[string]any{"community": community, "classes": map[string]any{"routine": map[string]any{
		"quorum": 2, "stewards": stewards, "stewardsRequired": 2,
		"eligibility": map[string]any{
			"types":   []string{"MembershipCredential"},
			"issuers": []map[string]any{{"did": community, "types": []string{"MembershipCredential"}}},
		},
	}}}
	gb, _ := json.Marshal(gov)
	govFile := voteWrite(t, filepath.Join(dir, "governance.json"), gb)

	ballots := filepath.Join(dir, "ballots")
	os.Mkdir(ballots, 0o700)
	for i, choice := range []string{"yes", "yes", "no"} {
		kf, member := voteKey(t, dir, byte(10+i))
		cred, err := vc.Issue(context.Background(), vc.NewMembership(vc.MembershipClaims{Member: member, Community: community}), ck, vc.IssueOptions{Created: opens.Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		credFile := voteWrite(t, filepath.Join(dir, "cred.json"), cred)
		code, out, errs := voteRun("", "vote", "ballot", "--key", kf, "--proposal", propFile, "--choice", choice, "--cast", "2025-03-02T10:00:00Z", credFile)
		if code != 0 {
			t.Fatalf("ballot: exit %d: %s", code, errs)
		}
		voteWrite(t, filepath.Join(ballots, string(rune('a'+i))+".json"), []byte(out))
	}
	// A non-member's ballot, with no credential, as a vp+jwt.
	kf, _ := voteKey(t, dir, 30)
	code, out, errs := voteRun("", "vote", "ballot", "--key", kf, "--proposal", propFile, "--choice", "no", "--cast", "2025-03-02T10:00:00Z", "--format", "jwt")
	if code != 0 || strings.Count(out, ".") != 2 {
		t.Fatalf("ballot: exit %d: %s %s", code, out, errs)
	}
	voteWrite(t, filepath.Join(ballots, "z.jwt"), []byte(out))
	if code, _, _ := voteRun("", "vote", "ballot", "--key", kf, "--proposal", propFile, "--choice", "no", "--format", "cbor"); code != exitUsage {
		t.Fatalf("unknown format: exit %d", code)
	}

	code, out, errs = voteRun("", "vote", "tally", "--proposal", propFile, "--ballots", ballots, "--config", govFile, "--now", "2025-04-01T00:00:00Z")
	if code != 0 {
		t.Fatalf("tally: exit %d: %s", code, errs)
	}
	var rep struct {
		Outcome  struct{ Decision, Winner string }
		Turnout  int
		Rejected []struct{ Source, Code string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Outcome.Decision != "approved" || rep.Outcome.Winner != "yes" || rep.Turnout != 3 ||
		len(rep.Rejected) != 1 || rep.Rejected[0].Source != "z.jwt" || rep.Rejected[0].Code != "INELIGIBLE" {
		t.Fatalf("tally: %s", out)
	}

	code, out, errs = voteRun("", "vote", "result", "--key", communityKey, "--proposal", propFile, "--ballots", ballots,
		"--config", govFile, "--now", "2025-04-01T00:00:00Z", "--created", "2025-04-01T00:00:00Z")
	if code != 0 {
		t.Fatalf("result: exit %d: %s", code, errs)
	}
	result := voteWrite(t, filepath.Join(dir, "result.json"), []byte(out))
	list := strings.Join(stewards, ",")
	if code, _, _ := voteRun("", "vote", "verify-result", "--stewards", list, "--m", "2", result); code != exitFailure {
		t.Fatalf("verify-result without steward proofs: exit %d", code)
	}
	code, out, errs = voteRun("", "vote", "cosign", "--key", stewardsKeys[0], result)
	if code != 0 {
		t.Fatalf("cosign: exit %d: %s", code, errs)
	}
	code, out, errs = voteRun(out, "vote", "cosign", "--key", stewardsKeys[2], "-")
	if code != 0 {
		t.Fatalf("cosign: exit %d: %s", code, errs)
	}
	result = voteWrite(t, filepath.Join(dir, "result2.json"), []byte(out))
	stewardFile := voteWrite(t, filepath.Join(dir, "stewards.txt"), []byte("# stewards\n"+strings.Join(stewards, "\n")+"\n"))
	code, out, errs = voteRun("", "vote", "verify-result", "--stewards", "@"+stewardFile, "--m", "2", result)
	if code != 0 {
		t.Fatalf("verify-result: exit %d: %s\n%s", code, errs, out)
	}
	if !strings.Contains(out, `"verified": true`) {
		t.Fatalf("verify-result: %s", out)
	}
}

// TestVoteCLIUsage checks the usage errors.
func TestVoteCLIUsage(t *testing.T) {
	for _, args := range [][]string{
		{"vote"},
		{"vote", "nope"},
		{"vote", "tally"},
		{"vote", "tally", "--proposal", "p.json"},
		{"vote", "ballot", "--key", "k", "--proposal", "p", "--choice", "a", "--votes", "a=1"},
		{"vote", "ballot", "--key", "k", "--proposal", "p", "--votes", "a=x"},
		{"vote", "cosign", "--key", "k"},
		{"vote", "verify-result", "--m", "2", "r.json"},
		{"vote", "tally", "--bogus"},
	} {
		if code, _, _ := voteRun("", args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
	if code, out, _ := voteRun("", "vote", "--help"); code != 0 || !strings.Contains(out, "verify-result") {
		t.Errorf("help: exit %d", code)
	}
	if code, _, errs := voteRun("", "vote", "tally", "--proposal", "/nonexistent.json", "--ballots", "x"); code != exitFailure || !strings.Contains(errs, "polity: error:") {
		t.Errorf("missing proposal: exit %d: %s", code, errs)
	}
}
