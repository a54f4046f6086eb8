package sdjwt

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/internal/jose"
	"github.com/polity-id/polity/internal/jsonx"
)

// Format selects how disclosures are serialized before base64url encoding.
// Digests cover the exact bytes, so either form verifies everywhere.
type Format int

const (
	// FormatCompact is JSON without spaces, UTF-8 kept (the default).
	FormatCompact Format = iota
	// FormatSpaced uses ", " and ": " separators and \u escapes for
	// non-ASCII, the form of RFC 9901's examples.
	FormatSpaced
)

// nonDisclosableVC are the SD-JWT VC claims that must stay in the clear
// (draft-ietf-oauth-sd-jwt-vc section 3.2.2.2).
var nonDisclosableVC = []string{"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"}

// IssueOptions configures [Issue]. The zero value issues an SD-JWT VC
// (typ dc+sd-jwt, sha-256, random 128-bit salts) with nothing selectively
// disclosable.
type IssueOptions struct {
	// Disclose lists the claim paths to make selectively disclosable:
	// "given_name", "address.street_address", "nationalities[1]", with "*"
	// for every member ("address.*") or element ("nationalities[*]").
	// Listing both a claim and claims inside it gives recursive
	// disclosures. A path that matches nothing is an error ([ErrPath]).
	Disclose []string
	// Decoys is the number of decoy digests added to each "_sd" array.
	Decoys int
	// HashAlg is the "_sd_alg": sha-256 (default), sha-384 or sha-512.
	HashAlg string
	// Typ is the "typ" header; "" means dc+sd-jwt. For dc+sd-jwt and
	// vc+sd-jwt the claims need a string "vct", and iss, nbf, exp, cnf,
	// vct and status cannot be made disclosable; a vc+sd-jwt whose claims
	// are a VCDM 2.0 credential (with "@context", as VC-JOSE-COSE has it)
	// is exempt from these SD-JWT VC rules.
	Typ string
	// Kid is the "kid" header (for a DID issuer, the assertionMethod
	// verification method's DID URL).
	Kid string
	// HolderKey, if set, is the holder's public key (*did.PublicKey or a
	// crypto public key), written as "cnf": {"jwk": ...} for key binding.
	HolderKey any
	// HolderKID, if set (and HolderKey is not), is written as
	// "cnf": {"kid": ...}.
	HolderKID string
	// Format is the disclosure serialization.
	Format Format
	// Rand is the randomness for salts and decoys; nil means crypto/rand.
	Rand io.Reader
	// SaltFunc, if set, returns the salt for the disclosure at a claim
	// path. It exists to reproduce published test vectors; salts must be
	// unpredictable in real use, so leave it nil.
	SaltFunc func(path string) (string, error)
	// Limits caps the input claims; nil means defaults.
	Limits *Limits
}

// Signer is a private key that returns raw JWS signatures and names its
// JOSE algorithm (EdDSA, ES256, ES384, ES256K).
type Signer interface {
	Algorithm() string
	Sign(msg []byte) ([]byte, error)
}

// signingKey converts a *did.PrivateKey for internal/jose, which accepts
// ed25519.PrivateKey, *ecdsa.PrivateKey, *secp256k1.PrivateKey, crypto.Signer
// and [Signer] directly.
func signingKey(key any) any {
	if k, ok := key.(*did.PrivateKey); ok && k != nil {
		return k.CryptoPrivateKey()
	}
	return key
}

