package wallet

import (
	"context"
	"fmt"
)

// PresentRequest says what to present and to whom.
type PresentRequest struct {
	Holder      string   // holder DID
	KeyID       string   // wallet record id of the signing key (KeyInfo.ID)
	Credentials []string // wallet record ids of the credentials, in presentation order
	// Disclose optionally lists, per credential, the claim paths to reveal
	// (SD-JWT, selective Data Integrity); nil means the whole credential.
	Disclose [][]string
	Nonce    string // verifier challenge
	Audience string // verifier id (domain or client_id)
}

// Presenter builds and signs a verifiable presentation. The vp code
// implements it; the wallet supplies the decrypted key and credentials.
// privateJWK is secret and cleared by the wallet after Present returns.
type Presenter interface {
	Present(ctx context.Context, privateJWK []byte, creds []Credential, req *PresentRequest) ([]byte, error)
}

// Present loads the key and credentials named in req, asks p to build the
// signed presentation, stores the result as a presentation record and
// returns it. Missing records report ErrNotFound; a nil p ErrNoPresenter.
func (w *Wallet) Present(ctx context.Context, p Presenter, req *PresentRequest) ([]byte, error) {
	if p == nil {
		return nil, ErrNoPresenter
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
	vp, err := p.Present(ctx, rec.JWK, creds, req)
	if err != nil {
		return nil, fmt.Errorf("wallet: present: %w", err)
	}
	if _, err := w.addPresentation(ctx, &Presentation{Raw: vp}); err != nil {
		return nil, err
	}
	return vp, nil
}
