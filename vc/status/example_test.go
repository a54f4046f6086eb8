package status_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/polity-id/polity/vc/status"
)

// An issuer allocates an index for a new credential, later revokes it and publishes
// the list; a verifier checks the credential's entry against the published list.
func Example() {
	dir, _ := os.MkdirTemp("", "status-example")
	defer os.RemoveAll(dir)
	const url = "https://issuer.example/status/1"

	list, err := status.CreateList(filepath.Join(dir, "revocation.json"), status.ListOptions{
		URL: url, Purpose: status.PurposeRevocation,
	})
	if err != nil {
		panic(err)
	}
	entry, _ := list.Allocate() // goes into the credential's credentialStatus
	_ = list.Set(entry.Index)   // revoke
	unsigned, _ := list.Credential(status.CredentialOptions{
		Issuer: "did:example:issuer", ValidUntil: time.Now().Add(24 * time.Hour),
	})

	// The verifier side. A real deployment fetches over HTTPS and verifies the
	// list's proof (package vc supplies the ListVerifier); this one serves the
	// unsigned list from memory.
	fetcher := status.FetcherFunc(func(ctx context.Context, u string) ([]byte, error) {
		return unsigned, nil
	})
	checker := status.NewChecker(fetcher, status.InsecureUnverifiedLists(), nil)
	report, err := checker.Check(context.Background(), []status.Entry{entry})
	fmt.Println(errors.Is(err, status.ErrRevoked), report.Revoked(), report.Results[0].Value)
	// Output: true true 1
}

// Entries come from a credential's credentialStatus; statusListIndex is a string.
func ExampleParseEntry() {
	e, err := status.ParseEntry([]byte(`{
		"id": "https://example.com/credentials/status/3#94567",
		"type": "BitstringStatusListEntry",
		"statusPurpose": "revocation",
		"statusListIndex": "94567",
		"statusListCredential": "https://example.com/credentials/status/3"
	}`))
	fmt.Println(e.Purpose, e.Index, e.StatusSize(), err)
	out, _ := json.Marshal(e)
	fmt.Println(string(out))
	// Output:
	// revocation 94567 1 <nil>
	// {"id":"https://example.com/credentials/status/3#94567","type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"94567","statusListCredential":"https://example.com/credentials/status/3"}
}

// DecodeList expands the encodedList of the specification's example: 131,072 entries,
// none set.
func ExampleDecodeList() {
	bits, err := status.DecodeList("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", status.Limits{})
	fmt.Println(len(bits)*8, err, status.CheckLength(len(bits), 1, 0))
	// Output: 131072 <nil> <nil>
}
