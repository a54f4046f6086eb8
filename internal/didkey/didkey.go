// Package didkey resolves the key a JOSE header's "kid" names through a DID
// resolver, with the checks every JOSE-secured credential needs: the kid's DID
// is the signer the token claims, and the method is in the expected verification
// relationship. vc/jose and vc/sdjwt share it.
package didkey

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/internal/vcerr"
)

// Resolve resolves kid (a DID URL, or "#fragment" relative to subject) with r and
// returns the key of the verification method it names, which must be in rel. When
// subject is not empty the kid's DID must be subject; an empty subject means the
// token names no signer, and then any DID may sign (the caller binds it later).
//
// Errors match vc.ErrUnresolvableDID (no kid, bad DID URL, resolution failed) or
// vc.ErrKeyNotAuthorized (another DID's key, or a method outside rel), and wrap
// the did error.
func Resolve(ctx context.Context, r did.Resolver, subject, kid string, rel did.Relationship) (*did.PublicKey, error) {
	if kid == "" {
		return nil, fmt.Errorf("%w: no kid header", vcerr.ErrUnresolvableDID)
	}
	if strings.HasPrefix(kid, "#") {
		if subject == "" {
			return nil, fmt.Errorf("%w: relative kid %q without a signer DID", vcerr.ErrUnresolvableDID, clip(kid))
		}
		kid = subject + kid
	}
	u, err := did.ParseURL(kid)
	if err != nil {
		return nil, fmt.Errorf("%w: kid: %w", vcerr.ErrUnresolvableDID, err)
	}
	if subject != "" && u.DID.String() != subject {
		return nil, fmt.Errorf("%w: kid DID %q is not %q", vcerr.ErrKeyNotAuthorized, clip(u.DID.String()), clip(subject))
	}
	_, pk, err := did.ResolveVerificationMethod(ctx, r, kid, rel)
	if err != nil {
		if errors.Is(err, did.ErrNotAuthorized) {
			return nil, fmt.Errorf("%w: %w", vcerr.ErrKeyNotAuthorized, err)
		}
		return nil, fmt.Errorf("%w: %w", vcerr.ErrUnresolvableDID, err)
	}
	return pk, nil
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
