package vcapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/dataintegrity"
	"github.com/polity-id/polity/vc/jose"
)

const testToken = "s3cret-token-for-tests-0123456789"

func testKey(t testing.TB, seed byte) (*did.PrivateKey, string) {
	t.Helper()
	k, err := did.NewPrivateKey(did.KeyEd25519, bytes.Repeat([]byte{seed}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k, key.New(k.Public())
}

func newTestServer(t testing.TB, cfg Config) (*httptest.Server, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	cfg.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts, &logs
}

type response struct {
	status int
	body   map[string]json.RawMessage
	raw    []byte
}

func post(t testing.TB, ts *httptest.Server, path, token string, body any) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(body)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(http.MethodPost, ts.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, raw: raw}
	json.Unmarshal(raw, &r.body)
	return r
}

func errorCodes(r response) []string {
	var errs []struct{ Code string }
	json.Unmarshal(r.body["errors"], &errs)
	var out []string
	for _, e := range errs {
		out = append(out, e.Code)
	}
	return out
}

var membership = func(subject, community string) []byte {
	c := vc.NewMembership(vc.MembershipClaims{Member: subject, Community: community, Role: "member"})
	b, _ := c.MarshalJSON()
	return b
}

// TestIssueAndVerify issues through the API and verifies the result, then a tampered
// copy.
func TestIssueAndVerify(t *testing.T) {
	k, issuer := testKey(t, 1)
	_, member := testKey(t, 2)
	ts, logs := newTestServer(t, Config{Key: k, Token: []byte(testToken)})
	req := map[string]any{"credential": json.RawMessage(membership(member, issuer)), "options": map[string]any{}}

	for _, tok := range []string{"", "wrong-token-wrong-token-wrong"} {
		if r := post(t, ts, "/credentials/issue", tok, req); r.status != http.StatusUnauthorized {
			t.Fatalf("token %q: status %d, want 401", tok, r.status)
		}
	}
	r := post(t, ts, "/credentials/issue", testToken, req)
	if r.status != http.StatusCreated {
		t.Fatalf("issue: status %d: %s", r.status, r.raw)
	}
	signed := r.body["verifiableCredential"]
	r = post(t, ts, "/credentials/verify", "", map[string]any{"verifiableCredential": signed})
	if r.status != http.StatusOK || string(r.body["verified"]) != "true" {
		t.Fatalf("verify: status %d: %s", r.status, r.raw)
	}
	if !strings.Contains(string(r.body["checks"]), `"proof"`) {
		t.Errorf("checks = %s", r.body["checks"])
	}
	tampered := bytes.Replace(signed, []byte(`"role":"member"`), []byte(`"role":"steward"`), 1)
	r = post(t, ts, "/credentials/verify", "", map[string]any{"verifiableCredential": json.RawMessage(tampered)})
	if r.status != http.StatusBadRequest || !strings.Contains(strings.Join(errorCodes(r), ","), "INVALID_SIGNATURE") {
		t.Fatalf("tampered: status %d: %s", r.status, r.raw)
	}
	// The issuer of the credential must be the server's.
	_, other := testKey(t, 3)
	r = post(t, ts, "/credentials/issue", testToken, map[string]any{"credential": json.RawMessage(membershipWithIssuer(member, issuer, other))})
	if r.status != http.StatusBadRequest {
		t.Fatalf("foreign issuer: status %d: %s", r.status, r.raw)
	}
	if strings.Contains(logs.String(), testToken) || strings.Contains(logs.String(), "Bearer") {
		t.Error("the log contains the token")
	}
	if !strings.Contains(logs.String(), `"path":"/credentials/issue"`) {
		t.Errorf("no request log: %s", logs)
	}
}

func membershipWithIssuer(subject, community, issuer string) []byte {
	var m map[string]any
	json.Unmarshal(membership(subject, community), &m)
	m["issuer"] = issuer
	b, _ := json.Marshal(m)
	return b
}

// TestVerifyW3CVector verifies the vc-di-eddsa example credential: the proof verifies,
// but its issuer is not the signing key's DID.
func TestVerifyW3CVector(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "vote", "di-eddsa", "signedDataInt.json"))
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"verifiableCredential": json.RawMessage(raw), "options": map[string]any{"checks": []string{"proof"}}}
	full, _ := newTestServer(t, Config{})
	if r := post(t, full, "/credentials/verify", "", body); r.status != http.StatusBadRequest || !strings.Contains(string(r.raw), "KEY_NOT_AUTHORIZED") {
		t.Fatalf("full verification: status %d: %s", r.status, r.raw)
	}
	proofOnly, _ := newTestServer(t, Config{Verifier: vc.NewVerifier(vc.VerifierConfig{ProofOnly: true})})
	r := post(t, proofOnly, "/credentials/verify", "", body)
	if r.status != http.StatusOK || !strings.Contains(string(r.body["warnings"]), "checks") {
		t.Fatalf("proof-only: status %d: %s", r.status, r.raw)
	}
	tampered := bytes.Replace(raw, []byte("The School of Examples"), []byte("The School of Exemplars"), 1)
	body["verifiableCredential"] = json.RawMessage(tampered)
	if r := post(t, proofOnly, "/credentials/verify", "", body); r.status != http.StatusBadRequest || errorCodes(r)[0] != "INVALID_SIGNATURE" {
		t.Fatalf("tampered: status %d: %s", r.status, r.raw)
	}
}

