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
	"strings"
	"time"

	"github.com/polity-id/polity/internal/jsonx"
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

// parsed is what the local parser extracts from a credential. It does not
// verify signatures: the wallet stores credentials as issued and leaves
// verification to the vc package.
type parsed struct {
	format    Format
	claims    any // decoded JSON: the document, the JWT payload, or the SD-JWT payload with disclosures applied
	id        string
	types     []string
	issuer    string
	subject   string
	validFrom time.Time
	validTo   time.Time
	sd        bool // selectively disclosable (SD-JWT, or a DI proof with an -sd/bbs cryptosuite)
}

func jsonLimits(max int) jsonx.Limits { return jsonx.Limits{MaxBytes: max} }

// parseCredential extracts metadata from raw. Bad input reports ErrMalformed.
func parseCredential(raw []byte, maxBytes int) (*parsed, error) {
	if len(raw) > maxBytes {
		return nil, &LimitError{What: "credential bytes", Limit: int64(maxBytes), Got: int64(len(raw))}
	}
	s := bytes.TrimSpace(raw)
	if len(s) == 0 {
		return nil, fmt.Errorf("%w: empty credential", ErrMalformed)
	}
	if s[0] == '{' {
		return parseJSONCredential(s, maxBytes)
	}
	if bytes.IndexByte(s, '~') >= 0 {
		return parseSDJWT(string(s), maxBytes)
	}
	return parseJWT(string(s), maxBytes)
}

func parseJSONCredential(s []byte, maxBytes int) (*parsed, error) {
	v, err := jsonx.Decode(s, jsonLimits(maxBytes))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	obj, _ := v.(map[string]any)
	if obj == nil {
		return nil, fmt.Errorf("%w: credential is not a JSON object", ErrMalformed)
	}
	p := &parsed{format: FormatLDP, claims: obj}
	p.fromVCDM(obj)
	if !contains(p.types, "VerifiableCredential") {
		return nil, fmt.Errorf("%w: type does not include VerifiableCredential", ErrMalformed)
	}
	for _, pr := range asList(obj["proof"]) {
		if m, ok := pr.(map[string]any); ok {
			switch str(m["cryptosuite"]) {
			case "ecdsa-sd-2023", "bbs-2023":
				p.sd = true
			}
		}
	}
	return p, nil
}

// fromVCDM reads VCDM 1.1/2.0 fields of a credential object.
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

// splitJWS decodes the header and payload of a compact JWS without verifying it.
func splitJWS(s string, maxBytes int) (hdr, payload map[string]any, err error) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return nil, nil, fmt.Errorf("%w: not a compact JWS", ErrMalformed)
	}
	hdr, err = decodeB64JSON(parts[0], maxBytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: JWS header: %w", ErrMalformed, err)
	}
	payload, err = decodeB64JSON(parts[1], maxBytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: JWS payload: %w", ErrMalformed, err)
	}
	return hdr, payload, nil
}

func decodeB64JSON(part string, maxBytes int) (map[string]any, error) {
	b, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		return nil, errors.New("bad base64url")
	}
	v, err := jsonx.Decode(b, jsonLimits(maxBytes))
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("not a JSON object")
	}
	return m, nil
}

func parseJWT(s string, maxBytes int) (*parsed, error) {
	_, payload, err := splitJWS(s, maxBytes)
	if err != nil {
		return nil, err
	}
	p := &parsed{format: FormatJWT, claims: payload}
	if vc, ok := payload["vc"].(map[string]any); ok { // VCDM 1.1 JWT
		p.fromVCDM(vc)
	} else {
		p.fromVCDM(payload)
	}
	p.fromJWTClaims(payload)
	if len(p.types) == 0 {
		return nil, fmt.Errorf("%w: JWT has no credential type", ErrMalformed)
	}
	return p, nil
}

// parseSDJWT splits issuer-JWT~disclosure~...~[KB-JWT] and applies the
// disclosures to the payload (RFC 9901 section 7.1, without signatures).
func parseSDJWT(s string, maxBytes int) (*parsed, error) {
	parts := strings.Split(s, "~")
	if len(parts) < 2 {
		return nil, fmt.Errorf("%w: not an SD-JWT", ErrMalformed)
	}
	discs := parts[1 : len(parts)-1] // the last part is the KB-JWT or empty
	if len(discs) > maxDisclosures {
		return nil, &LimitError{What: "SD-JWT disclosures", Limit: maxDisclosures, Got: int64(len(discs))}
	}
	_, payload, err := splitJWS(parts[0], maxBytes)
	if err != nil {
		return nil, err
	}
	claims, err := applyDisclosures(payload, discs, maxBytes)
	if err != nil {
		return nil, err
	}
	p := &parsed{format: FormatSDJWT, claims: claims, sd: true}
	p.fromVCDM(claims)
	p.fromJWTClaims(claims)
	if len(p.types) == 0 {
		return nil, fmt.Errorf("%w: SD-JWT has neither vct nor type", ErrMalformed)
	}
	return p, nil
}

type disclosure struct {
	name  string // empty for array elements
	value any
	used  bool
}

func applyDisclosures(payload map[string]any, discs []string, maxBytes int) (map[string]any, error) {
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
		if d == "" {
			return nil, fmt.Errorf("%w: empty disclosure %d", ErrMalformed, i)
		}
		b, err := base64.RawURLEncoding.DecodeString(d)
		if err != nil {
			return nil, fmt.Errorf("%w: disclosure %d: bad base64url", ErrMalformed, i)
		}
		v, err := jsonx.Decode(b, jsonLimits(maxBytes))
		if err != nil {
			return nil, fmt.Errorf("%w: disclosure %d: %w", ErrMalformed, i, err)
		}
		arr, _ := v.([]any)
		dd := &disclosure{}
		switch len(arr) {
		case 2:
			dd.value = arr[1]
		case 3:
			name, ok := arr[1].(string)
			if !ok || name == "_sd" || name == "..." {
				return nil, fmt.Errorf("%w: disclosure %d: bad claim name", ErrMalformed, i)
			}
			dd.name, dd.value = name, arr[2]
		default:
			return nil, fmt.Errorf("%w: disclosure %d: not a 2- or 3-element array", ErrMalformed, i)
		}
		hh := h()
		hh.Write([]byte(d))
		dg := base64.RawURLEncoding.EncodeToString(hh.Sum(nil))
		if _, dup := byDigest[dg]; dup {
			return nil, fmt.Errorf("%w: disclosure %d repeated", ErrMalformed, i)
		}
		byDigest[dg] = dd
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
				if d.used || d.name == "" {
					return nil, fmt.Errorf("%w: disclosure used twice or in the wrong place", ErrMalformed)
				}
				d.used = true
				if _, exists := out[d.name]; exists {
					return nil, fmt.Errorf("%w: disclosed claim %q already present", ErrMalformed, d.name)
				}
				pv, err := sdProcess(d.value, byDigest, depth+1)
				if err != nil {
					return nil, err
				}
				out[d.name] = pv
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
					if d.used || d.name != "" {
						return nil, fmt.Errorf("%w: disclosure used twice or in the wrong place", ErrMalformed)
					}
					d.used = true
					pv, err := sdProcess(d.value, byDigest, depth+1)
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
