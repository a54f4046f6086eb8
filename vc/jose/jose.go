// Package jose secures Verifiable Credentials and Presentations with JWS
// (W3C VC-JOSE-COSE): "application/vc+jwt" credentials, whose JWS payload
// is the VCDM 2.0 credential itself, "application/vp+jwt" presentations
// carrying enveloped credentials, and the VCDM 1.1 JWT forms with the "vc"
// and "vp" claims.
//
// Start with [VerifyCredential]: it takes the token and a key source (a
// did.Resolver, a fixed key, or a lookup function) and returns the verified
// credential JSON. Keys decide the algorithm; the kid must be a
// verification method in the issuer's assertionMethod, and its DID must be
// the issuer. Package vc parses the returned JSON into its model.
//
// # Sections
//
//   - Credentials: [SignCredential], [VerifyCredential].
//   - Presentations: [SignPresentation], [VerifyPresentation], [Envelope].
//   - VCDM 1.1: [SignJWTVC], [VerifyJWTVC]; presentations with the "vp"
//     claim: [SignJWTVP], [SignJWTVPAt], [VerifyJWTVP].
//   - Routing: [Peek] reads typ/cty/kid before verification.
package jose

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/internal/didkey"
	ijose "github.com/polity-id/polity/internal/jose"
	"github.com/polity-id/polity/internal/jsonx"
)

// Header "typ" and "cty" values and media types.
const (
	TypVC       = "vc+jwt"
	TypVP       = "vp+jwt"
	CtyVC       = "vc"
	CtyVP       = "vp"
	MediaTypeVC = "application/vc+jwt"
	MediaTypeVP = "application/vp+jwt"
)

// Defaults for [VerifyOptions].
const (
	DefaultSkew     = time.Minute
	DefaultMaxBytes = 256 << 10
	// MaxEnveloped caps the enveloped credentials of one presentation.
	MaxEnveloped = 64
)

// KeyFunc looks up a verification key from the issuer (or holder) id and
// the JWS "kid". It returns a *did.PublicKey or a crypto public key.
type KeyFunc func(ctx context.Context, subject, kid string) (any, error)

// VerifyOptions configures verification. Exactly one of Resolver, Key and
// KeyFunc must be set. The zero values of the other fields are defaults.
type VerifyOptions struct {
	// Resolver resolves the kid, a DID URL (relative "#frag" is taken
	// against the issuer/holder DID). Credentials need the method in
	// assertionMethod, presentations in authentication; the kid's DID
	// must equal the issuer (holder).
	Resolver did.Resolver
	// Key is a fixed verification key (*did.PublicKey or crypto key).
	Key any
	// KeyFunc looks a key up by issuer/holder id and kid, for issuers that
	// are not DIDs. It is also used for enveloped credentials.
	KeyFunc KeyFunc
	// Audience and Nonce, when set, must equal a presentation's "aud"
	// (a string or an array containing it) and "nonce".
	Audience, Nonce string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Skew is the clock tolerance; 0 means DefaultSkew, negative none.
	Skew time.Duration
	// MaxBytes caps a token; 0 means DefaultMaxBytes.
	MaxBytes int
	// Enveloped verifies an enveloped credential of a media type other
	// than application/vc+jwt (for example application/vc+sd-jwt), given
	// the data of its data: URL. Nil means such credentials fail the
	// presentation with ErrUnsupportedAlg.
	Enveloped func(ctx context.Context, mediaType, data string) error
	// SkipCredentials makes VerifyPresentation check only that every
	// verifiableCredential is an EnvelopedVerifiableCredential data: URL,
	// leaving their verification to the caller (which must then verify each
	// one, as vc.Verifier does with a report per credential).
	SkipCredentials bool
}

func (o *VerifyOptions) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o *VerifyOptions) skew() time.Duration {
	switch {
	case o.Skew < 0:
		return 0
	case o.Skew == 0:
		return DefaultSkew
	}
	return o.Skew
}

func (o *VerifyOptions) maxBytes() int {
	if o.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return o.MaxBytes
}