// TestVerifyPresentation checks holder binding with a challenge from /challenges, used
// once.
func TestVerifyPresentation(t *testing.T) {
	ctx := context.Background()
	ik, issuer := testKey(t, 1)
	hk, holder := testKey(t, 2)
	cred, err := vc.Issue(ctx, membership(holder, issuer), ik, vc.IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ts, _ := newTestServer(t, Config{})
	r := post(t, ts, "/challenges", "", "")
	var challenge string
	json.Unmarshal(r.body["challenge"], &challenge)
	if r.status != http.StatusOK || len(challenge) < 16 {
		t.Fatalf("challenge: status %d: %s", r.status, r.raw)
	}
	vp, _ := json.Marshal(map[string]any{
		"@context": []string{vc.ContextV2}, "type": []string{vc.TypePresentation}, "holder": holder,
		"verifiableCredential": []json.RawMessage{cred},
	})
	vm := holder + "#" + strings.TrimPrefix(holder, "did:key:")
	signed, err := dataintegrity.AddProof(ctx, vp, hk, dataintegrity.Options{VerificationMethod: vm, ProofPurpose: "authentication", Challenge: challenge, Domain: "door.example"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"verifiablePresentation": json.RawMessage(signed), "options": map[string]string{"challenge": challenge, "domain": "door.example"}}
	r = post(t, ts, "/presentations/verify", "", body)
	if r.status != http.StatusOK || string(r.body["verified"]) != "true" || !strings.Contains(string(r.body["credentialResults"]), `"verified":true`) {
		t.Fatalf("verify: status %d: %s", r.status, r.raw)
	}
	// The challenge is used up.
	if r = post(t, ts, "/presentations/verify", "", body); r.status != http.StatusBadRequest || errorCodes(r)[0] != CodeInvalidChallenge {
		t.Fatalf("replay: status %d: %s", r.status, r.raw)
	}
	// A fresh challenge that the proof does not carry.
	r = post(t, ts, "/challenges", "", "{}")
	json.Unmarshal(r.body["challenge"], &challenge)
	body["options"] = map[string]string{"challenge": challenge, "domain": "door.example"}
	if r = post(t, ts, "/presentations/verify", "", body); r.status != http.StatusBadRequest || errorCodes(r)[0] != vc.Code(vc.ErrChallengeMismatch) {
		t.Fatalf("wrong challenge: status %d: %s", r.status, r.raw)
	}
}

// TestCallerChallenge checks challenges the caller chose (VC-API options.challenge):
// they are checked against the holder's proof, while the server's own challenges
// are refused once used or expired.
func TestCallerChallenge(t *testing.T) {
	ctx := context.Background()
	ik, issuer := testKey(t, 1)
	hk, holder := testKey(t, 2)
	cred, err := vc.Issue(ctx, membership(holder, issuer), ik, vc.IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ts, _ := newTestServer(t, Config{ChallengeTTL: time.Minute, Now: func() time.Time { return now }})
	sign := func(challenge string) json.RawMessage {
		t.Helper()
		vp, _ := json.Marshal(map[string]any{
			"@context": []string{vc.ContextV2}, "type": []string{vc.TypePresentation}, "holder": holder,
			"verifiableCredential": []json.RawMessage{cred},
		})
		vm := holder + "#" + strings.TrimPrefix(holder, "did:key:")
		signed, err := dataintegrity.AddProof(ctx, vp, hk, dataintegrity.Options{VerificationMethod: vm, ProofPurpose: "authentication", Challenge: challenge, Domain: "door.example"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return signed
	}
	verify := func(vp json.RawMessage, challenge string) response {
		t.Helper()
		return post(t, ts, "/presentations/verify", "", map[string]any{"verifiablePresentation": vp,
			"options": map[string]string{"challenge": challenge, "domain": "door.example"}})
	}

	// A challenge the caller chose and gave the holder.
	callerVP := sign("caller-nonce-7f3a")
	if r := verify(callerVP, "caller-nonce-7f3a"); r.status != http.StatusOK || string(r.body["verified"]) != "true" {
		t.Fatalf("caller challenge: status %d: %s", r.status, r.raw)
	}
	// The verifier remembers accepted presentations: the same one is refused.
	if r := verify(callerVP, "caller-nonce-7f3a"); r.status != http.StatusBadRequest || !slices.Contains(errorCodes(r), vc.Code(vc.ErrReplay)) {
		t.Fatalf("caller challenge replayed: status %d: %s", r.status, r.raw)
	}
	// The caller's challenge must be the one the holder signed.
	if r := verify(callerVP, "caller-nonce-other"); r.status != http.StatusBadRequest || slices.Contains(errorCodes(r), CodeInvalidChallenge) || string(r.body["verified"]) != "false" {
		t.Fatalf("caller challenge mismatch: status %d: %s", r.status, r.raw)
	}

	// A server challenge with a changed character has the server's form without
	// its tag: it is refused, not taken for the caller's.
	r := post(t, ts, "/challenges", "", "")
	var issued string
	json.Unmarshal(r.body["challenge"], &issued)
	serverVP := sign(issued)
	forged := []byte(issued)
	if forged[3] == 'A' { // another base64url letter, so the form stays the server's
		forged[3] = 'B'
	} else {
		forged[3] = 'A'
	}
	if r := verify(sign(string(forged)), string(forged)); r.status != http.StatusBadRequest || errorCodes(r)[0] != CodeInvalidChallenge {
		t.Fatalf("altered server challenge: status %d: %s", r.status, r.raw)
	}
	// A presentation whose holder proof fails does not use the challenge up.
	if r := verify(sign("another"), issued); r.status != http.StatusBadRequest || slices.Contains(errorCodes(r), CodeInvalidChallenge) {
		t.Fatalf("wrong presentation for a server challenge: status %d: %s", r.status, r.raw)
	}
	if r := verify(serverVP, issued); r.status != http.StatusOK {
		t.Fatalf("server challenge: status %d: %s", r.status, r.raw)
	}
	if r := verify(serverVP, issued); r.status != http.StatusBadRequest || errorCodes(r)[0] != CodeInvalidChallenge {
		t.Fatalf("server challenge reused: status %d: %s", r.status, r.raw)
	}

	// An expired server challenge is refused before verification.
	r = post(t, ts, "/challenges", "", "")
	json.Unmarshal(r.body["challenge"], &issued)
	late := sign(issued)
	now = now.Add(2 * time.Minute)
	if r := verify(late, issued); r.status != http.StatusBadRequest || errorCodes(r)[0] != CodeInvalidChallenge {
		t.Fatalf("expired server challenge: status %d: %s", r.status, r.raw)
	}
}

// TestRequests checks request handling, one row per bad request.
func TestRequests(t *testing.T) {
	k, _ := testKey(t, 1)
	ts, _ := newTestServer(t, Config{Key: k, Token: []byte(testToken), MaxBodyBytes: 4096})
	verifyOnly, _ := newTestServer(t, Config{})
	tests := []struct {
		name   string
		ts     *httptest.Server
		path   string
		token  string
		body   any
		status int
		code   string
	}{
		{"not-json", ts, "/credentials/verify", "", "{", 400, CodeBadRequest},
		{"duplicate-member", ts, "/credentials/verify", "", `{"verifiableCredential":{},"verifiableCredential":{}}`, 400, CodeBadRequest},
		{"unknown-member", ts, "/credentials/verify", "", `{"credential":{}}`, 400, CodeBadRequest},
		{"too-large", ts, "/credentials/verify", "", `{"verifiableCredential":"` + strings.Repeat("a", 5000) + `"}`, 413, CodeTooLarge},
		{"number-credential", ts, "/credentials/verify", "", `{"verifiableCredential":5}`, 400, "MALFORMED"},
		{"bad-options", ts, "/credentials/verify", "", `{"verifiableCredential":{},"options":[]}`, 400, CodeBadRequest},
		{"empty-credential", ts, "/credentials/verify", "", `{"verifiableCredential":{}}`, 400, "MALFORMED"},
		{"no-challenge", ts, "/presentations/verify", "", `{"verifiablePresentation":{}}`, 400, CodeInvalidChallenge},
		{"caller-challenge-empty-presentation", ts, "/presentations/verify", "", `{"verifiablePresentation":{},"options":{"challenge":"abc"}}`, 400, "MALFORMED"},
		{"number-presentation", ts, "/presentations/verify", "", `{"verifiablePresentation":5,"options":{"challenge":"abc"}}`, 400, CodeBadRequest},
		{"empty-string-presentation", ts, "/presentations/verify", "", `{"verifiablePresentation":"","options":{"challenge":"abc"}}`, 400, CodeBadRequest},
		{"issue-not-object", ts, "/credentials/issue", testToken, `{"credential":"x"}`, 400, CodeBadRequest},
		{"issue-disabled", verifyOnly, "/credentials/issue", testToken, `{"credential":{}}`, 404, CodeIssuingDisabled},
		{"challenge-with-junk", ts, "/challenges", "", `{"x":1}`, 400, CodeBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, tc.ts, tc.path, tc.token, tc.body)
			if r.status != tc.status || len(errorCodes(r)) == 0 || errorCodes(r)[0] != tc.code {
				t.Fatalf("status %d: %s, want %d %s", r.status, r.raw, tc.status, tc.code)
			}
		})
	}
	resp, err := ts.Client().Get(ts.URL + "/credentials/verify")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d", resp.StatusCode)
	}
}

// TestChallengeCap checks that outstanding challenges are capped.
func TestChallengeCap(t *testing.T) {
	ts, _ := newTestServer(t, Config{MaxChallenges: 2})
	for i, want := range []int{200, 200, 429} {
		if r := post(t, ts, "/challenges", "", ""); r.status != want {
			t.Fatalf("challenge %d: status %d, want %d", i, r.status, want)
		}
	}
}

// TestNewConfig checks the configurations New refuses.
func TestNewConfig(t *testing.T) {
	k, _ := testKey(t, 1)
	for name, cfg := range map[string]Config{
		"key-without-token": {Key: k},
		"token-without-key": {Token: []byte(testToken)},
		"short-token":       {Key: k, Token: []byte("short")},
	} {
		if _, err := New(cfg); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: err = %v, want ErrConfig", name, err)
		}
	}
}

// TestServeShutdown serves on loopback, cancels the context, and checks that Serve
// returns and leaves no goroutine behind.
func TestServeShutdown(t *testing.T) {
	before := runtime.NumGoroutine()
	s, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()

	tr := &http.Transport{}
	client := &http.Client{Transport: tr}
	for range 3 {
		resp, err := client.Post("http://"+ln.Addr().String()+"/challenges", "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	cancel()
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	tr.CloseIdleConnections()
	if _, err := client.Post("http://"+ln.Addr().String()+"/challenges", "application/json", nil); err == nil {
		t.Error("the server still answers after shutdown")
	}
	tr.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines after shutdown, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

// TestVerifyJWTPresentation verifies a vp+jwt presentation given as a string and as
// an EnvelopedVerifiablePresentation.
func TestVerifyJWTPresentation(t *testing.T) {
	ctx := context.Background()
	ik, issuer := testKey(t, 1)
	hk, holder := testKey(t, 2)
	tok, err := jose.SignCredential(membershipWithIssuer(holder, issuer, issuer), ik, issuer+"#"+strings.TrimPrefix(issuer, "did:key:"))
	if err != nil {
		t.Fatal(err)
	}
	cred := []byte(tok)
	ts, _ := newTestServer(t, Config{})
	for _, form := range []string{"string", "enveloped"} {
		t.Run(form, func(t *testing.T) {
			r := post(t, ts, "/challenges", "", "")
			var challenge string
			json.Unmarshal(r.body["challenge"], &challenge)
			vp, err := vc.Present(ctx, [][]byte{cred}, hk, vc.PresentOptions{Format: vc.FormatVPJWT, Challenge: challenge, Domain: "door.example"})
			if err != nil {
				t.Fatal(err)
			}
			var member any = string(vp)
			if form == "enveloped" {
				member = map[string]any{"@context": []string{vc.ContextV2}, "type": "EnvelopedVerifiablePresentation",
					"id": "data:application/vp+jwt," + string(vp)}
			}
			body := map[string]any{"verifiablePresentation": member, "options": map[string]string{"challenge": challenge, "domain": "door.example"}}
			if r := post(t, ts, "/presentations/verify", "", body); r.status != http.StatusOK || string(r.body["verified"]) != "true" {
				t.Fatalf("status %d: %s", r.status, r.raw)
			}
			if r := post(t, ts, "/presentations/verify", "", body); r.status != http.StatusBadRequest || errorCodes(r)[0] != CodeInvalidChallenge {
				t.Fatalf("reused challenge: status %d: %s", r.status, r.raw)
			}
		})
	}
}

// TestChallengeAfterRestart checks that a challenge issued by an earlier server
// (another key) is refused rather than taken for the caller's, whose replay
// memory a restart would have lost.
func TestChallengeAfterRestart(t *testing.T) {
	ctx := context.Background()
	ik, issuer := testKey(t, 1)
	hk, holder := testKey(t, 2)
	cred, err := vc.Issue(ctx, membership(holder, issuer), ik, vc.IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := newTestServer(t, Config{})
	var issued string
	json.Unmarshal(post(t, before, "/challenges", "", "").body["challenge"], &issued)
	vp, _ := json.Marshal(map[string]any{
		"@context": []string{vc.ContextV2}, "type": []string{vc.TypePresentation}, "holder": holder,
		"verifiableCredential": []json.RawMessage{cred},
	})
	vm := holder + "#" + strings.TrimPrefix(holder, "did:key:")
	signed, err := dataintegrity.AddProof(ctx, vp, hk, dataintegrity.Options{VerificationMethod: vm, ProofPurpose: "authentication", Challenge: issued}, nil)
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"verifiablePresentation": json.RawMessage(signed), "options": map[string]string{"challenge": issued}}
	if r := post(t, before, "/presentations/verify", "", body); r.status != http.StatusOK {
		t.Fatalf("before the restart: status %d: %s", r.status, r.raw)
	}
	after, _ := newTestServer(t, Config{})
	if r := post(t, after, "/presentations/verify", "", body); r.status != http.StatusBadRequest || errorCodes(r)[0] != CodeInvalidChallenge {
		t.Fatalf("after the restart: status %d: %s", r.status, r.raw)
	}
}
