package door

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
)

func getChallenge(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	resp, err := c.Get(base + "/challenge")
	must(t, err)
	defer resp.Body.Close()
	var ch struct{ Challenge, Domain, Expires string }
	must(t, json.NewDecoder(resp.Body).Decode(&ch))
	if resp.StatusCode != 200 || ch.Domain != doorID || ch.Challenge == "" || ch.Expires == "" {
		t.Fatalf("challenge %d %+v", resp.StatusCode, ch)
	}
	return ch.Challenge
}

func postCheck(t *testing.T, c *http.Client, base string, body []byte) (int, *Outcome) {
	t.Helper()
	resp, err := c.Post(base+"/check", "application/jwt", bytes.NewReader(body))
	must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var o Outcome
	if resp.StatusCode == 200 {
		must(t, json.Unmarshal(b, &o))
	}
	return resp.StatusCode, &o
}

func TestHTTP(t *testing.T) {
	w := newWorld(t)
	d := w.open(t, &Config{RequireIssuedChallenge: true, MaxPresentationBytes: 8 << 10})
	srv := httptest.NewServer(d.Handler()) // listens on 127.0.0.1
	defer srv.Close()
	c := srv.Client()
	cred := w.issue(t, w.aliceDID, w.defaults(w.aliceDID))

	vp := present(t, w.alice, w.aliceDID, doorID, getChallenge(t, c, srv.URL), cred)
	if code, o := postCheck(t, c, srv.URL, vp); code != 200 || !o.Allow || o.Holder != w.aliceDID {
		t.Fatalf("check %d %+v", code, o)
	}
	if code, o := postCheck(t, c, srv.URL, vp); code != 200 || o.Allow || o.Reasons[0].Code != "REPLAYED" {
		t.Fatalf("replay %d %+v", code, o)
	}
	if code, _ := postCheck(t, c, srv.URL, bytes.Repeat([]byte("x"), 9<<10)); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversize: %d", code)
	}
	resp, err := c.Get(srv.URL + "/check")
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET /check: %d", resp.StatusCode)
	}
}

func TestServeShutdownLeavesNoGoroutines(t *testing.T) {
	w := newWorld(t)
	d := w.open(t, &Config{RequireIssuedChallenge: true})
	before := runtime.NumGoroutine()

	ln, err := Listen("127.0.0.1:0", false)
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	tr := &http.Transport{}
	c := &http.Client{Transport: tr}
	vp := present(t, w.alice, w.aliceDID, doorID, getChallenge(t, c, base), w.issue(t, w.aliceDID, w.defaults(w.aliceDID)))
	if code, o := postCheck(t, c, base, vp); code != 200 || !o.Allow {
		t.Fatalf("check %d %+v", code, o)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	tr.CloseIdleConnections()
	// Goroutines end asynchronously after shutdown; wait for them (this is a
	// leak check, not a timing assertion).
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines after shutdown, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

func TestListenLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "192.0.2.1:8787", ":8787", "example.org:80"} {
		if _, err := Listen(addr, false); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: %v", addr, err)
		}
	}
	ln, err := Listen("[::1]:0", false)
	if err == nil {
		ln.Close()
	} else if !strings.Contains(err.Error(), "assign") && !strings.Contains(err.Error(), "unavailable") {
		t.Logf("IPv6 loopback unavailable: %v", err)
	}
}

// TestServeClosesStalledConnections checks that a client still sending its body
// when the shutdown wait ends is disconnected rather than left open.
func TestServeClosesStalledConnections(t *testing.T) {
	saved := shutdownTimeout
	shutdownTimeout = 50 * time.Millisecond
	defer func() { shutdownTimeout = saved }()
	w := newWorld(t)
	d := w.open(t, nil)
	ln, err := Listen("127.0.0.1:0", false)
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Serve(ctx, ln) }()

	c, err := net.Dial("tcp", ln.Addr().String())
	must(t, err)
	defer c.Close()
	_, err = io.WriteString(c, "POST /check HTTP/1.1\r\nHost: door\r\nContent-Length: 1000\r\n\r\n{\"@context\":")
	must(t, err)
	time.Sleep(50 * time.Millisecond) // let the server start reading the body
	cancel()
	if err := <-done; !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Serve: %v, want context.DeadlineExceeded", err)
	}
	// The server closed the connection: the read ends with EOF, not with the
	// deadline (a generous liveness bound, below the server's read timeout;
	// not a timing assertion).
	must(t, c.SetReadDeadline(time.Now().Add(ReadTimeout/2)))
	n, err := c.Read(make([]byte, 1))
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the stalled connection was left open after shutdown")
	}
	if n != 0 {
		t.Fatalf("read %d bytes from a connection the server gave up on", n)
	}
}
