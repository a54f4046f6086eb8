package sdjwt

import (
	"context"
	"crypto"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/internal/didkey"
	"github.com/polity-id/polity/internal/jose"
	"github.com/polity-id/polity/internal/vcerr"
)

// Defaults for [VerifyOptions] and [KeyBindingPolicy].
const (
	DefaultSkew     = time.Minute
	DefaultKBMaxAge = 5 * time.Minute
)

// KeyFunc looks up the issuer's public key from the "iss" claim ("" when
// absent) and the JWS "kid" header ("" when absent). It returns a
// *did.PublicKey or a crypto.PublicKey (ed25519.PublicKey, *ecdsa.PublicKey,
// *secp256k1.PublicKey).
type KeyFunc func(ctx context.Context, issuer, kid string) (any, error)

// KeyBindingPolicy says what the verifier expects of the Key Binding JWT.
type KeyBindingPolicy struct {
	// Required refuses an SD-JWT without KB-JWT (ErrKeyBinding).
	Required bool
	// Audience and Nonce must equal the KB-JWT's "aud" and "nonce". A
	// verifier that requires key binding must set both; empty values are
	// refused then, as they would allow replay.
	Audience string
	Nonce    string
	// MaxAge bounds how old the KB-JWT's "iat" may be; 0 means
	// DefaultKBMaxAge.
	MaxAge time.Duration
}

