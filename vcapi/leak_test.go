package vcapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vcapi"
)

// signedCredential returns a membership credential signed by a fixed did:key issuer.
func signedCredential(tb testing.TB) []byte {
	tb.Helper()
	k, err := did.NewPrivateKey(did.KeyEd25519, bytes.Repeat([]byte{0x21}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	issuer := key.New(k.Public())
	c := vc.NewMembership(vc.MembershipClaims{Member: "did:example:member", Community: issuer, Role: "member"})
	c.Issuer = vc.Node{ID: issuer}
	created := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	out, err := vc.Issue(context.Background(), c, k, vc.IssueOptions{Created: created})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// startServer serves a verify-only server on a loopback port until the returned stop
// function is called; stop returns Serve's error.
func startServer(tb testing.TB, cfg vcapi.Config) (addr string, stop func() error) {
	tb.Helper()
	cfg.Logger = slog.New(slog.DiscardHandler)
	s, err := vcapi.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()
	return ln.Addr().String(), func() error { cancel(); return <-served }
}

func verifyBody(cred []byte) []byte {
	b, _ := json.Marshal(map[string]json.RawMessage{"verifiableCredential": cred})
	return b
}

// TestServeNoLeak serves ordinary, concurrent, aborted and stalled requests, shuts
// the server down while a client is still stalled in its body, and checks that the
// goroutine count returns to its baseline.
func TestServeNoLeak(t *testing.T) {
	body := verifyBody(signedCredential(t))
	base := runtime.NumGoroutine()
	addr, stop := startServer(t, vcapi.Config{ReadTimeout: time.Second, ShutdownTimeout: time.Second})
	tr := &http.Transport{}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	post := func() error {
		resp, err := client.Post("http://"+addr+"/credentials/verify", "application/json", bytes.NewReader(body))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		return nil
	}

	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for range 32 {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- post() }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}

	dial := func(s string) net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, s)
		return c
	}
	// Aborted: a body cut short, headers cut short, a caller that gives up in flight.
	for _, s := range []string{
		"POST /credentials/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{\"verifiableCredential\":",
		"POST /credentials/verify HTTP/1.1\r\nHost: x\r\nX-Slow: ",
	} {
		c := dial(s)
		time.Sleep(20 * time.Millisecond)
		c.Close()
	}
	rctx, rcancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(rctx, http.MethodPost, "http://"+addr+"/credentials/verify",
		io.MultiReader(bytes.NewReader(body[:20]), blockReader{rctx}))
	go func() { time.Sleep(50 * time.Millisecond); rcancel() }()
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
	}
	// Stalled across the shutdown: the server's read timeout and shutdown timeout
	// must end this connection without the client's help.
	stalled := dial("POST /credentials/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{")
	defer stalled.Close()
	if err := post(); err != nil { // leaves an idle keep-alive connection
		t.Fatal(err)
	}

	// The stalled client may outlast the shutdown timeout; Serve then closes its
	// connection and reports the timeout.
	if err := stop(); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Serve: %v", err)
	}
	tr.CloseIdleConnections()
	waitGoroutines(t, base)
}

type blockReader struct{ ctx context.Context }

func (r blockReader) Read([]byte) (int, error) {
	<-r.ctx.Done()
	return 0, r.ctx.Err()
}

// waitGoroutines polls until the goroutine count is back to at most base; the bound
// only keeps a real leak from hanging the test.
func waitGoroutines(t *testing.T, base int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines after shutdown, %d before:\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}
