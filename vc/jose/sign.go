package jose

import (
	"bytes"
	"encoding/json"
	"fmt"

	ijose "github.com/polity-id/polity/internal/jose"
	"github.com/polity-id/polity/internal/jsonx"
)

// SignCredential secures a VCDM 2.0 credential (JSON object) as
// application/vc+jwt: the payload is the credential as given, the header is
// {alg, typ: "vc+jwt", cty: "vc", kid}. key is a *did.PrivateKey,
// ed25519.PrivateKey, *ecdsa.PrivateKey (P-256, P-384) or
// *secp256k1.PrivateKey; kid should be the issuer's assertionMethod DID URL.
// A credential with "vc" or "vp" members, without type
// VerifiableCredential or without issuer is refused.
func SignCredential(credential []byte, key any, kid string) (string, error) {
	var c claims
	if err := unmarshalFields(credential, &c, jsonx.Limits{MaxBytes: DefaultMaxBytes}); err != nil {
		return "", fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if c.VC != nil || c.VP != nil {
		return "", fmt.Errorf("%w: vc and vp claims are not allowed", ErrMalformed)
	}
	if !hasType(c.Type, "VerifiableCredential") {
		return "", fmt.Errorf("%w: type does not include VerifiableCredential", ErrMediaType)
	}
	if id, err := idOf(c.Issuer); err != nil || id == "" {
		return "", fmt.Errorf("%w: credential without issuer", ErrMalformed)
	}
	tok, err := ijose.Sign(ijose.Header{Typ: TypVC, Cty: CtyVC, Kid: kid}, compact(credential), signingKey(key))
	if err != nil {
		return "", joseErr(err)
	}
	return tok, nil
}

// SignPresentation secures a VCDM 2.0 presentation as application/vp+jwt,
// adding "nonce" and "aud" claims when non-empty. Its credentials should be
// [Envelope]d vc+jwt tokens. kid should be the holder's authentication
// DID URL.
func SignPresentation(presentation []byte, key any, kid, audience, nonce string) (string, error) {
	var m map[string]any
	if err := jsonx.Unmarshal(presentation, &m, jsonx.Limits{MaxBytes: DefaultMaxBytes}); err != nil {
		return "", fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if m == nil {
		return "", fmt.Errorf("%w: presentation is not a JSON object", ErrMalformed)
	}
	if _, ok := m["vc"]; ok {
		return "", fmt.Errorf("%w: vc and vp claims are not allowed", ErrMalformed)
	}
	if _, ok := m["vp"]; ok {
		return "", fmt.Errorf("%w: vc and vp claims are not allowed", ErrMalformed)
	}
	raw, _ := json.Marshal(m["type"])
	if !hasType(raw, "VerifiablePresentation") {
		return "", fmt.Errorf("%w: type does not include VerifiablePresentation", ErrMediaType)
	}
	if nonce != "" {
		m["nonce"] = nonce
	}
	if audience != "" {
		m["aud"] = audience
	}
	payload, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	tok, err := ijose.Sign(ijose.Header{Typ: TypVP, Cty: CtyVP, Kid: kid}, payload, signingKey(key))
	if err != nil {
		return "", joseErr(err)
	}
	return tok, nil
}

// compact strips insignificant whitespace from checked JSON.
func compact(b []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return b
	}
	return buf.Bytes()
}
