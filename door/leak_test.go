package door_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/door"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/jose"
	"github.com/polity-id/polity/vc/policy"
)

const leakDoorID = "did:web:leak.example:door"

func leakKey(t *testing.T, b byte) (*did.PrivateKey, string, string) {
	t.Helper()
	k, err := did.NewPrivateKey(did.KeyEd25519, bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	d := key.New(k.Public())
	return k, d, d + "#" + d[len("did:key:"):]
}

// leakDoor returns a door that admits members of one did:key community, and a
// function that makes a vp+jwt presentation for a challenge.
func leakDoor(t *testing.T) (*door.Door, func(nonce string) []byte) {
	t.Helper()
	ik, issuer, ikid := leakKey(t, 0x11)
	hk, holder, hkid := leakKey(t, 0x12)
	pol, err := policy.Parse([]byte(`{"id":"urn:example:leak","types":["MembershipCredential"],"issuers":[{"did":"` + issuer + `"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	d, err := door.New(leakDoorID, door.Setup{Policy: pol, Resolver: vc.NewOfflineResolver()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := vc.NewMembership(vc.MembershipClaims{Member: holder, Community: issuer, Role: "member"})
	c.Issuer = vc.Node{ID: issuer}
	c.ValidFrom = time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	cj, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jose.SignCredential(cj, ik, ikid)
	if err != nil {
		t.Fatal(err)
	}
	return d, func(nonce string) []byte {
		vp, _ := json.Marshal(map[string]any{"@context": []string{vc.ContextV2}, "type": []string{"VerifiablePresentation"},
			"holder": holder, "verifiableCredential": []any{jose.Envelope(tok)}})
		p, err := jose.SignPresentation(vp, hk, hkid, leakDoorID, nonce)
		if err != nil {
			t.Error(err)
		}
		return []byte(p)
	}
}

// waitGoroutines polls until the goroutine count is back to at most base; the bound
// only keeps a real leak from hanging the test, it is not a speed requirement.
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

// TestServeNoLeak serves the door's HTTP API to ordinary, concurrent, aborted and
// stalled clients, shuts it down, and checks that no goroutine outlives it.
func TestServeNoLeak(t *testing.T) {
	d, present := leakDoor(t)
	base := runtime.NumGoroutine()

	ln, err := door.Listen("127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Serve(ctx, ln) }()

	tr := &http.Transport{}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	check := func() error {
		resp, err := client.Get("http://" + addr + "/challenge")
		if err != nil {
			return err
		}
		var ch struct{ Challenge string }
		err = json.NewDecoder(resp.Body).Decode(&ch)
		resp.Body.Close()
		if err != nil {
			return err
		}
		resp, err = client.Post("http://"+addr+"/check", "application/jwt", bytes.NewReader(present(ch.Challenge)))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var o struct{ Allow bool }
		if err := json.NewDecoder(resp.Body).Decode(&o); err != nil || resp.StatusCode != 200 || !o.Allow {
			return fmt.Errorf("check: HTTP %d, allow %v, %v", resp.StatusCode, o.Allow, err)
		}
		return nil
	}

	// Ordinary and concurrent checks.
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- check() }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}

	// Aborted clients: a body cut short, headers never finished, a request whose
	// caller gives up while it is in flight.
	raw := func(s string) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, s)
		time.Sleep(20 * time.Millisecond)
		c.Close()
	}
	raw("POST /check HTTP/1.1\r\nHost: door\r\nContent-Length: 100000\r\n\r\n{\"partial\":")
	raw("GET /challenge HTTP/1.1\r\nHost: door\r\nX-Slow: ")
	rctx, rcancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(rctx, http.MethodPost, "http://"+addr+"/check", io.MultiReader(
		bytes.NewReader([]byte(`{"@context":`)), slowReader{rctx}))
	go func() { time.Sleep(50 * time.Millisecond); rcancel() }()
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
	}
	// An idle keep-alive connection stays open across the shutdown.
	if err := check(); err != nil {
		t.Fatal(err)
	}

	cancel()
	// A stalled connection may outlast the shutdown wait on a busy machine: Serve
	// then closes it and says so. Either way no goroutine may stay behind.
	if err := <-done; err != nil && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Serve: %v", err)
	}
	tr.CloseIdleConnections()
	waitGoroutines(t, base)
}

// slowReader blocks until its context ends: a request body that never arrives.
type slowReader struct{ ctx context.Context }

func (r slowReader) Read([]byte) (int, error) {
	<-r.ctx.Done()
	return 0, r.ctx.Err()
}