// Issue creates an SD-JWT (compact, ending in '~') from claims, a JSON
// object, signed with key (*did.PrivateKey, ed25519.PrivateKey,
// *ecdsa.PrivateKey on P-256/P-384, *secp256k1.PrivateKey, or a [Signer]).
// Claims keep their order in disclosures. "_sd_alg" and "cnf" are added
// to the payload; time claims (iat, exp, nbf) are the caller's to set.
func Issue(claims []byte, key any, opts *IssueOptions) (string, error) {
	if opts == nil {
		opts = &IssueOptions{}
	}
	alg := opts.HashAlg
	if alg == "" {
		alg = SHA256
	}
	if _, err := newHash(alg); err != nil {
		return "", err
	}
	typ := opts.Typ
	if typ == "" {
		typ = TypeVC
	}
	if err := jsonx.Check(claims, jsonx.Limits{MaxBytes: opts.Limits.maxBytes(), MaxDepth: opts.Limits.maxDepth()}); err != nil {
		return "", fmt.Errorf("%w: claims: %w", ErrMalformed, err)
	}
	tree, err := decodeOrdered(claims)
	if err != nil {
		return "", fmt.Errorf("%w: claims: %w", ErrMalformed, err)
	}
	top, ok := tree.(*object)
	if !ok {
		return "", fmt.Errorf("%w: claims are not a JSON object", ErrMalformed)
	}
	_, hasContext := top.vals["@context"]
	vc := (typ == TypeVC || typ == TypeVCLegacy) && !isVCDM(typ, hasContext)
	if vc {
		if s, ok := top.vals["vct"].(string); !ok || s == "" {
			return "", fmt.Errorf("%w: SD-JWT VC claims need a string vct", ErrType)
		}
	}
	if _, ok := top.vals["_sd_alg"]; ok {
		return "", fmt.Errorf("%w: claims already contain _sd_alg", ErrMalformed)
	}
	pats := make([][]seg, len(opts.Disclose))
	for i, p := range opts.Disclose {
		if pats[i], err = parsePath(p); err != nil {
			return "", err
		}
		if vc && len(pats[i]) == 1 && slices.Contains(nonDisclosableVC, pats[i][0].name) {
			return "", fmt.Errorf("%w: %q must not be selectively disclosable in an SD-JWT VC", ErrPath, p)
		}
	}
	is := &issuer{opts: opts, alg: alg, pats: pats, matched: make([]bool, len(pats)), maxDisclosures: opts.Limits.maxDisclosures()}
	if is.rand = opts.Rand; is.rand == nil {
		is.rand = rand.Reader
	}
	out, err := is.walk(top, nil)
	if err != nil {
		return "", err
	}
	for i, m := range is.matched {
		if !m {
			return "", fmt.Errorf("%w: %q matches no claim", ErrPath, opts.Disclose[i])
		}
	}
	payload := out.(*object)
	payload.set("_sd_alg", alg)
	if opts.HolderKey != nil || opts.HolderKID != "" {
		if _, exists := payload.vals["cnf"]; exists {
			return "", fmt.Errorf("%w: claims already contain cnf", ErrMalformed)
		}
		cnf := &object{vals: map[string]any{}}
		if opts.HolderKey != nil {
			pub, err := cryptoKey(opts.HolderKey)
			if err != nil {
				return "", err
			}
			jwk, err := jose.PublicJWK(pub)
			if err != nil {
				return "", fmt.Errorf("%w: holder key: %w", ErrUnsupportedAlg, err)
			}
			cnf.set("jwk", jwk)
		} else {
			cnf.set("kid", opts.HolderKID)
		}
		payload.set("cnf", cnf)
	}
	e := &encoder{}
	if err := e.value(payload); err != nil {
		return "", fmt.Errorf("sdjwt: encode payload: %w", err)
	}
	jwt, err := jose.Sign(jose.Header{Typ: typ, Kid: opts.Kid}, e.buf.Bytes(), signingKey(key))
	if err != nil {
		return "", joseErr("sign", err)
	}
	var b strings.Builder
	b.WriteString(jwt)
	b.WriteByte('~')
	for _, d := range is.disclosures {
		b.WriteString(d)
		b.WriteByte('~')
	}
	return b.String(), nil
}

type issuer struct {
	opts           *IssueOptions
	alg            string
	rand           io.Reader
	pats           [][]seg
	matched        []bool
	disclosures    []string
	maxDisclosures int
}

// seg is one step of a claim path: a member name, or an array index
// (index >= 0), or a wildcard of either kind.
type seg struct {
	name  string
	index int // -1 for a member, -2 for "[*]"
}

