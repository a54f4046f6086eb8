package vc

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/polity-id/polity/internal/jsonx"
)

// Presentation is a verifiable presentation in the W3C data model, version 2.0 or 1.1:
// credentials from one holder, usually with the holder's proof.
//
// Parse one with [ParsePresentation]. As for [Credential], unknown properties are kept in
// Extra, the input bytes in [Presentation.Raw], and unchanged properties re-encode as
// they were.
type Presentation struct {
	Context     []LDContext           // @context; the first item is ContextV2 or ContextV1
	ID          string                // id, optional URL
	Types       []string              // type; must include "VerifiablePresentation"
	Holder      Node                  // holder, optional: a URL (only ID set) or an object whose id is a URL
	Credentials []PresentedCredential // verifiableCredential, optional
	TermsOfUse  []Node                // termsOfUse, each with a type

	// Proof is the holder's embedded proof (an object or an array of them), unparsed.
	Proof json.RawMessage

	// Extra holds every other top-level property, unparsed.
	Extra map[string]json.RawMessage

	raw  []byte
	orig []member
}

// PresentedCredential is one item of a presentation's verifiableCredential. Exactly one
// field is set.
type PresentedCredential struct {
	// Credential is an embedded credential, secured by its own embedded proof; its Raw
	// is the exact bytes of the item inside the presentation.
	Credential *Credential

	// Enveloped is an EnvelopedVerifiableCredential (VCDM 2.0): a credential secured by
	// an enveloping format such as vc+jwt or vc+sd-jwt, carried in a data: URL.
	Enveloped *Envelope

	// Compact is a VCDM 1.1 JWT credential given as a bare string.
	Compact string
}

// Envelope is an EnvelopedVerifiableCredential. Its ID is a data: URL holding the secured
// credential; [Envelope.Data] decodes it.
type Envelope struct {
	Context []LDContext // @context, includes ContextV2
	ID      string      // data: URL, such as "data:application/vc+jwt,eyJ..."
	Types   []string    // includes "EnvelopedVerifiableCredential"
	Extra   map[string]json.RawMessage
}

// NewEnvelope returns the envelope of a secured credential: data is the credential in the
// secured form named by mediaType (such as "application/vc+jwt" for a compact JWS or
// "application/vc+sd-jwt" for an SD-JWT). The data is percent-encoded when needed.
func NewEnvelope(mediaType string, data []byte) *Envelope {
	return &Envelope{
		Context: []LDContext{{URL: ContextV2}},
		ID:      "data:" + mediaType + "," + percentEncode(data),
		Types:   []string{TypeEnvelopedCredential},
	}
}

func percentEncode(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if c > ' ' && c < 0x7f && c != '%' && c != '"' && c != '\\' && c != '#' {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, "%%%02X", c)
		}
	}
	return sb.String()
}

// Data decodes e's data: URL (RFC 2397) into its media type (without parameters) and
// payload, for example "application/vc+jwt" and the compact JWS. Errors wrap
// [ErrMalformed].
func (e *Envelope) Data() (mediaType string, data []byte, err error) {
	rest, ok := strings.CutPrefix(e.ID, "data:")
	if !ok {
		return "", nil, malformed("id", "not a data: URL")
	}
	meta, payload, ok := strings.Cut(rest, ",")
	if !ok {
		return "", nil, malformed("id", "data: URL without a comma")
	}
	params := strings.Split(meta, ";")
	mediaType = strings.ToLower(strings.TrimSpace(params[0]))
	isBase64 := len(params) > 1 && params[len(params)-1] == "base64"
	if isBase64 {
		data, err = base64.StdEncoding.DecodeString(payload)
		if err != nil {
			unesc, uerr := url.PathUnescape(payload)
			if uerr == nil {
				data, err = base64.StdEncoding.DecodeString(unesc)
			}
		}
		if err != nil {
			return "", nil, malformed("id", "bad base64 in data: URL")
		}
	} else {
		s, err := url.PathUnescape(payload)
		if err != nil {
			return "", nil, malformed("id", "bad percent-encoding in data: URL")
		}
		data = []byte(s)
	}
	if mediaType == "" {
		mediaType = "text/plain"
	}
	return mediaType, data, nil
}

// Validate checks e: its @context includes ContextV2, its type includes
// EnvelopedVerifiableCredential, and its id is a data: URL.
func (e *Envelope) Validate(field string) error {
	if len(e.Context) == 0 || !slices.Contains(contextURLs(e.Context), ContextV2) {
		return malformed(field+".@context", "must include %s", ContextV2)
	}
	if err := validateTypes(field+".type", e.Types, TypeEnvelopedCredential); err != nil {
		return err
	}
	if !strings.HasPrefix(e.ID, "data:") || !IsURL(e.ID) {
		return malformed(field+".id", "not a data: URL")
	}
	if _, _, err := e.Data(); err != nil {
		return malformed(field+".id", "undecodable data: URL")
	}
	return nil
}

// MarshalJSON encodes e.
func (e *Envelope) MarshalJSON() ([]byte, error) {
	return marshalObject(e, envelopeFields, nil, e.Extra)
}

