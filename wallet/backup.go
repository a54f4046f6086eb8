package wallet

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// A backup is one file holding the whole wallet, sealed under its own
// passphrase:
//
//	magic     8  "PLTYBAK\x00"
//	version   1  1
//	kdf       1  1 = argon2id
//	time      4  big endian
//	memory    4  KiB, big endian
//	threads   1
//	salt     16
//	nonce    24
//	sealed    *  XChaCha20-Poly1305 of the JSON payload, with every byte
//	             before the nonce as associated data
//
// The whole payload is one AEAD message, so any change to the file fails
// authentication (ErrWrongPassphrase: a wrong passphrase and a damaged
// payload cannot be told apart).
const (
	backupMagic   = "PLTYBAK\x00"
	backupVersion = 1
	backupPrefix  = 8 + 1 + 1 + 4 + 4 + 1 + saltSize
)

type backupPayload struct {
	Version       int              `json:"version"`
	Created       time.Time        `json:"created"`
	Credentials   []backupCred     `json:"credentials"`
	Keys          []keyRecord      `json:"keys"`
	DIDs          []DIDRecord      `json:"dids"`
	Presentations []Presentation   `json:"presentations"`
	StatusLists   []statusRecord   `json:"statusLists"`
	Contacts      []Contact        `json:"contacts"`
	Extra         *json.RawMessage `json:"extra,omitempty"`
}

type backupCred struct {
	Raw   []byte    `json:"raw"`
	Tags  []string  `json:"tags,omitempty"`
	Added time.Time `json:"added"`
}

// ImportStats counts what Import added and what it skipped as already present.
type ImportStats struct {
	Added, Skipped map[string]int // by kind: "credential", "key", "did", "presentation", "status", "contact"
}

// IsBackup reports whether data starts like a wallet backup.
func IsBackup(data []byte) bool { return bytes.HasPrefix(data, []byte(backupMagic)) }

// Export writes the whole wallet as one encrypted backup to out, sealed under
// passphrase (secret) with the Argon2id cost of Options.KDF, or else the
// wallet's own. Record ids are
// not exported: they are keyed to this wallet.
func (w *Wallet) Export(ctx context.Context, out io.Writer, passphrase []byte) error {
	if err := w.begin(); err != nil {
		return err
	}
	defer w.mu.RUnlock()
	p := backupPayload{Version: backupVersion, Created: w.opts.Now().UTC().Truncate(time.Second)}
	err := w.store.View(ctx, func(tx Tx) error {
		err := w.each(tx, bucketCredInfo, func(k string, pt []byte) error {
			var info CredentialInfo
			if err := json.Unmarshal(pt, &info); err != nil {
				return fmt.Errorf("%w: credential info %s", ErrCorrupt, k)
			}
			raw, err := w.get(tx, bucketCred, k)
			if err != nil {
				return err
			}
			if raw == nil {
				return fmt.Errorf("%w: credential %s has no body", ErrCorrupt, k)
			}
			p.Credentials = append(p.Credentials, backupCred{Raw: raw, Tags: info.Tags, Added: info.Added})
			return nil
		})
		if err != nil {
			return err
		}
		if err := eachJSON(w, tx, bucketKey, &p.Keys); err != nil {
			return err
		}
		if err := eachJSON(w, tx, bucketDID, &p.DIDs); err != nil {
			return err
		}
		if err := eachJSON(w, tx, bucketPres, &p.Presentations); err != nil {
			return err
		}
		if err := eachJSON(w, tx, bucketStatus, &p.StatusLists); err != nil {
			return err
		}
		return eachJSON(w, tx, bucketContact, &p.Contacts)
	})
	if err != nil {
		return err
	}
	payload, err := json.Marshal(&p)
	if err != nil {
		return err
	}
	defer clear(payload)
	for i := range p.Keys {
		clear(p.Keys[i].JWK)
	}
	h, err := w.readHeader(ctx)
	if err != nil {
		return err
	}
	kdf := w.kdfFor(h)
	hdr := make([]byte, 0, backupPrefix+nonceSize)
	hdr = append(hdr, backupMagic...)
	hdr = append(hdr, backupVersion, kdfArgon2id)
	hdr = binary.BigEndian.AppendUint32(hdr, kdf.Time)
	hdr = binary.BigEndian.AppendUint32(hdr, kdf.MemoryKiB)
	hdr = append(hdr, kdf.Threads)
	salt := randomBytes(saltSize)
	hdr = append(hdr, salt...)
	key := deriveKEK(passphrase, salt, kdf)
	defer clear(key)
	sealed := seal(key, payload, hdr)
	if _, err := out.Write(append(hdr, sealed...)); err != nil {
		return fmt.Errorf("wallet: write backup: %w", err)
	}
	return nil
}