func parsePath(p string) ([]seg, error) {
	if p == "" {
		return nil, fmt.Errorf("%w: empty path", ErrPath)
	}
	var out []seg
	i := 0
	for i < len(p) {
		if p[i] == '[' {
			end := strings.IndexByte(p[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("%w: %q has an unclosed '['", ErrPath, p)
			}
			if p[i+1] == '"' {
				// Quoted member name: a JSON string.
				j := i + 2
				for j < len(p) && p[j] != '"' {
					if p[j] == '\\' {
						j++
					}
					j++
				}
				if j+1 >= len(p) || p[j+1] != ']' {
					return nil, fmt.Errorf("%w: %q has a bad quoted name", ErrPath, p)
				}
				var name string
				if err := json.Unmarshal([]byte(p[i+1:j+1]), &name); err != nil {
					return nil, fmt.Errorf("%w: %q has a bad quoted name", ErrPath, p)
				}
				out = append(out, seg{name: name, index: -1})
				i = j + 2
			} else {
				idx := p[i+1 : i+end]
				if idx == "*" {
					out = append(out, seg{index: -2})
				} else {
					n, err := strconv.Atoi(idx)
					if err != nil || n < 0 || strconv.Itoa(n) != idx {
						return nil, fmt.Errorf("%w: %q has a bad index", ErrPath, p)
					}
					out = append(out, seg{index: n})
				}
				i += end + 1
			}
		} else {
			if len(out) > 0 {
				if p[i] != '.' {
					return nil, fmt.Errorf("%w: %q: expected '.' or '['", ErrPath, p)
				}
				i++
			}
			j := i
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			if j == i {
				return nil, fmt.Errorf("%w: %q has an empty member name", ErrPath, p)
			}
			out = append(out, seg{name: p[i:j], index: -1})
			i = j
		}
	}
	if out[0].index != -1 {
		return nil, fmt.Errorf("%w: %q must start with a member name", ErrPath, p)
	}
	return out, nil
}

// nameSeg is the path form of a member name: bare, or ["quoted"] when it
// holds '.', '[', ']', '"' or '*' or is empty.
func nameSeg(name string) string {
	if name != "" && !strings.ContainsAny(name, ".[]\"*") {
		return name
	}
	q, _ := json.Marshal(name)
	return "[" + string(q) + "]"
}

func pathString(path []seg) string {
	var b strings.Builder
	for _, s := range path {
		if s.index >= 0 {
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
			continue
		}
		b.WriteString(joinPath(b.String(), s.name)[b.Len():])
	}
	return b.String()
}

// selected reports whether path matches a pattern, and records the match.
func (is *issuer) selected(path []seg) bool {
	hit := false
	for i, pat := range is.pats {
		if len(pat) != len(path) {
			continue
		}
		ok := true
		for j := range pat {
			p, s := pat[j], path[j]
			switch {
			case p.index == -1 && s.index == -1:
				ok = p.name == "*" || p.name == s.name
			case p.index == -2:
				ok = s.index >= 0
			default:
				ok = p.index == s.index
			}
			if !ok {
				break
			}
		}
		if ok {
			is.matched[i] = true
			hit = true
		}
	}
	return hit
}

func (is *issuer) salt(path []seg) (string, error) {
	if is.opts.SaltFunc != nil {
		return is.opts.SaltFunc(pathString(path))
	}
	var b [16]byte
	if _, err := io.ReadFull(is.rand, b[:]); err != nil {
		return "", fmt.Errorf("sdjwt: salt: %w", err)
	}
	return jose.EncodeSegment(b[:]), nil
}

func (is *issuer) disclose(path []seg, arr []any) (string, error) {
	if len(is.disclosures) >= is.maxDisclosures {
		return "", fmt.Errorf("%w: more than %d disclosures", ErrTooLarge, is.maxDisclosures)
	}
	salt, err := is.salt(path)
	if err != nil {
		return "", err
	}
	e := &encoder{spaced: is.opts.Format == FormatSpaced}
	if err := e.value(append([]any{salt}, arr...)); err != nil {
		return "", fmt.Errorf("sdjwt: encode disclosure: %w", err)
	}
	enc := jose.EncodeSegment(e.buf.Bytes())
	is.disclosures = append(is.disclosures, enc)
	return digestOf(is.alg, enc)
}

func (is *issuer) walk(v any, path []seg) (any, error) {
	switch t := v.(type) {
	case *object:
		out := &object{vals: make(map[string]any, len(t.keys))}
		var digests []string
		for _, k := range t.keys {
			if k == "_sd" || k == "..." {
				return nil, fmt.Errorf("%w: claims use the reserved name %q", ErrMalformed, k)
			}
			cp := append(slices.Clip(path), seg{name: k, index: -1})
			child, err := is.walk(t.vals[k], cp)
			if err != nil {
				return nil, err
			}
			if !is.selected(cp) {
				out.set(k, child)
				continue
			}
			dg, err := is.disclose(cp, []any{k, child})
			if err != nil {
				return nil, err
			}
			digests = append(digests, dg)
		}
		if len(digests) > 0 {
			for range is.opts.Decoys {
				var b [16]byte
				if _, err := io.ReadFull(is.rand, b[:]); err != nil {
					return nil, fmt.Errorf("sdjwt: decoy: %w", err)
				}
				dg, err := digestOf(is.alg, jose.EncodeSegment(b[:]))
				if err != nil {
					return nil, err
				}
				digests = append(digests, dg)
			}
			slices.Sort(digests)
			sd := make([]any, len(digests))
			for i, d := range digests {
				sd[i] = d
			}
			out.keys = append([]string{"_sd"}, out.keys...)
			out.vals["_sd"] = sd
		}
		return out, nil
	case []any:
		out := make([]any, 0, len(t))
		for i, e := range t {
			cp := append(slices.Clip(path), seg{index: i})
			child, err := is.walk(e, cp)
			if err != nil {
				return nil, err
			}
			if !is.selected(cp) {
				out = append(out, child)
				continue
			}
			dg, err := is.disclose(cp, []any{child})
			if err != nil {
				return nil, err
			}
			out = append(out, &object{keys: []string{"..."}, vals: map[string]any{"...": dg}})
		}
		return out, nil
	}
	return v, nil
}
