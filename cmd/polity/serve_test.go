package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a bytes.Buffer safe for the server's concurrent log writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeCLI starts "polity serve" on a loopback port, issues and verifies a
// credential over HTTP, and stops it by cancelling its context.
func TestServeCLI(t *testing.T) {
	dir := t.TempDir()
	keyFile, issuer := voteKey(t, dir, 1)
	token := "a-token-of-sufficient-length-42"
	tokenFile := voteWrite(t, filepath.Join(dir, "token.txt"), []byte(token+"\n"))

	var logs syncBuffer
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &logs, getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- serveMain(ctx, e, []string{"--addr", "127.0.0.1:0", "--key", keyFile, "--token-file", tokenFile}, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("serve exited with %d: %s", code, logs.String())
	}
	cred := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"credentialSubject":{"id":"did:example:ana"}}`
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/credentials/issue", strings.NewReader(`{"credential":`+cred+`}`))
	req.Header.Set("Authorization", "Bearer "+token)
	client := &http.Client{Transport: &http.Transport{}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ VerifiableCredential json.RawMessage }
	json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || !strings.Contains(string(out.VerifiableCredential), issuer) {
		t.Fatalf("issue: status %d: %s", resp.StatusCode, out.VerifiableCredential)
	}
	body, _ := json.Marshal(map[string]any{"verifiableCredential": out.VerifiableCredential})
	resp, err = client.Post("http://"+addr+"/credentials/verify", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("verify: status %d", resp.StatusCode)
	}
	client.CloseIdleConnections()
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("serve exit %d: %s", code, logs.String())
	}
	if strings.Contains(logs.String(), token) {
		t.Error("the log contains the token")
	}
	if !strings.Contains(logs.String(), `"msg":"stopped"`) {
		t.Errorf("no shutdown log: %s", logs.String())
	}
}

// TestServeCLIUsage checks flag errors.
func TestServeCLIUsage(t *testing.T) {
	dir := t.TempDir()
	keyFile, _ := voteKey(t, dir, 1)
	short := voteWrite(t, filepath.Join(dir, "short.txt"), []byte("short"))
	for _, args := range [][]string{
		{"serve", "extra"},
		{"serve", "--key", keyFile},
		{"serve", "--token-file", short},
		{"serve", "--key", keyFile, "--token-file", short},
		{"serve", "--bogus"},
	} {
		if code, _, _ := voteRun("", args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
	if _, err := os.Stat(short); err != nil {
		t.Fatal(err)
	}
}
