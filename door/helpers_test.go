package door

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/dataintegrity"
	"github.com/polity-id/polity/vc/jose"
	"github.com/polity-id/polity/vc/sdjwt"
	"github.com/polity-id/polity/vc/status"
)

const (
	commonsDID = "did:web:commons.example"
	otherDID   = "did:web:other.example"
	doorID     = "did:web:commons.example:doors:main"
	listURL    = "https://commons.example/status/1"
	revokedIdx = 7
)

var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// world is a community with an issuer key, another community, and holders, with
// a door directory on disk.
type world struct {
	dir              string
	commons, other   *did.PrivateKey
	alice, bob       *did.PrivateKey // alice has a good score, bob a low one
	aliceDID, bobDID string
}

func (w *world) kid(id string) string { return id + "#key-1" }

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{dir: t.TempDir()}
	for _, k := range []**did.PrivateKey{&w.commons, &w.other, &w.alice, &w.bob} {
		var err error
		if *k, err = did.GenerateKey(did.KeyEd25519); err != nil {
			t.Fatal(err)
		}
	}
	w.aliceDID, w.bobDID = key.New(w.alice.Public()), key.New(w.bob.Public())
	must(t, os.MkdirAll(filepath.Join(w.dir, DirDIDs), 0o755))
	must(t, os.MkdirAll(filepath.Join(w.dir, DirStatus), 0o755))
	for name, k := range map[string]*did.PrivateKey{commonsDID: w.commons, otherDID: w.other} {
		vm, err := did.NewVerificationMethod(w.kid(name), name, "Multikey", k.Public())
		must(t, err)
		doc := &did.Document{ID: name, VerificationMethod: []did.VerificationMethod{vm},
			AssertionMethod: []did.MethodRef{did.Ref("#key-1")}, Authentication: []did.MethodRef{did.Ref("#key-1")}}
		doc.SetContext(did.ContextDIDv1, did.ContextMultikey)
		b, err := json.Marshal(doc)
		must(t, err)
		must(t, os.WriteFile(filepath.Join(w.dir, DirDIDs, name[len("did:web:"):]+".json"), b, 0o644))
	}
	w.write(t, FilePolicy, `{
  "id": "urn:example:commons-door",
  "types": ["MembershipCredential"],
  "issuers": [{"did": "`+commonsDID+`", "name": "Commons", "types": ["MembershipCredential"]}],
  "constraints": [
    {"path": "credentialSubject.community", "op": "equals", "value": "`+commonsDID+`"},
    {"path": "credentialSubject.role", "op": "in", "value": ["member", "steward"]}
  ],
  "maxAge": "365d",
  "requireStatus": true,
  "minScore": 0.5
}`)
	w.write(t, FileScores, "# Sybil scores\n"+w.aliceDID+" 0.9\n"+w.bobDID+" 0.1\n")

	// A revocation list with index revokedIdx set, issued by the community.
	bits := make([]byte, status.MinEntries/8)
	bits[revokedIdx/8] |= 0x80 >> (revokedIdx % 8)
	list := map[string]any{
		"@context": []any{vc.ContextV2}, "id": listURL, "type": []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer": commonsDID, "validFrom": "2025-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": listURL + "#list", "type": "BitstringStatusList",
			"statusPurpose": "revocation", "encodedList": status.EncodeList(bits)},
	}
	b, err := json.Marshal(list)
	must(t, err)
	tok, err := jose.SignCredential(b, w.commons, w.kid(commonsDID))
	must(t, err)
	w.write(t, filepath.Join(DirStatus, "commons-1.jwt"), tok)
	return w
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (w *world) write(t testing.TB, name, content string) {
	t.Helper()
	must(t, os.WriteFile(filepath.Join(w.dir, name), []byte(content), 0o644))
}

// membership is a membership credential for holder; index < 0 means no status.
type membership struct {
	issuer    string
	community string
	role      string
	validFrom time.Time
	until     time.Time
	index     int
	list      string
}

func (w *world) defaults(holder string) membership {
	return membership{issuer: commonsDID, community: commonsDID, role: "member", validFrom: testNow.AddDate(0, -1, 0), index: 3, list: listURL}
}

