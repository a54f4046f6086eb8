package wallet

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/internal/jsonx"
)

// KeyInfo describes a stored key pair. The private JWK itself is returned only by [Wallet.Key].
type KeyInfo struct {
	ID         string    `json:"id"`         // wallet record id
	Thumbprint string    `json:"thumbprint"` // RFC 7638 JWK thumbprint (SHA-256, base64url)
	KeyType    string    `json:"keyType"`    // kty, and crv when present, e.g. "OKP/Ed25519"
	DID        string    `json:"did,omitempty"`
	Label      string    `json:"label,omitempty"`
	Added      time.Time `json:"added"`
}

type keyRecord struct {
	KeyInfo
	JWK json.RawMessage `json:"jwk"`
}

// DIDRecord is a DID the holder controls or uses, with its document if known.
type DIDRecord struct {
	DID      string          `json:"did"`
	Document json.RawMessage `json:"document,omitempty"` // DID document JSON, as resolved or created
	KeyIDs   []string        `json:"keyIds,omitempty"`   // KeyInfo.ID of keys for this DID
	Label    string          `json:"label,omitempty"`
	Added    time.Time       `json:"added"`
}

// Presentation is a stored presentation, kept byte-exact.
type Presentation struct {
	ID    string    `json:"id"`
	Raw   []byte    `json:"raw"`
	Added time.Time `json:"added"`
}

// Contact is a trusted issuer: a DID, a label and the credential types
// accepted from it (empty = any type).
type Contact struct {
	DID   string    `json:"did"`
	Label string    `json:"label,omitempty"`
	Types []string  `json:"types,omitempty"`
	Added time.Time `json:"added"`
}

// Accepts reports whether c is trusted for a credential with these types.
func (c *Contact) Accepts(types []string) bool {
	if len(c.Types) == 0 {
		return true
	}
	for _, t := range types {
		if contains(c.Types, t) {
			return true
		}
	}
	return false
}

type statusRecord struct {
	Name  string    `json:"name"`
	Blob  []byte    `json:"blob"`
	Added time.Time `json:"added"`
}

// putJSON seals v under bucket/id; with keep it leaves an existing record alone
// and reports created=false.
func (w *Wallet) putJSON(ctx context.Context, bucket, id string, v any, keep bool) (created bool, err error) {
	b, err := json.Marshal(v)
	if err != nil {
		return false, err
	}
	if err := w.checkSize(bucket+" record bytes", len(b)); err != nil {
		return false, err
	}
	err = w.store.Update(ctx, func(tx Tx) error {
		if keep {
			if old, err := tx.Get(bucket, id); err != nil || old != nil {
				return err
			}
		}
		created = true
		return w.put(tx, bucket, id, b)
	})
	return created, err
}

func (w *Wallet) getJSON(ctx context.Context, bucket, id string, v any) error {
	return w.store.View(ctx, func(tx Tx) error {
		b, err := w.get(tx, bucket, id)
		if err != nil {
			return err
		}
		if b == nil {
			return fmt.Errorf("%w: %s %q", ErrNotFound, bucket, id)
		}
		if err := json.Unmarshal(b, v); err != nil {
			return fmt.Errorf("%w: %s record %s", ErrCorrupt, bucket, id)
		}
		return nil
	})
}

func listJSON[T any](ctx context.Context, w *Wallet, bucket string) ([]T, error) {
	var out []T
	err := w.store.View(ctx, func(tx Tx) error {
		return w.each(tx, bucket, func(k string, pt []byte) error {
			var v T
			if err := json.Unmarshal(pt, &v); err != nil {
				return fmt.Errorf("%w: %s record %s", ErrCorrupt, bucket, k)
			}
			out = append(out, v)
			return nil
		})
	})
	return out, err
}

