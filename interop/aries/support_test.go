// Package aries_test checks that Polity and hyperledger/aries-framework-go v0.3.2 accept
// each other's credentials for the suites both support, and benchmarks them on the same
// inputs. It is its own module so that aries (and its dependency graph) never enters
// Polity's.
package aries_test

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/piprate/json-gold/ld"

	ariesverifier "github.com/hyperledger/aries-framework-go/pkg/doc/signature/verifier"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
)

// contextDir holds the JSON-LD contexts Polity embeds; both libraries load only these.
var contextDir = filepath.Join("..", "..", "internal", "jsonld", "contexts")

const polityContextURL = "https://polity.id/ns/v1"

// offlineLoader is a json-gold document loader that serves the contexts listed in
// CONTEXT-MAP.md (checking each file's SHA-256) and Polity's own context, and fails on
// every other URL: aries never reaches the network.
type offlineLoader struct {
	docs map[string]any
}

var contextRow = regexp.MustCompile("^\\|\\s*(https?://\\S+)\\s*\\|\\s*(\\S+)\\s*\\|\\s*`([0-9a-f]{64})`\\s*\\|")

func newOfflineLoader(tb testing.TB) *offlineLoader {
	tb.Helper()
	l := &offlineLoader{docs: map[string]any{}}
	table, err := os.ReadFile(filepath.Join(contextDir, "CONTEXT-MAP.md"))
	if err != nil {
		tb.Fatal(err)
	}
	add := func(url, file, sum string) {
		data, err := os.ReadFile(filepath.Join(contextDir, file))
		if err != nil {
			tb.Fatal(err)
		}
		if sum != "" {
			if got := fmt.Sprintf("%x", sha256.Sum256(data)); got != sum {
				tb.Fatalf("context %s: %s has sha256 %s, want %s", url, file, got, sum)
			}
		}
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			tb.Fatalf("context %s: %v", url, err)
		}
		l.docs[url] = doc
	}
	sc := bufio.NewScanner(bytes.NewReader(table))
	for sc.Scan() {
		if m := contextRow.FindStringSubmatch(sc.Text()); m != nil {
			add(m[1], m[2], m[3])
		}
	}
	if _, ok := l.docs[polityContextURL]; !ok {
		add(polityContextURL, "polity-v1.jsonld", "")
	}
	if len(l.docs) < 10 {
		tb.Fatalf("only %d contexts in %s", len(l.docs), contextDir)
	}
	return l
}

var errUnknownURL = errors.New("offline loader: unknown URL")

func (l *offlineLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	doc, ok := l.docs[u]
	if !ok {
		return nil, fmt.Errorf("%w: %s", errUnknownURL, u)
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: doc}, nil
}

// testKey is a fixed issuer key with its did:key DID and verification method.
type testKey struct {
	priv *did.PrivateKey
	did  string
	kid  string
}

func newTestKey(tb testing.TB, t did.KeyType, label string) *testKey {
	tb.Helper()
	var secret []byte
	if t == did.KeyP384 {
		s := sha512.Sum384([]byte("polity interop aries " + label))
		secret = s[:]
	} else {
		s := sha256.Sum256([]byte("polity interop aries " + label))
		secret = s[:]
	}
	priv, err := did.NewPrivateKey(t, secret)
	if err != nil {
		tb.Fatal(err)
	}
	d := key.New(priv.Public())
	return &testKey{priv: priv, did: d, kid: d + "#" + strings.TrimPrefix(d, "did:key:")}
}

// ariesSigner signs for aries (suite.Signer and verifiable.Signer): Ed25519, or ECDSA
// with the JWS r||s encoding.
type ariesSigner struct{ k *testKey }

func (s ariesSigner) Sign(data []byte) ([]byte, error) {
	switch pk := s.k.priv.CryptoPrivateKey().(type) {
	case ed25519.PrivateKey:
		return ed25519.Sign(pk, data), nil
	case *ecdsa.PrivateKey:
		var digest []byte
		size := (pk.Curve.Params().BitSize + 7) / 8
		if size == 48 {
			h := sha512.Sum384(data)
			digest = h[:]
		} else {
			h := sha256.Sum256(data)
			digest = h[:]
		}
		r, ss, err := ecdsa.Sign(rand.Reader, pk, digest)
		if err != nil {
			return nil, err
		}
		out := make([]byte, 2*size)
		r.FillBytes(out[:size])
		ss.FillBytes(out[size:])
		return out, nil
	default:
		return nil, fmt.Errorf("unsupported key %T", pk)
	}
}