func (w *world) credential(t testing.TB, holder string, m membership) *vc.Credential {
	t.Helper()
	c := vc.NewMembership(vc.MembershipClaims{Member: holder, Community: m.community, Role: m.role, Since: m.validFrom})
	c.ID = "urn:uuid:5f1c3a2e-8d4b-4e1f-9a7c-1b2d3e4f5a6b"
	c.Issuer = vc.Node{ID: m.issuer}
	c.ValidFrom, c.ValidUntil = m.validFrom, m.until
	if m.index >= 0 {
		c.Status = []vc.Node{{ID: m.list + "#" + itoa(m.index), Types: []string{"BitstringStatusListEntry"},
			Props: map[string]any{"statusPurpose": "revocation", "statusListIndex": itoa(m.index), "statusListCredential": m.list}}}
	}
	return c
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// issue signs a membership credential as vc+jwt.
func (w *world) issue(t testing.TB, holder string, m membership) string {
	t.Helper()
	b, err := json.Marshal(w.credential(t, holder, m))
	must(t, err)
	k := w.commons
	if m.issuer == otherDID {
		k = w.other
	}
	tok, err := jose.SignCredential(b, k, w.kid(m.issuer))
	must(t, err)
	return tok
}

// present wraps credential tokens in a vp+jwt signed by holder for aud and nonce.
func present(t testing.TB, holderKey *did.PrivateKey, holderDID, aud, nonce string, tokens ...string) []byte {
	t.Helper()
	var creds []any
	for _, tok := range tokens {
		creds = append(creds, jose.Envelope(tok))
	}
	vp := map[string]any{"@context": []any{vc.ContextV2}, "type": []any{"VerifiablePresentation"}, "holder": holderDID, "verifiableCredential": creds,
		"iat": testNow.Unix()}
	b, err := json.Marshal(vp)
	must(t, err)
	kid := holderDID + "#" + holderDID[len("did:key:"):]
	tok, err := jose.SignPresentation(b, holderKey, kid, aud, nonce)
	must(t, err)
	return []byte(tok)
}

// presentSDJWT issues an SD-JWT VC membership for holder and presents it with key binding.
func (w *world) presentSDJWT(t testing.TB, holderKey *did.PrivateKey, holderDID, aud, nonce string, community string) []byte {
	t.Helper()
	claims := map[string]any{"iss": commonsDID, "sub": holderDID, "vct": "MembershipCredential",
		"iat": testNow.Add(-time.Hour).Unix(), "community": community, "role": "member"}
	b, err := json.Marshal(claims)
	must(t, err)
	tok, err := sdjwt.Issue(b, w.commons, &sdjwt.IssueOptions{Kid: w.kid(commonsDID), HolderKey: holderKey.Public(), Disclose: []string{"role"}})
	must(t, err)
	p, err := sdjwt.Present(tok, []string{"role"}, &sdjwt.KeyBinding{Key: holderKey, Audience: aud, Nonce: nonce, IssuedAt: testNow})
	must(t, err)
	return []byte(p)
}

func (w *world) open(t testing.TB, cfg *Config) *Door {
	t.Helper()
	if cfg == nil {
		cfg = &Config{}
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return testNow }
	}
	d, err := Open(context.Background(), w.dir, doorID, cfg)
	must(t, err)
	return d
}

// presentDI issues a Data Integrity membership credential for holder and wraps
// it in a presentation with an authentication proof for aud and challenge.
func (w *world) presentDI(t testing.TB, holderKey *did.PrivateKey, holderDID, aud, challenge string, m membership) []byte {
	t.Helper()
	cred := w.issueDI(t, holderDID, m)
	return w.wrapDI(t, holderKey, holderDID, aud, challenge, cred)
}

func (w *world) issueDI(t testing.TB, holderDID string, m membership) []byte {
	t.Helper()
	k := w.commons
	if m.issuer == otherDID {
		k = w.other
	}
	cred, err := vc.Issue(context.Background(), w.credential(t, holderDID, m), k,
		vc.IssueOptions{IssuerDID: m.issuer, VerificationMethod: w.kid(m.issuer), Created: m.validFrom})
	must(t, err)
	return cred
}

func (w *world) wrapDI(t testing.TB, holderKey *did.PrivateKey, holderDID, aud, challenge string, cred []byte) []byte {
	t.Helper()
	vp := map[string]any{"@context": []any{vc.ContextV2}, "type": []any{"VerifiablePresentation"}, "holder": holderDID,
		"verifiableCredential": []any{json.RawMessage(cred)}}
	b, err := json.Marshal(vp)
	must(t, err)
	kid := holderDID + "#" + holderDID[len("did:key:"):]
	out, err := dataintegrity.AddProof(context.Background(), b, holderKey, dataintegrity.Options{VerificationMethod: kid,
		ProofPurpose: dataintegrity.PurposeAuthentication, Challenge: challenge, Domain: aud, Created: testNow}, nil)
	must(t, err)
	return out
}
