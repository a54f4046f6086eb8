package wallet

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/wallet/query"
)

// PresentRequest says what to present and to whom.
type PresentRequest struct {
	// Holder is the holder DID; empty means the DID stored with the key, or
	// else the key's did:key.
	Holder string
	// KeyID is the wallet record id of the signing key (KeyInfo.ID).
	KeyID string
	// Credentials are the wallet record ids of the credentials, in
	// presentation order.
	Credentials []string
	// Disclose optionally lists, per credential (same order), the SD-JWT
	// claim paths to reveal, such as "credentialSubject.role" or
	// "nationalities[1]"; a nil entry, or a credential that is not an
	// SD-JWT, means the whole credential. [PresentRequest.FromDefinition]
	// and [PresentRequest.FromDCQL] fill it from a verifier's request.
	Disclose [][]string
	Nonce    string // verifier challenge (DI challenge, vp+jwt nonce, KB-JWT nonce); required
	Audience string // verifier id (DI domain, vp+jwt aud, KB-JWT aud)

	// Format is the presentation format: "" or vc.FormatDataIntegrity for a
	// Data Integrity presentation, vc.FormatVPJWT for application/vp+jwt,
	// vc.FormatSDJWT for one SD-JWT with a Key Binding JWT.
	Format string
	// Suite is the Data Integrity cryptosuite; empty means the key type's default.
	Suite string
	// VerificationMethod is the holder's DID URL for the key; empty means the
	// key's own method when Holder is its did:key or did:jwk.
	VerificationMethod string
	// Created is the signing time; zero means now.
	Created time.Time
	// Expires, if not zero, ends the presentation's validity (DI expires,
	// vp+jwt exp).
	Expires time.Time
}

// Presenter builds and signs a verifiable presentation. The wallet supplies
// the decrypted key and credentials; privateJWK is secret and cleared by the
// wallet after Present returns. [VCPresenter] is the default.
type Presenter interface {
	Present(ctx context.Context, privateJWK []byte, creds []Credential, req *PresentRequest) ([]byte, error)
}

// VCPresenter is the default [Presenter]: it signs with [vc.Present], in the
// format req.Format names. A format vc.Present does not know reports
// ErrNoPresenter.
type VCPresenter struct{}

// presentFormats are the formats VCPresenter hands to vc.Present.
var presentFormats = []string{"", vc.FormatDataIntegrity, vc.FormatVPJWT, vc.FormatSDJWT}

// Present implements [Presenter].
func (VCPresenter) Present(ctx context.Context, privateJWK []byte, creds []Credential, req *PresentRequest) ([]byte, error) {
	if !contains(presentFormats, req.Format) {
		return nil, fmt.Errorf("%w: presentation format %q", ErrNoPresenter, req.Format)
	}
	key, err := did.ParsePrivateJWK(privateJWK)
	if err != nil {
		return nil, fmt.Errorf("%w: presentation key: %w", ErrCorrupt, err)
	}
	raws := make([][]byte, len(creds))
	var disclose [][]string
	for i := range creds {
		raws[i] = creds[i].Raw
		if i < len(req.Disclose) && req.Disclose[i] != nil && creds[i].Format == FormatSDJWT {
			if disclose == nil {
				disclose = make([][]string, len(creds))
			}
			disclose[i] = req.Disclose[i]
		}
	}
	return vc.Present(ctx, raws, key, vc.PresentOptions{
		Format:             req.Format,
		Suite:              req.Suite,
		Holder:             req.Holder,
		VerificationMethod: req.VerificationMethod,
		Challenge:          req.Nonce,
		Domain:             req.Audience,
		Created:            req.Created,
		Expires:            req.Expires,
		Disclose:           disclose,
	})
}

