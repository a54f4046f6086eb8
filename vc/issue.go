package vc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/jwk"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/vc/dataintegrity"
)

// Proof suites [Issue] can sign with: the Data Integrity cryptosuites and the legacy
// Ed25519Signature2020 proof type.
const (
	SuiteEdDSARDFC2022        = dataintegrity.EdDSARDFC2022        // Ed25519, RDFC-1.0 canonical N-Quads
	SuiteEdDSAJCS2022         = dataintegrity.EdDSAJCS2022         // Ed25519, JCS canonical JSON
	SuiteECDSARDFC2019        = dataintegrity.ECDSARDFC2019        // P-256 or P-384, RDFC-1.0
	SuiteECDSAJCS2019         = dataintegrity.ECDSAJCS2019         // P-256 or P-384, JCS
	SuiteEd25519Signature2020 = dataintegrity.Ed25519Signature2020 // Ed25519, RDFC-1.0, VCDM 1.1 era
)

// ContextDataIntegrityV2 is the JSON-LD context of DataIntegrityProof, which [Issue]
// adds to VCDM 1.1 credentials signed with a Data Integrity cryptosuite.
const ContextDataIntegrityV2 = "https://w3id.org/security/data-integrity/v2"

// Suites lists the proof suites of [Issue], in a stable order.
func Suites() []string { return dataintegrity.Cryptosuites() }

// IssueOptions configures [Issue]. The zero value signs with the default suite of the
// key type, now, as the key's did:key.
type IssueOptions struct {
	// Suite is the proof suite, one of Suites. Empty means eddsa-rdfc-2022 for
	// Ed25519 keys and ecdsa-rdfc-2019 for P-256 and P-384 keys.
	Suite string

	// Created is the proof creation time, also used for validFrom (issuanceDate in a
	// VCDM 1.1 credential) when the credential has none. Zero means now. It is
	// written in UTC, truncated to whole seconds: with a fixed Created, Ed25519 proofs
	// are reproducible byte for byte.
	Created time.Time

	// IssuerDID is the issuer written into a credential that has none. Empty means the
	// key's did:key DID. A credential that already names an issuer must name this one.
	IssuerDID string

	// VerificationMethod is the DID URL of the key in the issuer's DID document.
	// Empty means the key's own method when the issuer is the key's did:key or did:jwk
	// DID; other issuers (did:web, for example) must set it.
	VerificationMethod string

	// Status lists credentialStatus entries to add, such as the entry a
	// status.List allocates. A *Credential keeps its own entries and gets these
	// after them; credential JSON that already has credentialStatus is refused.
	Status []Node

	// Contexts are JSON-LD contexts accepted in addition to the pinned ones.
	Contexts []Context
}

// SuiteKeyError reports a key whose type does not fit the requested proof suite (an
// Ed25519 key with ecdsa-rdfc-2019, for example). It unwraps to [ErrUnsupportedSuite].
type SuiteKeyError struct {
	Suite   string
	KeyType did.KeyType
}

func (e *SuiteKeyError) Error() string {
	return fmt.Sprintf("%v: %s cannot sign with a %s key", ErrUnsupportedSuite, e.Suite, e.KeyType)
}

func (e *SuiteKeyError) Unwrap() error { return ErrUnsupportedSuite }

