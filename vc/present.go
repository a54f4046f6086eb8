package vc

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/jwk"
	"github.com/polity-id/polity/vc/dataintegrity"
	"github.com/polity-id/polity/vc/jose"
	"github.com/polity-id/polity/vc/sdjwt"
)

// FormatVPJWT is the format of an application/vp+jwt presentation (VC-JOSE-COSE), for
// [PresentOptions.Format] and [Result.Format].
const FormatVPJWT = "vp+jwt"

// FormatJWTVP is the format of a VCDM 1.1 JWT presentation (VC Data Model 1.1 section
// 6.3.1: a JWS of typ JWT whose "vp" claim holds the presentation, with iss = holder,
// aud = the verifier, nonce = its challenge), for [PresentOptions.Format] and
// [Result.Format].
const FormatJWTVP = "jwt-vp-1.1"

// MaxPresentedCredentials caps the credentials of one presentation, made or verified.
const MaxPresentedCredentials = jose.MaxEnveloped

// PresentOptions configures [Present]. Challenge is required.
type PresentOptions struct {
	// Format is the presentation format: "" or FormatDataIntegrity for a VCDM 2.0
	// VerifiablePresentation with a Data Integrity proof (proofPurpose
	// authentication); FormatVPJWT for application/vp+jwt; FormatJWTVP for a VCDM 1.1
	// JWT presentation, which carries JWT-VCs as strings and VCDM 1.1 Data Integrity
	// credentials as objects; FormatSDJWT for exactly one SD-JWT credential presented
	// with a Key Binding JWT.
	Format string

	// Suite is the Data Integrity cryptosuite; empty means eddsa-rdfc-2022 for
	// Ed25519 keys and ecdsa-rdfc-2019 for P-256 and P-384 keys.
	Suite string

	// Holder is the holder DID; empty means the key's did:key DID.
	Holder string

	// VerificationMethod is the DID URL of the key in the holder's DID document
	// (listed under authentication). Empty means the key's own method when Holder is
	// the key's did:key or did:jwk DID; other holders must set it.
	VerificationMethod string

	// Challenge is the verifier's nonce: the DI proof's challenge, the JWT "nonce"
	// or the KB-JWT "nonce". Required.
	Challenge string

	// Domain is the verifier's identifier: the DI proof's domain, the JWT "aud" or
	// the KB-JWT "aud". Optional, but verifiers usually expect it.
	Domain string

	// Created is the signing time (DI created, JWT and KB-JWT iat); zero means
	// now. It is truncated to whole seconds.
	Created time.Time

	// Expires, if not zero, is when the presentation stops being valid (DI expires,
	// JWT exp). It must be after Created. A KB-JWT has no expiry: verifiers bound
	// its age.
	Expires time.Time

	// Disclose lists, per credential (same order), the SD-JWT claim paths to disclose,
	// such as "credentialSubject.role"; a nil entry (or no entry) means every
	// disclosure. Entries for credentials that are not SD-JWTs must be nil.
	Disclose [][]string

	// Contexts are JSON-LD contexts, beyond the pinned ones, that embedded Data
	// Integrity credentials use.
	Contexts []Context
}

