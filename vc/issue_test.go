package vc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/jwk"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
)

const unsignedV2 = `{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://polity.id/ns/v1"],
  "type": ["VerifiableCredential", "MembershipCredential"],
  "credentialSubject": {"id": "did:example:alice", "community": "did:example:commons", "role": "member"}
}`

func decodeMap(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestIssueFillsIssuerAndDate(t *testing.T) {
	k := testKey(t, did.KeyEd25519)
	signed := issue(t, []byte(unsignedV2), k, vc.IssueOptions{})
	m := decodeMap(t, signed)
	if m["issuer"] != key.New(k.Public()) {
		t.Errorf("issuer %v", m["issuer"])
	}
	if m["validFrom"] != "2025-06-01T12:00:00Z" {
		t.Errorf("validFrom %v", m["validFrom"])
	}
	p := m["proof"].(map[string]any)
	if p["created"] != "2025-06-01T12:00:00Z" || p["cryptosuite"] != vc.SuiteEdDSARDFC2022 ||
		p["verificationMethod"] != key.New(k.Public())+"#"+strings.TrimPrefix(key.New(k.Public()), "did:key:") {
		t.Errorf("proof %v", p)
	}
	// Claims are never altered.
	in := decodeMap(t, []byte(unsignedV2))
	for _, name := range []string{"@context", "type", "credentialSubject"} {
		if !reflect.DeepEqual(in[name], m[name]) {
			t.Errorf("%s changed: %v -> %v", name, in[name], m[name])
		}
	}
	// Members keep their order; the added ones follow.
	prefix := `{"@context":["https://www.w3.org/ns/credentials/v2","https://polity.id/ns/v1"],"type":["VerifiableCredential","MembershipCredential"],"credentialSubject":{"id":"did:example:alice","community":"did:example:commons","role":"member"},"issuer":`
	if !bytes.HasPrefix(signed, []byte(prefix)) {
		t.Errorf("member order not kept:\n%s", signed)
	}
}

func TestIssueKeepsExistingDates(t *testing.T) {
	k := testKey(t, did.KeyEd25519)
	c := membership()
	c.ValidFrom = t2026
	m := decodeMap(t, issue(t, c, k, vc.IssueOptions{}))
	if m["validFrom"] != "2026-01-01T00:00:00Z" {
		t.Errorf("validFrom %v", m["validFrom"])
	}
}

func TestIssueV1UsesIssuanceDate(t *testing.T) {
	k := testKey(t, did.KeyEd25519)
	raw := `{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],"credentialSubject":{"id":"did:example:alice"}}`
	for _, suite := range []string{vc.SuiteEd25519Signature2020, vc.SuiteEdDSARDFC2022} {
		t.Run(suite, func(t *testing.T) {
			signed := issue(t, []byte(raw), k, vc.IssueOptions{Suite: suite})
			m := decodeMap(t, signed)
			if m["issuanceDate"] != "2025-06-01T12:00:00Z" || m["validFrom"] != nil {
				t.Fatalf("dates: issuanceDate %v validFrom %v", m["issuanceDate"], m["validFrom"])
			}
			r, err := verifierAt(t2026, vc.VerifierConfig{}).Verify(context.Background(), signed)
			checkResult(t, r, err)
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// Ed25519 signatures are deterministic: a fixed Created gives the same bytes.
func TestIssueReproducible(t *testing.T) {
	k := testKey(t, did.KeyEd25519)
	for _, suite := range []string{vc.SuiteEdDSARDFC2022, vc.SuiteEdDSAJCS2022, vc.SuiteEd25519Signature2020} {
		a := issue(t, []byte(unsignedV2), k, vc.IssueOptions{Suite: suite})
		b := issue(t, []byte(unsignedV2), k, vc.IssueOptions{Suite: suite})
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two issuances differ", suite)
		}
	}
}

func TestIssueDIDJWKIssuer(t *testing.T) {
	k := testKey(t, did.KeyP256)
	signed := issue(t, membership(), k, vc.IssueOptions{IssuerDID: jwk.New(k.Public())})
	r, err := verifierAt(t2026, vc.VerifierConfig{}).Verify(context.Background(), signed)
	checkResult(t, r, err)
	if err != nil {
		t.Fatal(err)
	}
}

func TestIssueErrors(t *testing.T) {
	ed := testKey(t, did.KeyEd25519)
	p256 := testKey(t, did.KeyP256)
	k1, err := did.GenerateKey(did.KeySecp256k1)
	if err != nil {
		t.Fatal(err)
	}
	withIssuer := membership()
	withIssuer.Issuer = vc.Node{ID: "did:example:someone"}
	for _, tc := range []struct {
		name string
		cred any
		key  *did.PrivateKey
		opts vc.IssueOptions
		kind error
	}{
		{"P-256 key with eddsa-rdfc-2022", membership(), p256, vc.IssueOptions{Suite: vc.SuiteEdDSARDFC2022}, vc.ErrUnsupportedSuite},
		{"Ed25519 key with ecdsa-jcs-2019", membership(), ed, vc.IssueOptions{Suite: vc.SuiteECDSAJCS2019}, vc.ErrUnsupportedSuite},
		{"secp256k1 key, default suite", membership(), k1, vc.IssueOptions{}, vc.ErrUnsupportedSuite},
		{"unknown suite", membership(), ed, vc.IssueOptions{Suite: "bbs-2023"}, vc.ErrUnsupportedSuite},
		{"nil key", membership(), nil, vc.IssueOptions{}, vc.ErrMalformed},
		{"unsupported input type", "a string", ed, vc.IssueOptions{}, vc.ErrMalformed},
		{"not JSON", []byte("{"), ed, vc.IssueOptions{}, vc.ErrMalformed},
		{"JSON array", []byte("[]"), ed, vc.IssueOptions{}, vc.ErrMalformed},
		{"duplicate member", []byte(`{"type":"VerifiableCredential","type":"VerifiableCredential"}`), ed, vc.IssueOptions{}, vc.ErrMalformed},
		{"invalid credential (no subject)", []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential"}`),
			ed, vc.IssueOptions{}, vc.ErrMalformed},
		{"unknown context", []byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://example.org/x"],"type":"VerifiableCredential","credentialSubject":{"id":"did:example:a"}}`),
			ed, vc.IssueOptions{}, vc.ErrUnknownContext},
		{"existing issuer is not IssuerDID", withIssuer, ed, vc.IssueOptions{IssuerDID: "did:example:other"}, vc.ErrMalformed},
		{"existing issuer is not the key's DID", withIssuer, ed, vc.IssueOptions{}, vc.ErrKeyNotAuthorized},
		{"verification method of another DID", membership(), ed, vc.IssueOptions{
			IssuerDID: "did:example:issuer", VerificationMethod: "did:example:other#key-1"}, vc.ErrKeyNotAuthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := vc.Issue(context.Background(), tc.cred, tc.key, tc.opts)
			if !errors.Is(err, tc.kind) || out != nil {
				t.Fatalf("err = %v, want %v", err, tc.kind)
			}
		})
	}
	_, err = vc.Issue(context.Background(), membership(), p256, vc.IssueOptions{Suite: vc.SuiteEdDSAJCS2022})
	var ske *vc.SuiteKeyError
	if !errors.As(err, &ske) || ske.KeyType != did.KeyP256 || ske.Suite != vc.SuiteEdDSAJCS2022 {
		t.Fatalf("%#v", err)
	}
}