// Verified is a verified token.
type Verified struct {
	Typ, Cty, Kid, Alg string
	// Document is the credential or presentation JSON: the JWS payload for
	// vc+jwt and vp+jwt, the reconstructed credential for JWT-VC (the
	// "vc" member as signed when no registered claim adds to it).
	Document json.RawMessage
	// Payload is the JWS payload as signed.
	Payload json.RawMessage
	// Subject is the issuer id (credentials) or holder id (presentations).
	Subject string
	// Credentials holds the verified enveloped credentials of a
	// presentation, in order.
	Credentials []*Verified
}

// Header is the routing information of a token, read before verification.
type Header struct{ Alg, Typ, Cty, Kid string }

// Peek returns the unverified protected header of a compact JWS, for
// choosing a verifier. Nothing in it is authenticated.
func Peek(token string) (Header, error) {
	h, err := ijose.ParseHeader(token, nil)
	if err != nil {
		return Header{}, joseErr(err)
	}
	return Header{h.Alg, h.Typ, h.Cty, h.Kid}, nil
}

// claims are the payload members this package reads.
type claims struct {
	Type                 json.RawMessage `json:"type"`
	Issuer               json.RawMessage `json:"issuer"`
	Holder               json.RawMessage `json:"holder"`
	Iss                  *string         `json:"iss"`
	VC                   json.RawMessage `json:"vc"`
	VP                   json.RawMessage `json:"vp"`
	Exp                  json.RawMessage `json:"exp"`
	Nbf                  json.RawMessage `json:"nbf"`
	ValidFrom            *string         `json:"validFrom"`
	ValidUntil           *string         `json:"validUntil"`
	Nonce                *string         `json:"nonce"`
	Aud                  json.RawMessage `json:"aud"`
	VerifiableCredential json.RawMessage `json:"verifiableCredential"`
}

func typIs(got, short, media string) bool { return got == short || got == media }

// VerifyCredential verifies an application/vc+jwt token: typ "vc+jwt"
// (cty "vc" if present), a JSON object payload with type
// VerifiableCredential and no "vc"/"vp" claims, "iss" (if present) equal
// to the issuer id, the signature under the issuer's key, and exp/nbf and
// validFrom/validUntil against the clock.
func VerifyCredential(ctx context.Context, token string, opts *VerifyOptions) (*Verified, error) {
	return verify(ctx, token, opts, false)
}

// VerifyPresentation verifies an application/vp+jwt token: typ "vp+jwt",
// type VerifiablePresentation, the holder's signature (kid's DID must be
// the holder, method in authentication), nonce and aud against opts, the
// clock, and every enveloped credential (each must be an
// EnvelopedVerifiableCredential with a data:application/vc+jwt URL, and
// verifies with the same key source). Unsecured credentials fail.
func VerifyPresentation(ctx context.Context, token string, opts *VerifyOptions) (*Verified, error) {
	return verify(ctx, token, opts, true)
}