// Present wraps secured credentials (each exactly as issued: Data Integrity JSON, vc+jwt
// or JWT-VC compact, or SD-JWT) in a presentation signed by key, bound to the
// verifier's challenge and domain.
//
// Data Integrity presentations embed Data Integrity credentials and envelope JOSE and
// SD-JWT ones (EnvelopedVerifiableCredential with a data: URL); vp+jwt presentations
// envelope every credential; a VCDM 1.1 JWT presentation carries JWT-VCs as strings and
// VCDM 1.1 Data Integrity credentials as objects; an SD-JWT presentation is the one SD-JWT with the chosen
// disclosures and a Key Binding JWT, whose key must be the credential's cnf key.
//
// The output is compact JSON for Data Integrity and a compact token otherwise. Errors
// wrap [ErrMalformed] (a bad credential or option), [ErrUnsupportedSuite] (a key that
// does not fit) or [ErrKeyNotAuthorized] (a verification method of another DID). key
// is secret and never appears in errors. Present does not verify the credentials.
func Present(ctx context.Context, creds [][]byte, key *did.PrivateKey, opts PresentOptions) ([]byte, error) {
	if key == nil {
		return nil, fmt.Errorf("%w: no signing key", ErrMalformed)
	}
	if opts.Challenge == "" {
		return nil, fmt.Errorf("%w: a presentation needs the verifier's challenge", ErrMalformed)
	}
	if len(creds) > MaxPresentedCredentials {
		return nil, fmt.Errorf("%w: %d credentials, limit %d", ErrMalformed, len(creds), MaxPresentedCredentials)
	}
	if len(opts.Disclose) > len(creds) {
		return nil, fmt.Errorf("%w: %d Disclose entries for %d credentials", ErrMalformed, len(opts.Disclose), len(creds))
	}
	holder, vm, err := holderMethod(key.Public(), opts.Holder, opts.VerificationMethod)
	if err != nil {
		return nil, err
	}
	created := opts.Created
	if created.IsZero() {
		created = time.Now()
	}
	created = created.UTC().Truncate(time.Second)
	if !opts.Expires.IsZero() && !opts.Expires.After(created) {
		return nil, fmt.Errorf("%w: Expires is not after Created", ErrMalformed)
	}
	items := make([]presented, len(creds))
	for i, c := range creds {
		var paths []string
		if i < len(opts.Disclose) {
			paths = opts.Disclose[i]
		}
		if items[i], err = classify(i, c, paths); err != nil {
			return nil, err
		}
	}

	switch opts.Format {
	case "", FormatDataIntegrity:
		return presentDI(ctx, items, key, holder, vm, created, opts)
	case FormatVPJWT:
		return presentJWT(items, key, holder, vm, created, opts)
	case FormatJWTVP:
		return presentJWTVP(items, key, holder, vm, created, opts)
	case FormatSDJWT:
		if len(items) != 1 || items[0].kind != kindSDJWT {
			return nil, fmt.Errorf("%w: an SD-JWT presentation holds exactly one SD-JWT credential", ErrMalformed)
		}
		var paths []string
		if len(opts.Disclose) > 0 {
			paths = opts.Disclose[0]
		}
		if paths == nil {
			if paths, err = allDisclosurePaths(items[0].data); err != nil {
				return nil, err
			}
		}
		out, err := sdjwt.Present(items[0].data, paths, &sdjwt.KeyBinding{
			Key: key, Audience: opts.Domain, Nonce: opts.Challenge, IssuedAt: created,
		})
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		return []byte(out), nil
	}
	return nil, fmt.Errorf("%w: unknown presentation format %q", ErrMalformed, opts.Format)
}

// holderMethod returns the holder DID and the verification method to sign with.
func holderMethod(pub *did.PublicKey, holder, vm string) (string, string, error) {
	keyDID, keyVM := keyMethod(pub)
	if holder == "" {
		holder = keyDID
	}
	if vm == "" {
		switch jwkDID := jwk.New(pub); holder {
		case keyDID:
			vm = keyVM
		case jwkDID:
			vm = jwkDID + "#0"
		default:
			return "", "", fmt.Errorf("%w: holder %q is not the key's did:key or did:jwk: set VerificationMethod", ErrKeyNotAuthorized, holder)
		}
	}
	u, err := did.ParseURL(vm)
	if err != nil {
		return "", "", fmt.Errorf("%w: verification method: %w", ErrMalformed, err)
	}
	if u.DID.String() != holder {
		return "", "", fmt.Errorf("%w: verification method %q is not the holder's", ErrKeyNotAuthorized, vm)
	}
	return holder, vm, nil
}

type credKind uint8

const (
	kindDI credKind = iota
	kindJWT
	kindSDJWT
)

// presented is one credential prepared for a presentation.
type presented struct {
	kind      credKind
	mediaType string // of its envelope
	raw       []byte // DI: compact JSON
	data      string // JWT or SD-JWT, with the chosen disclosures
}

