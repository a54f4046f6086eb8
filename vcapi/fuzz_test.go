package vcapi

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzRequest posts arbitrary bodies to every endpoint and checks that the server
// answers with a JSON body and an expected status, never a panic or a 5xx.
func FuzzRequest(f *testing.F) {
	s, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxBodyBytes: 8 << 10})
	if err != nil {
		f.Fatal(err)
	}
	h := s.Handler()
	f.Add(uint8(0), []byte(`{"verifiableCredential":{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:example:a","credentialSubject":{"id":"did:example:b"}}}`))
	f.Add(uint8(1), []byte(`{"verifiablePresentation":{},"options":{"challenge":"x","domain":"y"}}`))
	f.Add(uint8(2), []byte(`{}`))
	f.Add(uint8(3), []byte(`{"credential":{}}`))
	paths := []string{"/credentials/verify", "/presentations/verify", "/challenges", "/credentials/issue"}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		req := httptest.NewRequest(http.MethodPost, paths[int(which)%len(paths)], bytes.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case 200, 400, 404, 413, 429:
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		if rec.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("content type %q", rec.Header().Get("Content-Type"))
		}
	})
}