// Issue signs a credential with a Data Integrity proof and returns the secured
// credential as JSON.
//
// cred is a *[Credential] or the credential's JSON ([]byte or json.RawMessage). An
// issuer (opts.IssuerDID, or the key's did:key DID) and validFrom (issuanceDate for a
// VCDM 1.1 credential) are added when absent, after the other members, whose order is
// kept; claims are never changed. A VCDM 1.1 credential signed with a Data Integrity
// cryptosuite also gets the [ContextDataIntegrityV2] context. The output is compact JSON. The credential must then be valid (see [Credential.Validate]) and
// use only pinned or registered JSON-LD contexts with defined terms.
//
// The proof's verificationMethod is opts.VerificationMethod or the key's own method;
// its DID must be the issuer. A key that does not fit opts.Suite gives a
// *[SuiteKeyError]; other errors wrap [ErrMalformed], [ErrUnknownContext] or
// [ErrUnsupportedSuite]. key is secret and never appears in errors.
func Issue(ctx context.Context, cred any, key *did.PrivateKey, opts IssueOptions) ([]byte, error) {
	if key == nil {
		return nil, fmt.Errorf("%w: no signing key", ErrMalformed)
	}
	suite, err := suiteFor(opts.Suite, key.Type())
	if err != nil {
		return nil, err
	}
	created := opts.Created
	if created.IsZero() {
		created = time.Now()
	}
	created = created.UTC().Truncate(time.Second)

	keyDID, keyVM := keyMethod(key.Public())
	issuer := opts.IssuerDID
	if issuer == "" {
		issuer = keyDID
	}

	var doc []byte
	var prepared *Credential // the validated credential doc encodes, when cred is one
	switch c := cred.(type) {
	case *Credential:
		doc, prepared, err = prepareCredential(c, issuer, opts.IssuerDID != "", created, opts.Status)
	case []byte:
		doc, err = prepareJSON(c, issuer, opts.IssuerDID != "", created, opts.Status)
	case json.RawMessage:
		doc, err = prepareJSON(c, issuer, opts.IssuerDID != "", created, opts.Status)
	default:
		err = fmt.Errorf("%w: cannot issue a %T: want *vc.Credential or JSON", ErrMalformed, cred)
	}
	if err != nil {
		return nil, err
	}
	// A *Credential was validated before it was encoded, and AddProof decodes doc
	// strictly: reading doc back is needed only for JSON input, and for a VCDM 1.1
	// credential that gets a context added.
	parsed := prepared
	if parsed == nil || parsed.Version() == 1 {
		if parsed, err = ParseCredential(doc); err != nil {
			return nil, err
		}
	}
	if parsed.Version() == 1 && suite != SuiteEd25519Signature2020 && !slices.Contains(parsed.ContextURLs(), ContextDataIntegrityV2) {
		// The 1.1 context does not define DataIntegrityProof: add the context that
		// does, as VC Data Integrity asks of 1.1 documents.
		parsed.Context = append(slices.Clip(parsed.Context), LDContext{URL: ContextDataIntegrityV2})
		if doc, err = parsed.MarshalJSON(); err != nil {
			return nil, err
		}
	}
	issuer = parsed.Issuer.ID

	vm := opts.VerificationMethod
	if vm == "" {
		switch issuer {
		case keyDID:
			vm = keyVM
		case jwk.New(key.Public()):
			vm = issuer + "#0"
		default:
			return nil, fmt.Errorf("%w: issuer %q is not the key's DID: set the verification method", ErrKeyNotAuthorized, issuer)
		}
	}
	if base, _, _ := strings.Cut(vm, "#"); base != issuer {
		return nil, fmt.Errorf("%w: verification method %q does not belong to issuer %q", ErrKeyNotAuthorized, vm, issuer)
	}

	env, err := issueEnv(opts.Contexts)
	if err != nil {
		return nil, err
	}
	signed, err := dataintegrity.AddProof(ctx, doc, key, dataintegrity.Options{
		Cryptosuite:        suite,
		VerificationMethod: vm,
		ProofPurpose:       dataintegrity.PurposeAssertionMethod,
		Created:            created,
	}, env)
	if err != nil {
		return nil, err
	}
	return signed, nil
}

// suiteFor checks that a key of type kt can sign with suite (empty: the default).
func suiteFor(suite string, kt did.KeyType) (string, error) {
	ed := kt == did.KeyEd25519
	ec := kt == did.KeyP256 || kt == did.KeyP384
	switch suite {
	case "":
		switch {
		case ed:
			return SuiteEdDSARDFC2022, nil
		case ec:
			return SuiteECDSARDFC2019, nil
		}
		return "", &SuiteKeyError{Suite: "any suite", KeyType: kt}
	case SuiteEdDSARDFC2022, SuiteEdDSAJCS2022, SuiteEd25519Signature2020:
		if !ed {
			return "", &SuiteKeyError{Suite: suite, KeyType: kt}
		}
	case SuiteECDSARDFC2019, SuiteECDSAJCS2019:
		if !ec {
			return "", &SuiteKeyError{Suite: suite, KeyType: kt}
		}
	default:
		return "", fmt.Errorf("%w: %q (want one of %s)", ErrUnsupportedSuite, suite, strings.Join(Suites(), ", "))
	}
	return suite, nil
}

// keyMethod returns the did:key DID of pub and the DID URL of its verification method.
func keyMethod(pub *did.PublicKey) (string, string) {
	d := key.New(pub)
	return d, d + "#" + strings.TrimPrefix(d, "did:key:")
}

