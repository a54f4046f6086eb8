package hostile

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/internal/multi"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/dataintegrity"
	"github.com/polity-id/polity/vc/jose"
	"github.com/polity-id/polity/vc/sdjwt"
	"github.com/polity-id/polity/vc/status"
)

var update = flag.Bool("update", false, "rewrite testdata/negative from the generator")

// corpusDir is the negative corpus, shared with the rest of the module's testdata.
const corpusDir = "../../testdata/negative"

// The corpus world: fixed keys, times and names, so that the generated files are
// reproducible byte for byte (Ed25519 signatures are deterministic).
var (
	tIssued     = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tUntil      = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	tNow        = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // the verifiers' clock
	challenge   = "corpus-challenge-0001"
	domain      = "https://door.example"
	listURL     = "https://issuer.example/status/1"
	bombListURL = "https://issuer.example/status/bomb"
	revokedIdx  = 7
	backupPass  = []byte("corpus backup passphrase")
)

// corpusCase is one row of testdata/negative/cases.json.
type corpusCase struct {
	Name   string   `json:"name"`           // the vector, also the t.Run name
	File   string   `json:"file"`           // file under testdata/negative
	API    string   `json:"api"`            // public entry point it is fed to (see apis)
	Want   []string `json:"want,omitempty"` // sentinels errors.Is must find; none: must succeed
	Code   string   `json:"code,omitempty"` // vc.Code of the error: the CLI's JSON error code
	Threat string   `json:"threat"`         // what the input tries
	// Random marks files whose bytes differ between runs (random salts or nonces):
	// TestGenerate checks only that they exist.
	Random bool `json:"random,omitempty"`
}

type corpusFile struct {
	Source string       `json:"source"`
	Cases  []corpusCase `json:"cases"`
}

