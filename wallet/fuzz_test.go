package wallet

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

// FuzzOpenHeader checks the header parser: no panics, typed errors, and an
// exact round trip of every header it accepts.
func FuzzOpenHeader(f *testing.F) {
	h := newHeader(pass, make([]byte, keySize), cheap.KDF)
	good := h.marshal()
	f.Add(good)
	f.Add(good[:20])
	f.Add([]byte(headerMagic))
	f.Add(append([]byte(headerMagic), 2))
	f.Add(append(bytes.Clone(good), 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := parseHeader(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if !bytes.Equal(h.marshal(), data) {
			t.Fatalf("round trip differs")
		}
		// Opening through a store applies the caps; unlocking with a tiny
		// memory cap stays cheap.
		s := NewMemStore()
		s.Update(context.Background(), func(tx Tx) error { return tx.Put(bucketMeta, keyHeader, data) })
		w, err := OpenStore(context.Background(), s, &Options{MaxKDFMemoryKiB: 256})
		if err != nil {
			if !errors.Is(err, ErrLimit) {
				t.Fatalf("OpenStore: untyped error %v", err)
			}
			return
		}
		if h.kdf.Time > 4 {
			return
		}
		if err := w.Unlock(context.Background(), []byte("guess")); err == nil || !errors.Is(err, ErrWrongPassphrase) {
			t.Fatalf("Unlock with a guess: %v", err)
		}
	})
}

// FuzzImportBackup checks that damaged backups give typed errors, never panics.
func FuzzImportBackup(f *testing.F) {
	ctx := context.Background()
	opts := &Options{KDF: cheap.KDF, MaxKDFMemoryKiB: 128}
	src, _ := CreateStore(ctx, NewMemStore(), pass, opts)
	src.AddCredential(ctx, testVC(1, "T", "did:example:i"), "tag")
	src.PutContact(ctx, Contact{DID: "did:example:i"})
	var buf bytes.Buffer
	if err := src.Export(ctx, &buf, pass); err != nil {
		f.Fatal(err)
	}
	good := buf.Bytes()
	f.Add(good)
	f.Add(good[:backupPrefix])
	f.Add(good[:backupPrefix+nonceSize+tagSize])
	f.Add([]byte(backupMagic + "\x01"))
	dst, _ := CreateStore(ctx, NewMemStore(), pass, opts)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := dst.Import(ctx, bytes.NewReader(data), pass)
		if err == nil {
			// Fuzz workers re-run the setup, so the seed may come from another
			// Export; any accepted input must still be a whole genuine backup.
			if len(data) != len(good) || !IsBackup(data) {
				t.Fatalf("a changed backup was accepted")
			}
			return
		}
		for _, k := range []error{ErrWrongPassphrase, ErrCorrupt, ErrUnsupported, ErrLimit} {
			if errors.Is(err, k) {
				return
			}
		}
		t.Fatalf("untyped error %v", err)
	})
}

// FuzzParseCredential checks the metadata parser on all three formats.
func FuzzParseCredential(f *testing.F) {
	for _, v := range []string{"di-eddsa/signedDataInt.json", "jose/credential-jose-minimal.txt",
		"jose/credential-sdjwt-selective.txt", "sd-jwt/complex_ekyc/sd_jwt_issuance.txt"} {
		f.Add(readVector(f, v))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := parseCredential(data, 1<<16)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrLimit) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if p.format == "" || len(p.types) == 0 {
			t.Fatalf("accepted without format or type: %+v", p)
		}
	})
}
