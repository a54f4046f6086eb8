package vote

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/polity-id/polity/did"
	ijose "github.com/polity-id/polity/internal/jose"
	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/jose"
)

// Ballot formats, for [BallotOptions.Format].
const (
	// FormatDataIntegrity is a JSON-LD ballot presentation secured with a Data
	// Integrity proof (purpose authentication, challenge = proposal id, domain =
	// community). It is the default.
	FormatDataIntegrity = vc.FormatDataIntegrity
	// FormatVPJWT is a ballot presentation secured as application/vp+jwt: the JWS
	// payload is the presentation with its "ballot" member and its vc+jwt
	// credentials enveloped, "nonce" is the proposal id and "aud" the community,
	// and the "kid" header names a key of the holder listed under authentication.
	FormatVPJWT = jose.TypVP
)

// isCompact reports whether a ballot is a compact JWS rather than JSON.
func isCompact(data []byte) bool {
	data = bytes.TrimSpace(data)
	return len(data) > 0 && data[0] != '{'
}

// ballotItems turns secured credentials into verifiableCredential items: Data
// Integrity JSON as it is, a compact vc+jwt in an EnvelopedVerifiableCredential. A
// vp+jwt ballot (jwt set) envelopes every credential, as VC-JOSE-COSE requires, so
// it carries vc+jwt credentials only.
func ballotItems(creds [][]byte, jwt bool) ([]json.RawMessage, error) {
	items := make([]json.RawMessage, 0, len(creds))
	for i, c := range creds {
		c = bytes.TrimSpace(c)
		if len(c) > 0 && c[0] == '{' {
			if jwt {
				return nil, fmt.Errorf("%w: credential %d: a vp+jwt ballot carries vc+jwt credentials; present a Data Integrity credential in a Data Integrity ballot", ErrMalformed, i)
			}
			if err := jsonx.Check(c, jsonx.Limits{}); err != nil {
				return nil, fmt.Errorf("%w: credential %d: %w", ErrMalformed, i, err)
			}
			items = append(items, json.RawMessage(c))
			continue
		}
		env, err := vc.NewEnvelope(jose.MediaTypeVC, c).MarshalJSON()
		if err != nil {
			return nil, fmt.Errorf("%w: credential %d: %w", ErrMalformed, i, err)
		}
		items = append(items, env)
	}
	return items, nil
}

// signJWTBallot secures an unsigned ballot presentation as a vp+jwt bound to p.
func signJWTBallot(p *Proposal, doc []byte, k *did.PrivateKey, vm string) ([]byte, error) {
	tok, err := jose.SignPresentation(doc, k, vm, p.Community, p.ID)
	if err != nil {
		return nil, err
	}
	return []byte(tok), nil
}

// parseJWTBallot reads, without verifying, the presentation a vp+jwt ballot
// carries; the tally verifies the token afterwards.
func parseJWTBallot(parser vc.Parser, data []byte) (*vc.Presentation, error) {
	j, err := ijose.Parse(string(bytes.TrimSpace(data)), &ijose.Options{MaxTokenBytes: parser.MaxBytes})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", vc.ErrMalformed, err)
	}
	if j.Header.Typ != jose.TypVP && j.Header.Typ != jose.MediaTypeVP {
		return nil, fmt.Errorf("%w: typ %q, want %q", vc.ErrMalformed, j.Header.Typ, jose.TypVP)
	}
	return parser.ParsePresentation(j.Payload)
}