func seedKey(t testing.TB, b byte) *did.PrivateKey {
	t.Helper()
	k, err := did.NewPrivateKey(did.KeyEd25519, bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// party is a did:key identity of the corpus.
type party struct {
	key *did.PrivateKey
	did string
	vm  string
}

func newParty(t testing.TB, b byte) party {
	k := seedKey(t, b)
	d := key.New(k.Public())
	return party{k, d, d + "#" + strings.TrimPrefix(d, "did:key:")}
}

// world holds the corpus identities: the issuer, an impostor and the holder.
type world struct {
	issuer, other, holder party
}

func newWorld(t testing.TB) world {
	return world{newParty(t, 1), newParty(t, 2), newParty(t, 3)}
}

// credential returns an unsigned membership credential of the issuer.
func (w world) credential(t testing.TB, edit func(*vc.Credential)) []byte {
	t.Helper()
	c := vc.NewMembership(vc.MembershipClaims{Member: w.holder.did, Community: "did:web:commons.example", Role: "member"})
	c.ID = "urn:uuid:7f3c1e2a-0000-4000-8000-000000000001"
	c.Issuer = vc.Node{ID: w.issuer.did}
	c.ValidFrom = tIssued
	c.ValidUntil = tUntil
	if edit != nil {
		edit(c)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (w world) issue(t testing.TB, cred []byte, opts vc.IssueOptions) []byte {
	t.Helper()
	if opts.Created.IsZero() {
		opts.Created = tIssued
	}
	out, err := vc.Issue(context.Background(), cred, w.issuer.key, opts)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func addProof(t testing.TB, doc []byte, k *did.PrivateKey, opts dataintegrity.Options) []byte {
	t.Helper()
	if opts.Created.IsZero() {
		opts.Created = tIssued
	}
	out, err := dataintegrity.AddProof(context.Background(), doc, k, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// replace replaces exactly one occurrence of old in b.
func replace(t testing.TB, b []byte, old, new string) []byte {
	t.Helper()
	if n := bytes.Count(b, []byte(old)); n != 1 {
		t.Fatalf("replace %q: %d occurrences", old, n)
	}
	return bytes.Replace(b, []byte(old), []byte(new), 1)
}

// setMember sets a top-level member of a JSON object, keeping the others' bytes.
func setMember(t testing.TB, doc []byte, name string, value any) []byte {
	t.Helper()
	v, err := json.Marshal(value)
	if err != nil {
		t.Fatal(err)
	}
	doc = bytes.TrimSpace(doc)
	return append(append(doc[:len(doc)-1:len(doc)-1], []byte(fmt.Sprintf(",%q:", name))...), append(v, '}')...)
}

var b64 = base64.RawURLEncoding

// jws builds a compact JWS with the given header, signed by sign (nil: no signature).
func jws(t testing.TB, header map[string]any, payload []byte, sign func([]byte) []byte) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	input := b64.EncodeToString(h) + "." + b64.EncodeToString(payload)
	var sig []byte
	if sign != nil {
		sig = sign([]byte(input))
	}
	return input + "." + b64.EncodeToString(sig)
}

func ed25519Signer(t testing.TB, k *did.PrivateKey) func([]byte) []byte {
	return func(msg []byte) []byte {
		sig, err := k.Sign(msg)
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
}

// nest returns depth nested JSON arrays around a number.
func nest(depth int) string {
	return strings.Repeat("[", depth) + "1" + strings.Repeat("]", depth)
}

// padTo pads a JSON object with spaces before its closing brace to exactly n bytes.
func padTo(t testing.TB, doc []byte, n int) []byte {
	t.Helper()
	doc = bytes.TrimSpace(doc)
	if len(doc) > n {
		t.Fatalf("document of %d bytes is over %d", len(doc), n)
	}
	out := make([]byte, 0, n)
	out = append(out, doc[:len(doc)-1]...)
	out = append(out, bytes.Repeat([]byte{' '}, n-len(doc))...)
	return append(out, '}')
}

// statusEntry is the credentialStatus entry of index idx in the list at url.
func statusEntry(url string, idx int) vc.Node {
	return vc.Node{ID: fmt.Sprintf("%s#%d", url, idx), Types: []string{status.TypeEntry}, Props: map[string]any{
		"statusPurpose": "revocation", "statusListIndex": fmt.Sprint(idx), "statusListCredential": url}}
}

// statusList returns the signed list credential at url with encodedList enc.
func (w world) statusList(t testing.TB, url, enc string) []byte {
	t.Helper()
	doc := map[string]any{
		"@context":  []string{vc.ContextV2},
		"id":        url,
		"type":      []string{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":    w.issuer.did,
		"validFrom": vc.FormatDateTime(tIssued),
		"credentialSubject": map[string]any{
			"id": url + "#list", "type": "BitstringStatusList", "statusPurpose": "revocation", "encodedList": enc,
		},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return w.issue(t, b, vc.IssueOptions{})
}

// generate builds every corpus file and the table that says what each must give.
func generate(t testing.TB) (map[string][]byte, []corpusCase) {
	w := newWorld(t)
	files := map[string][]byte{}
	var cases []corpusCase
	add := func(c corpusCase, data []byte) {
		if _, dup := files[c.File]; dup && data != nil {
			t.Fatalf("file %s generated twice", c.File)
		}
		if data != nil {
			files[c.File] = data
		}
		cases = append(cases, c)
	}

	// Controls: well-formed inputs that must verify, so that each negative case fails
	// for its own reason and not for a broken setup.
	good := w.issue(t, w.credential(t, nil), vc.IssueOptions{})
	add(corpusCase{Name: "control-credential", File: "control-credential.json", API: "vc.Verify",
		Threat: "none: a valid Data Integrity credential"}, good)

	// Forged and tampered credentials.
	add(corpusCase{Name: "tampered-claim", File: "di-tampered-claim.json", API: "vc.Verify",
		Want: []string{"vc.ErrInvalidSignature"}, Code: "INVALID_SIGNATURE",
		Threat: "a claim (role) changed after signing"}, replace(t, good, `"role":"member"`, `"role":"admin"`))
	var proof struct {
		Proof struct{ ProofValue string } `json:"proof"`
	}
	if err := json.Unmarshal(good, &proof); err != nil {
		t.Fatal(err)
	}
	pv := proof.Proof.ProofValue
	mid, repl := len(pv)/2, "2" // another base58 digit than the one replaced
	if pv[mid] == '2' {
		repl = "3"
	}
	flipped := pv[:mid] + repl + pv[mid+1:]
	add(corpusCase{Name: "tampered-signature", File: "di-tampered-signature.json", API: "vc.Verify",
		Want: []string{"vc.ErrInvalidSignature"}, Code: "INVALID_SIGNATURE",
		Threat: "one character of proofValue changed"}, replace(t, good, pv, flipped))
	unsigned := w.credential(t, nil)
	add(corpusCase{Name: "swapped-key", File: "di-swapped-key.json", API: "vc.Verify",
		Want: []string{"vc.ErrInvalidSignature"}, Code: "INVALID_SIGNATURE",
		Threat: "signed by another key while naming the issuer's verification method"},
		addProof(t, unsigned, w.other.key, dataintegrity.Options{VerificationMethod: w.issuer.vm}))
	add(corpusCase{Name: "foreign-key", File: "di-foreign-key.json", API: "vc.Verify",
		Want: []string{"vc.ErrKeyNotAuthorized"}, Code: "KEY_NOT_AUTHORIZED",
		Threat: "validly signed by a key the issuer does not control"},
		addProof(t, unsigned, w.other.key, dataintegrity.Options{VerificationMethod: w.other.vm}))
	add(corpusCase{Name: "wrong-proof-purpose", File: "di-wrong-purpose.json", API: "vc.Verify",
		Want: []string{"vc.ErrKeyNotAuthorized", "dataintegrity.ErrPurpose"}, Code: "KEY_NOT_AUTHORIZED",
		Threat: "an authentication proof (a login) passed off as an assertion"},
		addProof(t, unsigned, w.issuer.key, dataintegrity.Options{VerificationMethod: w.issuer.vm, ProofPurpose: "authentication"}))
	add(corpusCase{Name: "proof-expired", File: "di-proof-expired.json", API: "vc.Verify",
		Want: []string{"vc.ErrExpired", "dataintegrity.ErrProofExpired"}, Code: "EXPIRED",
		Threat: "a proof used after its expires time"},
		addProof(t, unsigned, w.issuer.key, dataintegrity.Options{VerificationMethod: w.issuer.vm,
			Expires: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}))
	add(corpusCase{Name: "no-proof", File: "di-no-proof.json", API: "vc.Verify",
		Want: []string{"vc.ErrMalformed", "dataintegrity.ErrNoProof"}, Code: "MALFORMED",
		Threat: "an unsigned credential offered as verified"}, unsigned)

	// Validity period and status.
	add(corpusCase{Name: "expired", File: "di-expired.json", API: "vc.Verify",
		Want: []string{"vc.ErrExpired"}, Code: "EXPIRED", Threat: "a credential past its validUntil"},
		w.issue(t, w.credential(t, func(c *vc.Credential) { c.ValidUntil = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC) }), vc.IssueOptions{}))
	add(corpusCase{Name: "not-yet-valid", File: "di-not-yet-valid.json", API: "vc.Verify",
		Want: []string{"vc.ErrNotYetValid"}, Code: "NOT_YET_VALID", Threat: "a credential before its validFrom"},
		w.issue(t, w.credential(t, func(c *vc.Credential) { c.ValidFrom = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) }), vc.IssueOptions{}))
	bits := make([]byte, status.MinEntries/8)
	bits[revokedIdx/8] |= 0x80 >> (revokedIdx % 8)
	add(corpusCase{Name: "status-list", File: "status-list.json", API: "status.ParseListCredential",
		Threat: "none: the issuer's list, index 7 revoked (served to the status checker)"},
		w.statusList(t, listURL, status.EncodeList(bits)))
	add(corpusCase{Name: "revoked", File: "di-revoked.json", API: "vc.Verify",
		Want: []string{"vc.ErrRevoked"}, Code: "REVOKED", Threat: "a revoked credential"},
		w.issue(t, w.credential(t, nil), vc.IssueOptions{Status: []vc.Node{statusEntry(listURL, revokedIdx)}}))
	add(corpusCase{Name: "not-revoked", File: "di-not-revoked.json", API: "vc.Verify",
		Threat: "none: index 8 of the same list is not set"},
		w.issue(t, w.credential(t, nil), vc.IssueOptions{Status: []vc.Node{statusEntry(listURL, revokedIdx+1)}}))

	// Decompression bomb: 8 MiB of zeros compress to a few KiB.
	bomb := status.EncodeList(make([]byte, 8<<20))
	add(corpusCase{Name: "status-bomb-encoded", File: "status-bomb.txt", API: "status.DecodeList",
		Want: []string{"status.ErrListTooLarge", "vc.ErrMalformed"}, Code: "MALFORMED",
		Threat: "an encodedList that inflates past the decoded cap"}, []byte(bomb))
	add(corpusCase{Name: "status-bomb-list", File: "status-list-bomb.json", API: "status.ParseListCredential",
		Want: []string{"status.ErrListTooLarge"}, Code: "MALFORMED",
		Threat: "a signed list credential carrying a decompression bomb"}, w.statusList(t, bombListURL, bomb))
	add(corpusCase{Name: "status-bomb-via-verify", File: "di-status-bomb.json", API: "vc.Verify",
		Want: []string{"status.ErrListTooLarge", "vc.ErrStatusUnknown"}, Code: "STATUS_UNAVAILABLE", Threat: "a credential whose status list is a bomb"},
		w.issue(t, w.credential(t, nil), vc.IssueOptions{Status: []vc.Node{statusEntry(bombListURL, 3)}}))

	// JSON-LD: context injection and undefined terms.
	add(corpusCase{Name: "unknown-context", File: "ld-unknown-context.json", API: "vc.Verify",
		Want: []string{"vc.ErrUnknownContext"}, Code: "UNKNOWN_CONTEXT",
		Threat: "a remote context the verifier would have to fetch"},
		replace(t, good, `"https://polity.id/ns/v1"`, `"https://polity.id/ns/v1","https://evil.example/context.jsonld"`))
	add(corpusCase{Name: "inline-context-redefines-term", File: "ld-context-injection.json", API: "vc.Verify",
		Want: []string{"vc.ErrMalformed"}, Code: "MALFORMED",
		Threat: "an inline context redefining a protected term (role) to change the signed meaning"},
		replace(t, good, `"https://polity.id/ns/v1"`, `"https://polity.id/ns/v1",{"role":"https://evil.example/#role"}`))
	add(corpusCase{Name: "inline-context-shadows-scoped-term", File: "ld-context-shadowed.json", API: "vc.Verify",
		Threat: "none: an inline issuer definition is overridden by the protected type-scoped one, so the meaning and signature are unchanged"},
		replace(t, good, `"https://polity.id/ns/v1"`, `"https://polity.id/ns/v1",{"issuer":"https://evil.example/issuer"}`))
	add(corpusCase{Name: "vocab-injection", File: "ld-vocab-injection.json", API: "vc.Verify",
		Want: []string{"vc.ErrInvalidSignature"}, Code: "INVALID_SIGNATURE",
		Threat: "an inline @vocab that makes an added, unsigned claim (admin) expand"},
		replace(t, replace(t, good, `"https://polity.id/ns/v1"`, `"https://polity.id/ns/v1",{"@vocab":"https://evil.example/#"}`),
			`"role":"member"`, `"role":"member","admin":true`))
	v1 := []byte(`{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential"],` +
		`"issuer":"` + w.issuer.did + `","issuanceDate":"2025-01-01T00:00:00Z",` +
		`"credentialSubject":{"id":"` + w.holder.did + `","undefinedTerm":"dropped by JSON-LD, so unsigned"}}`)
	add(corpusCase{Name: "undefined-term", File: "ld-undefined-term.json", API: "vc.Issue",
		Want: []string{"vc.ErrMalformed"}, Code: "MALFORMED",
		Threat: "a claim that JSON-LD would drop, so the signature would not cover it"}, v1)

	// Hostile JSON.
	add(corpusCase{Name: "duplicate-keys", File: "json-duplicate-keys.json", API: "vc.Verify",
		Want: []string{"vc.ErrMalformed"}, Code: "MALFORMED",
		Threat: "a duplicate member read differently by different JSON parsers"},
		replace(t, good, `"role":"member"`, `"role":"member","role":"admin"`))
	add(corpusCase{Name: "huge-number", File: "json-huge-number.json", API: "vc.Verify",
		Want: []string{"vc.ErrMalformed"}, Code: "MALFORMED",
		Threat: "a number with an exponent beyond float64, in a signed position"},
		replace(t, good, `"role":"member"`, `"role":"member","level":1e999999999`))
	add(corpusCase{Name: "long-number", File: "json-long-number.json", API: "vc.Verify",
		Want: []string{"vc.ErrMalformed"}, Code: "MALFORMED",
		Threat: "a 100,000-digit integer to make number parsing and canonicalization slow"},
		replace(t, good, `"role":"member"`, `"role":"member","level":1`+strings.Repeat("0", 100000)))
	add(corpusCase{Name: "deep-nesting", File: "json-deep-nesting.json", API: "vc.Verify",
		Want: []string{"vc.ErrMalformed"}, Code: "MALFORMED", Threat: "65 levels of nesting (the cap is 64)"},
		replace(t, good, `"role":"member"`, `"role":"member","x":`+nest(64)))
	add(corpusCase{Name: "oversized", File: "json-oversized.json", API: "vc.Verify",
		Want: []string{"vc.ErrMalformed"}, Code: "MALFORMED", Threat: "a credential of 1 MiB + 1 byte"},
		padTo(t, good, 1<<20+1))
	add(corpusCase{Name: "not-json", File: "json-garbage.json", API: "vc.Verify",
		Want: []string{"vc.ErrMalformed"}, Code: "MALFORMED", Threat: "bytes that are no format at all"},
		[]byte("{\"@context\":\x00\xff\xfe"))

	// Poison graphs for JSON-LD and RDF canonicalization.
	many := make([]string, 10001)
	for i := range many {
		many[i] = fmt.Sprint(i)
	}
	manyJSON, _ := json.Marshal(many)
	add(corpusCase{Name: "too-many-quads", File: "ld-too-many-quads.json", API: "vc.Verify",
		Want: []string{"vc.ErrMalformed"}, Code: "MALFORMED",
		Threat: "10,001 values of one term: a dataset over the 10,000-quad cap"},
		replace(t, good, `"role":"member"`, `"role":`+string(manyJSON)))
	var blank strings.Builder
	blank.WriteString("[")
	for i := range 40 {
		if i > 0 {
			blank.WriteString(",")
		}
		blank.WriteString(`{"role":[{"role":"x"},{"role":"x"}]}`)
	}
	blank.WriteString("]")
	add(corpusCase{Name: "blank-node-poison", File: "ld-blank-node-poison.json", API: "vc.Verify",
		Want: []string{"vc.ErrInvalidSignature"}, Code: "INVALID_SIGNATURE",
		Threat: "120 indistinguishable blank nodes aimed at RDFC-1.0's hash-n-degree-quads"},
		replace(t, replace(t, good, `"https://polity.id/ns/v1"`, `"https://polity.id/ns/v1",{"knows":"https://evil.example/#knows"}`),
			`"role":"member"`, `"role":"member","knows":`+blank.String()))

	// VC-JOSE: algorithm confusion.
	payload := w.credential(t, nil)
	tok, err := jose.SignCredential(payload, w.issuer.key, w.issuer.vm)
	if err != nil {
		t.Fatal(err)
	}
	add(corpusCase{Name: "control-vc-jwt", File: "control-vc-jwt.txt", API: "vc.Verify",
		Threat: "none: a valid vc+jwt"}, []byte(tok))
	hdr := func(alg string) map[string]any {
		return map[string]any{"alg": alg, "typ": "vc+jwt", "cty": "vc", "kid": w.issuer.vm}
	}
	parts := strings.Split(tok, ".")
	tamperedPayload := replace(t, payload, `"role":"member"`, `"role":"admin"`)
	add(corpusCase{Name: "jwt-tampered-payload", File: "jwt-tampered-payload.txt", API: "vc.Verify",
		Want: []string{"vc.ErrInvalidSignature"}, Code: "INVALID_SIGNATURE", Threat: "payload changed, signature kept"},
		[]byte(parts[0]+"."+b64.EncodeToString(tamperedPayload)+"."+parts[2]))
	add(corpusCase{Name: "jwt-alg-none", File: "jwt-alg-none.txt", API: "vc.Verify",
		Want: []string{"vc.ErrUnsupportedSuite"}, Code: "UNSUPPORTED_SUITE", Threat: `"alg":"none" with an empty signature`},
		[]byte(jws(t, hdr("none"), payload, nil)))
	add(corpusCase{Name: "jwt-hs256-public-key", File: "jwt-hs256-public-key.txt", API: "vc.Verify",
		Want: []string{"vc.ErrUnsupportedSuite"}, Code: "UNSUPPORTED_SUITE",
		Threat: "HS256 keyed with the issuer's public key bytes (RS/HS confusion)"},
		[]byte(jws(t, hdr("HS256"), payload, func(m []byte) []byte {
			mac := hmac.New(sha256.New, w.issuer.key.Public().Bytes())
			mac.Write(m)
			return mac.Sum(nil)
		})))
	add(corpusCase{Name: "jwt-hs256-multikey", File: "jwt-hs256-multikey.txt", API: "vc.Verify",
		Want: []string{"vc.ErrUnsupportedSuite"}, Code: "UNSUPPORTED_SUITE",
		Threat: "HS256 keyed with the issuer's publicKeyMultibase string"},
		[]byte(jws(t, hdr("HS256"), payload, func(m []byte) []byte {
			mac := hmac.New(sha256.New, []byte(w.issuer.key.Public().Multikey()))
			mac.Write(m)
			return mac.Sum(nil)
		})))
	add(corpusCase{Name: "jwt-es256-on-ed25519", File: "jwt-es256-on-ed25519.txt", API: "vc.Verify",
		Want: []string{"vc.ErrInvalidSignature"}, Code: "INVALID_SIGNATURE",
		Threat: "an ES256 header over an Ed25519 key's signature (the key decides the algorithm)"},
		[]byte(jws(t, hdr("ES256"), payload, ed25519Signer(t, w.issuer.key))))
	embedded := map[string]any{"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "jwk": w.other.key.Public().JWK()}
	add(corpusCase{Name: "jwt-embedded-jwk", File: "jwt-embedded-jwk.txt", API: "vc.Verify",
		Want: []string{"vc.ErrMalformed"}, Code: "MALFORMED",
		Threat: "the attacker's key embedded in the header (jwk), no kid"},
		[]byte(jws(t, embedded, payload, ed25519Signer(t, w.other.key))))
	add(corpusCase{Name: "jwt-swapped-key", File: "jwt-swapped-key.txt", API: "vc.Verify",
		Want: []string{"vc.ErrInvalidSignature"}, Code: "INVALID_SIGNATURE",
		Threat: "signed by another key under the issuer's kid"},
		[]byte(jws(t, hdr("EdDSA"), payload, ed25519Signer(t, w.other.key))))
	foreign := map[string]any{"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": w.other.vm}
	add(corpusCase{Name: "jwt-foreign-kid", File: "jwt-foreign-kid.txt", API: "vc.Verify",
		Want: []string{"vc.ErrKeyNotAuthorized"}, Code: "KEY_NOT_AUTHORIZED",
		Threat: "validly signed by a key of another DID than the issuer"},
		[]byte(jws(t, foreign, payload, ed25519Signer(t, w.other.key))))

	// Presentations: replay and purpose.
	vp := func(opts dataintegrity.Options) []byte {
		doc, _ := json.Marshal(map[string]any{
			"@context": []string{vc.ContextV2}, "type": []string{"VerifiablePresentation"},
			"holder": w.holder.did, "verifiableCredential": []json.RawMessage{good},
		})
		opts.VerificationMethod = w.holder.vm
		return addProof(t, doc, w.holder.key, opts)
	}
	add(corpusCase{Name: "control-presentation", File: "control-presentation.json", API: "vc.VerifyPresentation",
		Threat: "none: a presentation bound to the expected challenge and domain"},
		vp(dataintegrity.Options{ProofPurpose: "authentication", Challenge: challenge, Domain: domain}))
	add(corpusCase{Name: "vp-replayed-challenge", File: "vp-other-challenge.json", API: "vc.VerifyPresentation",
		Want: []string{"vc.ErrInvalidSignature", "dataintegrity.ErrChallenge"}, Code: "CHALLENGE_MISMATCH",
		Threat: "a presentation made for another challenge, replayed"},
		vp(dataintegrity.Options{ProofPurpose: "authentication", Challenge: "corpus-challenge-0000", Domain: domain}))
	add(corpusCase{Name: "vp-other-domain", File: "vp-other-domain.json", API: "vc.VerifyPresentation",
		Want: []string{"vc.ErrInvalidSignature", "dataintegrity.ErrChallenge"}, Code: "DOMAIN_MISMATCH",
		Threat: "a presentation made for another verifier (domain), relayed"},
		vp(dataintegrity.Options{ProofPurpose: "authentication", Challenge: challenge, Domain: "https://evil.example"}))
	add(corpusCase{Name: "vp-no-challenge", File: "vp-no-challenge.json", API: "vc.VerifyPresentation",
		Want: []string{"vc.ErrInvalidSignature", "dataintegrity.ErrChallenge"}, Code: "CHALLENGE_MISMATCH",
		Threat: "a presentation without a challenge, replayable anywhere"},
		vp(dataintegrity.Options{ProofPurpose: "authentication", Domain: domain}))
	add(corpusCase{Name: "vp-assertion-purpose", File: "vp-assertion-purpose.json", API: "vc.VerifyPresentation",
		Want: []string{"vc.ErrKeyNotAuthorized", "dataintegrity.ErrPurpose"}, Code: "KEY_NOT_AUTHORIZED",
		Threat: "a presentation signed for assertionMethod instead of authentication"},
		vp(dataintegrity.Options{ProofPurpose: "assertionMethod", Challenge: challenge, Domain: domain}))

	// SD-JWT (random salts: checked for presence only).
	sd, err := sdjwt.Issue(w.credential(t, nil), w.issuer.key, &sdjwt.IssueOptions{
		Typ: "vc+sd-jwt", Kid: w.issuer.vm, Disclose: []string{"credentialSubject.role"}})
	if err != nil {
		t.Fatal(err)
	}
	add(corpusCase{Name: "control-sd-jwt", File: "control-sd-jwt.txt", API: "vc.Verify",
		Threat: "none: a valid vc+sd-jwt", Random: true}, []byte(sd))
	segs := strings.Split(sd, "~")
	disc, _ := b64.DecodeString(segs[1])
	forged := strings.Replace(string(disc), `"member"`, `"admin"`, 1)
	add(corpusCase{Name: "sd-jwt-forged-disclosure", File: "sd-jwt-forged-disclosure.txt", API: "vc.Verify",
		Want: []string{"vc.ErrMalformed", "sdjwt.ErrDisclosure"}, Code: "MALFORMED",
		Threat: "a disclosure whose value was changed (its digest is not in the payload)", Random: true},
		[]byte(segs[0]+"~"+b64.EncodeToString([]byte(forged))+"~"))
	add(corpusCase{Name: "sd-jwt-duplicate-disclosure", File: "sd-jwt-duplicate-disclosure.txt", API: "vc.Verify",
		Want: []string{"vc.ErrMalformed", "sdjwt.ErrDisclosure"}, Code: "MALFORMED",
		Threat: "the same disclosure twice", Random: true},
		[]byte(segs[0]+"~"+segs[1]+"~"+segs[1]+"~"))

	// DID documents, keys and JWKs.
	add(corpusCase{Name: "did-doc-duplicate-id", File: "did-doc-duplicate-id.json", API: "did.ParseDocument",
		Want: []string{"did.ErrInvalidDocument"}, Threat: "two ids, read differently by different parsers"},
		[]byte(`{"id":"did:web:commons.example","id":"did:web:evil.example"}`))
	add(corpusCase{Name: "did-doc-deep", File: "did-doc-deep.json", API: "did.ParseDocument",
		Want: []string{"did.ErrInvalidDocument"}, Threat: "a service endpoint nested 200 deep"},
		[]byte(`{"id":"did:web:commons.example","service":[{"id":"#s","type":"X","serviceEndpoint":`+nest(200)+`}]}`))
	add(corpusCase{Name: "did-doc-oversized", File: "did-doc-oversized.json", API: "did.ParseDocument",
		Want: []string{"did.ErrTooLarge"}, Threat: "a DID document of 1 MiB + 1 byte"},
		padTo(t, []byte(`{"id":"did:web:commons.example"}`), did.MaxDocumentBytes+1))
	add(corpusCase{Name: "did-doc-bad-multikey", File: "did-doc-bad-multikey.json", API: "did.ResolveVerificationMethod",
		Want: []string{"did.ErrInvalidKey"}, Threat: "a pinned document whose assertion key does not decode"},
		[]byte(`{"id":"did:web:commons.example","verificationMethod":[{"id":"did:web:commons.example#k","type":"Multikey",`+
			`"controller":"did:web:commons.example","publicKeyMultibase":"z6MkINVALID0OIl"}],"assertionMethod":["#k"]}`))
	add(corpusCase{Name: "did-doc-method-not-authorized", File: "did-doc-auth-only.json", API: "did.ResolveVerificationMethod",
		Want: []string{"did.ErrNotAuthorized"}, Threat: "a key listed for authentication only, used for an assertion"},
		[]byte(`{"id":"did:web:commons.example","verificationMethod":[{"id":"did:web:commons.example#k","type":"Multikey",`+
			`"controller":"did:web:commons.example","publicKeyMultibase":"`+w.issuer.key.Public().Multikey()+`"}],"authentication":["#k"]}`))
	add(corpusCase{Name: "did-doc-for-another-did", File: "did-doc-for-another-did.json", API: "did.ResolveVerificationMethod",
		Want:   []string{"did.ErrInvalidDocument"},
		Threat: "a resolver answer (poisoned cache, hijacked host) whose document is another DID's"},
		[]byte(`{"id":"did:web:commons.example","verificationMethod":[{"id":"did:web:evil.example#k","type":"Multikey",`+
			`"controller":"did:web:evil.example","publicKeyMultibase":"`+w.other.key.Public().Multikey()+`"}],"assertionMethod":["did:web:evil.example#k"]}`))
	add(corpusCase{Name: "multikey-rsa", File: "multikey-unsupported.txt", API: "did.ParseMultikey",
		Want: []string{"did.ErrUnsupportedKeyType"}, Threat: "a key type outside the supported set (BLS12-381 G2)"},
		[]byte("zUC7EK3ZakmukHhuncwkbySmomv3FmrkmS36E4Ks5rsb6VQSRpoCrx6Hb8e2Nk6UvJFSdyw9NK1scFXJp21gNNYFjVWNgaqyGnkyhtagagCpQb5B7tagJu3HDbjQ8h5ypoHjwBb"))
	add(corpusCase{Name: "multikey-truncated", File: "multikey-truncated.txt", API: "did.ParseMultikey",
		Want: []string{"did.ErrInvalidKey"}, Threat: "an Ed25519 multikey cut short"},
		[]byte(multi.EncodeBase58(multi.AppendCodec(nil, multi.Ed25519Pub, w.issuer.key.Public().Bytes()[:31]))))
	add(corpusCase{Name: "jwk-off-curve", File: "jwk-off-curve.json", API: "did.ParsePublicJWK",
		Want: []string{"did.ErrInvalidKey"}, Threat: "a P-256 point not on the curve (invalid-curve attack)"},
		[]byte(`{"kty":"EC","crv":"P-256","x":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","y":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`))
	add(corpusCase{Name: "jwk-alg-mismatch", File: "jwk-alg-mismatch.json", API: "did.ParsePublicJWK",
		Want: []string{"did.ErrInvalidKey"}, Threat: `an Ed25519 JWK claiming "alg":"HS256"`},
		[]byte(`{"kty":"OKP","crv":"Ed25519","alg":"HS256","x":"`+b64.EncodeToString(w.issuer.key.Public().Bytes())+`"}`))

	// Sybil graph and seed files.
	add(corpusCase{Name: "graph-long-line", File: "graph-long-line.txt", API: "sybil.ReadEdgeList",
		Want: []string{"sybil.ErrTooLarge"}, Threat: "a line over the 4 KiB line cap"},
		[]byte("a b\n"+strings.Repeat("x", 5000)+" y\n"))
	add(corpusCase{Name: "graph-nan-weight", File: "graph-nan-weight.txt", API: "sybil.ReadEdgeList",
		Want: []string{"sybil.ErrBadEdgeList"}, Threat: "a NaN edge weight to poison the ranking"},
		[]byte("a b 1\nb c NaN\n"))
	add(corpusCase{Name: "graph-negative-weight", File: "graph-negative-weight.txt", API: "sybil.ReadEdgeList",
		Want: []string{"sybil.ErrBadEdgeList"}, Threat: "a negative edge weight"},
		[]byte("a b -5\n"))
	add(corpusCase{Name: "graph-infinite-weight", File: "graph-infinite-weight.txt", API: "sybil.ReadEdgeList",
		Want: []string{"sybil.ErrBadEdgeList"}, Threat: "an infinite edge weight"},
		[]byte("a b 1e999\n"))
	add(corpusCase{Name: "seeds-unknown-node", File: "seeds-unknown.txt", API: "sybil.ReadSeeds",
		Want: []string{"sybil.ErrUnknownNode"}, Threat: "a seed that is not in the graph"},
		[]byte("a\nnobody\n"))

	walletCases(t, add, good)
	return files, cases
}

func marshalCases(t testing.TB, cases []corpusCase) []byte {
	b, err := json.MarshalIndent(corpusFile{
		Source: "Generated by TestGenerate in internal/hostile: go test ./internal/hostile -run TestGenerate -update. " +
			"Polity's own test data (same licence as the repository). Each case names a file, the public API it is " +
			"fed to, the sentinel errors errors.Is must find (none: it must succeed) and the vc.Code of the error.",
		Cases: cases,
	}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestGenerate writes the corpus with -update, and otherwise checks that the committed
// files are exactly what the generator produces (files marked random only exist).
func TestGenerate(t *testing.T) {
	files, cases := generate(t)
	files["cases.json"] = marshalCases(t, cases)
	random := map[string]bool{}
	for _, c := range cases {
		if c.Random {
			random[c.File] = true
		}
	}
	if *update {
		old, _ := filepath.Glob(filepath.Join(corpusDir, "*"))
		for _, f := range old {
			if base := filepath.Base(f); base != "SOURCE.txt" {
				os.Remove(f)
			}
		}
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(corpusDir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	for name, data := range files {
		got, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil {
			t.Errorf("%s: %v (run go test ./internal/hostile -run TestGenerate -update)", name, err)
			continue
		}
		if !random[name] && !bytes.Equal(got, data) {
			t.Errorf("%s differs from the generator's output (run with -update)", name)
		}
	}
}