func eachJSON[T any](w *Wallet, tx Tx, bucket string, dst *[]T) error {
	return w.each(tx, bucket, func(k string, pt []byte) error {
		var v T
		if err := json.Unmarshal(pt, &v); err != nil {
			return fmt.Errorf("%w: %s record %s", ErrCorrupt, bucket, k)
		}
		*dst = append(*dst, v)
		return nil
	})
}

// openBackup checks the backup framing and decrypts the payload. Bad framing
// reports ErrCorrupt, an unknown version ErrUnsupported, a KDF cost above the
// caps ErrLimit, a failed decryption ErrWrongPassphrase.
func openBackup(data, passphrase []byte, maxMemKiB uint32) (*backupPayload, error) {
	if len(data) < 9 || string(data[:8]) != backupMagic {
		return nil, fmt.Errorf("%w: not a wallet backup", ErrCorrupt)
	}
	if data[8] != backupVersion {
		return nil, fmt.Errorf("%w: backup version %d", ErrUnsupported, data[8])
	}
	if len(data) < backupPrefix+nonceSize+tagSize {
		return nil, fmt.Errorf("%w: backup truncated", ErrCorrupt)
	}
	if data[9] != kdfArgon2id {
		return nil, fmt.Errorf("%w: key derivation %d", ErrUnsupported, data[9])
	}
	kdf := KDFParams{
		Time:      binary.BigEndian.Uint32(data[10:14]),
		MemoryKiB: binary.BigEndian.Uint32(data[14:18]),
		Threads:   data[18],
	}
	if err := kdf.check(maxMemKiB); err != nil {
		return nil, err
	}
	key := deriveKEK(passphrase, data[19:19+saltSize], kdf)
	defer clear(key)
	pt, ok := open(key, data[backupPrefix:], data[:backupPrefix])
	if !ok {
		return nil, ErrWrongPassphrase
	}
	defer clear(pt)
	var p backupPayload
	if err := json.Unmarshal(pt, &p); err != nil {
		return nil, fmt.Errorf("%w: backup payload: %v", ErrCorrupt, err)
	}
	if p.Version != backupVersion {
		return nil, fmt.Errorf("%w: backup payload version %d", ErrUnsupported, p.Version)
	}
	return &p, nil
}

