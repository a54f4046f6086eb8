package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/web"
)

// TestResolverFaults resolves did:web DIDs served by a hostile host: every fault ends
// in a typed error within the resolver's timeout, and a document exactly at the size
// cap still resolves.
func TestResolverFaults(t *testing.T) {
	const max = 4 << 10
	srv, id := server(t, func(id string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/hang/did.json":
				<-r.Context().Done()
			case "/slowloris/did.json":
				w.Header().Set("Content-Type", "application/did+json")
				w.WriteHeader(http.StatusOK)
				fmt.Fprint(w, "{")
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
			case "/at-limit/did.json":
				doc := docFor(id + ":at-limit")
				fmt.Fprint(w, doc[:len(doc)-1]+strings.Repeat(" ", max-len(doc))+"}")
			case "/over-limit/did.json":
				doc := docFor(id + ":over-limit")
				fmt.Fprint(w, doc[:len(doc)-1]+strings.Repeat(" ", max+1-len(doc))+"}")
			case "/endless/did.json": // chunked, no Content-Length
				fmt.Fprint(w, `{"id":"`)
				for {
					if _, err := w.Write([]byte(strings.Repeat("a", 1024))); err != nil {
						return
					}
					if r.Context().Err() != nil {
						return
					}
				}
			case "/deep/did.json":
				fmt.Fprintf(w, `{"id":%q,"x":%s}`, id+":deep", strings.Repeat("[", 1000)+strings.Repeat("]", 1000))
			case "/metadata/did.json":
				http.Redirect(w, r, "https://169.254.169.254/latest/meta-data/did.json", http.StatusFound)
			case "/private/did.json":
				http.Redirect(w, r, "https://192.168.1.1/did.json", http.StatusFound)
			default:
				http.NotFound(w, r)
			}
		}
	})
	r, err := web.New(&web.Config{Client: srv.Client(), AllowPrivateAddresses: true, MaxBytes: max,
		Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want []error
	}{
		{"hang", []error{did.ErrResolution, context.DeadlineExceeded}},
		{"slowloris", []error{did.ErrResolution, context.DeadlineExceeded}},
		{"at-limit", nil},
		{"over-limit", []error{did.ErrTooLarge}},
		{"endless", []error{did.ErrTooLarge}},
		{"deep", []error{did.ErrInvalidDocument}},
		{"metadata", []error{did.ErrBlockedAddress}},
		{"private", []error{did.ErrBlockedAddress}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			doc, err := r.Resolve(context.Background(), id+":"+tt.path)
			if tt.want == nil {
				if err != nil || doc.ID != id+":"+tt.path {
					t.Fatalf("%v %v", doc, err)
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