func (s ariesSigner) Alg() string {
	switch s.k.priv.Public().Type() {
	case did.KeyEd25519:
		return "EdDSA"
	case did.KeyP256:
		return "ES256"
	case did.KeyP384:
		return "ES384"
	}
	return ""
}

// ariesKeyFetcher resolves a did:key verification method for aries: issuerID is the DID,
// keyID the fragment (with or without "#") or the full DID URL. The key must be the one
// the DID encodes.
func ariesKeyFetcher(issuerID, keyID string) (*ariesverifier.PublicKey, error) {
	frag := keyID
	if i := strings.LastIndexByte(frag, '#'); i >= 0 {
		frag = frag[i+1:]
	}
	if !strings.HasPrefix(issuerID, "did:key:") || frag != strings.TrimPrefix(issuerID, "did:key:") {
		return nil, fmt.Errorf("key %s not found for %s", keyID, issuerID)
	}
	pub, err := key.PublicKey(issuerID)
	if err != nil {
		return nil, err
	}
	switch pub.Type() {
	case did.KeyEd25519:
		return &ariesverifier.PublicKey{Type: "Ed25519VerificationKey2020", Value: pub.Bytes()}, nil
	case did.KeyP256, did.KeyP384:
		return &ariesverifier.PublicKey{Type: "JsonWebKey2020", Value: pub.UncompressedBytes()}, nil
	}
	return nil, fmt.Errorf("unsupported key type %s", pub.Type())
}

// Fixed times: every credential is valid at verifyTime.
var (
	issued     = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	verifyTime = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
)

// membershipV11 is a VCDM 1.1 Polity MembershipCredential without proof.
func membershipV11(issuer, subject string) []byte {
	c := map[string]any{
		"@context": []any{
			"https://www.w3.org/2018/credentials/v1",
			polityContextURL,
		},
		"id":             "urn:uuid:7a1d2c3e-aaaa-4b5c-9d8e-000000000011",
		"type":           []any{"VerifiableCredential", "MembershipCredential"},
		"issuer":         issuer,
		"issuanceDate":   "2024-03-01T00:00:00Z",
		"expirationDate": "2099-03-01T00:00:00Z",
		"credentialSubject": map[string]any{
			"id":          subject,
			"community":   issuer,
			"role":        "moderator",
			"memberSince": "2024-03-01T00:00:00Z",
		},
	}
	out, _ := json.Marshal(c)
	return out
}

// membershipV2 is the VCDM 2.0 form of the same credential.
func membershipV2(issuer, subject string) []byte {
	c := map[string]any{
		"@context":   []any{"https://www.w3.org/ns/credentials/v2", polityContextURL},
		"id":         "urn:uuid:7a1d2c3e-aaaa-4b5c-9d8e-000000000012",
		"type":       []any{"VerifiableCredential", "MembershipCredential"},
		"issuer":     issuer,
		"validFrom":  "2024-03-01T00:00:00Z",
		"validUntil": "2099-03-01T00:00:00Z",
		"credentialSubject": map[string]any{
			"id":        subject,
			"community": issuer,
			"role":      "moderator",
		},
	}
	out, _ := json.Marshal(c)
	return out
}

// tamperJSON changes the subject's role of a JSON credential, keeping its proof.
func tamperJSON(tb testing.TB, raw []byte) []byte {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		tb.Fatal(err)
	}
	s, ok := m["credentialSubject"].(map[string]any)
	if !ok {
		tb.Fatal("no credentialSubject object")
	}
	s["role"] = "administrator"
	out, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// tamperJWT changes the role in a JWT's payload (top level or under "vc") and keeps the
// original header and signature.
func tamperJWT(tb testing.TB, token string) string {
	tb.Helper()
	parts := strings.Split(strings.TrimSpace(token), ".")
	if len(parts) != 3 {
		tb.Fatalf("not a compact JWS")
	}
	payload, err := b64.DecodeString(parts[1])
	if err != nil {
		tb.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		tb.Fatal(err)
	}
	target := m
	if inner, ok := m["vc"].(map[string]any); ok {
		target = inner
	}
	s, ok := target["credentialSubject"].(map[string]any)
	if !ok {
		tb.Fatal("no credentialSubject object")
	}
	s["role"] = "administrator"
	out, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	parts[1] = b64.EncodeToString(out)
	return strings.Join(parts, ".")
}
