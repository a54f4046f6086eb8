package vcapi_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/polity-id/polity/vcapi"
)

// ExampleNew runs a verify-only server and sends it a credential without a proof.
func ExampleNew() {
	s, err := vcapi.New(vcapi.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		panic(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()

	body := `{"verifiableCredential":{"@context":["https://www.w3.org/ns/credentials/v2"],
		"type":["VerifiableCredential"],"issuer":"did:example:issuer","credentialSubject":{"id":"did:example:ana"}}}`
	resp, err := http.Post(ts.URL+"/credentials/verify", "application/json", strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode)
	fmt.Println(strings.Contains(string(out), `"verified":false`))
	// Output:
	// 400
	// true
}