// VerifyOptions configures [Verify]. Exactly one of Key, KeyFunc and
// Resolver must be set.
type VerifyOptions struct {
	// Key is the issuer's public key (*did.PublicKey or crypto.PublicKey).
	Key any
	// KeyFunc looks the issuer key up from "iss" and "kid".
	KeyFunc KeyFunc
	// Resolver resolves "kid" as a DID URL (relative "#frag" URLs are taken
	// against "iss"); the method must be in the DID document's
	// assertionMethod and its DID must equal "iss" when "iss" is a DID.
	Resolver did.Resolver

	// Types lists accepted "typ" headers; nil means dc+sd-jwt and the
	// legacy vc+sd-jwt. For these two the SD-JWT VC rules apply: "vct"
	// must be a string claim of the issuer-signed payload.
	Types []string
	// KeyBinding is the key binding policy; nil means not required (a
	// KB-JWT that is present is still fully checked).
	KeyBinding *KeyBindingPolicy
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Skew is the clock tolerance for exp, nbf and iat; 0 means
	// DefaultSkew, a negative value means none.
	Skew time.Duration
	// Limits caps the input; nil means defaults.
	Limits *Limits
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

// Verified is the result of a successful [Verify].
type Verified struct {
	Typ, Alg, Kid string
	// Claims is the processed payload (RFC 9901 section 7.1): disclosed
	// claims in place, "_sd", "_sd_alg" and undisclosed array elements
	// removed. Numbers are json.Number.
	Claims map[string]any
	// Disclosures lists the disclosures with their Path and Digest set.
	Disclosures []*Disclosure
	// KeyBound is true when a KB-JWT was present and passed every check.
	KeyBound bool
	// HolderKey is the key from "cnf" that signed the KB-JWT, when KeyBound.
	HolderKey crypto.PublicKey
	// Signer is the DID whose verification method signed the issuer JWT when
	// the key was resolved with VerifyOptions.Resolver, else the "iss" claim
	// ("" when absent). A caller that reports an issuer named elsewhere in the
	// claims (a VCDM "issuer") must check that it is this DID.
	Signer string
}

// registeredClaims are the JWT claims Verify reads from the issuer-signed
// payload itself: a disclosure must not supply them, or an issuer, lifetime or
// holder key would escape the checks made before disclosures are applied.
var registeredClaims = []string{"iss", "nbf", "exp", "cnf"}

// Verify checks an SD-JWT or SD-JWT+KB (compact form): the issuer
// signature (the algorithm comes from the issuer key), "typ", "exp"/"nbf",
// every disclosure (digest referenced exactly once, no reserved or
// colliding names, none unreferenced), the SD-JWT VC rules, and the
// KB-JWT against opts.KeyBinding. The context is used only by KeyFunc and
// Resolver.
//
// Errors wrap this package's kinds, which match the shared vc kinds; an
// unresolvable issuer key also matches vc.ErrUnresolvableDID or
// vc.ErrKeyNotAuthorized.
func Verify(ctx context.Context, token string, opts *VerifyOptions) (*Verified, error) {
	if opts == nil {
		return nil, errors.New("sdjwt: Verify needs options with an issuer key source")
	}
	lim := opts.Limits
	sd, err := Parse(token, lim)
	if err != nil {
		return nil, err
	}
	j, payload, err := sd.payload(lim)
	if err != nil {
		return nil, err
	}
	types := opts.Types
	if types == nil {
		types = []string{TypeVC, TypeVCLegacy}
	}
	if !slices.Contains(types, j.Header.Typ) {
		return nil, fmt.Errorf("%w: typ %q", ErrType, j.Header.Typ)
	}
	iss, _ := payload["iss"].(string)
	if _, ok := payload["iss"]; ok && iss == "" {
		return nil, fmt.Errorf("%w: iss is not a non-empty string", ErrMalformed)
	}
	pub, err := issuerKey(ctx, opts, iss, j.Header.Kid)
	if err != nil {
		return nil, err
	}
	signer := iss
	if opts.Key == nil && opts.KeyFunc == nil {
		signer = kidDID(iss, j.Header.Kid)
	}
	if err := j.Verify(pub); err != nil {
		return nil, joseErr("issuer JWT", err)
	}
	now := opts.now()
	if err := checkTimes(payload, now, opts.skew()); err != nil {
		return nil, err
	}
	if _, hasContext := payload["@context"]; (j.Header.Typ == TypeVC || j.Header.Typ == TypeVCLegacy) && !isVCDM(j.Header.Typ, hasContext) {
		if vct, ok := payload["vct"].(string); !ok || vct == "" {
			return nil, fmt.Errorf("%w: SD-JWT VC without a string vct claim", ErrType)
		}
	}
	alg, err := sdAlg(payload)
	if err != nil {
		return nil, err
	}
	cnf := deepCopy(payload["cnf"])
	p, err := newProcessor(sd.Disclosures, alg, lim)
	if err != nil {
		return nil, err
	}
	mustSign := registeredClaims
	if _, hasContext := payload["@context"]; (j.Header.Typ == TypeVC || j.Header.Typ == TypeVCLegacy) && !isVCDM(j.Header.Typ, hasContext) {
		mustSign = nonDisclosableVC
	}
	var unsigned []string // processing works in place: note what the issuer signed first
	for _, name := range mustSign {
		if _, signed := payload[name]; !signed {
			unsigned = append(unsigned, name)
		}
	}
	claims, err := p.run(payload)
	if err != nil {
		return nil, err
	}
	for _, name := range unsigned {
		if _, disclosed := claims[name]; disclosed {
			return nil, fmt.Errorf("%w: %q must be in the signed payload, not disclosed", ErrDisclosure, name)
		}
	}
	out := &Verified{Typ: j.Header.Typ, Alg: j.Header.Alg, Kid: j.Header.Kid, Claims: claims, Disclosures: sd.Disclosures, Signer: signer}
	pol := opts.KeyBinding
	if sd.KBJWT == "" {
		if pol != nil && pol.Required {
			return nil, fmt.Errorf("%w: no key binding JWT", ErrKeyBinding)
		}
		return out, nil
	}
	hk, err := verifyKB(ctx, opts, sd, alg, cnf, now)
	if err != nil {
		return nil, err
	}
	out.KeyBound, out.HolderKey = true, hk
	return out, nil
}

// kidDID is the DID of a kid DID URL ("#frag" is relative to iss).
func kidDID(iss, kid string) string {
	if strings.HasPrefix(kid, "#") {
		kid = iss + kid
	}
	u, err := did.ParseURL(kid)
	if err != nil {
		return ""
	}
	return u.DID.String()
}

func issuerKey(ctx context.Context, opts *VerifyOptions, iss, kid string) (crypto.PublicKey, error) {
	n := 0
	for _, set := range []bool{opts.Key != nil, opts.KeyFunc != nil, opts.Resolver != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, errors.New("sdjwt: set exactly one of VerifyOptions.Key, KeyFunc and Resolver")
	}
	switch {
	case opts.Key != nil:
		return cryptoKey(opts.Key)
	case opts.KeyFunc != nil:
		k, err := opts.KeyFunc(ctx, iss, kid)
		if err != nil {
			return nil, fmt.Errorf("%w: issuer key: %w", vcerr.ErrUnresolvableDID, err)
		}
		return cryptoKey(k)
	}
	return ResolveIssuerKey(ctx, opts.Resolver, iss, kid)
}

// ResolveIssuerKey resolves kid (a DID URL, or "#fragment" relative to iss)
// with r, requires the method to be in assertionMethod, and requires the
// kid's DID to equal iss when iss is non-empty. Errors match
// vc.ErrUnresolvableDID or vc.ErrKeyNotAuthorized and wrap the did error.
func ResolveIssuerKey(ctx context.Context, r did.Resolver, iss, kid string) (crypto.PublicKey, error) {
	pk, err := didkey.Resolve(ctx, r, iss, kid, did.AssertionMethod)
	if err != nil {
		return nil, err
	}
	return cryptoKey(pk)
}

// cryptoKey turns a *did.PublicKey or crypto key into what internal/jose
// verifies with.
func cryptoKey(k any) (crypto.PublicKey, error) {
	if dk, ok := k.(*did.PublicKey); ok {
		if dk == nil {
			return nil, fmt.Errorf("%w: nil key", ErrUnsupportedAlg)
		}
		k = dk.CryptoPublicKey()
	}
	pub, err := jose.PublicKeyOf(k)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupportedAlg, err)
	}
	return pub, nil
}

