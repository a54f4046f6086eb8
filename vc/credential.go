package vc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/polity-id/polity/internal/jsonx"
)

// Well-known context URLs.
const (
	ContextV2     = "https://www.w3.org/ns/credentials/v2"   // VCDM 2.0, first @context item of a 2.0 credential
	ContextV1     = "https://www.w3.org/2018/credentials/v1" // VCDM 1.1, first @context item of a 1.1 credential
	ContextPolity = "https://polity.id/ns/v1"                // Polity's community credential types; see [NewMembership]
)

// Type names of the data model.
const (
	TypeCredential          = "VerifiableCredential"
	TypePresentation        = "VerifiablePresentation"
	TypeEnvelopedCredential = "EnvelopedVerifiableCredential"
)

// Credential is a verifiable credential in the W3C data model, version 2.0 or 1.1.
//
// Parse one with [ParseCredential]; it keeps the input bytes ([Credential.Raw]) for proof
// verification, and every property it does not model in Extra, so that marshaling an
// unmodified credential gives back a JSON value equal to the input. Build one in code
// with a struct literal or a constructor such as [NewMembership], then call
// [Credential.Validate].
//
// Absent dates are zero times. Multi-valued properties accept one value or an array; a
// property left unchanged after parsing is re-encoded exactly as it was.
type Credential struct {
	Context     []LDContext  // @context; the first item is ContextV2 or ContextV1
	ID          string       // id, optional URL
	Types       []string     // type; must include "VerifiableCredential"
	Name        []LangString // name, optional
	Description []LangString // description, optional
	Issuer      Node         // issuer: a URL (only ID set) or an object whose id is a URL

	ValidFrom  time.Time // validFrom (2.0), optional
	ValidUntil time.Time // validUntil (2.0), optional

	IssuanceDate   time.Time // issuanceDate (1.1), required in 1.1 credentials
	ExpirationDate time.Time // expirationDate (1.1), optional

	Subjects       []Node // credentialSubject, one or more non-empty objects
	Status         []Node // credentialStatus, each with a type
	Schemas        []Node // credentialSchema, each with an id and a type
	TermsOfUse     []Node // termsOfUse, each with a type
	Evidence       []Node // evidence, each with a type
	RefreshService []Node // refreshService, each with a type

	// Proof is the embedded proof (an object or an array of them), unparsed; the
	// vc/dataintegrity package verifies it over Raw.
	Proof json.RawMessage

	// Extra holds every other top-level property, unparsed (for example relatedResource,
	// renderMethod or an application's own terms).
	Extra map[string]json.RawMessage

	raw  []byte
	orig []member
}

// Raw returns the bytes c was parsed from, or nil for a credential built in code. It does
// not reflect later changes. The caller must not modify the returned slice.
func (c *Credential) Raw() []byte { return c.raw }

// Version returns 2 for a VCDM 2.0 credential, 1 for a 1.1 credential, and 0 when the
// first @context item is neither.
func (c *Credential) Version() int { return contextVersion(c.Context) }

func contextVersion(cs []LDContext) int {
	if len(cs) == 0 {
		return 0
	}
	switch cs[0].URL {
	case ContextV2:
		return 2
	case ContextV1:
		return 1
	}
	return 0
}

// HasType reports whether c's types include typ.
func (c *Credential) HasType(typ string) bool { return slices.Contains(c.Types, typ) }

// HasProof reports whether c carries an embedded proof.
func (c *Credential) HasProof() bool { return len(c.Proof) > 0 }

// ContextURLs returns the URL items of c's @context, in order.
func (c *Credential) ContextURLs() []string { return contextURLs(c.Context) }

func contextURLs(cs []LDContext) []string {
	out := make([]string, 0, len(cs))
	for _, x := range cs {
		if x.URL != "" {
			out = append(out, x.URL)
		}
	}
	return out
}

// Parser parses credentials and presentations with size limits. The zero value uses the
// defaults; [ParseCredential] and [ParsePresentation] use a zero Parser.
type Parser struct {
	MaxBytes int // largest accepted input; 0 means 1 MiB
	MaxDepth int // deepest nesting of objects and arrays; 0 means 64
}