// Import reads a backup from r (at most Options.MaxBackupBytes), opens it with
// passphrase (secret) and merges it into the wallet in one transaction.
// Records already present (same content, key thumbprint, DID, status list
// name or contact DID) are skipped, never overwritten. On any error nothing
// is written.
func (w *Wallet) Import(ctx context.Context, r io.Reader, passphrase []byte) (*ImportStats, error) {
	if err := w.begin(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	data, err := io.ReadAll(io.LimitReader(r, w.opts.MaxBackupBytes+1))
	if err != nil {
		return nil, fmt.Errorf("wallet: read backup: %w", err)
	}
	if int64(len(data)) > w.opts.MaxBackupBytes {
		return nil, &LimitError{What: "backup bytes", Limit: w.opts.MaxBackupBytes}
	}
	p, err := openBackup(data, passphrase, w.opts.MaxKDFMemoryKiB)
	if err != nil {
		return nil, err
	}
	defer func() {
		for i := range p.Keys {
			clear(p.Keys[i].JWK)
		}
	}()

	type rec struct {
		kind, bucket, id string
		pt               []byte
		infoPT           []byte // credentials only: the credinfo record
	}
	var recs []rec
	now := w.opts.Now().UTC().Truncate(time.Second)
	for i, c := range p.Credentials {
		pc, err := parseCredential(c.Raw, w.opts.MaxCredentialBytes)
		if err != nil {
			return nil, fmt.Errorf("%w: backup credential %d: %w", ErrCorrupt, i, err)
		}
		id := w.recordID(bucketCred, c.Raw)
		added := c.Added
		if added.IsZero() {
			added = now
		}
		info := CredentialInfo{ID: id, Format: pc.format, CredentialID: pc.id, Types: pc.types, Issuer: pc.issuer,
			Subject: pc.subject, ValidFrom: pc.validFrom, ValidUntil: pc.validTo, Tags: normTags(c.Tags),
			Added: added, Size: len(c.Raw), Selective: pc.sd}
		ib, _ := json.Marshal(&info)
		recs = append(recs, rec{"credential", bucketCred, id, c.Raw, ib})
	}
	for i := range p.Keys {
		k := &p.Keys[i]
		tp, kt, err := jwkThumbprint(k.JWK, w.opts.MaxCredentialBytes)
		if err == nil {
			err = checkPrivateJWK(k.JWK)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: backup key %d: %w", ErrCorrupt, i, err)
		}
		k.ID, k.Thumbprint, k.KeyType = w.recordID(bucketKey, []byte(tp)), tp, kt
		b, _ := json.Marshal(k)
		recs = append(recs, rec{kind: "key", bucket: bucketKey, id: k.ID, pt: b})
	}
	for _, d := range p.DIDs {
		if d.DID == "" {
			return nil, fmt.Errorf("%w: backup DID without id", ErrCorrupt)
		}
		b, _ := json.Marshal(&d)
		recs = append(recs, rec{kind: "did", bucket: bucketDID, id: w.recordID(bucketDID, []byte(d.DID)), pt: b})
	}
	for _, pr := range p.Presentations {
		pr.ID = w.recordID(bucketPres, pr.Raw)
		b, _ := json.Marshal(&pr)
		recs = append(recs, rec{kind: "presentation", bucket: bucketPres, id: pr.ID, pt: b})
	}
	for _, s := range p.StatusLists {
		if s.Name == "" {
			return nil, fmt.Errorf("%w: backup status list without name", ErrCorrupt)
		}
		b, _ := json.Marshal(&s)
		recs = append(recs, rec{kind: "status", bucket: bucketStatus, id: w.recordID(bucketStatus, []byte(s.Name)), pt: b})
	}
	for _, c := range p.Contacts {
		if c.DID == "" {
			return nil, fmt.Errorf("%w: backup contact without DID", ErrCorrupt)
		}
		b, _ := json.Marshal(&c)
		recs = append(recs, rec{kind: "contact", bucket: bucketContact, id: w.recordID(bucketContact, []byte(c.DID)), pt: b})
	}

	st := &ImportStats{Added: map[string]int{}, Skipped: map[string]int{}}
	err = w.store.Update(ctx, func(tx Tx) error {
		clear(st.Added)
		clear(st.Skipped)
		for _, r := range recs {
			probe := r.bucket
			if r.kind == "credential" {
				probe = bucketCredInfo
			}
			old, err := tx.Get(probe, r.id)
			if err != nil {
				return err
			}
			if old != nil {
				st.Skipped[r.kind]++
				continue
			}
			if err := w.put(tx, r.bucket, r.id, r.pt); err != nil {
				return err
			}
			if r.infoPT != nil {
				if err := w.put(tx, bucketCredInfo, r.id, r.infoPT); err != nil {
					return err
				}
			}
			st.Added[r.kind]++
		}
		return nil
	})
	w.cacheReset() // reload on next query
	if err != nil {
		return nil, err
	}
	return st, nil
}
