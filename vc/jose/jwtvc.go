package jose

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/polity-id/polity/did"
	ijose "github.com/polity-id/polity/internal/jose"
	"github.com/polity-id/polity/internal/jsonx"
)

// SignJWTVC secures a VCDM 1.1 credential in the JWT-VC form (VC Data
// Model 1.1 section 6.3.1): header {alg, typ: "JWT", kid}, payload with
// the credential under "vc" and the registered claims mapped from it:
// iss = issuer (or issuer.id), sub = credentialSubject.id (one subject),
// jti = id, nbf and iat = issuanceDate, exp = expirationDate.
func SignJWTVC(credential []byte, key any, kid string) (string, error) {
	var m map[string]any
	if err := jsonx.Unmarshal(credential, &m, jsonx.Limits{MaxBytes: DefaultMaxBytes}); err != nil {
		return "", fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if m == nil {
		return "", fmt.Errorf("%w: credential is not a JSON object", ErrMalformed)
	}
	raw, _ := json.Marshal(m["type"])
	if !hasType(raw, "VerifiableCredential") {
		return "", fmt.Errorf("%w: type does not include VerifiableCredential", ErrMediaType)
	}
	ir, _ := json.Marshal(m["issuer"])
	iss, err := idOf(ir)
	if err != nil || iss == "" {
		return "", fmt.Errorf("%w: credential without issuer", ErrMalformed)
	}
	payload := map[string]any{"vc": m, "iss": iss}
	if id, ok := m["id"].(string); ok {
		payload["jti"] = id
	}
	if cs, ok := m["credentialSubject"].(map[string]any); ok {
		if id, ok := cs["id"].(string); ok {
			payload["sub"] = id
		}
	}
	for _, f := range []struct{ prop, claim string }{{"issuanceDate", "nbf"}, {"issuanceDate", "iat"}, {"expirationDate", "exp"}} {
		s, ok := m[f.prop].(string)
		if !ok {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return "", fmt.Errorf("%w: %s is not an xsd:dateTime", ErrMalformed, f.prop)
		}
		payload[f.claim] = t.Unix()
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	tok, err := ijose.Sign(ijose.Header{Typ: "JWT", Kid: kid}, b, signingKey(key))
	if err != nil {
		return "", joseErr(err)
	}
	return tok, nil
}

// VerifyJWTVC verifies a VCDM 1.1 JWT-VC ("vc" claim; typ "JWT" or
// absent) and returns the credential reconstructed from "vc" and the
// registered claims (VC Data Model 1.1 section 6.3.2): iss fills issuer,
// jti fills id, sub fills credentialSubject.id, nbf fills issuanceDate and
// exp fills expirationDate; a member already present must agree with its
// claim. The key must be in the issuer's assertionMethod, and exp/nbf are
// checked against the clock.
func VerifyJWTVC(ctx context.Context, token string, opts *VerifyOptions) (*Verified, error) {
	if opts == nil {
		return nil, errors.New("vc/jose: verify needs options with a key source")
	}
	j, err := ijose.Parse(token, &ijose.Options{MaxTokenBytes: opts.maxBytes()})
	if err != nil {
		return nil, joseErr(err)
	}
	if j.Header.Typ != "" && j.Header.Typ != "JWT" {
		return nil, fmt.Errorf("%w: typ %q, want JWT", ErrMediaType, j.Header.Typ)
	}
	m, err := decodePayload(j.Payload, jsonx.Limits{MaxBytes: opts.maxBytes()})
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %w", ErrMalformed, err)
	}
	var p struct {
		VC            map[string]any
		Iss, Sub, Jti *string
		Exp, Nbf      json.RawMessage
	}
	switch v := m["vc"].(type) {
	case map[string]any:
		p.VC = v
	case nil:
	default:
		err = fmt.Errorf("\"vc\": %w", errNotObject)
	}
	if err == nil {
		if p.Iss, err = optString(m, "iss"); err == nil {
			if p.Sub, err = optString(m, "sub"); err == nil {
				p.Jti, err = optString(m, "jti")
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %w", ErrMalformed, err)
	}
	p.Exp, p.Nbf = rawValue(m, "exp"), rawValue(m, "nbf")
	if p.VC == nil {
		return nil, fmt.Errorf("%w: no vc claim", ErrMediaType)
	}
	cred := p.VC
	// changed is set when a claim adds to the credential, which must then be
	// encoded again; otherwise the document is the "vc" member as signed.
	changed := false
	if !hasTypeValue(cred["type"], "VerifiableCredential") {
		return nil, fmt.Errorf("%w: type does not include VerifiableCredential", ErrMediaType)
	}
	iv, iset := cred["issuer"]
	issuer, _ := idOfValue(iv, iset)
	if iv == nil || iv == "" {
		// Absent, or the empty string some issuers leave behind when they
		// move the issuer into "iss" (a "minimized" JWT-VC): iss decides.
		iset = false
	}
	switch {
	case p.Iss != nil && !iset:
		cred["issuer"] = *p.Iss
		issuer = *p.Iss
		changed = true
	case p.Iss != nil && issuer != *p.Iss:
		return nil, fmt.Errorf("%w: iss does not match vc.issuer", ErrMalformed)
	}
	if issuer == "" {
		return nil, fmt.Errorf("%w: credential without issuer", ErrMalformed)
	}
	if c, err := fill(cred, "id", p.Jti); err != nil {
		return nil, err
	} else if c {
		changed = true
	}
	if p.Sub != nil {
		cs, ok := cred["credentialSubject"].(map[string]any)
		if !ok {
			if cred["credentialSubject"] != nil {
				return nil, fmt.Errorf("%w: sub with several or no credential subjects", ErrMalformed)
			}
			cs = map[string]any{}
			cred["credentialSubject"] = cs
			changed = true
		}
		if c, err := fill(cs, "id", p.Sub); err != nil {
			return nil, err
		} else if c {
			changed = true
		}
	}
	for _, f := range [...]struct {
		name, prop string
		raw        json.RawMessage
	}{{"nbf", "issuanceDate", p.Nbf}, {"exp", "expirationDate", p.Exp}} {
		t, ok, err := numericDate(f.name, f.raw)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if cur, present := cred[f.prop].(string); present {
			ct, err := time.Parse(time.RFC3339Nano, cur)
			if err != nil || ct.Unix() != t.Unix() {
				return nil, fmt.Errorf("%w: %s does not match %s", ErrMalformed, f.name, f.prop)
			}
			continue
		}
		cred[f.prop] = t.UTC().Format(time.RFC3339)
		changed = true
	}
	pub, err := lookupKey(ctx, opts, issuer, j.Header.Kid, did.AssertionMethod)
	if err != nil {
		return nil, err
	}
	if err := j.Verify(pub); err != nil {
		return nil, joseErr(err)
	}
	if err := checkTimes(&claims{Exp: p.Exp, Nbf: p.Nbf}, opts.now(), opts.skew()); err != nil {
		return nil, err
	}
	var doc []byte
	if !changed {
		doc = rawMember(j.Payload, "vc")
	}
	if doc == nil {
		if doc, err = json.Marshal(cred); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
	}
	return &Verified{Typ: j.Header.Typ, Cty: j.Header.Cty, Kid: j.Header.Kid, Alg: j.Header.Alg,
		Document: doc, Payload: j.Payload, Subject: issuer}, nil
}

// fill copies a registered claim into the credential member it stands for: an absent
// or empty member takes the claim (changed is then true), a present one must equal it.
func fill(m map[string]any, key string, claim *string) (changed bool, err error) {
	if claim == nil {
		return false, nil
	}
	if cur, ok := m[key]; ok && cur != "" {
		if cur != *claim {
			return false, fmt.Errorf("%w: claim does not match %s", ErrMalformed, key)
		}
		return false, nil
	}
	m[key] = *claim
	return true, nil
}