// classify detects the securing format of credential i and applies its disclosures.
func classify(i int, cred []byte, paths []string) (presented, error) {
	t := bytes.TrimSpace(cred)
	switch {
	case len(t) > 0 && t[0] == '{':
		if paths != nil {
			return presented{}, fmt.Errorf("%w: credential %d: disclosures apply to SD-JWT credentials only", ErrMalformed, i)
		}
		c, err := ParseCredential(t)
		if err != nil {
			return presented{}, fmt.Errorf("credential %d: %w", i, err)
		}
		if !c.HasProof() {
			return presented{}, fmt.Errorf("%w: credential %d has no proof", ErrMalformed, i)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, t); err != nil {
			return presented{}, fmt.Errorf("%w: credential %d: %w", ErrMalformed, i, err)
		}
		return presented{kind: kindDI, raw: buf.Bytes()}, nil
	case isCompact(t) && bytes.IndexByte(t, '~') >= 0:
		s := string(t)
		sd, err := sdjwt.Parse(s, nil)
		if err != nil {
			return presented{}, fmt.Errorf("credential %d: %w", i, err)
		}
		if sd.KBJWT != "" {
			return presented{}, fmt.Errorf("%w: credential %d already carries a key binding JWT", ErrMalformed, i)
		}
		h, err := jose.Peek(sd.JWT)
		if err != nil {
			return presented{}, fmt.Errorf("credential %d: %w", i, err)
		}
		mt := "application/sd-jwt"
		if h.Typ == sdjwt.TypeVC || h.Typ == sdjwt.TypeVCLegacy {
			mt = "application/" + h.Typ
		}
		if paths != nil {
			if s, err = sdjwt.Present(s, paths, nil); err != nil {
				return presented{}, fmt.Errorf("%w: credential %d: %w", ErrMalformed, i, err)
			}
		}
		return presented{kind: kindSDJWT, mediaType: mt, data: s}, nil
	case isCompact(t):
		if paths != nil {
			return presented{}, fmt.Errorf("%w: credential %d: disclosures apply to SD-JWT credentials only", ErrMalformed, i)
		}
		h, err := jose.Peek(string(t))
		if err != nil {
			return presented{}, fmt.Errorf("credential %d: %w", i, err)
		}
		typ := strings.TrimPrefix(strings.ToLower(h.Typ), "application/")
		switch typ {
		case jose.TypVC:
			return presented{kind: kindJWT, mediaType: jose.MediaTypeVC, data: string(t)}, nil
		case jose.TypVP, sdjwt.TypeKB:
			return presented{}, fmt.Errorf("%w: credential %d is a %s, not a credential", ErrMalformed, i, typ)
		}
		// A VCDM 1.1 JWT-VC (typ JWT or none).
		return presented{kind: kindJWT, mediaType: "application/jwt", data: string(t)}, nil
	}
	return presented{}, fmt.Errorf("%w: credential %d is neither a JSON credential, a compact JWS nor an SD-JWT", ErrMalformed, i)
}

// vpDocument is the unsigned presentation, members in the order written.
type vpDocument struct {
	Context    []string          `json:"@context"`
	Type       []string          `json:"type"`
	Holder     string            `json:"holder"`
	Credential []json.RawMessage `json:"verifiableCredential,omitempty"`
	Iat        int64             `json:"iat,omitempty"`
	Exp        int64             `json:"exp,omitempty"`
}

func envelopeJSON(p presented) (json.RawMessage, error) {
	return NewEnvelope(p.mediaType, []byte(p.data)).MarshalJSON()
}

