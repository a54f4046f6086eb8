package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/polity-id/polity/vc"
)

// TypeTrustRegistry is the credential type of a signed trust registry: a
// credential issued by the community's DID whose single credentialSubject has an
// "issuers" array of [TrustedIssuer] entries.
const TypeTrustRegistry = "TrustRegistryCredential"

// Registry is a trust registry: the issuers a community trusts, as it publishes
// them. Add it to a policy with [Policy.Trust].
type Registry struct {
	ID        string          // the registry credential's id, or the file's "id"
	Publisher string          // the DID that signed it; "" for an unsigned registry
	Issuers   []TrustedIssuer // the trusted issuers
}

type registryJSON struct {
	ID      string          `json:"id,omitempty"`
	Issuers []TrustedIssuer `json:"issuers"`
}

// ParseRegistry reads an unsigned trust registry file, strict JSON of the form
// {"id": "...", "issuers": [{"did", "name", "types", "validFrom", "validUntil"}]}.
// Errors wrap ErrMalformed.
func ParseRegistry(data []byte) (*Registry, error) {
	var rj registryJSON
	if err := strictDecode(data, &rj); err != nil {
		return nil, err
	}
	return newRegistry(rj.ID, "", rj.Issuers)
}

func newRegistry(id, publisher string, issuers []TrustedIssuer) (*Registry, error) {
	if len(issuers) > MaxIssuers {
		return nil, fieldErr("issuers", "more than %d issuers", MaxIssuers)
	}
	for i := range issuers {
		if err := issuers[i].validate(fmt.Sprintf("issuers[%d]", i)); err != nil {
			return nil, err
		}
	}
	return &Registry{ID: id, Publisher: publisher, Issuers: issuers}, nil
}

// MarshalJSON encodes r in the unsigned file form.
func (r *Registry) MarshalJSON() ([]byte, error) {
	return json.Marshal(registryJSON{ID: r.ID, Issuers: r.Issuers})
}

// Credential returns r as an unsigned [TypeTrustRegistry] credential issued by
// publisher (the community's DID) from validFrom (zero means now), for the
// community to secure with its key (vc.Issue, or jose.SignCredential for a
// vc+jwt) and publish; [LoadRegistry] reads it back. Its id is r.ID when that is
// a URL. An inline context defines the registry's terms, so that it can take a
// Data Integrity proof. Errors wrap ErrMalformed.
func (r *Registry) Credential(publisher string, validFrom time.Time) ([]byte, error) {
	if _, err := newRegistry(r.ID, publisher, r.Issuers); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(publisher, "did:") {
		return nil, fieldErr("publisher", "must be a DID")
	}
	if validFrom.IsZero() {
		validFrom = time.Now()
	}
	doc := map[string]any{
		"@context":          []any{vc.ContextV2, registryContext},
		"type":              []string{vc.TypeCredential, TypeTrustRegistry},
		"issuer":            publisher,
		"validFrom":         vc.FormatDateTime(validFrom.UTC().Truncate(time.Second)),
		"credentialSubject": map[string]any{"issuers": r.Issuers},
	}
	if strings.Contains(r.ID, ":") {
		doc["id"] = r.ID
	}
	return json.Marshal(doc)
}

// registryContext is the inline JSON-LD context of a registry credential: its
// type and the members of its issuer entries under Polity's vocabulary ("name"
// keeps its VCDM 2.0 meaning; inside the credential itself VCDM 2.0's validFrom
// and validUntil apply).
var registryContext = map[string]any{
	TypeTrustRegistry: vc.PolityVocab + TypeTrustRegistry,
	"issuers":         vc.PolityVocab + "trustedIssuer",
	"did":             map[string]any{"@id": vc.PolityVocab + "issuerDID", "@type": "@id"},
	"types":           vc.PolityVocab + "trustedForType",
	"validFrom":       map[string]any{"@id": vc.PolityVocab + "trustedFrom", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"},
	"validUntil":      map[string]any{"@id": vc.PolityVocab + "trustedUntil", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"},
}

// CredentialVerifier verifies a secured credential (a Data Integrity JSON
// credential or a vc+jwt token) and reports every check. *vc.Verifier has this
// method.
type CredentialVerifier interface {
	Verify(ctx context.Context, raw []byte) (*vc.Result, error)
}

// LoadRegistry reads a trust registry that may be signed.
//
// A signed registry is a [TypeTrustRegistry] credential, as Data Integrity JSON
// or a vc+jwt token: it is verified with v, and its issuer must be publisher
// (the community's DID). An unsigned registry file (see [ParseRegistry]) is
// accepted only when publisher is "", and a signed one only when publisher is
// set; otherwise the error wraps ErrUnsigned or ErrRegistrySignature.
// Verification failures wrap ErrRegistrySignature and the verifier's error.
func LoadRegistry(ctx context.Context, data []byte, publisher string, v CredentialVerifier) (*Registry, error) {
	trimmed := bytes.TrimSpace(data)
	if isUnsignedRegistry(trimmed) {
		if publisher != "" {
			return nil, fmt.Errorf("%w: expected a registry signed by %q", ErrUnsigned, publisher)
		}
		return ParseRegistry(trimmed)
	}
	if publisher == "" {
		return nil, fmt.Errorf("%w: a signed registry needs the publisher's DID", ErrRegistrySignature)
	}
	if v == nil {
		return nil, fmt.Errorf("%w: no credential verifier", ErrRegistrySignature)
	}
	res, err := v.Verify(ctx, trimmed)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRegistrySignature, err)
	}
	if res == nil || !res.Verified || res.Credential == nil {
		return nil, fmt.Errorf("%w: not verified", ErrRegistrySignature)
	}
	c := res.Credential
	if c.Issuer.ID != publisher {
		return nil, fmt.Errorf("%w: signed by %q, not %q", ErrRegistrySignature, c.Issuer.ID, publisher)
	}
	if !c.HasType(TypeTrustRegistry) {
		return nil, &FieldError{Field: "type", Reason: "not a " + TypeTrustRegistry}
	}
	if len(c.Subjects) != 1 {
		return nil, &FieldError{Field: "credentialSubject", Reason: "want exactly one subject"}
	}
	list, ok := c.Subjects[0].Props["issuers"]
	if !ok {
		return nil, &FieldError{Field: "credentialSubject.issuers", Reason: "missing"}
	}
	b, err := json.Marshal(list)
	if err != nil {
		return nil, &FieldError{Field: "credentialSubject.issuers", Reason: "cannot be encoded", Err: err}
	}
	var issuers []TrustedIssuer
	if err := strictDecode(b, &issuers); err != nil {
		return nil, err
	}
	return newRegistry(c.ID, publisher, issuers)
}

// isUnsignedRegistry reports whether data is a JSON object with "issuers" at the
// top level and no "@context" (so not a credential).
func isUnsignedRegistry(data []byte) bool {
	if len(data) == 0 || data[0] != '{' {
		return false
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(data, &probe) != nil {
		return true // let ParseRegistry report it
	}
	_, ctx := probe["@context"]
	return !ctx
}