var envelopeFields = []objectField[Envelope]{
	{
		key: "@context",
		decode: func(e *Envelope, raw []byte) (err error) {
			e.Context, err = decodeContexts("@context", raw)
			return err
		},
		encode: func(e *Envelope) ([]byte, error) {
			if len(e.Context) == 1 && e.Context[0].URL != "" {
				return quote(e.Context[0].URL), nil
			}
			return encodeContexts("@context", e.Context)
		},
	},
	{
		key: "id",
		decode: func(e *Envelope, raw []byte) error {
			s, err := decodeID("id", raw)
			e.ID = s
			return err
		},
		encode: func(e *Envelope) ([]byte, error) {
			if e.ID == "" {
				return nil, nil
			}
			return quote(e.ID), nil
		},
	},
	{
		key: "type",
		decode: func(e *Envelope, raw []byte) (err error) {
			e.Types, err = decodeStrings("type", raw)
			return err
		},
		encode: func(e *Envelope) ([]byte, error) {
			if e.Types == nil {
				return nil, nil
			}
			return encodeStrings(e.Types, false), nil
		},
	},
}

// Raw returns the bytes p was parsed from, or nil for a presentation built in code. The
// caller must not modify the returned slice.
func (p *Presentation) Raw() []byte { return p.raw }

// Version returns 2 for a VCDM 2.0 presentation, 1 for 1.1, and 0 otherwise.
func (p *Presentation) Version() int { return contextVersion(p.Context) }

// HasProof reports whether p carries an embedded proof.
func (p *Presentation) HasProof() bool { return len(p.Proof) > 0 }

// ContextURLs returns the URL items of p's @context, in order.
func (p *Presentation) ContextURLs() []string { return contextURLs(p.Context) }

// ParsePresentation parses and validates a presentation, with each embedded credential
// and envelope, like [ParseCredential]. Errors wrap [ErrMalformed].
func ParsePresentation(data []byte) (*Presentation, error) {
	return Parser{}.ParsePresentation(data)
}