func (w *Wallet) deleteRecord(ctx context.Context, bucket, id string) error {
	return w.store.Update(ctx, func(tx Tx) error {
		if v, err := tx.Get(bucket, id); err != nil {
			return err
		} else if v == nil {
			return fmt.Errorf("%w: %s %q", ErrNotFound, bucket, id)
		}
		return tx.Delete(bucket, id)
	})
}

// AddKey stores a private key given as a JWK (secret; as exported by
// did.PrivateKey.JWK), optionally linked to a DID and labelled. The key must
// be of a type package did supports, with matching public members. The record
// id is derived from the key's RFC 7638 thumbprint, so adding a key twice
// keeps the first record. A JWK that is not such a private key reports
// ErrMalformed.
func (w *Wallet) AddKey(ctx context.Context, privateJWK []byte, did, label string) (*KeyInfo, error) {
	if err := w.begin(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	info, _, err := w.addKey(ctx, privateJWK, did, label, time.Time{})
	return info, err
}

func (w *Wallet) addKey(ctx context.Context, privateJWK []byte, did, label string, added time.Time) (*KeyInfo, bool, error) {
	tp, kt, err := jwkThumbprint(privateJWK, w.opts.MaxCredentialBytes)
	if err != nil {
		return nil, false, err
	}
	if err := checkPrivateJWK(privateJWK); err != nil {
		return nil, false, err
	}
	if added.IsZero() {
		added = w.opts.Now().UTC().Truncate(time.Second)
	}
	id := w.recordID(bucketKey, []byte(tp))
	rec := keyRecord{KeyInfo: KeyInfo{ID: id, Thumbprint: tp, KeyType: kt, DID: did, Label: label, Added: added}, JWK: bytes.Clone(privateJWK)}
	defer clear(rec.JWK)
	created, err := w.putJSON(ctx, bucketKey, id, &rec, true)
	if err != nil {
		return nil, false, err
	}
	if !created {
		if err := w.getJSON(ctx, bucketKey, id, &rec); err != nil {
			return nil, false, err
		}
	}
	return &rec.KeyInfo, created, nil
}

// Key returns the private JWK (secret: clear it after use) and info of a key.
func (w *Wallet) Key(ctx context.Context, id string) ([]byte, *KeyInfo, error) {
	if err := w.begin(); err != nil {
		return nil, nil, err
	}
	defer w.mu.RUnlock()
	var rec keyRecord
	if err := w.getJSON(ctx, bucketKey, id, &rec); err != nil {
		return nil, nil, err
	}
	return rec.JWK, &rec.KeyInfo, nil
}

// AddPrivateKey stores k (see AddKey).
func (w *Wallet) AddPrivateKey(ctx context.Context, k *did.PrivateKey, didID, label string) (*KeyInfo, error) {
	b, err := json.Marshal(k.JWK())
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	defer clear(b)
	return w.AddKey(ctx, b, didID, label)
}

// PrivateKey returns a stored key as a did.PrivateKey, with its info.
func (w *Wallet) PrivateKey(ctx context.Context, id string) (*did.PrivateKey, *KeyInfo, error) {
	jwk, info, err := w.Key(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	defer clear(jwk)
	k, err := did.ParsePrivateJWK(jwk)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: key %s: %w", ErrCorrupt, id, err)
	}
	return k, info, nil
}

// checkPrivateJWK parses jwk with package did, which checks the key type and
// that the public members match the private key.
func checkPrivateJWK(jwk []byte) error {
	if _, err := did.ParsePrivateJWK(jwk); err != nil {
		return fmt.Errorf("%w: JWK: %w", ErrMalformed, err)
	}
	return nil
}

// Keys lists the stored keys without their private parts.
func (w *Wallet) Keys(ctx context.Context) ([]KeyInfo, error) {
	if err := w.begin(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	recs, err := listJSON[keyRecord](ctx, w, bucketKey)
	out := make([]KeyInfo, len(recs))
	for i := range recs {
		clear(recs[i].JWK)
		out[i] = recs[i].KeyInfo
	}
	return out, err
}

// DeleteKey removes a key; an absent id reports ErrNotFound.
func (w *Wallet) DeleteKey(ctx context.Context, id string) error {
	if err := w.begin(); err != nil {
		return err
	}
	defer w.mu.RUnlock()
	return w.deleteRecord(ctx, bucketKey, id)
}

// jwkThumbprint checks that jwk is a private JWK and returns its RFC 7638
// thumbprint and a short key type.
func jwkThumbprint(jwk []byte, maxBytes int) (string, string, error) {
	v, err := jsonx.Decode(jwk, jsonLimits(maxBytes))
	if err != nil {
		return "", "", fmt.Errorf("%w: JWK: %w", ErrMalformed, err)
	}
	m, _ := v.(map[string]any)
	kty := str(m["kty"])
	var members []string
	switch kty {
	case "EC":
		members = []string{"crv", "kty", "x", "y"}
	case "OKP":
		members = []string{"crv", "kty", "x"}
	case "RSA":
		members = []string{"e", "kty", "n"}
	default:
		return "", "", fmt.Errorf("%w: JWK kty %q", ErrMalformed, kty)
	}
	if str(m["d"]) == "" {
		return "", "", fmt.Errorf("%w: JWK has no private key", ErrMalformed)
	}
	req := map[string]string{}
	for _, k := range members {
		s := str(m[k])
		if s == "" {
			return "", "", fmt.Errorf("%w: JWK lacks %q", ErrMalformed, k)
		}
		req[k] = s
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(req); err != nil { // map keys are sorted, as RFC 7638 requires
		return "", "", err
	}
	sum := sha256.Sum256(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	kt := kty
	if crv := str(m["crv"]); crv != "" {
		kt += "/" + crv
	}
	return base64.RawURLEncoding.EncodeToString(sum[:]), kt, nil
}

// PutDID stores or replaces the record for d.DID.
func (w *Wallet) PutDID(ctx context.Context, d DIDRecord) error {
	if err := w.begin(); err != nil {
		return err
	}
	defer w.mu.RUnlock()
	_, err := w.putDID(ctx, d, false)
	return err
}

func (w *Wallet) putDID(ctx context.Context, d DIDRecord, keep bool) (bool, error) {
	if d.DID == "" {
		return false, fmt.Errorf("%w: empty DID", ErrMalformed)
	}
	if len(d.Document) > 0 {
		if err := jsonx.Check(d.Document, jsonLimits(w.opts.MaxCredentialBytes)); err != nil {
			return false, fmt.Errorf("%w: DID document: %w", ErrMalformed, err)
		}
	}
	if d.Added.IsZero() {
		d.Added = w.opts.Now().UTC().Truncate(time.Second)
	}
	return w.putJSON(ctx, bucketDID, w.recordID(bucketDID, []byte(d.DID)), &d, keep)
}

// DID returns the record for did, or ErrNotFound.
func (w *Wallet) DID(ctx context.Context, did string) (*DIDRecord, error) {
	if err := w.begin(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	var d DIDRecord
	if err := w.getJSON(ctx, bucketDID, w.recordID(bucketDID, []byte(did)), &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// DIDs lists the stored DID records.
func (w *Wallet) DIDs(ctx context.Context) ([]DIDRecord, error) {
	if err := w.begin(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	return listJSON[DIDRecord](ctx, w, bucketDID)
}

// AddPresentation stores a presentation byte-exact and returns its record id.
// Adding the same bytes twice keeps one record.
func (w *Wallet) AddPresentation(ctx context.Context, raw []byte) (string, error) {
	if err := w.begin(); err != nil {
		return "", err
	}
	defer w.mu.RUnlock()
	p := Presentation{Raw: raw}
	_, err := w.addPresentation(ctx, &p)
	return p.ID, err
}

func (w *Wallet) addPresentation(ctx context.Context, p *Presentation) (bool, error) {
	if len(bytes.TrimSpace(p.Raw)) == 0 {
		return false, fmt.Errorf("%w: empty presentation", ErrMalformed)
	}
	if err := w.checkSize("presentation bytes", len(p.Raw)); err != nil {
		return false, err
	}
	if p.Added.IsZero() {
		p.Added = w.opts.Now().UTC().Truncate(time.Second)
	}
	p.ID = w.recordID(bucketPres, p.Raw)
	return w.putJSON(ctx, bucketPres, p.ID, p, true)
}

// Presentations lists the stored presentations.
func (w *Wallet) Presentations(ctx context.Context) ([]Presentation, error) {
	if err := w.begin(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	return listJSON[Presentation](ctx, w, bucketPres)
}

// PutStatusList stores an issuer's status-list state under name, replacing
// any previous blob of that name. The blob is opaque to the wallet.
func (w *Wallet) PutStatusList(ctx context.Context, name string, blob []byte) error {
	if err := w.begin(); err != nil {
		return err
	}
	defer w.mu.RUnlock()
	_, err := w.putStatus(ctx, statusRecord{Name: name, Blob: blob}, false)
	return err
}

func (w *Wallet) putStatus(ctx context.Context, r statusRecord, keep bool) (bool, error) {
	if r.Name == "" {
		return false, fmt.Errorf("%w: empty status list name", ErrMalformed)
	}
	if r.Added.IsZero() {
		r.Added = w.opts.Now().UTC().Truncate(time.Second)
	}
	return w.putJSON(ctx, bucketStatus, w.recordID(bucketStatus, []byte(r.Name)), &r, keep)
}

// StatusList returns the blob stored under name, or ErrNotFound.
func (w *Wallet) StatusList(ctx context.Context, name string) ([]byte, error) {
	if err := w.begin(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	var r statusRecord
	if err := w.getJSON(ctx, bucketStatus, w.recordID(bucketStatus, []byte(name)), &r); err != nil {
		return nil, err
	}
	return r.Blob, nil
}

// StatusLists lists the names of the stored status lists.
func (w *Wallet) StatusLists(ctx context.Context) ([]string, error) {
	if err := w.begin(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	recs, err := listJSON[statusRecord](ctx, w, bucketStatus)
	names := make([]string, len(recs))
	for i, r := range recs {
		names[i] = r.Name
	}
	return names, err
}

// PutContact stores or replaces the trusted issuer c.DID.
func (w *Wallet) PutContact(ctx context.Context, c Contact) error {
	if err := w.begin(); err != nil {
		return err
	}
	defer w.mu.RUnlock()
	_, err := w.putContact(ctx, c, false)
	return err
}

func (w *Wallet) putContact(ctx context.Context, c Contact, keep bool) (bool, error) {
	if c.DID == "" {
		return false, fmt.Errorf("%w: empty contact DID", ErrMalformed)
	}
	if c.Added.IsZero() {
		c.Added = w.opts.Now().UTC().Truncate(time.Second)
	}
	return w.putJSON(ctx, bucketContact, w.recordID(bucketContact, []byte(c.DID)), &c, keep)
}

// Contact returns the trusted issuer with this DID, or ErrNotFound.
func (w *Wallet) Contact(ctx context.Context, did string) (*Contact, error) {
	if err := w.begin(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	var c Contact
	if err := w.getJSON(ctx, bucketContact, w.recordID(bucketContact, []byte(did)), &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// Contacts lists the trusted issuers.
func (w *Wallet) Contacts(ctx context.Context) ([]Contact, error) {
	if err := w.begin(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	return listJSON[Contact](ctx, w, bucketContact)
}

// DeleteContact removes a trusted issuer; an absent DID reports ErrNotFound.
func (w *Wallet) DeleteContact(ctx context.Context, did string) error {
	if err := w.begin(); err != nil {
		return err
	}
	defer w.mu.RUnlock()
	return w.deleteRecord(ctx, bucketContact, w.recordID(bucketContact, []byte(did)))
}
