package fetch_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/polity-id/polity/internal/fetch"
)

// hostile serves the misbehaving endpoints the fault tests fetch. Handlers that stall
// return as soon as the client gives up, so the server always shuts down.
func hostile(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/hang": // never answers
			<-r.Context().Done()
		case "/slowloris": // headers at once, then one byte every 20ms, forever
			w.WriteHeader(http.StatusOK)
			for {
				if _, err := w.Write([]byte(" ")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					abort(w)
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		case "/at-limit":
			fmt.Fprint(w, strings.Repeat("x", 1000))
		case "/chunked-big": // no Content-Length: the cap must hold while streaming
			for range 64 {
				fmt.Fprint(w, strings.Repeat("x", 100))
				w.(http.Flusher).Flush()
			}
		case "/declared-big":
			w.Header().Set("Content-Length", "1000000000")
			w.WriteHeader(http.StatusOK)
		case "/truncated": // promises more than it sends, then drops the connection
			w.Header().Set("Content-Length", "500")
			w.WriteHeader(http.StatusOK)
			fmt.Fprint(w, "partial")
			w.(http.Flusher).Flush()
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					c.Close()
				}
			}
		case "/to-metadata":
			http.Redirect(w, r, "https://169.254.169.254/latest/meta-data/", http.StatusFound)
		case "/to-private":
			http.Redirect(w, r, "https://10.0.0.1/did.json", http.StatusTemporaryRedirect)
		case "/to-loopback-name":
			http.Redirect(w, r, "https://localhost/did.json", http.StatusFound)
		case "/to-http":
			http.Redirect(w, r, "http://"+r.Host+"/at-limit", http.StatusMovedPermanently)
		case "/chain/0", "/chain/1", "/chain/2":
			next := int(r.URL.Path[len(r.URL.Path)-1]-'0') + 1
			http.Redirect(w, r, fmt.Sprintf("/chain/%d", next), http.StatusFound)
		case "/chain/3":
			fmt.Fprint(w, "end")
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestFaults(t *testing.T) {
	srv := hostile(t)
	f, err := fetch.New(fetch.Config{Client: srv.Client(), MaxBytes: 1000, Timeout: 300 * time.Millisecond,
		AllowPrivateAddresses: true})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want []error // nil: must succeed
	}{
		{"/hang", []error{fetch.ErrFetch, context.DeadlineExceeded}},
		{"/slowloris", []error{fetch.ErrFetch, context.DeadlineExceeded}},
		{"/at-limit", nil},
		{"/chunked-big", []error{fetch.ErrTooLarge}},
		{"/declared-big", []error{fetch.ErrTooLarge}},
		{"/truncated", []error{fetch.ErrFetch}},
		{"/to-metadata", []error{fetch.ErrBlockedAddress}},
		{"/to-private", []error{fetch.ErrBlockedAddress}},
		{"/to-loopback-name", []error{fetch.ErrBlockedAddress}},
		{"/to-http", []error{fetch.ErrBlockedAddress}},
		{"/chain/0", nil}, // three same-host redirects: the default cap
	}
	for _, tt := range tests {
		t.Run(strings.TrimPrefix(tt.path, "/"), func(t *testing.T) {
			resp, err := f.Get(context.Background(), srv.URL+tt.path)
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if len(resp.Body) > 1000 {
					t.Fatalf("%d bytes", len(resp.Body))
				}
				return
			}
			for _, want := range tt.want {
				if !errors.Is(err, want) {
					t.Errorf("err = %v, want %v", err, want)
				}
			}
		})
	}
	// One more redirect than allowed.
	short, _ := fetch.New(fetch.Config{Client: srv.Client(), MaxRedirects: 2, AllowPrivateAddresses: true})
	if _, err := short.Get(context.Background(), srv.URL+"/chain/0"); !errors.Is(err, fetch.ErrFetch) {
		t.Errorf("redirect cap: %v", err)
	}
}

// The caller's context bounds a fetch too, and cancellation is reported as such.
func TestCallerCancel(t *testing.T) {
	srv := hostile(t)
	f, _ := fetch.New(fetch.Config{Client: srv.Client(), AllowPrivateAddresses: true})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := f.Get(ctx, srv.URL+"/slowloris"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

// With the address policy on, a public-looking name that resolves to loopback is
// refused at dial time, before any byte is sent.
func TestPolicyAtDial(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	f, _ := fetch.New(fetch.Config{Client: srv.Client()})
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	for _, u := range []string{srv.URL, "https://localhost" + port, "https://[::1]" + port, "https://0.0.0.0" + port} {
		if _, err := f.Get(context.Background(), u); !errors.Is(err, fetch.ErrBlockedAddress) {
			t.Errorf("%s: %v", u, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}

// abort drops the connection without ending the response, as a stalling server does
// when the client gives up. (A server that instead ends the response cleanly at that
// moment can make the client read a short body as complete; see
// TestDeadlineDuringBody in internal/fetch.)
func abort(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.Close()
		}
	}
}

// TestDeadlineDuringBody: a body still arriving when the deadline passes must be an
// error, never a short body returned as complete. The server here ends its chunked
// response cleanly as soon as it sees the client give up; net/http's transport then
// sometimes reports a clean EOF for the cancelled read, so Get must check its context
// after reading.
func TestDeadlineDuringBody(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		for {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return // ends the chunked body cleanly
			case <-time.After(10 * time.Millisecond):
			}
		}
	}))
	defer srv.Close()
	f, _ := fetch.New(fetch.Config{Client: srv.Client(), AllowPrivateAddresses: true, Timeout: 50 * time.Millisecond})
	for i := range 20 {
		if resp, err := f.Get(context.Background(), srv.URL); err == nil {
			t.Fatalf("attempt %d: %d-byte body returned as complete after the deadline", i, len(resp.Body))
		}
	}
}