func (p Parser) check(data []byte) error {
	if err := jsonx.Check(data, jsonx.Limits{MaxBytes: p.MaxBytes, MaxDepth: p.MaxDepth}); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return nil
}

// ParseCredential parses and validates a credential in the JSON form of the data model
// (an embedded-proof credential or the payload of a secured one). It is pure: no I/O, no
// JSON-LD processing, no proof or status checks. The JSON must be strict (no duplicate
// member names) and within the default limits of [Parser].
//
// Every error wraps [ErrMalformed]; data-model violations are *[FieldError].
// The returned credential keeps a copy of data as [Credential.Raw].
func ParseCredential(data []byte) (*Credential, error) { return Parser{}.ParseCredential(data) }

// ParseCredential is like the package function [ParseCredential], with p's limits.
func (p Parser) ParseCredential(data []byte) (*Credential, error) {
	if err := p.check(data); err != nil {
		return nil, err
	}
	raw := bytes.Clone(data)
	c, err := decodeCredential(raw)
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// decodeCredential decodes strict JSON without validating the data model.
func decodeCredential(raw []byte) (*Credential, error) { return decodeCredentialTree(raw, nil) }

// decodeCredentialTree is decodeCredential for JSON already decoded (strictly, with
// json.Number leaves) as tree: @context URLs, id, type, issuer, dates and nodes are read
// from the tree (nodes share its maps) rather than decoded again. tree nil means none.
func decodeCredentialTree(raw []byte, tree map[string]any) (*Credential, error) {
	c := new(Credential)
	orig, extra, err := unmarshalObjectTree(c, "credential", raw, credentialFields, tree)
	if err != nil {
		return nil, err
	}
	c.orig, c.Extra, c.raw = orig, extra, raw
	return c, nil
}

// MarshalJSON encodes c. Properties unchanged since parsing keep their original JSON;
// the result for an unmodified parsed credential is a JSON value equal to the input.
// It does not validate c; call [Credential.Validate] first.
func (c *Credential) MarshalJSON() ([]byte, error) {
	return marshalObject(c, credentialFields, c.orig, c.Extra)
}

// UnmarshalJSON decodes and validates a credential, like [ParseCredential] without
// the size limits (encoding/json has already read the input).
func (c *Credential) UnmarshalJSON(data []byte) error {
	if err := jsonx.Check(data, jsonx.Limits{MaxBytes: len(data) + 1}); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	d, err := decodeCredential(bytes.Clone(data))
	if err != nil {
		return err
	}
	if err := d.Validate(); err != nil {
		return err
	}
	*c = *d
	return nil
}

func dateField(key string, get func(*Credential) *time.Time) objectField[Credential] {
	return objectField[Credential]{
		key: key,
		decode: func(c *Credential, raw []byte) error {
			s, ok := decodeString(raw)
			if !ok {
				return malformed(key, "not a string")
			}
			t, err := parseDateTime(s)
			if err != nil {
				return malformed(key, "%v", err)
			}
			*get(c) = t
			return nil
		},
		fromTree: func(c *Credential, v any) bool {
			s, ok := v.(string)
			if !ok {
				return false
			}
			t, err := parseDateTime(s)
			if err != nil {
				return false
			}
			*get(c) = t
			return true
		},
		encode: func(c *Credential) ([]byte, error) {
			t := *get(c)
			if t.IsZero() {
				return nil, nil
			}
			return quote(FormatDateTime(t)), nil
		},
	}
}

func nodesField(key string, get func(*Credential) *[]Node) objectField[Credential] {
	return objectField[Credential]{
		key: key,
		decode: func(c *Credential, raw []byte) (err error) {
			*get(c), err = decodeNodes(key, raw)
			return err
		},
		encode: func(c *Credential) ([]byte, error) { return encodeNodes(key, *get(c)) },
		fromTree: func(c *Credential, v any) bool {
			ns, ok := nodesFromTree(v)
			if ok {
				*get(c) = ns
			}
			return ok
		},
	}
}

func langField(key string, get func(*Credential) *[]LangString) objectField[Credential] {
	return objectField[Credential]{
		key: key,
		decode: func(c *Credential, raw []byte) (err error) {
			*get(c), err = decodeLangStrings(key, raw)
			return err
		},
		encode: func(c *Credential) ([]byte, error) { return encodeLangStrings(*get(c)), nil },
	}
}

// credentialFields lists the modeled properties in their canonical order.
var credentialFields = []objectField[Credential]{
	{
		key: "@context",
		decode: func(c *Credential, raw []byte) (err error) {
			c.Context, err = decodeContexts("@context", raw)
			return err
		},
		encode: func(c *Credential) ([]byte, error) { return encodeContexts("@context", c.Context) },
		fromTree: func(c *Credential, v any) bool {
			cs, ok := contextsFromTree(v)
			if ok {
				c.Context = cs
			}
			return ok
		},
	},
	{
		key: "id",
		decode: func(c *Credential, raw []byte) error {
			s, err := decodeID("id", raw)
			c.ID = s
			return err
		},
		fromTree: func(c *Credential, v any) bool {
			s, ok := v.(string)
			if ok && s != "" {
				c.ID = s
			}
			return ok && s != ""
		},
		encode: func(c *Credential) ([]byte, error) {
			if c.ID == "" {
				return nil, nil
			}
			return quote(c.ID), nil
		},
	},
	{
		key: "type",
		decode: func(c *Credential, raw []byte) (err error) {
			c.Types, err = decodeStrings("type", raw)
			return err
		},
		fromTree: func(c *Credential, v any) bool {
			ts, ok := stringsFromTree(v)
			if ok {
				c.Types = ts
			}
			return ok
		},
		encode: func(c *Credential) ([]byte, error) {
			if c.Types == nil {
				return nil, nil
			}
			return encodeStrings(c.Types, true), nil
		},
	},
	langField("name", func(c *Credential) *[]LangString { return &c.Name }),
	langField("description", func(c *Credential) *[]LangString { return &c.Description }),
	{
		key: "issuer",
		decode: func(c *Credential, raw []byte) (err error) {
			c.Issuer, err = decodeNode("issuer", raw, true)
			return err
		},
		encode: func(c *Credential) ([]byte, error) {
			if c.Issuer.ID == "" && c.Issuer.Types == nil && c.Issuer.Props == nil {
				return nil, nil
			}
			return encodeNode("issuer", c.Issuer, true)
		},
		fromTree: func(c *Credential, v any) bool {
			n, ok := nodeFromTree(v, true)
			if ok {
				c.Issuer = n
			}
			return ok
		},
	},
	dateField("validFrom", func(c *Credential) *time.Time { return &c.ValidFrom }),
	dateField("validUntil", func(c *Credential) *time.Time { return &c.ValidUntil }),
	dateField("issuanceDate", func(c *Credential) *time.Time { return &c.IssuanceDate }),
	dateField("expirationDate", func(c *Credential) *time.Time { return &c.ExpirationDate }),
	nodesField("credentialSubject", func(c *Credential) *[]Node { return &c.Subjects }),
	nodesField("credentialStatus", func(c *Credential) *[]Node { return &c.Status }),
	nodesField("credentialSchema", func(c *Credential) *[]Node { return &c.Schemas }),
	nodesField("termsOfUse", func(c *Credential) *[]Node { return &c.TermsOfUse }),
	nodesField("evidence", func(c *Credential) *[]Node { return &c.Evidence }),
	nodesField("refreshService", func(c *Credential) *[]Node { return &c.RefreshService }),
	{
		key: "proof",
		decode: func(c *Credential, raw []byte) error {
			if b := bytes.TrimSpace(raw); len(b) == 0 || (b[0] != '{' && b[0] != '[') {
				return malformed("proof", "neither an object nor an array")
			}
			c.Proof = json.RawMessage(raw)
			return nil
		},
		encode: func(c *Credential) ([]byte, error) {
			if len(c.Proof) == 0 {
				return nil, nil
			}
			if !json.Valid(c.Proof) {
				return nil, malformed("proof", "not valid JSON")
			}
			return c.Proof, nil
		},
	},
}
