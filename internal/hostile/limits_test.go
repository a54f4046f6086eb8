package hostile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/door"
	"github.com/polity-id/polity/internal/jsonld"
	"github.com/polity-id/polity/internal/multi"
	"github.com/polity-id/polity/internal/rdf"
	"github.com/polity-id/polity/sybil"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/dataintegrity"
	"github.com/polity-id/polity/vc/jose"
	"github.com/polity-id/polity/vc/policy"
	"github.com/polity-id/polity/vc/sdjwt"
	"github.com/polity-id/polity/vc/status"
	"github.com/polity-id/polity/vcapi"
	"github.com/polity-id/polity/vote"
	"github.com/polity-id/polity/wallet"
	"github.com/polity-id/polity/wallet/query"
)

// limitCase is one documented limit: at returns nil for an input exactly at the limit,
// past returns the error of an input one unit over it, which must match want.
type limitCase struct {
	name  string // the limit, as named in SECURITY.md
	at    func(t *testing.T) error
	past  func(t *testing.T) error
	want  error
	want2 error // optional second kind the past error must also match
}

// withMember inserts a member into the first object that contains anchor, right
// after anchor.
func withMember(t *testing.T, doc []byte, anchor, member string) []byte {
	return replace(t, doc, anchor, anchor+","+member)
}

// depthDoc returns a credential whose deepest value is at nesting depth d (the
// top-level object is depth 1).
func depthDoc(t *testing.T, w world, d int) []byte {
	// top object (1) > credentialSubject (2) > "x": arrays from depth 3.
	return withMember(t, w.credential(t, nil), `"role":"member"`, `"x":`+nest(d-2))
}