// Present loads the key and credentials named in req, asks p (nil means
// Options.Presenter, else [VCPresenter]) to build the signed presentation,
// stores the result as a presentation record and returns it. Missing records
// report ErrNotFound; a Disclose list longer than Credentials ErrMalformed.
// When req.Holder is empty the DID stored with the key is used.
func (w *Wallet) Present(ctx context.Context, p Presenter, req *PresentRequest) ([]byte, error) {
	if req == nil || len(req.Credentials) == 0 {
		return nil, fmt.Errorf("%w: no credentials to present", ErrMalformed)
	}
	if len(req.Disclose) > len(req.Credentials) {
		return nil, fmt.Errorf("%w: %d disclosure lists for %d credentials", ErrMalformed, len(req.Disclose), len(req.Credentials))
	}
	if p == nil {
		p = w.opts.Presenter
	}
	if p == nil {
		p = VCPresenter{}
	}
	if err := w.begin(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	var rec keyRecord
	if err := w.getJSON(ctx, bucketKey, req.KeyID, &rec); err != nil {
		return nil, fmt.Errorf("presentation key: %w", err)
	}
	defer clear(rec.JWK)
	creds := make([]Credential, 0, len(req.Credentials))
	for _, id := range req.Credentials {
		c, err := w.credential(ctx, id)
		if err != nil {
			return nil, err
		}
		creds = append(creds, *c)
	}
	r := *req
	if r.Holder == "" {
		r.Holder = rec.DID
	}
	vp, err := p.Present(ctx, rec.JWK, creds, &r)
	if err != nil {
		return nil, fmt.Errorf("wallet: present: %w", err)
	}
	if _, err := w.addPresentation(ctx, &Presentation{Raw: vp}); err != nil {
		return nil, err
	}
	return vp, nil
}

// FromDefinition sets r.Credentials to the credentials a Presentation
// Exchange evaluation selected, in submission order, and r.Disclose to the
// matched field paths of the SD-JWT credentials whose input descriptor sets
// limit_disclosure. A credential chosen by several descriptors is disclosed
// for all of them, and wholly if any of them does not limit disclosure.
func (r *PresentRequest) FromDefinition(res *query.PEResult) {
	r.Credentials = append([]string(nil), res.Credentials...)
	r.Disclose = make([][]string, len(r.Credentials))
	whole := make([]bool, len(r.Credentials))
	index := make(map[string]int, len(r.Credentials))
	for i, id := range r.Credentials {
		index[id] = i
	}
	for _, s := range res.Selected {
		i, ok := index[s.CredentialID]
		if !ok {
			continue
		}
		if s.Disclose == nil || !query.SameFormat(s.Format, string(FormatSDJWT)) {
			whole[i] = true
			continue
		}
		r.Disclose[i] = nonNil(r.Disclose[i])
		for _, src := range s.Disclose {
			p, err := query.ParsePath(src)
			if err != nil { // paths come from a parsed definition
				whole[i] = true
				break
			}
			r.Disclose[i] = addPath(r.Disclose[i], claimPath(p.Pointer()))
		}
	}
	r.Disclose = finishDisclose(r.Disclose, whole)
}

// FromDCQL sets r.Credentials to the credentials a DCQL evaluation
// selected, in the order of q's credential queries, and r.Disclose to the
// requested claims of the SD-JWT credentials (a query that names no claims
// asks for the whole credential).
func (r *PresentRequest) FromDCQL(q *query.DCQL, res *query.DCQLResult) {
	r.Credentials, r.Disclose = nil, nil
	var whole []bool
	index := map[string]int{}
	for _, cq := range q.Credentials {
		for _, m := range res.Selected[cq.ID] {
			i, ok := index[m.CredentialID]
			if !ok {
				i = len(r.Credentials)
				index[m.CredentialID] = i
				r.Credentials = append(r.Credentials, m.CredentialID)
				r.Disclose = append(r.Disclose, nil)
				whole = append(whole, false)
			}
			if m.Claims == nil || !query.SameFormat(m.Format, string(FormatSDJWT)) {
				whole[i] = true
				continue
			}
			r.Disclose[i] = nonNil(r.Disclose[i])
			for _, ptr := range m.Claims {
				r.Disclose[i] = addPath(r.Disclose[i], claimPath(ptr))
			}
		}
	}
	r.Disclose = finishDisclose(r.Disclose, whole)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func addPath(list []string, p string) []string {
	if p == "" || contains(list, p) {
		return list
	}
	return append(list, p)
}

// finishDisclose drops the lists of wholly disclosed credentials, and the
// whole slice when nothing is limited.
func finishDisclose(d [][]string, whole []bool) [][]string {
	limited := false
	for i := range d {
		if whole[i] {
			d[i] = nil
		}
		limited = limited || d[i] != nil
	}
	if !limited {
		return nil
	}
	return d
}

// claimPath renders a claims path pointer in the SD-JWT path syntax of
// package vc/sdjwt ("a.b[0]", ["quoted.name"]). It stops at the first
// wildcard, so the enclosing array is disclosed whole.
func claimPath(ptr []any) string {
	var b strings.Builder
	for _, e := range ptr {
		switch t := e.(type) {
		case string:
			if t != "" && !strings.ContainsAny(t, `.[]"*`) {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(t)
			} else {
				q, _ := json.Marshal(t)
				b.WriteString("[" + string(q) + "]")
			}
		case int:
			b.WriteString("[" + strconv.Itoa(t) + "]")
		default:
			return b.String()
		}
	}
	return b.String()
}