func issueEnv(ctxs []Context) (*dataintegrity.Env, error) {
	if len(ctxs) == 0 {
		return nil, nil
	}
	v := NewVerifier(VerifierConfig{Contexts: ctxs})
	if v.procErr != nil {
		return nil, v.procErr
	}
	return v.env, nil
}

// prepareCredential fills in the issuer and the issuance date of a copy of c, validates
// the copy and encodes it.
func prepareCredential(c *Credential, issuer string, explicit bool, created time.Time, status []Node) ([]byte, *Credential, error) {
	if c == nil {
		return nil, nil, fmt.Errorf("%w: nil credential", ErrMalformed)
	}
	cp := *c
	switch {
	case cp.Issuer.ID == "":
		if len(cp.Issuer.Types) > 0 || len(cp.Issuer.Props) > 0 {
			return nil, nil, malformed("issuer", "object without id")
		}
		cp.Issuer = Node{ID: issuer}
	case explicit && cp.Issuer.ID != issuer:
		return nil, nil, fmt.Errorf("%w: credential issuer %q is not %q", ErrMalformed, cp.Issuer.ID, issuer)
	}
	if len(status) > 0 {
		cp.Status = append(slices.Clip(cp.Status), status...)
	}
	if cp.Version() == 1 {
		if cp.IssuanceDate.IsZero() {
			cp.IssuanceDate = created
		}
	} else if cp.ValidFrom.IsZero() {
		cp.ValidFrom = created
	}
	if err := cp.Validate(); err != nil {
		return nil, nil, err
	}
	doc, err := cp.MarshalJSON()
	if err != nil {
		return nil, nil, err
	}
	return doc, &cp, nil
}

// prepareJSON adds the issuer and the issuance date to credential JSON that lacks
// them, by appending members: the input's bytes are otherwise kept.
func prepareJSON(data []byte, issuer string, explicit bool, created time.Time, status []Node) ([]byte, error) {
	var head struct {
		Status       json.RawMessage `json:"credentialStatus"`
		Context      json.RawMessage `json:"@context"`
		Issuer       json.RawMessage `json:"issuer"`
		ValidFrom    json.RawMessage `json:"validFrom"`
		IssuanceDate json.RawMessage `json:"issuanceDate"`
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, fmt.Errorf("%w: credential is not a JSON object", ErrMalformed)
	}
	if err := jsonx.Unmarshal(trimmed, &head, jsonx.Limits{}); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if len(status) > 0 && head.Status != nil {
		return nil, malformed("credentialStatus", "already present: add entries to the credential itself")
	}
	type member struct {
		name  string
		value []byte
	}
	var add []member
	str := func(s string) []byte { b, _ := json.Marshal(s); return b }
	if head.Issuer == nil {
		add = append(add, member{"issuer", str(issuer)})
	} else if explicit {
		var id string
		var obj struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(head.Issuer, &id) != nil && json.Unmarshal(head.Issuer, &obj) == nil {
			id = obj.ID
		}
		if id != issuer {
			return nil, fmt.Errorf("%w: credential issuer is not %q", ErrMalformed, issuer)
		}
	}
	date := FormatDateTime(created)
	if contextV1(head.Context) {
		if head.IssuanceDate == nil {
			add = append(add, member{"issuanceDate", str(date)})
		}
	} else if head.ValidFrom == nil {
		add = append(add, member{"validFrom", str(date)})
	}
	if len(status) > 0 {
		b, err := encodeNodes("credentialStatus", status)
		if err != nil {
			return nil, err
		}
		add = append(add, member{"credentialStatus", b})
	}
	if len(add) == 0 {
		return trimmed, nil
	}
	body := bytes.TrimSpace(trimmed[1 : len(trimmed)-1])
	out := make([]byte, 0, len(trimmed)+128)
	out = append(out, trimmed[:len(trimmed)-1]...)
	out = bytes.TrimRight(out, " \t\r\n")
	for i, m := range add {
		if i > 0 || len(body) > 0 {
			out = append(out, ',')
		}
		out = append(out, str(m.name)...)
		out = append(out, ':')
		out = append(out, m.value...)
	}
	out = append(out, '}')
	return out, nil
}

// contextV1 reports whether a raw @context starts with the VCDM 1.1 context.
func contextV1(raw json.RawMessage) bool {
	var first string
	if json.Unmarshal(raw, &first) == nil {
		return first == ContextV1
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil && len(list) > 0 && json.Unmarshal(list[0], &first) == nil {
		return first == ContextV1
	}
	return false
}
