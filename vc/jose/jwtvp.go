package jose

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/polity-id/polity/did"
	ijose "github.com/polity-id/polity/internal/jose"
	"github.com/polity-id/polity/internal/jsonx"
)

// MediaTypeLDCredential is the media type [VerifyOptions.Enveloped] is given for a
// JSON-LD credential embedded in a VCDM 1.1 JWT presentation (its data is the
// credential JSON).
const MediaTypeLDCredential = "application/vc+ld+json"

// SignJWTVP secures a VCDM 1.1 presentation in the JWT form (VC Data Model 1.1
// section 6.3.1) with iat set to now; see [SignJWTVPAt].
func SignJWTVP(presentation []byte, key any, kid, audience, nonce string) (string, error) {
	return SignJWTVPAt(presentation, key, kid, audience, nonce, time.Now(), time.Time{})
}

// SignJWTVPAt secures a VCDM 1.1 presentation in the JWT form: header {alg, typ:
// "JWT", kid}, payload with the presentation under "vp" and the registered claims
// mapped from it: iss = holder (or holder.id), jti = id, aud = audience and nonce
// (each when not empty), iat and nbf = issuedAt, exp = expires (when not zero). Its
// verifiableCredential entries should be JWT-VC strings or JSON-LD credentials with
// embedded proofs. key is secret; kid should be the holder's authentication DID URL.
// A presentation without type VerifiablePresentation or without holder, or with
// "vc"/"vp" members, is refused with an error wrapping [ErrMalformed].
func SignJWTVPAt(presentation []byte, key any, kid, audience, nonce string, issuedAt, expires time.Time) (string, error) {
	var m map[string]any
	if err := jsonx.Unmarshal(presentation, &m, jsonx.Limits{MaxBytes: DefaultMaxBytes}); err != nil {
		return "", fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if m == nil {
		return "", fmt.Errorf("%w: presentation is not a JSON object", ErrMalformed)
	}
	for _, k := range []string{"vc", "vp"} {
		if _, ok := m[k]; ok {
			return "", fmt.Errorf("%w: vc and vp members are not allowed in a presentation", ErrMalformed)
		}
	}
	raw, _ := json.Marshal(m["type"])
	if !hasType(raw, "VerifiablePresentation") {
		return "", fmt.Errorf("%w: type does not include VerifiablePresentation", ErrMediaType)
	}
	hr, _ := json.Marshal(m["holder"])
	holder, err := idOf(hr)
	if m["holder"] == nil || err != nil || holder == "" {
		return "", fmt.Errorf("%w: presentation without holder", ErrMalformed)
	}
	if !expires.IsZero() && !issuedAt.IsZero() && !expires.After(issuedAt) {
		return "", fmt.Errorf("%w: expiry is not after issuance", ErrMalformed)
	}
	payload := map[string]any{"vp": m, "iss": holder}
	if id, ok := m["id"].(string); ok && id != "" {
		payload["jti"] = id
	}
	if audience != "" {
		payload["aud"] = audience
	}
	if nonce != "" {
		payload["nonce"] = nonce
	}
	if !issuedAt.IsZero() {
		payload["iat"] = issuedAt.Unix()
		payload["nbf"] = issuedAt.Unix()
	}
	if !expires.IsZero() {
		payload["exp"] = expires.Unix()
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

// VerifyJWTVP verifies a VCDM 1.1 JWT presentation ("vp" claim; typ "JWT" or
// absent; VC Data Model 1.1 section 6.3.2) and returns the presentation
// reconstructed from "vp" and the registered claims: iss fills holder and jti fills
// id (an absent or empty member takes its claim, a present one must agree). It
// checks that the kid's DID is the holder and its method is in the holder's
// authentication (through opts' key source), the signature, "nonce" and "aud"
// against opts.Nonce and opts.Audience (when set), and exp/nbf against the clock.
//
// Unless opts.SkipCredentials is set, every verifiableCredential is verified too: a
// string as a JWT-VC ([VerifyJWTVC]) or vc+jwt ([VerifyCredential]), an object (a
// JSON-LD credential) through opts.Enveloped with media type
// [MediaTypeLDCredential]; a nil Enveloped fails such credentials with
// ErrUnsupportedAlg. Errors wrap this package's kinds.
func VerifyJWTVP(ctx context.Context, token string, opts *VerifyOptions) (*Verified, error) {
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
	var p struct {
		VP    map[string]any  `json:"vp"`
		VC    json.RawMessage `json:"vc"`
		Iss   *string         `json:"iss"`
		Jti   *string         `json:"jti"`
		Nonce *string         `json:"nonce"`
		Aud   json.RawMessage `json:"aud"`
		Exp   json.RawMessage `json:"exp"`
		Nbf   json.RawMessage `json:"nbf"`
		Iat   json.RawMessage `json:"iat"`
	}
	if err := unmarshalFields(j.Payload, &p, jsonx.Limits{MaxBytes: opts.maxBytes()}); err != nil {
		return nil, fmt.Errorf("%w: payload: %w", ErrMalformed, err)
	}
	if p.VP == nil {
		return nil, fmt.Errorf("%w: no vp claim", ErrMediaType)
	}
	if p.VC != nil {
		return nil, fmt.Errorf("%w: a JWT presentation has no vc claim", ErrMalformed)
	}
	pres := p.VP
	raw, _ := json.Marshal(pres["type"])
	if !hasType(raw, "VerifiablePresentation") {
		return nil, fmt.Errorf("%w: type does not include VerifiablePresentation", ErrMediaType)
	}
	hr, _ := json.Marshal(pres["holder"])
	holder, herr := idOf(hr)
	if pres["holder"] == nil || pres["holder"] == "" {
		// Absent, or left empty when the holder moved into "iss": iss decides.
		hr, herr = nil, nil
	}
	switch {
	case herr != nil:
		return nil, herr
	case p.Iss != nil && *p.Iss == "":
		return nil, fmt.Errorf("%w: empty iss", ErrMalformed)
	case p.Iss != nil && hr == nil:
		pres["holder"] = *p.Iss
		holder = *p.Iss
	case p.Iss != nil && holder != *p.Iss:
		return nil, fmt.Errorf("%w: iss does not match vp.holder", ErrMalformed)
	}
	if _, err := fill(pres, "id", p.Jti); err != nil {
		return nil, err
	}
	if _, _, err := numericDate("iat", p.Iat); err != nil {
		return nil, err
	}
	creds, err := jwtvpCredentials(pres["verifiableCredential"])
	if err != nil {
		return nil, err
	}
	pub, err := lookupKey(ctx, opts, holder, j.Header.Kid, did.Authentication)
	if err != nil {
		return nil, err
	}
	if err := j.Verify(pub); err != nil {
		return nil, joseErr(err)
	}
	if err := checkTimes(&claims{Exp: p.Exp, Nbf: p.Nbf}, opts.now(), opts.skew()); err != nil {
		return nil, err
	}
	if opts.Nonce != "" && (p.Nonce == nil || subtle.ConstantTimeCompare([]byte(*p.Nonce), []byte(opts.Nonce)) != 1) {
		return nil, fmt.Errorf("%w: nonce", ErrChallenge)
	}
	if opts.Audience != "" && !audContains(p.Aud, opts.Audience) {
		return nil, fmt.Errorf("%w: aud", ErrChallenge)
	}
	doc, err := json.Marshal(pres)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	out := &Verified{Typ: j.Header.Typ, Cty: j.Header.Cty, Kid: j.Header.Kid, Alg: j.Header.Alg,
		Document: doc, Payload: j.Payload, Subject: holder}
	if opts.SkipCredentials {
		return out, nil
	}
	inner := *opts
	inner.Nonce, inner.Audience = "", ""
	for i, c := range creds {
		if c.object != nil {
			if opts.Enveloped == nil {
				return nil, fmt.Errorf("%w: verifiableCredential[%d]: no verifier for JSON-LD credentials", ErrUnsupportedAlg, i)
			}
			if err := opts.Enveloped(ctx, MediaTypeLDCredential, string(c.object)); err != nil {
				return nil, fmt.Errorf("verifiableCredential[%d] (%s): %w", i, MediaTypeLDCredential, err)
			}
			continue
		}
		call := VerifyJWTVC
		if h, err := Peek(c.token); err == nil && typIs(h.Typ, TypVC, MediaTypeVC) {
			call = VerifyCredential
		}
		v, err := call(ctx, c.token, &inner)
		if err != nil {
			return nil, fmt.Errorf("verifiableCredential[%d]: %w", i, err)
		}
		out.Credentials = append(out.Credentials, v)
	}
	return out, nil
}

// jwtvpCredential is one verifiableCredential entry of a JWT presentation: a
// compact token or a JSON object.
type jwtvpCredential struct {
	token  string
	object json.RawMessage
}

func jwtvpCredentials(v any) ([]jwtvpCredential, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	if len(list) > MaxEnveloped {
		return nil, fmt.Errorf("%w: more than %d credentials", ErrMalformed, MaxEnveloped)
	}
	out := make([]jwtvpCredential, len(list))
	for i, e := range list {
		switch e := e.(type) {
		case string:
			if e == "" {
				return nil, fmt.Errorf("%w: verifiableCredential[%d] is empty", ErrMalformed, i)
			}
			out[i].token = e
		case map[string]any:
			b, err := json.Marshal(e)
			if err != nil {
				return nil, fmt.Errorf("%w: verifiableCredential[%d]: %w", ErrMalformed, i, err)
			}
			out[i].object = b
		default:
			return nil, fmt.Errorf("%w: verifiableCredential[%d] is neither a JWT nor a credential object", ErrMalformed, i)
		}
	}
	return out, nil
}
