package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/web"
)

func TestURL(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json", nil},
		{"did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json", nil},
		{"did:web:example.com%3A3000", "https://example.com:3000/.well-known/did.json", nil},
		{"did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json", nil},
		{"did:web:example.com%2Fevil", "", did.ErrInvalidDID},
		{"did:web:exa_mple.com", "", did.ErrInvalidDID},
		{"did:web:example.com%3Ahttp", "", did.ErrInvalidDID},
		{"did:web:example.com:a%2Fb", "", did.ErrInvalidDID},
		{"did:web:example.com#frag", "", did.ErrInvalidDID},
		{"did:key:z6Mk", "", did.ErrMethodNotSupported},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := web.URL(tt.in)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("URL = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// server serves a document for its own did:web DID.
func server(t *testing.T, handler func(id string) http.HandlerFunc) (*httptest.Server, string) {
	t.Helper()
	var id string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler(id)(w, r)
	}))
	t.Cleanup(srv.Close)
	id = "did:web:" + strings.ReplaceAll(strings.TrimPrefix(srv.URL, "https://"), ":", "%3A")
	return srv, id
}

func docFor(id string) string {
	priv, _ := did.GenerateKey(did.KeyEd25519)
	return fmt.Sprintf(`{"@context":["https://www.w3.org/ns/did/v1","https://w3id.org/security/multikey/v1"],
"id":%q,"verificationMethod":[{"id":"%s#k1","type":"Multikey","controller":%q,"publicKeyMultibase":%q}],
"assertionMethod":["#k1"]}`, id, id, id, priv.Public().Multikey())
}

func TestResolve(t *testing.T) {
	srv, id := server(t, func(id string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/.well-known/did.json" {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/did+json")
			fmt.Fprint(w, docFor(id))
		}
	})
	r, err := web.New(&web.Config{Client: srv.Client(), AllowPrivateAddresses: true})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := r.Resolve(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	vm, key, err := did.ResolveVerificationMethod(context.Background(), r, id+"#k1", did.AssertionMethod)
	if err != nil || key.Type() != did.KeyEd25519 || vm.ID != id+"#k1" {
		t.Fatalf("ResolveVerificationMethod: %v %v %v", vm, key, err)
	}
	if _, _, err := did.ResolveVerificationMethod(context.Background(), r, id+"#k1", did.Authentication); !errors.Is(err, did.ErrNotAuthorized) {
		t.Fatalf("authentication: err = %v, want ErrNotAuthorized", err)
	}
	if doc.ID != id {
		t.Fatal(doc.ID)
	}
	if _, err := r.Resolve(context.Background(), id+":missing"); !errors.Is(err, did.ErrNotFound) {
		t.Fatalf("missing: err = %v, want ErrNotFound", err)
	}
}

func TestBlocksPrivateAddresses(t *testing.T) {
	srv, id := server(t, func(id string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, docFor(id)) }
	})
	// The dial-time check refuses 127.0.0.1 (and "localhost", which resolves to it).
	r, err := web.New(&web.Config{Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{id, strings.Replace(id, "127.0.0.1", "localhost", 1), "did:web:10.1.2.3", "did:web:169.254.169.254"} {
		if _, err := r.Resolve(context.Background(), d); !errors.Is(err, did.ErrBlockedAddress) {
			t.Errorf("%s: err = %v, want ErrBlockedAddress", d, err)
		}
	}
}

func TestRejects(t *testing.T) {
	other, _ := server(t, func(string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "{}") }
	})
	srv, id := server(t, func(id string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/big/did.json":
				w.Write([]byte(`{"id":"` + strings.Repeat("a", 300<<10) + `"}`))
			case "/wrongid/did.json":
				fmt.Fprint(w, docFor("did:web:example.com"))
			case "/redirect/did.json":
				http.Redirect(w, r, other.URL+"/.well-known/did.json", http.StatusFound)
			case "/html/did.json":
				w.Header().Set("Content-Type", "text/html")
				fmt.Fprint(w, docFor(id+":html"))
			case "/dup/did.json":
				fmt.Fprintf(w, `{"id":%q,"id":%q}`, id+":dup", id+":dup")
			default:
				http.Error(w, "boom", http.StatusInternalServerError)
			}
		}
	})
	r, err := web.New(&web.Config{Client: srv.Client(), AllowPrivateAddresses: true})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want error
	}{
		{"big", did.ErrTooLarge},
		{"wrongid", did.ErrInvalidDocument},
		{"redirect", did.ErrBlockedAddress},
		{"html", did.ErrResolution},
		{"dup", did.ErrInvalidDocument},
		{"error", did.ErrResolution},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if _, err := r.Resolve(context.Background(), id+":"+tt.path); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Resolve(ctx, id+":big"); !errors.Is(err, did.ErrResolution) || !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled: err = %v", err)
	}
}