func presentDI(ctx context.Context, items []presented, key *did.PrivateKey, holder, vm string, created time.Time, opts PresentOptions) ([]byte, error) {
	suite, err := suiteFor(opts.Suite, key.Type())
	if err != nil {
		return nil, err
	}
	doc := vpDocument{Context: []string{ContextV2}, Type: []string{TypePresentation}, Holder: holder}
	for _, p := range items {
		if p.kind == kindDI {
			doc.Credential = append(doc.Credential, p.raw)
			continue
		}
		e, err := envelopeJSON(p)
		if err != nil {
			return nil, err
		}
		doc.Credential = append(doc.Credential, e)
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	env, err := issueEnv(opts.Contexts)
	if err != nil {
		return nil, err
	}
	return dataintegrity.AddProof(ctx, raw, key, dataintegrity.Options{
		Cryptosuite:        suite,
		VerificationMethod: vm,
		ProofPurpose:       dataintegrity.PurposeAuthentication,
		Created:            created,
		Expires:            opts.Expires,
		Challenge:          opts.Challenge,
		Domain:             opts.Domain,
	}, env)
}

func presentJWT(items []presented, key *did.PrivateKey, holder, vm string, created time.Time, opts PresentOptions) ([]byte, error) {
	doc := vpDocument{Context: []string{ContextV2}, Type: []string{TypePresentation}, Holder: holder, Iat: created.Unix()}
	if !opts.Expires.IsZero() {
		doc.Exp = opts.Expires.Unix()
	}
	for _, p := range items {
		if p.kind == kindDI {
			return nil, fmt.Errorf("%w: a vp+jwt presentation envelopes secured credentials only: present Data Integrity credentials in a Data Integrity presentation", ErrMalformed)
		}
		e, err := envelopeJSON(p)
		if err != nil {
			return nil, err
		}
		doc.Credential = append(doc.Credential, e)
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	tok, err := jose.SignPresentation(raw, key, vm, opts.Domain, opts.Challenge)
	if err != nil {
		return nil, err
	}
	return []byte(tok), nil
}

func presentJWTVP(items []presented, key *did.PrivateKey, holder, vm string, created time.Time, opts PresentOptions) ([]byte, error) {
	doc := vpDocument{Context: []string{ContextV1}, Type: []string{TypePresentation}, Holder: holder}
	for i, p := range items {
		switch {
		case p.kind == kindJWT && p.mediaType == "application/jwt":
			q, err := json.Marshal(p.data)
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
			}
			doc.Credential = append(doc.Credential, q)
		case p.kind == kindDI:
			c, err := ParseCredential(p.raw)
			if err != nil {
				return nil, fmt.Errorf("credential %d: %w", i, err)
			}
			if urls := c.ContextURLs(); len(urls) == 0 || urls[0] != ContextV1 {
				return nil, fmt.Errorf("%w: credential %d: a %s presentation carries VCDM 1.1 credentials: present VCDM 2.0 credentials in a %s or %s presentation", ErrMalformed, i, FormatJWTVP, FormatDataIntegrity, FormatVPJWT)
			}
			doc.Credential = append(doc.Credential, p.raw)
		default:
			return nil, fmt.Errorf("%w: credential %d: a %s presentation carries JWT-VCs and VCDM 1.1 Data Integrity credentials only", ErrMalformed, i, FormatJWTVP)
		}
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	tok, err := jose.SignJWTVPAt(raw, key, vm, opts.Domain, opts.Challenge, created, opts.Expires)
	if err != nil {
		return nil, err
	}
	return []byte(tok), nil
}

// allDisclosurePaths returns claim paths that, given to sdjwt.Present, keep every
// disclosure of token: the top-level disclosures and the plain containers.
func allDisclosurePaths(token string) ([]string, error) {
	sd, err := sdjwt.Parse(token, nil)
	if err != nil {
		return nil, err
	}
	payload, err := jwtPayload(sd.JWT)
	if err != nil {
		return nil, err
	}
	alg, _ := payload["_sd_alg"].(string)
	if _, err := sdHash(alg); err != nil {
		return nil, err
	}
	top := map[string]bool{}
	if list, ok := payload["_sd"].([]any); ok {
		for _, d := range list {
			if s, ok := d.(string); ok {
				top[s] = true
			}
		}
	}
	var paths []string
	for k, v := range payload {
		switch v.(type) {
		case map[string]any, []any:
			if k != "_sd" && k != "cnf" {
				paths = append(paths, pathName(k))
			}
		}
	}
	for _, d := range sd.Disclosures {
		hh, _ := sdHash(alg)
		hh.Write([]byte(d.Encoded))
		if !d.Element && top[base64.RawURLEncoding.EncodeToString(hh.Sum(nil))] {
			paths = append(paths, pathName(d.Name))
		}
	}
	return paths, nil
}

// pathName is the claim-path form of a member name (see sdjwt.IssueOptions.Disclose).
func pathName(name string) string {
	if name != "" && !strings.ContainsAny(name, ".[]\"*") {
		return name
	}
	q, _ := json.Marshal(name)
	return "[" + string(q) + "]"
}

// jwtPayload decodes the payload of a compact JWS without verifying it.
func jwtPayload(token string) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: not a compact JWS", ErrMalformed)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("%w: JWS payload is not base64url", ErrMalformed)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, fmt.Errorf("%w: JWS payload is not a JSON object", ErrMalformed)
	}
	return m, nil
}
