package dataintegrity

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/internal/vcerr"
)

var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// issue signs membershipCredential with a fresh did:key issuer.
func issue(t *testing.T, kt did.KeyType, opts Options) ([]byte, *did.PrivateKey, string) {
	t.Helper()
	k, err := did.GenerateKey(kt)
	if err != nil {
		t.Fatal(err)
	}
	issuer := key.New(k.Public())
	if opts.VerificationMethod == "" {
		opts.VerificationMethod = issuer + "#" + strings.TrimPrefix(issuer, "did:key:")
	}
	out, err := AddProof(context.Background(), []byte(replaceIssuer(membershipCredential, issuer)), k, opts, &Env{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	return out, k, issuer
}

// edit decodes doc, applies f and encodes it again.
func edit(t *testing.T, doc []byte, f func(m map[string]any)) []byte {
	t.Helper()
	m := mustDecode(t, doc)
	f(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func firstProof(m map[string]any) map[string]any {
	switch p := m["proof"].(type) {
	case map[string]any:
		return p
	case []any:
		return p[0].(map[string]any)
	}
	return nil
}

func TestVerifyIssued(t *testing.T) {
	env := &Env{Now: func() time.Time { return testNow }}
	for _, c := range []struct {
		kt    did.KeyType
		suite string
	}{
		{did.KeyEd25519, EdDSARDFC2022}, {did.KeyEd25519, EdDSAJCS2022}, {did.KeyEd25519, Ed25519Signature2020},
		{did.KeyP256, ECDSARDFC2019}, {did.KeyP256, ECDSAJCS2019}, {did.KeyP384, ECDSARDFC2019}, {did.KeyP384, ECDSAJCS2019},
		{did.KeyEd25519, ""}, {did.KeyP256, ""},
	} {
		t.Run(string(c.kt)+"/"+c.suite, func(t *testing.T) {
			doc, _, issuer := issue(t, c.kt, Options{Cryptosuite: c.suite, Challenge: "c1", Domain: "example.org", Nonce: "n", Expires: testNow.Add(time.Hour)})
			rep, err := Verify(context.Background(), doc, env, VerifyOptions{Challenge: "c1", Domain: "example.org"})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() || !rep.ControllerChecked || rep.Controller != issuer || rep.Proofs[0].Created != testNow {
				t.Fatalf("report %+v", rep)
			}
		})
	}
}

// TestVerifyNegative: one row per bad input with the kind it must give.
func TestVerifyNegative(t *testing.T) {
	env := &Env{Now: func() time.Time { return testNow }}
	ed, _, _ := issue(t, did.KeyEd25519, Options{Cryptosuite: EdDSARDFC2022})
	jcs, _, _ := issue(t, did.KeyEd25519, Options{Cryptosuite: EdDSAJCS2022})
	other, _, _ := issue(t, did.KeyEd25519, Options{})
	otherVM := firstProof(mustDecode(t, other))["verificationMethod"]
	expiring, _, _ := issue(t, did.KeyEd25519, Options{Expires: testNow.Add(-time.Second), Created: testNow.Add(-time.Hour)})
	challenged, _, _ := issue(t, did.KeyEd25519, Options{Challenge: "abc", Domain: "example.org"})
	p256, _, _ := issue(t, did.KeyP256, Options{})
	setDoc := edit(t, ed, func(m map[string]any) {
		p := firstProof(m)
		p["id"] = "urn:uuid:1"
		m["proof"] = []any{p, map[string]any{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "verificationMethod": p["verificationMethod"],
			"proofPurpose": "assertionMethod", "previousProof": "urn:uuid:missing", "proofValue": p["proofValue"]}}
	})
	noIssuer := func() []byte {
		k, _ := did.GenerateKey(did.KeyEd25519)
		id := key.New(k.Public())
		out, err := AddProof(context.Background(), []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"credentialSubject":{"id":"did:example:1"}}`),
			k, Options{VerificationMethod: id + "#" + strings.TrimPrefix(id, "did:key:")}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}()
	rows := []struct {
		name string
		doc  []byte
		opts VerifyOptions
		want error
	}{
		{"tampered claim/rdfc", bytes.Replace(ed, []byte("Riverside"), []byte("Riverbank"), 1), VerifyOptions{}, vcerr.ErrInvalidSignature},
		{"tampered claim/jcs", bytes.Replace(jcs, []byte("Riverside"), []byte("Riverbank"), 1), VerifyOptions{}, vcerr.ErrInvalidSignature},
		{"tampered created", edit(t, ed, func(m map[string]any) { firstProof(m)["created"] = "2025-06-01T12:00:01Z" }), VerifyOptions{}, vcerr.ErrInvalidSignature},
		{"wrong key", edit(t, ed, func(m map[string]any) { firstProof(m)["verificationMethod"] = otherVM }), VerifyOptions{ProofOnly: true}, vcerr.ErrInvalidSignature},
		{"key of other type", edit(t, ed, func(m map[string]any) {
			firstProof(m)["verificationMethod"] = firstProof(mustDecode(t, p256))["verificationMethod"]
		}), VerifyOptions{ProofOnly: true}, ErrKeyType},
		{"wrong purpose", ed, VerifyOptions{Purpose: PurposeAuthentication}, ErrPurpose},
		{"wrong purpose/kind", ed, VerifyOptions{Purpose: PurposeAuthentication}, vcerr.ErrKeyNotAuthorized},
		{"missing proof", []byte(membershipCredential), VerifyOptions{}, ErrNoProof},
		{"missing proof/kind", []byte(membershipCredential), VerifyOptions{}, vcerr.ErrMalformed},
		{"proof not object", edit(t, ed, func(m map[string]any) { m["proof"] = "x" }), VerifyOptions{}, vcerr.ErrMalformed},
		{"unknown cryptosuite", edit(t, ed, func(m map[string]any) { firstProof(m)["cryptosuite"] = "eddsa-2099" }), VerifyOptions{}, vcerr.ErrUnsupportedSuite},
		{"unknown proof type", edit(t, ed, func(m map[string]any) { firstProof(m)["type"] = "RsaSignature2018" }), VerifyOptions{}, vcerr.ErrUnsupportedSuite},
		{"bad multibase prefix", edit(t, ed, func(m map[string]any) { firstProof(m)["proofValue"] = "u" + firstProof(m)["proofValue"].(string)[1:] }), VerifyOptions{}, vcerr.ErrMalformed},
		{"bad base58", edit(t, ed, func(m map[string]any) { firstProof(m)["proofValue"] = "z0OIl" }), VerifyOptions{}, vcerr.ErrMalformed},
		{"short signature", edit(t, ed, func(m map[string]any) { firstProof(m)["proofValue"] = "z2222" }), VerifyOptions{}, vcerr.ErrInvalidSignature},
		{"no proofValue", edit(t, ed, func(m map[string]any) { delete(firstProof(m), "proofValue") }), VerifyOptions{}, vcerr.ErrMalformed},
		{"expired proof", expiring, VerifyOptions{}, ErrProofExpired},
		{"expired proof/kind", expiring, VerifyOptions{}, vcerr.ErrExpired},
		{"challenge mismatch", challenged, VerifyOptions{Challenge: "abd", Domain: "example.org"}, ErrChallenge},
		{"challenge missing", ed, VerifyOptions{Challenge: "abc"}, ErrChallenge},
		{"domain mismatch", challenged, VerifyOptions{Challenge: "abc", Domain: "example.com"}, ErrChallenge},
		{"unknown context", edit(t, ed, func(m map[string]any) {
			m["@context"] = append(m["@context"].([]any), "https://example.com/unknown/v1")
		}), VerifyOptions{}, vcerr.ErrUnknownContext},
		{"unknown context/jcs", edit(t, jcs, func(m map[string]any) {
			m["@context"] = append(m["@context"].([]any), "https://example.com/unknown/v1")
		}), VerifyOptions{}, vcerr.ErrUnknownContext},
		{"protected term redefinition/jcs", edit(t, jcs, func(m map[string]any) {
			m["@context"] = append(m["@context"].([]any), map[string]any{"name": "https://example.com/name"})
		}), VerifyOptions{}, vcerr.ErrMalformed},
		{"undefined term/jcs", edit(t, jcs, func(m map[string]any) {
			m["@context"] = []any{"https://www.w3.org/ns/credentials/v2"}
			firstProof(m)["@context"] = m["@context"]
			m["credentialSubject"].(map[string]any)["@type"] = "NoSuchTerm"
		}), VerifyOptions{}, vcerr.ErrMalformed},
		{"duplicate keys", []byte(`{"@context":"https://www.w3.org/ns/credentials/v2","issuer":"a","issuer":"b","proof":{}}`), VerifyOptions{}, vcerr.ErrMalformed},
		{"not an object", []byte(`[1]`), VerifyOptions{}, vcerr.ErrMalformed},
		{"previousProof missing", setDoc, VerifyOptions{ProofOnly: true}, ErrPreviousProof},
		{"controller unresolvable", ed, VerifyOptions{Controller: "did:example:someone"}, vcerr.ErrUnresolvableDID},
		{"controller not a DID", ed, VerifyOptions{Controller: "https://example.com/issuer"}, vcerr.ErrKeyNotAuthorized},
		{"no issuer or holder", noIssuer, VerifyOptions{}, vcerr.ErrKeyNotAuthorized},
		{"controller option", ed, VerifyOptions{Controller: "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"}, vcerr.ErrKeyNotAuthorized},
		{"unresolvable method", edit(t, ed, func(m map[string]any) { firstProof(m)["verificationMethod"] = "did:web:example.com#k" }), VerifyOptions{ProofOnly: true}, vcerr.ErrUnresolvableDID},
		{"bad created", edit(t, ed, func(m map[string]any) { firstProof(m)["created"] = "yesterday" }), VerifyOptions{}, vcerr.ErrMalformed},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			_, err := Verify(context.Background(), r.doc, env, r.opts)
			if !errors.Is(err, r.want) {
				t.Fatalf("err = %v, want %v", err, r.want)
			}
			if vcerr.Find(err) == nil {
				t.Fatalf("err %v has no vcerr kind", err)
			}
		})
	}
}

func TestAddProofErrors(t *testing.T) {
	ed, _ := did.GenerateKey(did.KeyEd25519)
	p256, _ := did.GenerateKey(did.KeyP256)
	doc := []byte(replaceIssuer(membershipCredential, "did:example:x"))
	vm := "did:example:x#k"
	ctx := context.Background()
	rows := []struct {
		name string
		doc  []byte
		key  *did.PrivateKey
		opts Options
		want error
	}{
		{"ed25519 key for ecdsa", doc, ed, Options{Cryptosuite: ECDSARDFC2019, VerificationMethod: vm}, ErrKeyType},
		{"p256 key for eddsa", doc, p256, Options{Cryptosuite: EdDSAJCS2022, VerificationMethod: vm}, ErrKeyType},
		{"p256 key for Ed25519Signature2020", doc, p256, Options{Cryptosuite: Ed25519Signature2020, VerificationMethod: vm}, vcerr.ErrUnsupportedSuite},
		{"unknown cryptosuite", doc, ed, Options{Cryptosuite: "bbs-2023", VerificationMethod: vm}, vcerr.ErrUnsupportedSuite},
		{"no verification method", doc, ed, Options{}, ErrOptions},
		{"nil key", doc, nil, Options{VerificationMethod: vm}, ErrOptions},
		{"expires before created", doc, ed, Options{VerificationMethod: vm, Created: testNow, Expires: testNow}, ErrOptions},
		{"previousProof missing", doc, ed, Options{VerificationMethod: vm, PreviousProof: []string{"urn:x"}}, ErrPreviousProof},
		{"duplicate keys", []byte(`{"a":1,"a":2}`), ed, Options{VerificationMethod: vm}, vcerr.ErrMalformed},
		{"unknown context", []byte(`{"@context":["https://example.com/x"],"type":"X"}`), ed, Options{VerificationMethod: vm}, vcerr.ErrUnknownContext},
		{"unknown context/jcs", []byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://example.com/x"],"type":"VerifiableCredential"}`), ed, Options{Cryptosuite: EdDSAJCS2022, VerificationMethod: vm}, vcerr.ErrUnknownContext},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			if _, err := AddProof(ctx, r.doc, r.key, r.opts, nil); !errors.Is(err, r.want) {
				t.Fatalf("err = %v, want %v", err, r.want)
			}
		})
	}
}

// TestAddProofKeepsClaims: member order and values outside "proof" are unchanged,
// and a second proof makes a proof set.
func TestAddProofKeepsClaims(t *testing.T) {
	doc, k, issuer := issue(t, did.KeyEd25519, Options{})
	m := mustDecode(t, doc)
	orig := mustDecode(t, []byte(replaceIssuer(membershipCredential, issuer)))
	delete(m, "proof")
	if !jsonEqual(m, orig) {
		t.Fatal("claims changed")
	}
	if !bytes.HasPrefix(doc, []byte(`{"@context":`)) || !bytes.Contains(doc, []byte(`"credentialSubject":{"id":"did:example:member-42","memberOf"`)) {
		t.Fatalf("member order changed: %s", doc)
	}
	vm := issuer + "#" + strings.TrimPrefix(issuer, "did:key:")
	two, err := AddProof(context.Background(), doc, k, Options{Cryptosuite: EdDSAJCS2022, VerificationMethod: vm}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(context.Background(), two, nil, VerifyOptions{})
	if err != nil || len(rep.Proofs) != 2 || rep.Proofs[1].Cryptosuite != EdDSAJCS2022 {
		t.Fatalf("proof set: %v %+v", err, rep)
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
