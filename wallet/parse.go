package wallet

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"math"
	"time"

	"github.com/polity-id/polity/internal/jose"
	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/sdjwt"
)

// Format names a credential encoding, using the OpenID4VP / DIF identifiers.
type Format string

// Supported formats.
const (
	// FormatLDP is a JSON(-LD) credential, usually with an embedded Data Integrity proof.
	FormatLDP Format = "ldp_vc"
	// FormatJWT is a compact JWS credential: VCDM 2.0 vc+jwt or VCDM 1.1 JWT ("vc" claim).
	FormatJWT Format = "jwt_vc_json"
	// FormatSDJWT is an SD-JWT with its disclosures (SD-JWT VC or VCDM 2.0 vc+sd-jwt).
	FormatSDJWT Format = "dc+sd-jwt"
)

// maxDisclosures caps the disclosures of one SD-JWT.
const maxDisclosures = 1024

// parsed is what the wallet extracts from a credential. Nothing is
// verified: the wallet stores credentials as issued and leaves verification
// to the vc package.
type parsed struct {
	format    Format
	claims    any // decoded JSON: the document, the JWT payload, or the SD-JWT payload with disclosures applied
	id        string
	types     []string
	issuer    string
	subject   string
	validFrom time.Time
	validTo   time.Time
	sd        bool   // selectively disclosable (SD-JWT, or a DI proof with an -sd/bbs cryptosuite)
	doc       []byte // the credential JSON, or the JWT payload
}

func jsonLimits(max int) jsonx.Limits { return jsonx.Limits{MaxBytes: max} }

// parseCredential extracts the metadata of raw: with vc.ParseCredential for
// the JSON form and the payload of a vc+jwt, and from the JWT claims (RFC
// 7519, VCDM 1.1 "vc", SD-JWT VC "vct") otherwise. Bad input reports
// ErrMalformed, oversize input ErrLimit. The claims of a valid JSON
// credential are not decoded (queries use decodeCredential).
func parseCredential(raw []byte, maxBytes int) (*parsed, error) {
	if len(raw) > maxBytes {
		return nil, &LimitError{What: "credential bytes", Limit: int64(maxBytes), Got: int64(len(raw))}
	}
	if s := bytes.TrimSpace(raw); len(s) > 0 && s[0] == '{' {
		p := &parsed{format: FormatLDP, doc: s}
		if proof, ok := p.fromVC(maxBytes); ok {
			p.sd = selectiveProof(proof, maxBytes)
			return p, nil
		}
	}
	p, err := decodeCredential(raw, maxBytes)
	if err != nil {
		return nil, err
	}
	obj, _ := p.claims.(map[string]any)
	vcObj, v11 := obj["vc"].(map[string]any)
	switch {
	case p.format == FormatLDP, p.format == FormatJWT && !v11:
		// The JSON form, or a VCDM 2.0 vc+jwt whose payload is the credential.
		// One that vc finds invalid is still kept as issued, read leniently.
		if _, ok := p.fromVC(maxBytes); !ok {
			p.fromVCDM(obj)
		}
		if p.format == FormatLDP && !contains(p.types, "VerifiableCredential") {
			return nil, fmt.Errorf("%w: type does not include VerifiableCredential", ErrMalformed)
		}
	case v11: // VCDM 1.1 JWT: a partial credential in "vc", the rest in claims
		p.fromVCDM(vcObj)
	default: // SD-JWT: VCDM claims or an SD-JWT VC, after disclosure
		p.fromVCDM(obj)
	}
	if p.format != FormatLDP {
		p.fromJWTClaims(obj)
	}
	if len(p.types) == 0 {
		return nil, fmt.Errorf("%w: %s credential has no type (nor vct)", ErrMalformed, p.format)
	}
	return p, nil
}

// fromVC reads the metadata with vc.ParseCredential, which also validates
// the data model: of the JSON form, or of a vc+jwt payload. It reports
// whether the credential was valid, and returns its proof.
func (p *parsed) fromVC(maxBytes int) (json.RawMessage, bool) {
	c, err := vc.Parser{MaxBytes: maxBytes}.ParseCredential(p.doc)
	if err != nil {
		return nil, false
	}
	p.id, p.types, p.issuer = c.ID, c.Types, c.Issuer.ID
	for _, s := range c.Subjects {
		if s.ID != "" {
			p.subject = s.ID
			break
		}
	}
	p.validFrom, p.validTo = firstSet(c.ValidFrom, c.IssuanceDate), firstSet(c.ValidUntil, c.ExpirationDate)
	return c.Proof, true
}

// selectiveProof reports whether a Data Integrity proof (an object or an
// array of them) uses a selective-disclosure cryptosuite.
func selectiveProof(proof []byte, maxBytes int) bool {
	if len(proof) == 0 {
		return false
	}
	v, err := jsonx.Decode(proof, jsonLimits(maxBytes))
	return err == nil && selectiveSuite(v)
}