// ParsePresentation is like the package function [ParsePresentation], with p's limits.
func (ps Parser) ParsePresentation(data []byte) (*Presentation, error) {
	if err := ps.check(data); err != nil {
		return nil, err
	}
	p, err := decodePresentation(bytes.Clone(data))
	if err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

func decodePresentation(raw []byte) (*Presentation, error) {
	p := new(Presentation)
	orig, extra, err := unmarshalObject(p, "presentation", raw, presentationFields)
	if err != nil {
		return nil, err
	}
	p.orig, p.Extra, p.raw = orig, extra, raw
	return p, nil
}

// MarshalJSON encodes p; see [Credential.MarshalJSON].
func (p *Presentation) MarshalJSON() ([]byte, error) {
	return marshalObject(p, presentationFields, p.orig, p.Extra)
}

// UnmarshalJSON decodes and validates a presentation, like [ParsePresentation].
func (p *Presentation) UnmarshalJSON(data []byte) error {
	if err := jsonx.Check(data, jsonx.Limits{MaxBytes: len(data) + 1}); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	d, err := decodePresentation(bytes.Clone(data))
	if err != nil {
		return err
	}
	if err := d.Validate(); err != nil {
		return err
	}
	*p = *d
	return nil
}

// Validate checks p against the data model: the first @context is ContextV2 or
// ContextV1, type includes VerifiablePresentation, id and holder are URLs, and every
// presented credential is valid ([Credential.Validate], [Envelope.Validate]). Bare JWT
// strings are accepted only in 1.1 presentations. Errors are *[FieldError] wrapping
// [ErrMalformed]; a credential's error names its position.
func (p *Presentation) Validate() error {
	if p == nil {
		return malformed("presentation", "nil")
	}
	if err := validateContexts(p.Context); err != nil {
		return err
	}
	if p.ID != "" && !IsURL(p.ID) {
		return malformed("id", "not a URL")
	}
	if err := validateTypes("type", p.Types, TypePresentation); err != nil {
		return err
	}
	if p.Holder.ID != "" || p.Holder.Types != nil || p.Holder.Props != nil {
		if p.Holder.ID == "" {
			return malformed("holder.id", "missing")
		}
		if err := validateNode("holder", p.Holder, true, false); err != nil {
			return err
		}
	}
	for i, pc := range p.Credentials {
		f := fmt.Sprintf("verifiableCredential[%d]", i)
		n := 0
		if pc.Credential != nil {
			n++
			if err := pc.Credential.Validate(); err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
		}
		if pc.Enveloped != nil {
			n++
			if err := pc.Enveloped.Validate(f); err != nil {
				return err
			}
		}
		if pc.Compact != "" {
			n++
			if p.Version() != 1 {
				return malformed(f, "a string credential is only allowed in VCDM 1.1")
			}
		}
		if n != 1 {
			return malformed(f, "set exactly one of Credential, Enveloped and Compact")
		}
	}
	for i, n := range p.TermsOfUse {
		if err := validateNode(indexed("termsOfUse", i, len(p.TermsOfUse)), n, false, true); err != nil {
			return err
		}
	}
	if len(p.Proof) == 0 && p.Proof != nil {
		return malformed("proof", "empty")
	}
	return nil
}

func decodePresented(field string, b []byte) (PresentedCredential, error) {
	if s, ok := decodeString(b); ok {
		return PresentedCredential{Compact: s}, nil
	}
	ms, ok, err := splitObject(b)
	if err != nil || !ok {
		return PresentedCredential{}, malformed(field, "neither an object nor a string")
	}
	for _, m := range ms {
		if m.key != "type" {
			continue
		}
		types, err := decodeStrings(field+".type", m.raw)
		if err != nil {
			return PresentedCredential{}, err
		}
		if slices.Contains(types, TypeEnvelopedCredential) {
			e := new(Envelope)
			_, extra, err := unmarshalObject(e, field, b, envelopeFields)
			if err != nil {
				return PresentedCredential{}, err
			}
			e.Extra = extra
			return PresentedCredential{Enveloped: e}, nil
		}
	}
	c, err := decodeCredential(b)
	if err != nil {
		return PresentedCredential{}, fmt.Errorf("%s: %w", field, err)
	}
	return PresentedCredential{Credential: c}, nil
}

func encodePresented(field string, pc PresentedCredential) ([]byte, error) {
	switch {
	case pc.Credential != nil:
		return pc.Credential.MarshalJSON()
	case pc.Enveloped != nil:
		return pc.Enveloped.MarshalJSON()
	case pc.Compact != "":
		return quote(pc.Compact), nil
	}
	return nil, malformed(field, "empty item")
}

var presentationFields = []objectField[Presentation]{
	{
		key: "@context",
		decode: func(p *Presentation, raw []byte) (err error) {
			p.Context, err = decodeContexts("@context", raw)
			return err
		},
		encode: func(p *Presentation) ([]byte, error) { return encodeContexts("@context", p.Context) },
	},
	{
		key: "id",
		decode: func(p *Presentation, raw []byte) error {
			s, err := decodeID("id", raw)
			p.ID = s
			return err
		},
		encode: func(p *Presentation) ([]byte, error) {
			if p.ID == "" {
				return nil, nil
			}
			return quote(p.ID), nil
		},
	},
	{
		key: "type",
		decode: func(p *Presentation, raw []byte) (err error) {
			p.Types, err = decodeStrings("type", raw)
			return err
		},
		encode: func(p *Presentation) ([]byte, error) {
			if p.Types == nil {
				return nil, nil
			}
			return encodeStrings(p.Types, true), nil
		},
	},
	{
		key: "holder",
		decode: func(p *Presentation, raw []byte) (err error) {
			p.Holder, err = decodeNode("holder", raw, true)
			return err
		},
		encode: func(p *Presentation) ([]byte, error) {
			if p.Holder.ID == "" && p.Holder.Types == nil && p.Holder.Props == nil {
				return nil, nil
			}
			return encodeNode("holder", p.Holder, true)
		},
	},
	{
		key: "verifiableCredential",
		decode: func(p *Presentation, raw []byte) error {
			elems, isArray, err := oneOrMany(raw)
			if err != nil {
				return malformed("verifiableCredential", "invalid JSON")
			}
			p.Credentials = make([]PresentedCredential, 0, len(elems))
			for i, e := range elems {
				f := "verifiableCredential"
				if isArray {
					f = fmt.Sprintf("verifiableCredential[%d]", i)
				}
				pc, err := decodePresented(f, e)
				if err != nil {
					return err
				}
				p.Credentials = append(p.Credentials, pc)
			}
			return nil
		},
		encode: func(p *Presentation) ([]byte, error) {
			if p.Credentials == nil {
				return nil, nil
			}
			items := make([][]byte, len(p.Credentials))
			for i, pc := range p.Credentials {
				b, err := encodePresented(fmt.Sprintf("verifiableCredential[%d]", i), pc)
				if err != nil {
					return nil, err
				}
				items[i] = b
			}
			return encodeList(items, false), nil
		},
	},
	{
		key: "termsOfUse",
		decode: func(p *Presentation, raw []byte) (err error) {
			p.TermsOfUse, err = decodeNodes("termsOfUse", raw)
			return err
		},
		encode: func(p *Presentation) ([]byte, error) { return encodeNodes("termsOfUse", p.TermsOfUse) },
	},
	{
		key: "proof",
		decode: func(p *Presentation, raw []byte) error {
			if b := bytes.TrimSpace(raw); len(b) == 0 || (b[0] != '{' && b[0] != '[') {
				return malformed("proof", "neither an object nor an array")
			}
			p.Proof = json.RawMessage(raw)
			return nil
		},
		encode: func(p *Presentation) ([]byte, error) {
			if len(p.Proof) == 0 {
				return nil, nil
			}
			if !json.Valid(p.Proof) {
				return nil, malformed("proof", "not valid JSON")
			}
			return p.Proof, nil
		},
	},
}