func verify(ctx context.Context, token string, opts *VerifyOptions, vp bool) (*Verified, error) {
	if opts == nil {
		return nil, errors.New("vc/jose: verify needs options with a key source")
	}
	j, err := ijose.Parse(token, &ijose.Options{MaxTokenBytes: opts.maxBytes()})
	if err != nil {
		return nil, joseErr(err)
	}
	typ, cty, want := TypVC, CtyVC, "VerifiableCredential"
	media := MediaTypeVC
	if vp {
		typ, cty, want, media = TypVP, CtyVP, "VerifiablePresentation", MediaTypeVP
	}
	if !typIs(j.Header.Typ, typ, media) {
		return nil, fmt.Errorf("%w: typ %q, want %q", ErrMediaType, j.Header.Typ, typ)
	}
	if j.Header.Cty != "" && !typIs(j.Header.Cty, cty, "application/"+cty) {
		return nil, fmt.Errorf("%w: cty %q, want %q", ErrMediaType, j.Header.Cty, cty)
	}
	m, err := decodePayload(j.Payload, jsonx.Limits{MaxBytes: opts.maxBytes()})
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %w", ErrMalformed, err)
	}
	if m == nil {
		return nil, fmt.Errorf("%w: payload is not a JSON object", ErrMalformed)
	}
	var c claims
	if c.Iss, err = optString(m, "iss"); err == nil {
		if c.ValidFrom, err = optString(m, "validFrom"); err == nil {
			if c.ValidUntil, err = optString(m, "validUntil"); err == nil {
				c.Nonce, err = optString(m, "nonce")
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %w", ErrMalformed, err)
	}
	c.Exp, c.Nbf = rawValue(m, "exp"), rawValue(m, "nbf")
	_, hasVC := m["vc"]
	_, hasVP := m["vp"]
	if hasVC || hasVP {
		return nil, fmt.Errorf("%w: vc and vp claims are not allowed in a %s payload", ErrMalformed, typ)
	}
	if !hasTypeValue(m["type"], want) {
		return nil, fmt.Errorf("%w: type does not include %s", ErrMediaType, want)
	}
	subjName := "issuer"
	if vp {
		subjName = "holder"
	}
	subjVal, subjSet := m[subjName]
	subject, err := idOfValue(subjVal, subjSet)
	if err != nil {
		return nil, err
	}
	if !vp && subject == "" {
		return nil, fmt.Errorf("%w: credential without issuer", ErrMalformed)
	}
	if c.Iss != nil && subject != "" && *c.Iss != subject {
		return nil, fmt.Errorf("%w: iss %q does not match %q", ErrMalformed, *c.Iss, subject)
	}
	if subject == "" && c.Iss != nil {
		subject = *c.Iss
	}
	rel := did.AssertionMethod
	if vp {
		rel = did.Authentication
	}
	pub, err := lookupKey(ctx, opts, subject, j.Header.Kid, rel)
	if err != nil {
		return nil, err
	}
	if err := j.Verify(pub); err != nil {
		return nil, joseErr(err)
	}
	if err := checkTimes(&c, opts.now(), opts.skew()); err != nil {
		return nil, err
	}
	out := &Verified{Typ: j.Header.Typ, Cty: j.Header.Cty, Kid: j.Header.Kid, Alg: j.Header.Alg,
		Document: j.Payload, Payload: j.Payload, Subject: subject}
	if !vp {
		return out, nil
	}
	if opts.Nonce != "" && (c.Nonce == nil || *c.Nonce != opts.Nonce) {
		return nil, fmt.Errorf("%w: nonce", ErrChallenge)
	}
	if opts.Audience != "" && !hasTypeValue(m["aud"], opts.Audience) {
		return nil, fmt.Errorf("%w: aud", ErrChallenge)
	}
	creds, err := envelopedTokens(rawValue(m, "verifiableCredential"))
	if err != nil {
		return nil, err
	}
	if opts.SkipCredentials {
		return out, nil
	}
	inner := *opts
	inner.Nonce, inner.Audience = "", ""
	for i, e := range creds {
		if e.mediaType != MediaTypeVC {
			if opts.Enveloped == nil {
				return nil, fmt.Errorf("%w: verifiableCredential[%d]: no verifier for %s", ErrUnsupportedAlg, i, e.mediaType)
			}
			if err := opts.Enveloped(ctx, e.mediaType, e.data); err != nil {
				return nil, fmt.Errorf("verifiableCredential[%d] (%s): %w", i, e.mediaType, err)
			}
			continue
		}
		v, err := VerifyCredential(ctx, e.data, &inner)
		if err != nil {
			return nil, fmt.Errorf("verifiableCredential[%d]: %w", i, err)
		}
		out.Credentials = append(out.Credentials, v)
	}
	return out, nil
}

func hasType(raw json.RawMessage, want string) bool {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return one == want
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		return slices.Contains(many, want)
	}
	return false
}

