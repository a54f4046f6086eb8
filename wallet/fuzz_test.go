package wallet

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
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

// sealBackup frames payload as a backup under pass, as Export does, so that
// fuzzing reaches the payload decoder behind the authentication.
func sealBackup(payload []byte, kdf KDFParams) []byte {
	hdr := []byte(backupMagic)
	hdr = append(hdr, backupVersion, kdfArgon2id)
	hdr = binary.BigEndian.AppendUint32(hdr, kdf.Time)
	hdr = binary.BigEndian.AppendUint32(hdr, kdf.MemoryKiB)
	hdr = append(hdr, kdf.Threads)
	salt := make([]byte, saltSize)
	hdr = append(hdr, salt...)
	return append(hdr, seal(deriveKEK(pass, salt, kdf), payload, hdr)...)
}

// FuzzBackupPayload feeds authenticated backups with arbitrary payloads to
// Import: no panics, typed errors, and nothing written on error.
func FuzzBackupPayload(f *testing.F) {
	ctx := context.Background()
	opts := &Options{KDF: cheap.KDF, MaxKDFMemoryKiB: 128}
	f.Add([]byte(`{"version":1,"credentials":[{"raw":"` + base64.StdEncoding.EncodeToString(testVC(1, "T", "did:example:i")) + `","tags":["a"]}]}`))
	f.Add([]byte(`{"version":1,"keys":[{"jwk":{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}}]}`))
	f.Add([]byte(`{"version":1,"dids":[{"did":""}],"contacts":[{"did":"did:example:i"}]}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`{"version":1,"statusLists":[{"name":"l","blob":"AAEC"}],"presentations":[{"raw":"e30="}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		dst, err := CreateStore(ctx, NewMemStore(), pass, opts)
		if err != nil {
			t.Fatal(err)
		}
		st, err := dst.Import(ctx, bytes.NewReader(sealBackup(payload, cheap.KDF)), pass)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrLimit) && !errors.Is(err, ErrMalformed) {
				t.Fatalf("untyped error %v", err)
			}
			if got, _ := dst.Credentials(ctx, nil); len(got) != 0 {
				t.Fatalf("a failed import wrote %d credentials", len(got))
			}
			return
		}
		// Whatever was accepted reads back, and a second import adds nothing.
		if _, err := dst.Credentials(ctx, nil); err != nil {
			t.Fatalf("after import: %v", err)
		}
		st2, err := dst.Import(ctx, bytes.NewReader(sealBackup(payload, cheap.KDF)), pass)
		if err != nil {
			t.Fatalf("second import: %v", err)
		}
		for k, n := range st2.Added {
			if n != 0 {
				t.Fatalf("second import added %d %s records (first: %v)", n, k, st.Added)
			}
		}
	})
}