// knowsDoc returns an unsigned membership credential with n extra values of an
// inline-defined term, and the number of quads of its dataset.
func knowsDoc(t *testing.T, w world, n int) ([]byte, int) {
	vals := make([]string, n)
	for i := range vals {
		vals[i] = fmt.Sprint(i)
	}
	vj, _ := json.Marshal(vals)
	doc := replace(t, replace(t, w.credential(t, nil), `"https://polity.id/ns/v1"`,
		`"https://polity.id/ns/v1",{"knows":"https://polity.example/#knows"}`),
		`"role":"member"`, `"role":"member","knows":`+string(vj))
	quads, err := jsonld.ToRDF(context.Background(), doc, &jsonld.Options{MaxQuads: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return doc, len(quads)
}

// proofSet returns the credential signed n times by the issuer (a proof set).
func proofSet(t *testing.T, w world, n int) []byte {
	doc := w.credential(t, nil)
	for i := range n {
		doc = addProof(t, doc, w.issuer.key, dataintegrity.Options{VerificationMethod: w.issuer.vm,
			ID: fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", i)})
	}
	return doc
}

// sdWithDisclosures issues a vc+sd-jwt with n disclosable array elements.
func sdWithDisclosures(t *testing.T, w world, n int) string {
	vals := make([]string, n)
	for i := range vals {
		vals[i] = fmt.Sprint(i)
	}
	vj, _ := json.Marshal(vals)
	claims := withMember(t, w.credential(t, nil), `"role":"member"`, `"knows":`+string(vj))
	claims = replace(t, claims, `"https://polity.id/ns/v1"`, `"https://polity.id/ns/v1",{"knows":"https://polity.example/#knows"}`)
	tok, err := sdjwt.Issue(claims, w.issuer.key, &sdjwt.IssueOptions{Typ: "vc+sd-jwt", Kid: w.issuer.vm,
		Disclose: []string{"credentialSubject.knows[*]"}})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestLimits(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	v := vc.NewVerifier(vc.VerifierConfig{Now: func() time.Time { return tNow }})
	verify := func(doc []byte) error { _, err := v.Verify(ctx, doc); return err }
	good := w.issue(t, w.credential(t, nil), vc.IssueOptions{})
	bigEdge := func(lineBytes int) []byte { // one edge line of exactly lineBytes bytes, newline included
		return []byte("a " + strings.Repeat("b", lineBytes-3) + "\n")
	}
	didDoc := func(n int) []byte { // a DID document with n alsoKnownAs entries
		aka := make([]string, n)
		for i := range aka {
			aka[i] = fmt.Sprintf("https://a.example/%d", i)
		}
		b, _ := json.Marshal(map[string]any{"id": "did:web:commons.example", "alsoKnownAs": aka})
		return b
	}
	cases := []limitCase{
		{
			name: "credential size (vc.Limits.MaxBytes, 1 MiB)",
			at:   func(t *testing.T) error { return verify(padTo(t, good, 1<<20)) },
			past: func(t *testing.T) error { return verify(padTo(t, good, 1<<20+1)) },
			want: vc.ErrMalformed,
		},
		{
			name: "credential depth (vc.Parser.MaxDepth, 64)",
			at:   func(t *testing.T) error { _, err := vc.ParseCredential(depthDoc(t, w, 64)); return err },
			past: func(t *testing.T) error { _, err := vc.ParseCredential(depthDoc(t, w, 65)); return err },
			want: vc.ErrMalformed,
		},
		{
			name: "dataset quads (vc.Limits.MaxQuads, 10000)",
			at: func(t *testing.T) error {
				_, base := knowsDoc(t, w, 0)
				doc, q := knowsDoc(t, w, 10000-base)
				if q != 10000 {
					t.Fatalf("%d quads", q)
				}
				return verify(w.issue(t, doc, vc.IssueOptions{}))
			},
			past: func(t *testing.T) error {
				_, base := knowsDoc(t, w, 0)
				doc, _ := knowsDoc(t, w, 10001-base)
				signed := w.issue(t, replace(t, doc, `"knows":["0",`, `"knows":[`), vc.IssueOptions{})
				return verify(replace(t, signed, `"knows":[`, `"knows":["0",`))
			},
			want: vc.ErrMalformed,
		},
		{
			name: "proofs in a proof set (dataintegrity.MaxProofs, 16)",
			at:   func(t *testing.T) error { return verify(proofSet(t, w, 16)) },
			past: func(t *testing.T) error {
				// AddProof refuses a 17th proof, so the attacker appends a copy.
				var d struct {
					Proof []json.RawMessage `json:"proof"`
				}
				doc := proofSet(t, w, 16)
				if err := json.Unmarshal(doc, &d); err != nil {
					t.Fatal(err)
				}
				extra := replace(t, d.Proof[15], "-000000000015", "-000000000016")
				return verify(replace(t, doc, string(d.Proof[15])+"]", string(d.Proof[15])+","+string(extra)+"]"))
			},
			want: vc.ErrMalformed,
		},
		{
			name: "SD-JWT disclosures (sdjwt.DefaultMaxDisclosures, 256)",
			at:   func(t *testing.T) error { return verify([]byte(sdWithDisclosures(t, w, 256))) },
			past: func(t *testing.T) error {
				// Issue refuses a 257th disclosure, so the attacker repeats one.
				tok := sdWithDisclosures(t, w, 256)
				return verify([]byte(tok + strings.Split(tok, "~")[1] + "~"))
			},
			want: sdjwt.ErrTooLarge, want2: vc.ErrMalformed,
		},
		{
			name: "status list decoded size (status.DefaultMaxDecodedBytes, 4 MiB)",
			at: func(t *testing.T) error {
				_, err := status.DecodeList(status.EncodeList(make([]byte, status.DefaultMaxDecodedBytes)), status.Limits{})
				return err
			},
			past: func(t *testing.T) error {
				_, err := status.DecodeList(status.EncodeList(make([]byte, status.DefaultMaxDecodedBytes+1)), status.Limits{})
				return err
			},
			want: status.ErrListTooLarge, want2: vc.ErrMalformed,
		},
		{
			name: "status list entries (status.MinEntries, 131072)",
			at:   func(t *testing.T) error { return status.CheckLength(status.MinEntries/8, 1, 0) },
			past: func(t *testing.T) error { return status.CheckLength(status.MinEntries/8-1, 1, 0) },
			want: status.ErrListTooShort,
		},
		{
			name: "status entries per credential (status.MaxEntries, 32)",
			at: func(t *testing.T) error {
				_, err := status.ParseEntries(entriesJSON(t, status.MaxEntries))
				return err
			},
			past: func(t *testing.T) error {
				_, err := status.ParseEntries(entriesJSON(t, status.MaxEntries+1))
				return err
			},
			want: status.ErrMalformed,
		},
		{
			name: "DID document size (did.MaxDocumentBytes, 1 MiB)",
			at: func(t *testing.T) error {
				_, err := did.ParseDocument(padTo(t, []byte(`{"id":"did:web:commons.example"}`), did.MaxDocumentBytes))
				return err
			},
			past: func(t *testing.T) error {
				_, err := did.ParseDocument(padTo(t, []byte(`{"id":"did:web:commons.example"}`), did.MaxDocumentBytes+1))
				return err
			},
			want: did.ErrTooLarge,
		},
		{
			name: "DID document depth (did.MaxDocumentDepth, 32)",
			at: func(t *testing.T) error {
				_, err := did.ParseDocument([]byte(`{"id":"did:web:commons.example","x":` + nest(31) + `}`))
				return err
			},
			past: func(t *testing.T) error {
				_, err := did.ParseDocument([]byte(`{"id":"did:web:commons.example","x":` + nest(32) + `}`))
				return err
			},
			want: did.ErrInvalidDocument,
		},
		{
			name: "DID document list items (did.MaxDocumentItems, 1024)",
			at:   func(t *testing.T) error { _, err := did.ParseDocument(didDoc(did.MaxDocumentItems)); return err },
			past: func(t *testing.T) error { _, err := did.ParseDocument(didDoc(did.MaxDocumentItems + 1)); return err },
			want: did.ErrInvalidDocument,
		},
		{
			name: "DID length (did.MaxLength, 8 KiB)",
			at: func(t *testing.T) error {
				_, err := did.Parse("did:example:" + strings.Repeat("a", did.MaxLength-len("did:example:")))
				return err
			},
			past: func(t *testing.T) error {
				_, err := did.Parse("did:example:" + strings.Repeat("a", did.MaxLength+1-len("did:example:")))
				return err
			},
			want: did.ErrInvalidDID,
		},
		{
			name: "JWK size (did.MaxJWKBytes, 16 KiB)",
			at: func(t *testing.T) error {
				_, err := did.ParsePublicJWK(padTo(t, jwkJSON(t, w), did.MaxJWKBytes))
				return err
			},
			past: func(t *testing.T) error {
				_, err := did.ParsePublicJWK(padTo(t, jwkJSON(t, w), did.MaxJWKBytes+1))
				return err
			},
			want: did.ErrTooLarge,
		},
		{
			name: "edge list line (sybil.DefaultMaxLineBytes, 4096)",
			at: func(t *testing.T) error {
				_, err := sybil.ReadEdgeList(bytes.NewReader(bigEdge(sybil.DefaultMaxLineBytes)), nil)
				return err
			},
			past: func(t *testing.T) error {
				_, err := sybil.ReadEdgeList(bytes.NewReader(bigEdge(sybil.DefaultMaxLineBytes+1)), nil)
				return err
			},
			want: sybil.ErrTooLarge,
		},
		{
			name: "graph nodes (sybil.EdgeListOptions.MaxNodes)",
			at: func(t *testing.T) error {
				_, err := sybil.ReadEdgeList(strings.NewReader("a b\nb c\n"), &sybil.EdgeListOptions{MaxNodes: 3})
				return err
			},
			past: func(t *testing.T) error {
				_, err := sybil.ReadEdgeList(strings.NewReader("a b\nb c\nc d\n"), &sybil.EdgeListOptions{MaxNodes: 3})
				return err
			},
			want: sybil.ErrTooLarge,
		},
		{
			name: "graph edges (sybil.EdgeListOptions.MaxEdges)",
			at: func(t *testing.T) error {
				_, err := sybil.ReadEdgeList(strings.NewReader("a b\nb c\n"), &sybil.EdgeListOptions{MaxEdges: 2})
				return err
			},
			past: func(t *testing.T) error {
				_, err := sybil.ReadEdgeList(strings.NewReader("a b\nb c\nc d\n"), &sybil.EdgeListOptions{MaxEdges: 2})
				return err
			},
			want: sybil.ErrTooLarge,
		},
		{
			name: "wallet item size (wallet.DefaultMaxCredentialBytes, 1 MiB)",
			at:   func(t *testing.T) error { return addToWallet(t, padTo(t, good, wallet.DefaultMaxCredentialBytes)) },
			past: func(t *testing.T) error { return addToWallet(t, padTo(t, good, wallet.DefaultMaxCredentialBytes+1)) },
			want: wallet.ErrLimit,
		},
		{
			name: "VC-API request body (vcapi.DefaultMaxBodyBytes, 1 MiB)",
			at:   func(t *testing.T) error { return postVerify(t, vcapi.DefaultMaxBodyBytes, good) },
			past: func(t *testing.T) error { return postVerify(t, vcapi.DefaultMaxBodyBytes+1, good) },
			want: errTooLargeStatus,
		},
		{
			name: "policy file size (policy.MaxPolicyBytes, 256 KiB)",
			at: func(t *testing.T) error {
				_, err := policy.Parse(padTo(t, policyJSON(w), policy.MaxPolicyBytes))
				return err
			},
			past: func(t *testing.T) error {
				_, err := policy.Parse(padTo(t, policyJSON(w), policy.MaxPolicyBytes+1))
				return err
			},
			want: policy.ErrMalformed,
		},
		{
			name: "status list credential size (status.DefaultMaxEncodedBytes + status.MaxListCredentialBytes, 1.25 MiB)",
			at: func(t *testing.T) error {
				_, err := status.ParseListCredential(padTo(t, readCorpus(t, "status-list.json"), status.DefaultMaxEncodedBytes+status.MaxListCredentialBytes), status.Limits{})
				return err
			},
			past: func(t *testing.T) error {
				_, err := status.ParseListCredential(padTo(t, readCorpus(t, "status-list.json"), status.DefaultMaxEncodedBytes+status.MaxListCredentialBytes+1), status.Limits{})
				return err
			},
			want: status.ErrMalformed,
		},
		{
			// A presentation at the cap is read and judged (denied for what it is, not
			// for its size); one byte more is refused unread.
			name: "door presentation size (door.DefaultMaxPresentationBytes, 256 KiB)",
			at: func(t *testing.T) error {
				err := doorCheck(t, w, door.DefaultMaxPresentationBytes)
				if err == nil || errors.Is(err, door.ErrTooLarge) {
					return fmt.Errorf("not judged on its content: %v", err)
				}
				return nil
			},
			past: func(t *testing.T) error { return doorCheck(t, w, door.DefaultMaxPresentationBytes+1) },
			want: door.ErrTooLarge, want2: vc.ErrMalformed,
		},
		{
			name: "vc+jwt token size (jose.DefaultMaxBytes, 256 KiB)",
			at:   func(t *testing.T) error { return verify([]byte(jwtOfSize(t, w, jose.DefaultMaxBytes))) },
			past: func(t *testing.T) error { return verify([]byte(jwtOfSize(t, w, jose.DefaultMaxBytes+1))) },
			want: vc.ErrMalformed,
		},
		{
			name: "governance config size (vote.MaxConfigBytes, 256 KiB)",
			at: func(t *testing.T) error {
				_, err := vote.ParseConfig(padTo(t, readFile(t, "../../testdata/vote/governance.json"), vote.MaxConfigBytes))
				return err
			},
			past: func(t *testing.T) error {
				_, err := vote.ParseConfig(padTo(t, readFile(t, "../../testdata/vote/governance.json"), vote.MaxConfigBytes+1))
				return err
			},
			want: vote.ErrTooLarge,
		},
		{
			name: "presentation request size (query.MaxRequestBytes, 256 KiB)",
			at: func(t *testing.T) error {
				_, err := query.ParseDefinition(padTo(t, []byte(peDefinition), query.MaxRequestBytes))
				return err
			},
			past: func(t *testing.T) error {
				_, err := query.ParseDefinition(padTo(t, []byte(peDefinition), query.MaxRequestBytes+1))
				return err
			},
			want: query.ErrMalformed,
		},
		{
			name: "N-Quads statement (rdf.DefaultMaxLineBytes, 1 MiB)",
			at: func(t *testing.T) error {
				_, err := rdf.ParseNQuads(quadLine(rdf.DefaultMaxLineBytes), nil)
				return err
			},
			past: func(t *testing.T) error {
				_, err := rdf.ParseNQuads(quadLine(rdf.DefaultMaxLineBytes+1), nil)
				return err
			},
			want: rdf.ErrTooLarge,
		},
		{
			name: "N-Quads statements (rdf.ParseOptions.MaxQuads)",
			at: func(t *testing.T) error {
				_, err := rdf.ParseNQuads(quads(1000), &rdf.ParseOptions{MaxQuads: 1000})
				return err
			},
			past: func(t *testing.T) error {
				_, err := rdf.ParseNQuads(quads(1001), &rdf.ParseOptions{MaxQuads: 1000})
				return err
			},
			want: rdf.ErrTooLarge,
		},
		{
			name: "multibase decoded size (multi.DefaultMaxBytes, 64 KiB)",
			at: func(t *testing.T) error {
				_, _, err := multi.Decode("u"+multi.EncodeRawBase64URL(make([]byte, multi.DefaultMaxBytes)), 0)
				return err
			},
			past: func(t *testing.T) error {
				_, _, err := multi.Decode("u"+multi.EncodeRawBase64URL(make([]byte, multi.DefaultMaxBytes+1)), 0)
				return err
			},
			want: multi.ErrTooLarge,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.at(t); err != nil {
				t.Errorf("at the limit: %v", err)
			}
			err := c.past(t)
			t.Logf("past the limit: %v", err)
			if !errors.Is(err, c.want) {
				t.Errorf("past the limit: got %v, want %v", err, c.want)
			}
			if c.want2 != nil && !errors.Is(err, c.want2) {
				t.Errorf("past the limit: got %v, want also %v", err, c.want2)
			}
		})
	}
}

func entriesJSON(t *testing.T, n int) []byte {
	es := make([]map[string]any, n)
	for i := range es {
		e := statusEntry(listURL, i)
		es[i] = map[string]any{"id": e.ID, "type": e.Types[0]}
		for k, v := range e.Props {
			es[i][k] = v
		}
	}
	b, err := json.Marshal(es)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func jwkJSON(t *testing.T, w world) []byte {
	b, err := json.Marshal(w.issuer.key.Public().JWK())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func addToWallet(t *testing.T, raw []byte) error {
	ctx := context.Background()
	wl, err := wallet.CreateStore(ctx, wallet.NewMemStore(), []byte("limits passphrase"), cheapWallet)
	if err != nil {
		t.Fatal(err)
	}
	defer wl.Close()
	_, err = wl.AddCredential(ctx, raw)
	return err
}

var errTooLargeStatus = errors.New("HTTP 413")

// postVerify posts a /credentials/verify request of exactly size bytes (padded with
// spaces) and turns a 413 answer into errTooLargeStatus.
func postVerify(t *testing.T, size int, cred []byte) error {
	srv, err := vcapi.New(vcapi.Config{Logger: slog.New(slog.DiscardHandler), Verifier: vc.NewVerifier(vc.VerifierConfig{Now: func() time.Time { return tNow }})})
	if err != nil {
		t.Fatal(err)
	}
	body := padTo(t, []byte(`{"verifiableCredential":`+string(cred)+`}`), size)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/credentials/verify", bytes.NewReader(body)))
	switch rec.Code {
	case http.StatusOK:
		return nil
	case http.StatusRequestEntityTooLarge:
		return errTooLargeStatus
	}
	return fmt.Errorf("HTTP %d: %s", rec.Code, rec.Body)
}

func policyJSON(w world) []byte {
	return []byte(`{"id":"urn:example:limits","types":["MembershipCredential"],"issuers":[{"did":"` + w.issuer.did + `"}]}`)
}

// doorCheck gives a door a JSON presentation of exactly size bytes and returns the
// outcome's error.
func doorCheck(t *testing.T, w world, size int) error {
	pol, err := policy.Parse(policyJSON(w))
	if err != nil {
		t.Fatal(err)
	}
	d, err := door.New("did:web:door.example", door.Setup{Policy: pol, Resolver: vc.NewOfflineResolver()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	vp := padTo(t, []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"]}`), size)
	o, err := d.Check(context.Background(), vp)
	if err != nil {
		t.Fatal(err)
	}
	return o.Err()
}

const peDefinition = `{"id":"d1","input_descriptors":[{"id":"m","constraints":{"fields":[{"path":["$.credentialSubject.role"]}]}}]}`

func readFile(t *testing.T, name string) []byte {
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jwtOfSize returns a valid vc+jwt of the issuer of exactly size bytes: the header
// and the payload are padded with JSON whitespace, which the signature covers.
func jwtOfSize(t *testing.T, w world, size int) string {
	payload := bytes.TrimSpace(w.credential(t, nil))
	for hpad := range 4 {
		header := fmt.Sprintf(`{"alg":"EdDSA","typ":"vc+jwt","cty":"vc","kid":%q%s}`, w.issuer.vm, strings.Repeat(" ", hpad))
		fixed := len(b64.EncodeToString([]byte(header))) + 2 + 86 // two dots, a 64-byte signature
		p := (size - fixed) * 3 / 4
		for _, n := range []int{p - 1, p, p + 1} {
			if n < len(payload) || fixed+len(b64.EncodeToString(make([]byte, n))) != size {
				continue
			}
			body := padTo(t, payload, n)
			input := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString(body)
			sig, err := w.issuer.key.Sign([]byte(input))
			if err != nil {
				t.Fatal(err)
			}
			tok := input + "." + b64.EncodeToString(sig)
			if len(tok) != size {
				t.Fatalf("token of %d bytes, want %d", len(tok), size)
			}
			return tok
		}
	}
	t.Fatalf("no token of exactly %d bytes", size)
	return ""
}

// quadLine returns one N-Quads statement of exactly n bytes, plus its newline.
func quadLine(n int) []byte {
	const head, tail = `<https://a.example/s> <https://a.example/p> "`, "\" ."
	return []byte(head + strings.Repeat("x", n-len(head)-len(tail)) + tail + "\n")
}

// quads returns n distinct N-Quads statements.
func quads(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "<https://a.example/s> <https://a.example/p> \"%d\" .\n", i)
	}
	return b.Bytes()
}
