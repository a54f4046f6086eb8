package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/sdjwt"
)

// TestWalletPresent imports a holder key file and two credentials issued to
// it, then signs presentations from the CLI that the Go verifier accepts.
func TestWalletPresent(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	issuer, _ := did.GenerateKey(did.KeyEd25519)
	holder, _ := did.GenerateKey(did.KeyEd25519)
	issuerDID, holderDID := key.New(issuer.Public()), key.New(holder.Public())
	keyFile := filepath.Join(dir, "holder.jwk")
	if err := did.WriteKeyFile(keyFile, holder, false); err != nil {
		t.Fatal(err)
	}
	di, err := vc.Issue(ctx, fmt.Appendf(nil, `{"@context":["https://www.w3.org/ns/credentials/v2"],`+
		`"type":["VerifiableCredential"],"credentialSubject":{"id":%q}}`, holderDID), issuer, vc.IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sd, err := sdjwt.Issue(fmt.Appendf(nil, `{"iss":%q,"vct":"https://polity.id/vct/member","iat":1700000000,"given_name":"Ada","role":"member"}`, issuerDID),
		issuer, &sdjwt.IssueOptions{Disclose: []string{"given_name", "role"}, Kid: issuerDID + "#" + strings.TrimPrefix(issuerDID, "did:key:"), HolderKey: holder.Public()})
	if err != nil {
		t.Fatal(err)
	}
	diFile, sdFile := filepath.Join(dir, "di.json"), filepath.Join(dir, "member.sdjwt")
	os.WriteFile(diFile, di, 0o600)
	os.WriteFile(sdFile, []byte(sd), 0o600)

	vars := map[string]string{"POLITY_WALLET": filepath.Join(dir, "w.db"), "POLITY_PASSPHRASE": "pw"}
	ok := func(args ...string) string {
		t.Helper()
		code, out, errs := walletCLI(t, vars, args...)
		if code != exitOK {
			t.Fatalf("wallet %v: exit %d\n%s", args, code, errs)
		}
		return strings.TrimSpace(out)
	}
	ok("init", "--kdf-time", "1", "--kdf-memory", "64", "--kdf-threads", "1")
	keyID, gotDID, _ := strings.Cut(ok("import", keyFile, "--label", "me"), "\t")
	if gotDID != holderDID {
		t.Fatalf("import key: DID %q, want %q", gotDID, holderDID)
	}
	if keys := ok("list", "--keys"); !strings.HasPrefix(keys, keyID+"\tOKP/Ed25519\t"+holderDID+"\tme") {
		t.Fatalf("list --keys: %q", keys)
	}
	diID := ok("add", diFile)
	ok("add", sdFile)

	v := vc.NewVerifier(vc.VerifierConfig{})
	vp := ok("present", "--key", keyID, "--challenge", "c-di", "--domain", "https://door.example", diID)
	if _, err := v.VerifyPresentation(ctx, []byte(vp), vc.PresentationOptions{Challenge: "c-di", Domain: "https://door.example"}); err != nil {
		t.Fatalf("DI presentation from the CLI: %v", err)
	}

	dcql := filepath.Join(dir, "dcql.json")
	os.WriteFile(dcql, []byte(`{"credentials":[{"id":"m","format":"dc+sd-jwt","meta":{"vct_values":["https://polity.id/vct/member"]},
		"claims":[{"path":["role"]}]}]}`), 0o600)
	vp = ok("present", "--key", keyID, "--challenge", "c-sd", "--domain", "https://door.example", "--format", "sd-jwt", "--query", dcql)
	if n := strings.Count(vp, "~"); n != 2 {
		t.Fatalf("SD-JWT presentation discloses %d claims, want 1: %s", n-1, vp)
	}
	if _, err := v.VerifyPresentation(ctx, []byte(vp), vc.PresentationOptions{Challenge: "c-sd", Domain: "https://door.example"}); err != nil {
		t.Fatalf("SD-JWT presentation from the CLI: %v", err)
	}

	// A PE definition that limits disclosure, answered as vp+jwt, with the submission.
	pe, sub := filepath.Join(dir, "pe.json"), filepath.Join(dir, "submission.json")
	os.WriteFile(pe, []byte(`{"id":"door","input_descriptors":[{"id":"member","format":{"dc+sd-jwt":{}},
		"constraints":{"limit_disclosure":"required","fields":[{"path":["$.role"],"filter":{"const":"member"}}]}}]}`), 0o600)
	vp = ok("present", "--key", keyID, "--challenge", "c-pe", "--format", "jwt", "--query", pe, "--submission", sub)
	res, err := v.VerifyPresentation(ctx, []byte(vp), vc.PresentationOptions{Challenge: "c-pe"})
	if err != nil || len(res.Credentials) != 1 {
		t.Fatalf("vp+jwt presentation from the CLI: %v", err)
	}
	if b, _ := os.ReadFile(sub); !strings.Contains(string(b), `"definition_id": "door"`) || !strings.Contains(string(b), `"$.verifiableCredential[0]"`) {
		t.Fatalf("submission: %s", b)
	}
	if code, _, errs := walletCLI(t, vars, "present", "--key", keyID, "--challenge", "c", "--query", dcql, "--submission", sub); code != exitUsage {
		t.Fatalf("--submission with DCQL: exit %d %s", code, errs)
	}
}
