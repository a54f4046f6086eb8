package sdjwt

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/polity-id/polity/internal/jose"
)

// KeyBinding asks [Present] to append a Key Binding JWT (RFC 9901 section
// 4.3) signed with the holder's key.
type KeyBinding struct {
	// Key is the holder's private key, matching the credential's "cnf"
	// (same types as the key of [Issue]).
	Key any
	// Audience and Nonce come from the verifier's request.
	Audience, Nonce string
	// IssuedAt is the "iat"; zero means time.Now().
	IssuedAt time.Time
}

// Present builds a presentation of an issued SD-JWT that reveals only the
// claims at paths (same syntax as [IssueOptions.Disclose], without
// wildcards): each named claim with everything inside it, plus the
// disclosures of the claims that contain it. Claims that were never
// selectively disclosable are always visible. A path that names no claim
// gives [ErrPath]. With kb non-nil a KB-JWT is appended.
//
// Present does not verify the issuer's signature: the holder is expected
// to have verified the credential when receiving it.
func Present(sdjwt string, paths []string, kb *KeyBinding) (string, error) {
	sd, err := Parse(sdjwt, nil)
	if err != nil {
		return "", err
	}
	if sd.KBJWT != "" {
		return "", fmt.Errorf("%w: input already carries a key binding JWT", ErrMalformed)
	}
	_, payload, err := sd.payload(nil)
	if err != nil {
		return "", err
	}
	alg, err := sdAlg(payload)
	if err != nil {
		return "", err
	}
	p, err := newProcessor(sd.Disclosures, alg, nil)
	if err != nil {
		return "", err
	}
	p.paths = map[string]struct{}{}
	if _, err := p.run(payload); err != nil {
		return "", err
	}
	keep := make([]bool, len(sd.Disclosures))
	for _, want := range paths {
		if _, err := parsePath(want); err != nil {
			return "", err
		}
		if strings.Contains(want, "*") {
			return "", fmt.Errorf("%w: wildcards are not allowed in %q", ErrPath, want)
		}
		if _, ok := p.paths[want]; !ok {
			return "", fmt.Errorf("%w: %q names no claim", ErrPath, want)
		}
		for i, d := range sd.Disclosures {
			if d.Path == want || strings.HasPrefix(d.Path, want+".") || strings.HasPrefix(d.Path, want+"[") {
				for j := i; j >= 0 && !keep[j]; j = sd.Disclosures[j].parent {
					keep[j] = true
				}
			}
		}
		// Ancestors of a plain claim inside a disclosed container.
		for i, d := range sd.Disclosures {
			if strings.HasPrefix(want, d.Path+".") || strings.HasPrefix(want, d.Path+"[") {
				for j := i; j >= 0 && !keep[j]; j = sd.Disclosures[j].parent {
					keep[j] = true
				}
			}
		}
	}
	out := &SDJWT{JWT: sd.JWT}
	for i, d := range sd.Disclosures {
		if keep[i] {
			out.Disclosures = append(out.Disclosures, d)
		}
	}
	if kb == nil {
		return out.String(), nil
	}
	hash, err := digestOf(alg, out.withoutKB())
	if err != nil {
		return "", err
	}
	iat := kb.IssuedAt
	if iat.IsZero() {
		iat = time.Now()
	}
	claims, err := json.Marshal(struct {
		Iat    int64  `json:"iat"`
		Aud    string `json:"aud"`
		Nonce  string `json:"nonce"`
		SDHash string `json:"sd_hash"`
	}{iat.Unix(), kb.Audience, kb.Nonce, hash})
	if err != nil {
		return "", err
	}
	jwt, err := jose.Sign(jose.Header{Typ: TypeKB}, claims, signingKey(kb.Key))
	if err != nil {
		return "", joseErr("sign KB-JWT", err)
	}
	out.KBJWT = jwt
	return out.String(), nil
}