// numericDate reads a JWT NumericDate claim; ok is false when absent.
func numericDate(m map[string]any, name string) (time.Time, bool, error) {
	v, present := m[name]
	if !present {
		return time.Time{}, false, nil
	}
	n, isNum := v.(json.Number)
	if !isNum {
		return time.Time{}, false, fmt.Errorf("%w: %s is not a number", ErrMalformed, name)
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1<<40 {
		return time.Time{}, false, fmt.Errorf("%w: %s out of range", ErrMalformed, name)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true, nil
}

func checkTimes(m map[string]any, now time.Time, skew time.Duration) error {
	if exp, ok, err := numericDate(m, "exp"); err != nil {
		return err
	} else if ok && !now.Before(exp.Add(skew)) {
		return fmt.Errorf("%w: exp %s", ErrExpired, exp.UTC().Format(time.RFC3339))
	}
	if nbf, ok, err := numericDate(m, "nbf"); err != nil {
		return err
	} else if ok && now.Add(skew).Before(nbf) {
		return fmt.Errorf("%w: nbf %s", ErrNotYetValid, nbf.UTC().Format(time.RFC3339))
	}
	if _, _, err := numericDate(m, "iat"); err != nil {
		return err
	}
	return nil
}

func verifyKB(ctx context.Context, opts *VerifyOptions, sd *SDJWT, alg string, cnfRaw any, now time.Time) (crypto.PublicKey, error) {
	pol := opts.KeyBinding
	if pol == nil {
		pol = &KeyBindingPolicy{}
	}
	if pol.Required && (pol.Audience == "" || pol.Nonce == "") {
		return nil, errors.New("sdjwt: KeyBindingPolicy.Required needs Audience and Nonce")
	}
	cnf, ok := cnfRaw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: KB-JWT present but no cnf claim", ErrKeyBinding)
	}
	var holder crypto.PublicKey
	var err error
	switch {
	case cnf["jwk"] != nil:
		m, ok := cnf["jwk"].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%w: cnf.jwk is not an object", ErrKeyBinding)
		}
		if _, private := m["d"]; private {
			return nil, fmt.Errorf("%w: cnf.jwk holds a private key", ErrKeyBinding)
		}
		k, kerr := jose.JWKFromMap(m)
		if kerr != nil {
			return nil, fmt.Errorf("%w: cnf.jwk: %w", ErrKeyBinding, kerr)
		}
		holder, err = jose.PublicKeyOf(k)
		if err != nil {
			return nil, fmt.Errorf("%w: cnf.jwk: %w", ErrKeyBinding, err)
		}
	case cnf["kid"] != nil:
		kid, ok := cnf["kid"].(string)
		if !ok || opts.Resolver == nil {
			return nil, fmt.Errorf("%w: cnf.kid needs a string DID URL and a Resolver", ErrKeyBinding)
		}
		_, pk, rerr := did.ResolveVerificationMethod(ctx, opts.Resolver, kid, did.Authentication)
		if rerr != nil {
			return nil, fmt.Errorf("%w: cnf.kid: %w", ErrKeyBinding, rerr)
		}
		if holder, err = cryptoKey(pk); err != nil {
			return nil, fmt.Errorf("%w: cnf.kid: %w", ErrKeyBinding, err)
		}
	default:
		return nil, fmt.Errorf("%w: cnf has neither jwk nor kid", ErrKeyBinding)
	}
	kb, err := jose.Parse(sd.KBJWT, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeyBinding, joseErr("KB-JWT", err))
	}
	if kb.Header.Typ != TypeKB {
		return nil, fmt.Errorf("%w: KB-JWT typ %q", ErrKeyBinding, kb.Header.Typ)
	}
	if err := kb.Verify(holder); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeyBinding, joseErr("KB-JWT", err))
	}
	claims, err := decodeObject(kb.Payload, opts.Limits)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeyBinding, err)
	}
	want, err := digestOf(alg, sd.withoutKB())
	if err != nil {
		return nil, err
	}
	got, _ := claims["sd_hash"].(string)
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return nil, fmt.Errorf("%w: sd_hash does not match the presentation", ErrKeyBinding)
	}
	iat, ok, err := numericDate(claims, "iat")
	if err != nil || !ok {
		return nil, fmt.Errorf("%w: KB-JWT iat missing or invalid", ErrKeyBinding)
	}
	maxAge := pol.MaxAge
	if maxAge <= 0 {
		maxAge = DefaultKBMaxAge
	}
	skew := opts.skew()
	if iat.After(now.Add(skew)) {
		return nil, fmt.Errorf("%w: %w: KB-JWT iat in the future", ErrKeyBinding, ErrNotYetValid)
	}
	if now.Sub(iat) > maxAge+skew {
		return nil, fmt.Errorf("%w: %w: KB-JWT older than %s", ErrKeyBinding, ErrExpired, maxAge)
	}
	nonce, ok := claims["nonce"].(string)
	if !ok {
		return nil, fmt.Errorf("%w: KB-JWT nonce missing", ErrKeyBinding)
	}
	aud, ok := claims["aud"].(string)
	if !ok {
		return nil, fmt.Errorf("%w: KB-JWT aud missing or not a string", ErrKeyBinding)
	}
	if pol.Nonce != "" && subtle.ConstantTimeCompare([]byte(nonce), []byte(pol.Nonce)) != 1 {
		return nil, fmt.Errorf("%w: nonce", ErrChallenge)
	}
	if pol.Audience != "" && aud != pol.Audience {
		return nil, fmt.Errorf("%w: aud", ErrChallenge)
	}
	return holder, nil
}