// selectiveSuite reports whether a decoded proof value uses a
// selective-disclosure cryptosuite.
func selectiveSuite(proof any) bool {
	for _, pr := range asList(proof) {
		if m, ok := pr.(map[string]any); ok {
			switch str(m["cryptosuite"]) {
			case "ecdsa-sd-2023", "bbs-2023":
				return true
			}
		}
	}
	return false
}

func firstSet(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t.UTC()
		}
	}
	return time.Time{}
}

// decodeCredential finds the format of raw and decodes its claims (for an
// SD-JWT, with every disclosure applied), without the metadata. Queries use
// it on stored credentials.
func decodeCredential(raw []byte, maxBytes int) (*parsed, error) {
	if len(raw) > maxBytes {
		return nil, &LimitError{What: "credential bytes", Limit: int64(maxBytes), Got: int64(len(raw))}
	}
	s := bytes.TrimSpace(raw)
	if len(s) == 0 {
		return nil, fmt.Errorf("%w: empty credential", ErrMalformed)
	}
	if s[0] == '{' {
		return decodeJSONCredential(s, maxBytes)
	}
	if bytes.IndexByte(s, '~') >= 0 {
		return decodeSDJWT(string(s), maxBytes)
	}
	payload, doc, err := jwtPayload(string(s), maxBytes)
	if err != nil {
		return nil, err
	}
	return &parsed{format: FormatJWT, claims: payload, doc: doc}, nil
}

func decodeJSONCredential(s []byte, maxBytes int) (*parsed, error) {
	v, err := jsonx.Decode(s, jsonLimits(maxBytes))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	obj, _ := v.(map[string]any)
	if obj == nil {
		return nil, fmt.Errorf("%w: credential is not a JSON object", ErrMalformed)
	}
	return &parsed{format: FormatLDP, claims: obj, doc: s, sd: selectiveSuite(obj["proof"])}, nil
}

// fromVCDM reads VCDM 1.1/2.0 fields of a credential object that
// vc.ParseCredential cannot take whole (the "vc" claim of a VCDM 1.1 JWT,
// the disclosed claims of an SD-JWT, a credential that does not validate).
func (p *parsed) fromVCDM(obj map[string]any) {
	p.id = str(obj["id"])
	p.types = strList(obj["type"])
	switch iss := obj["issuer"].(type) {
	case string:
		p.issuer = iss
	case map[string]any:
		p.issuer = str(iss["id"])
	}
	for _, cs := range asList(obj["credentialSubject"]) {
		if m, ok := cs.(map[string]any); ok && str(m["id"]) != "" {
			p.subject = str(m["id"])
			break
		}
	}
	p.validFrom = firstTime(obj["validFrom"], obj["issuanceDate"])
	p.validTo = firstTime(obj["validUntil"], obj["expirationDate"])
}

// fromJWTClaims fills gaps from registered JWT claims (RFC 7519).
func (p *parsed) fromJWTClaims(c map[string]any) {
	if p.id == "" {
		p.id = str(c["jti"])
	}
	if p.issuer == "" {
		p.issuer = str(c["iss"])
	}
	if p.subject == "" {
		p.subject = str(c["sub"])
	}
	if p.validFrom.IsZero() {
		p.validFrom = numericDate(c["nbf"])
		if p.validFrom.IsZero() {
			p.validFrom = numericDate(c["iat"])
		}
	}
	if p.validTo.IsZero() {
		p.validTo = numericDate(c["exp"])
	}
	if vct := str(c["vct"]); vct != "" && !contains(p.types, vct) {
		p.types = append(p.types, vct)
	}
}

// jwsHeaders are the embedded-key headers a stored token may carry: the
// wallet does not verify, and the verifier decides whether to trust them.
var jwsHeaders = []string{"jwk", "jku", "x5u", "x5c"}

// jwtPayload decodes the payload of a compact JWS with internal/jose (strict
// base64url, header rules, algorithm allow-list) without verifying it, and
// returns it decoded and as bytes.
func jwtPayload(s string, maxBytes int) (map[string]any, []byte, error) {
	j, err := jose.Parse(s, &jose.Options{MaxTokenBytes: maxBytes, AllowHeaders: jwsHeaders})
	if err != nil {
		if errors.Is(err, jose.ErrTooLarge) {
			return nil, nil, &LimitError{What: "JWS bytes", Limit: int64(maxBytes), Got: int64(len(s))}
		}
		return nil, nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	v, err := jsonx.Decode(j.Payload, jsonLimits(maxBytes))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: JWS payload: %w", ErrMalformed, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("%w: JWS payload is not a JSON object", ErrMalformed)
	}
	return m, j.Payload, nil
}