// idOf reads a string or an object's "id" ("" when raw is absent).
func idOf(raw json.RawMessage) (string, error) {
	if raw == nil {
		return "", nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if s == "" {
			return "", fmt.Errorf("%w: empty issuer/holder", ErrMalformed)
		}
		return s, nil
	}
	if id := member(raw, "id"); id != nil {
		var s string
		if json.Unmarshal(id, &s) == nil && s != "" {
			return s, nil
		}
	}
	return "", fmt.Errorf("%w: issuer/holder must be a string or an object with an id", ErrMalformed)
}

func audContains(raw json.RawMessage, want string) bool {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return one == want
	}
	var many []string
	return json.Unmarshal(raw, &many) == nil && slices.Contains(many, want)
}

type enveloped struct{ mediaType, data string }

// envelopedTokens extracts the media type and data of enveloped
// credentials ("data:<media type>[;params],<data>").
func envelopedTokens(raw json.RawMessage) ([]enveloped, error) {
	if raw == nil {
		return nil, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		list = []json.RawMessage{raw}
	}
	if len(list) > MaxEnveloped {
		return nil, fmt.Errorf("%w: more than %d credentials", ErrMalformed, MaxEnveloped)
	}
	out := make([]enveloped, 0, len(list))
	for i, e := range list {
		var env struct {
			ID   string          `json:"id"`
			Type json.RawMessage `json:"type"`
		}
		if err := unmarshalFields(e, &env, jsonx.Limits{MaxBytes: len(e)}); err != nil || !hasType(env.Type, "EnvelopedVerifiableCredential") {
			return nil, fmt.Errorf("%w: verifiableCredential[%d] is not an EnvelopedVerifiableCredential", ErrMalformed, i)
		}
		rest, ok := strings.CutPrefix(env.ID, "data:")
		mt, data, ok2 := strings.Cut(rest, ",")
		mt, _, _ = strings.Cut(mt, ";")
		if !ok || !ok2 || data == "" || !strings.HasPrefix(mt, "application/") {
			return nil, fmt.Errorf("%w: verifiableCredential[%d] id is not a data: URL of a secured credential", ErrMediaType, i)
		}
		out = append(out, enveloped{mt, data})
	}
	return out, nil
}

// Envelope returns an EnvelopedVerifiableCredential object for a vc+jwt
// token, for a presentation's verifiableCredential.
func Envelope(token string) map[string]any {
	return map[string]any{
		"@context": "https://www.w3.org/ns/credentials/v2",
		"id":       "data:" + MediaTypeVC + "," + token,
		"type":     "EnvelopedVerifiableCredential",
	}
}

func lookupKey(ctx context.Context, opts *VerifyOptions, subject, kid string, rel did.Relationship) (crypto.PublicKey, error) {
	n := 0
	for _, set := range []bool{opts.Key != nil, opts.KeyFunc != nil, opts.Resolver != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, errors.New("vc/jose: set exactly one of VerifyOptions.Resolver, Key and KeyFunc")
	}
	switch {
	case opts.Key != nil:
		return cryptoKey(opts.Key)
	case opts.KeyFunc != nil:
		k, err := opts.KeyFunc(ctx, subject, kid)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrUnresolvableDID, err)
		}
		return cryptoKey(k)
	}
	if subject == "" {
		return nil, fmt.Errorf("%w: the token names no signer to check the kid against", ErrKeyNotAuthorized)
	}
	pk, err := didkey.Resolve(ctx, opts.Resolver, subject, kid, rel)
	if err != nil {
		return nil, err
	}
	return cryptoKey(pk)
}

func cryptoKey(k any) (crypto.PublicKey, error) {
	if dk, ok := k.(*did.PublicKey); ok {
		if dk == nil {
			return nil, fmt.Errorf("%w: nil key", ErrUnsupportedAlg)
		}
		k = dk.CryptoPublicKey()
	}
	pub, err := ijose.PublicKeyOf(k)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupportedAlg, err)
	}
	return pub, nil
}

func signingKey(key any) any {
	if k, ok := key.(*did.PrivateKey); ok && k != nil {
		return k.CryptoPrivateKey()
	}
	return key
}