// decodeSDJWT splits issuer-JWT~disclosure~...~[KB-JWT] with vc/sdjwt and
// applies the disclosures to the payload (RFC 9901 section 7.1, without
// signatures).
func decodeSDJWT(s string, maxBytes int) (*parsed, error) {
	sd, err := sdjwt.Parse(s, &sdjwt.Limits{MaxBytes: maxBytes, MaxDisclosures: maxDisclosures})
	if err != nil {
		if errors.Is(err, sdjwt.ErrTooLarge) {
			return nil, &LimitError{What: "SD-JWT", Limit: int64(maxBytes)}
		}
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	payload, _, err := jwtPayload(sd.JWT, maxBytes)
	if err != nil {
		return nil, err
	}
	claims, err := applyDisclosures(payload, sd.Disclosures)
	if err != nil {
		return nil, err
	}
	return &parsed{format: FormatSDJWT, claims: claims, sd: true}, nil
}

type disclosure struct {
	*sdjwt.Disclosure
	used bool
}

// applyDisclosures places each disclosure where the payload references its
// digest; every disclosure must be referenced exactly once.
func applyDisclosures(payload map[string]any, discs []*sdjwt.Disclosure) (map[string]any, error) {
	var h func() hash.Hash
	switch alg := str(payload["_sd_alg"]); alg {
	case "", "sha-256":
		h = sha256.New
	case "sha-384":
		h = sha512.New384
	case "sha-512":
		h = sha512.New
	default:
		return nil, fmt.Errorf("%w: SD-JWT digest algorithm %q", ErrUnsupported, alg)
	}
	byDigest := make(map[string]*disclosure, len(discs))
	for i, d := range discs {
		hh := h()
		hh.Write([]byte(d.Encoded))
		dg := base64.RawURLEncoding.EncodeToString(hh.Sum(nil))
		if _, dup := byDigest[dg]; dup {
			return nil, fmt.Errorf("%w: disclosure %d repeated", ErrMalformed, i)
		}
		byDigest[dg] = &disclosure{Disclosure: d}
	}
	out, err := sdProcess(payload, byDigest, 0)
	if err != nil {
		return nil, err
	}
	for _, d := range byDigest {
		if !d.used {
			return nil, fmt.Errorf("%w: a disclosure is not referenced by the payload", ErrMalformed)
		}
	}
	m := out.(map[string]any)
	delete(m, "_sd_alg")
	return m, nil
}

func sdProcess(v any, byDigest map[string]*disclosure, depth int) (any, error) {
	if depth > jsonx.DefaultMaxDepth {
		return nil, fmt.Errorf("%w: SD-JWT nesting too deep", ErrMalformed)
	}
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			if k == "_sd" {
				continue
			}
			pv, err := sdProcess(val, byDigest, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = pv
		}
		if sd, ok := t["_sd"]; ok {
			list, ok := sd.([]any)
			if !ok {
				return nil, fmt.Errorf("%w: _sd is not an array", ErrMalformed)
			}
			for _, e := range list {
				dg, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("%w: _sd entry is not a string", ErrMalformed)
				}
				d := byDigest[dg]
				if d == nil { // a decoy, or a claim not disclosed
					continue
				}
				if d.used || d.Element {
					return nil, fmt.Errorf("%w: disclosure used twice or in the wrong place", ErrMalformed)
				}
				d.used = true
				if _, exists := out[d.Name]; exists {
					return nil, fmt.Errorf("%w: disclosed claim %q already present", ErrMalformed, d.Name)
				}
				pv, err := sdProcess(d.Value, byDigest, depth+1)
				if err != nil {
					return nil, err
				}
				out[d.Name] = pv
			}
		}
		return out, nil
	case []any:
		out := make([]any, 0, len(t))
		for _, e := range t {
			if m, ok := e.(map[string]any); ok && len(m) == 1 {
				if dgv, ok := m["..."]; ok {
					dg, _ := dgv.(string)
					d := byDigest[dg]
					if d == nil {
						continue
					}
					if d.used || !d.Element {
						return nil, fmt.Errorf("%w: disclosure used twice or in the wrong place", ErrMalformed)
					}
					d.used = true
					pv, err := sdProcess(d.Value, byDigest, depth+1)
					if err != nil {
						return nil, err
					}
					out = append(out, pv)
					continue
				}
			}
			pv, err := sdProcess(e, byDigest, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, pv)
		}
		return out, nil
	default:
		return v, nil
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func asList(v any) []any {
	switch t := v.(type) {
	case nil:
		return nil
	case []any:
		return t
	default:
		return []any{t}
	}
}

func strList(v any) []string {
	var out []string
	for _, e := range asList(v) {
		if s, ok := e.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func firstTime(vs ...any) time.Time {
	for _, v := range vs {
		if s, ok := v.(string); ok {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				return t.UTC()
			}
		}
	}
	return time.Time{}
}

func numericDate(v any) time.Time {
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}
	}
	f, err := n.Float64()
	if err != nil || f < 0 || f > 1e11 || math.IsNaN(f) {
		return time.Time{}
	}
	return time.Unix(int64(f), 0).UTC()
}
