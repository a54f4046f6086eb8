package wallet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/polity-id/polity/did"
)

var cheap = &Options{KDF: KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}}

var pass = []byte("correct horse battery staple")

// testVC returns a small unsigned VCDM 2.0 credential.
func testVC(i int, typ, issuer string) []byte {
	return fmt.Appendf(nil, `{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:%d","type":["VerifiableCredential",%q],`+
		`"issuer":%q,"validFrom":"2024-01-01T00:00:00Z","validUntil":"2030-01-01T00:00:00Z",`+
		`"credentialSubject":{"id":"did:example:holder%d","age":%d,"name":"Member %d"}}`, i, typ, issuer, i%7, 18+i%50, i)
}

// stores runs f against a bbolt file store and a memory store.
func stores(t *testing.T, f func(t *testing.T, w *Wallet)) {
	t.Run("bolt", func(t *testing.T) {
		w, err := Create(context.Background(), filepath.Join(t.TempDir(), "w.db"), pass, cheap)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		f(t, w)
	})
	t.Run("mem", func(t *testing.T) {
		w, err := CreateStore(context.Background(), NewMemStore(), pass, cheap)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		f(t, w)
	})
}

func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	w, err := Create(ctx, path, pass, cheap)
	if err != nil {
		t.Fatal(err)
	}
	info, err := w.AddCredential(ctx, testVC(1, "MemberCredential", "did:example:issuer"), "club")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Create(ctx, path, pass, cheap); !errors.Is(err, ErrExists) {
		t.Fatalf("Create over existing file: %v, want ErrExists", err)
	}
	w.Close()

	w, err = Open(ctx, path, cheap)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if !w.Locked() {
		t.Fatal("Open returned an unlocked wallet")
	}
	if _, err := w.Credentials(ctx, nil); !errors.Is(err, ErrLocked) {
		t.Fatalf("list while locked: %v, want ErrLocked", err)
	}
	if err := w.Unlock(ctx, []byte("wrong")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if !w.Locked() {
		t.Fatal("wrong passphrase left the wallet unlocked")
	}
	if err := w.Unlock(ctx, pass); err != nil {
		t.Fatal(err)
	}
	c, err := w.Credential(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(c.Raw, testVC(1, "MemberCredential", "did:example:issuer")) || c.Tags[0] != "club" {
		t.Fatalf("credential round trip: %+v", c)
	}
	// Passphrase change re-wraps the key; records stay readable.
	newPass := []byte("new passphrase")
	if err := w.ChangePassphrase(ctx, []byte("bad"), newPass); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("ChangePassphrase with bad old: %v", err)
	}
	if err := w.ChangePassphrase(ctx, pass, newPass); err != nil {
		t.Fatal(err)
	}
	w.Lock()
	if _, err := w.Credential(ctx, info.ID); !errors.Is(err, ErrLocked) {
		t.Fatalf("after Lock: %v", err)
	}
	if err := w.Unlock(ctx, pass); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("old passphrase after change: %v", err)
	}
	if err := w.Unlock(ctx, newPass); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Credential(ctx, info.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Credential(ctx, "00"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing id: %v", err)
	}
	// A second process (here: a second open) finds the file busy.
	if _, err := Open(ctx, path, &Options{LockTimeout: 50 * time.Millisecond}); !errors.Is(err, ErrBusy) {
		t.Fatalf("second open: %v, want ErrBusy", err)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, bytes.Repeat([]byte("not a database "), 1000), 0o600)
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o600)

	// A valid bbolt file without a wallet header.
	nohdr := filepath.Join(dir, "nohdr.db")
	s, err := OpenBoltStore(nohdr, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	// A wallet whose header asks for more Argon2id memory than allowed.
	big := filepath.Join(dir, "big.db")
	w, err := Create(ctx, big, pass, &Options{KDF: KDFParams{Time: 1, MemoryKiB: 128, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()

	for _, tc := range []struct {
		name string
		path string
		opts *Options
		want error
	}{
		{"missing", filepath.Join(dir, "missing.db"), nil, ErrNotFound},
		{"garbage", garbage, nil, ErrCorrupt},
		{"no-header", nohdr, nil, ErrCorrupt},
		{"kdf-memory-cap", big, &Options{MaxKDFMemoryKiB: 64}, ErrLimit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := Open(ctx, tc.path, tc.opts)
			if !errors.Is(err, tc.want) {
				if w != nil {
					w.Close()
				}
				t.Fatalf("Open: %v, want %v", err, tc.want)
			}
		})
	}
	// An empty file is initialised by bbolt, but holds no wallet.
	if _, err := Open(ctx, empty, nil); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("empty file: %v", err)
	}
}

// TestTamper checks that records cannot be altered, swapped between ids or
// moved between buckets, and that a tampered header is refused.
func TestTamper(t *testing.T) {
	ctx := context.Background()
	s := NewMemStore()
	w, err := CreateStore(ctx, s, pass, cheap)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := w.AddCredential(ctx, testVC(1, "A", "did:example:i"))
	b, _ := w.AddCredential(ctx, testVC(2, "B", "did:example:i"))
	swap := func(bucket, k1, k2 string) {
		s.Update(ctx, func(tx Tx) error {
			v1, _ := tx.Get(bucket, k1)
			v2, _ := tx.Get(bucket, k2)
			v1, v2 = bytes.Clone(v1), bytes.Clone(v2)
			tx.Put(bucket, k1, v2)
			return tx.Put(bucket, k2, v1)
		})
	}
	swap(bucketCred, a.ID, b.ID)
	if _, err := w.Credential(ctx, a.ID); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("swapped record: %v, want ErrCorrupt", err)
	}
	swap(bucketCred, a.ID, b.ID) // restore
	if _, err := w.Credential(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	// Move a credinfo record into the cred bucket.
	s.Update(ctx, func(tx Tx) error {
		v, _ := tx.Get(bucketCredInfo, a.ID)
		return tx.Put(bucketCred, a.ID, bytes.Clone(v))
	})
	if _, err := w.Credential(ctx, a.ID); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("moved record: %v, want ErrCorrupt", err)
	}
	// Flip a byte of the header's KDF parameters: the passphrase no longer opens it.
	s.Update(ctx, func(tx Tx) error {
		h, _ := tx.Get(bucketMeta, keyHeader)
		h = bytes.Clone(h)
		h[17] ^= 1
		return tx.Put(bucketMeta, keyHeader, h)
	})
	if err := w.Unlock(ctx, pass); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("tampered header: %v", err)
	}
	s.Update(ctx, func(tx Tx) error { return tx.Put(bucketMeta, keyHeader, []byte("PLTYWLT\x00\x01short")) })
	if err := w.Unlock(ctx, pass); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("truncated header: %v", err)
	}
}

func TestItems(t *testing.T) {
	stores(t, func(t *testing.T, w *Wallet) {
		ctx := context.Background()
		jwk := []byte(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}`)
		k, err := w.AddKey(ctx, jwk, "did:example:holder", "main")
		if err != nil {
			t.Fatal(err)
		}
		// RFC 8037 appendix A.3 thumbprint of this key.
		if k.Thumbprint != "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k" || k.KeyType != "OKP/Ed25519" {
			t.Fatalf("key info %+v", k)
		}
		k2, _ := w.AddKey(ctx, jwk, "", "")
		if k2.ID != k.ID || k2.Label != "main" {
			t.Fatalf("re-adding a key changed it: %+v", k2)
		}
		got, _, err := w.Key(ctx, k.ID)
		if err != nil || !bytes.Equal(got, jwk) {
			t.Fatalf("Key: %s %v", got, err)
		}
		if _, err := w.AddKey(ctx, []byte(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`), "", ""); !errors.Is(err, ErrMalformed) {
			t.Fatalf("public-only JWK: %v", err)
		}
		keys, _ := w.Keys(ctx)
		if len(keys) != 1 {
			t.Fatalf("Keys: %d", len(keys))
		}

		if err := w.PutDID(ctx, DIDRecord{DID: "did:example:holder", KeyIDs: []string{k.ID}, Document: []byte(`{"id":"did:example:holder"}`)}); err != nil {
			t.Fatal(err)
		}
		if d, err := w.DID(ctx, "did:example:holder"); err != nil || d.KeyIDs[0] != k.ID {
			t.Fatalf("DID: %+v %v", d, err)
		}
		if err := w.PutDID(ctx, DIDRecord{DID: "did:x", Document: []byte(`{"a":1,"a":2}`)}); !errors.Is(err, ErrMalformed) {
			t.Fatalf("duplicate-key DID document: %v", err)
		}

		if err := w.PutStatusList(ctx, "revocation-1", []byte{1, 2, 3}); err != nil {
			t.Fatal(err)
		}
		w.PutStatusList(ctx, "revocation-1", []byte{4})
		if b, err := w.StatusList(ctx, "revocation-1"); err != nil || !bytes.Equal(b, []byte{4}) {
			t.Fatalf("StatusList: %v %v", b, err)
		}
		if _, err := w.StatusList(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("missing status list: %v", err)
		}

		c := Contact{DID: "did:example:university", Label: "Uni", Types: []string{"AlumniCredential"}}
		if err := w.PutContact(ctx, c); err != nil {
			t.Fatal(err)
		}
		got2, err := w.Contact(ctx, c.DID)
		if err != nil || !got2.Accepts([]string{"VerifiableCredential", "AlumniCredential"}) || got2.Accepts([]string{"Other"}) {
			t.Fatalf("Contact: %+v %v", got2, err)
		}
		if err := w.DeleteContact(ctx, c.DID); err != nil {
			t.Fatal(err)
		}
		if err := w.DeleteContact(ctx, c.DID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}

		pid, err := w.AddPresentation(ctx, []byte(`{"type":"VerifiablePresentation"}`))
		if err != nil || pid == "" {
			t.Fatal(err)
		}
		ps, _ := w.Presentations(ctx)
		if len(ps) != 1 || ps[0].ID != pid {
			t.Fatalf("Presentations: %+v", ps)
		}
	})
}

func TestCredentialFilter(t *testing.T) {
	stores(t, func(t *testing.T, w *Wallet) {
		ctx := context.Background()
		for i := range 20 {
			typ, iss := "MemberCredential", "did:example:club"
			if i%4 == 0 {
				typ, iss = "AgeCredential", "did:example:gov"
			}
			if _, err := w.AddCredential(ctx, testVC(i, typ, iss), fmt.Sprintf("t%d", i%2)); err != nil {
				t.Fatal(err)
			}
		}
		// Duplicate add merges tags, stores nothing new.
		info, err := w.AddCredential(ctx, testVC(0, "AgeCredential", "did:example:gov"), "extra")
		if err != nil || len(info.Tags) != 2 {
			t.Fatalf("duplicate add: %+v %v", info, err)
		}
		expired := []byte(`{"type":["VerifiableCredential","Old"],"issuer":{"id":"did:example:gov"},"validUntil":"2001-01-01T00:00:00Z","credentialSubject":{"id":"did:example:holder0"}}`)
		if _, err := w.AddCredential(ctx, expired); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, tc := range []struct {
			name string
			f    Filter
			want int
		}{
			{"all", Filter{}, 21},
			{"type", Filter{Type: "AgeCredential"}, 5},
			{"issuer", Filter{Issuer: "did:example:gov"}, 6},
			{"issuer-object", Filter{Issuer: "did:example:gov", Type: "Old"}, 1},
			{"subject", Filter{Subject: "did:example:holder0"}, 4},
			{"tag", Filter{Tag: "t1"}, 10},
			{"tag-merged", Filter{Tag: "extra"}, 1},
			{"valid-now", Filter{ValidAt: now}, 20},
			{"valid-before", Filter{ValidAt: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}, 1},
			{"format", Filter{Format: FormatJWT}, 0},
			{"and", Filter{Type: "MemberCredential", Tag: "t0"}, 5},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := w.Credentials(ctx, &tc.f)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != tc.want {
					t.Fatalf("got %d, want %d", len(got), tc.want)
				}
			})
		}
		all, _ := w.Credentials(ctx, nil)
		if err := w.DeleteCredential(ctx, all[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := w.DeleteCredential(ctx, all[0].ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
		if got, _ := w.Credentials(ctx, nil); len(got) != 20 {
			t.Fatalf("after delete: %d", len(got))
		}
	})
}

func TestAddCredentialErrors(t *testing.T) {
	w, _ := CreateStore(context.Background(), NewMemStore(), pass, &Options{KDF: cheap.KDF, MaxCredentialBytes: 4096})
	for _, tc := range []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", ErrMalformed},
		{"not-json-object", "[1,2]", ErrMalformed},
		{"duplicate-member", `{"type":["VerifiableCredential"],"type":["X"]}`, ErrMalformed},
		{"not-a-credential", `{"type":["VerifiablePresentation"]}`, ErrMalformed},
		{"jwt-two-parts", "eyJhbGciOiJFUzI1NiJ9.e30", ErrMalformed},
		{"jwt-bad-base64", "e!.e!.e!", ErrMalformed},
		{"jwt-no-type", "eyJhbGciOiJFUzI1NiJ9.e30.c2ln", ErrMalformed},
		{"sdjwt-bad-disclosure", "eyJhbGciOiJFUzI1NiJ9.eyJ2Y3QiOiJ4In0.c2ln~!!~", ErrMalformed},
		{"sdjwt-unreferenced-disclosure", "eyJhbGciOiJFUzI1NiJ9.eyJ2Y3QiOiJ4In0.c2ln~WyJzYWx0IiwibmFtZSIsInZhbHVlIl0~", ErrMalformed},
		{"sdjwt-bad-alg", "eyJhbGciOiJFUzI1NiJ9.eyJ2Y3QiOiJ4IiwiX3NkX2FsZyI6Im1kNSJ9.c2ln~", ErrUnsupported},
		{"oversize", `{"type":"VerifiableCredential","pad":"` + string(bytes.Repeat([]byte("a"), 5000)) + `"}`, ErrLimit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := w.AddCredential(context.Background(), []byte(tc.in)); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	src, _ := CreateStore(ctx, NewMemStore(), pass, cheap)
	for i := range 5 {
		src.AddCredential(ctx, testVC(i, "MemberCredential", "did:example:club"), "x")
	}
	src.AddKey(ctx, []byte(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}`), "did:example:h", "k")
	src.PutDID(ctx, DIDRecord{DID: "did:example:h"})
	src.PutContact(ctx, Contact{DID: "did:example:club", Label: "Club"})
	src.PutStatusList(ctx, "sl", []byte("blob"))
	src.AddPresentation(ctx, []byte("vp"))
	var buf bytes.Buffer
	bpass := []byte("backup pass")
	if err := src.Export(ctx, &buf, bpass); err != nil {
		t.Fatal(err)
	}
	backup := buf.Bytes()
	if !IsBackup(backup) {
		t.Fatal("IsBackup false on a backup")
	}

	// The destination already holds two of the credentials and the contact.
	dst, _ := CreateStore(ctx, NewMemStore(), []byte("other"), cheap)
	dst.AddCredential(ctx, testVC(0, "MemberCredential", "did:example:club"))
	dst.AddCredential(ctx, testVC(1, "MemberCredential", "did:example:club"))
	dst.PutContact(ctx, Contact{DID: "did:example:club", Label: "Mine"})
	if _, err := dst.Import(ctx, bytes.NewReader(backup), []byte("wrong")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("wrong backup passphrase: %v", err)
	}
	st, err := dst.Import(ctx, bytes.NewReader(backup), bpass)
	if err != nil {
		t.Fatal(err)
	}
	if st.Added["credential"] != 3 || st.Skipped["credential"] != 2 || st.Skipped["contact"] != 1 ||
		st.Added["key"] != 1 || st.Added["did"] != 1 || st.Added["status"] != 1 || st.Added["presentation"] != 1 {
		t.Fatalf("stats %+v", st)
	}
	if c, _ := dst.Contact(ctx, "did:example:club"); c.Label != "Mine" {
		t.Fatalf("import overwrote a contact: %+v", c)
	}
	st, _ = dst.Import(ctx, bytes.NewReader(backup), bpass)
	if st.Added["credential"] != 0 || st.Skipped["credential"] != 5 {
		t.Fatalf("second import stats %+v", st)
	}
	if got, _ := dst.Credentials(ctx, &Filter{Tag: "x"}); len(got) != 3 {
		t.Fatalf("imported tags: %d", len(got))
	}

	// Every single-byte change to the backup is detected.
	for _, i := range []int{0, 8, 9, 12, 20, backupPrefix + 1, len(backup) / 2, len(backup) - 1} {
		bad := bytes.Clone(backup)
		bad[i] ^= 0x40
		_, err := dst.Import(ctx, bytes.NewReader(bad), bpass)
		if err == nil {
			t.Fatalf("flipped byte %d: import succeeded", i)
		}
		if !errors.Is(err, ErrWrongPassphrase) && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrLimit) {
			t.Fatalf("flipped byte %d: untyped error %v", i, err)
		}
	}
	if _, err := dst.Import(ctx, bytes.NewReader(backup[:40]), bpass); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("truncated backup: %v", err)
	}
}

func TestConcurrent(t *testing.T) {
	ctx := context.Background()
	w, err := Create(ctx, filepath.Join(t.TempDir(), "w.db"), pass, cheap)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				if _, err := w.AddCredential(ctx, testVC(g*100+i, "T", "did:example:i")); err != nil {
					t.Error(err)
					return
				}
				if _, err := w.Credentials(ctx, &Filter{Type: "T"}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if got, _ := w.Credentials(ctx, nil); len(got) != 40 {
		t.Fatalf("got %d credentials", len(got))
	}
}

type fakePresenter struct{ gotKey, gotCreds int }

func (f *fakePresenter) Present(ctx context.Context, jwk []byte, creds []Credential, req *PresentRequest) ([]byte, error) {
	f.gotKey, f.gotCreds = len(jwk), len(creds)
	return []byte(`{"type":"VerifiablePresentation","holder":"` + req.Holder + `"}`), nil
}

func TestPresent(t *testing.T) {
	ctx := context.Background()
	w, _ := CreateStore(ctx, NewMemStore(), pass, cheap)
	k, _ := w.AddKey(ctx, []byte(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}`), "did:example:h", "")
	c, _ := w.AddCredential(ctx, testVC(1, "T", "did:example:i"))
	req := &PresentRequest{Holder: "did:example:h", KeyID: k.ID, Credentials: []string{c.ID}}
	bad := *req
	bad.Format = "application/unknown"
	if _, err := w.Present(ctx, nil, &bad); !errors.Is(err, ErrNoPresenter) {
		t.Fatalf("unknown format with the default presenter: %v", err)
	}
	bad = *req
	bad.Disclose = [][]string{nil, nil}
	if _, err := w.Present(ctx, &fakePresenter{}, &bad); !errors.Is(err, ErrMalformed) {
		t.Fatalf("more disclosure lists than credentials: %v", err)
	}
	p := &fakePresenter{}
	if _, err := w.Present(ctx, p, req); err != nil || p.gotKey == 0 || p.gotCreds != 1 {
		t.Fatalf("Present: %v %+v", err, p)
	}
	if ps, _ := w.Presentations(ctx); len(ps) != 1 {
		t.Fatalf("presentation not stored")
	}
	req.Credentials = []string{"missing"}
	if _, err := w.Present(ctx, p, req); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing credential: %v", err)
	}
}

func TestDIDKeys(t *testing.T) {
	ctx := context.Background()
	w, _ := CreateStore(ctx, NewMemStore(), pass, cheap)
	for _, kt := range did.KeyTypes() {
		k, err := did.GenerateKey(kt)
		if err != nil {
			t.Fatal(err)
		}
		info, err := w.AddPrivateKey(ctx, k, "", string(kt))
		if err != nil {
			t.Fatalf("%v: %v", kt, err)
		}
		got, _, err := w.PrivateKey(ctx, info.ID)
		if err != nil || !bytes.Equal(got.Bytes(), k.Bytes()) {
			t.Fatalf("%v: key round trip: %v", kt, err)
		}
	}
	// Public members that do not match the private key are refused.
	bad := []byte(`{"kty":"OKP","crv":"Ed25519","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}`)
	if _, err := w.AddKey(ctx, bad, "", ""); !errors.Is(err, ErrMalformed) {
		t.Fatalf("mismatched JWK: %v", err)
	}
}

// TestTrustedFilter keeps credentials whose issuer is a contact accepting
// their type.
func TestTrustedFilter(t *testing.T) {
	ctx := context.Background()
	w, _ := CreateStore(ctx, NewMemStore(), pass, cheap)
	w.AddCredential(ctx, testVC(1, "AgeCredential", "did:example:gov"))
	w.AddCredential(ctx, testVC(2, "MemberCredential", "did:example:gov"))
	w.AddCredential(ctx, testVC(3, "MemberCredential", "did:example:club"))
	w.AddCredential(ctx, testVC(4, "MemberCredential", "did:example:stranger"))
	count := func() int {
		got, err := w.Credentials(ctx, &Filter{Trusted: true})
		if err != nil {
			t.Fatal(err)
		}
		return len(got)
	}
	if n := count(); n != 0 {
		t.Fatalf("no contacts: %d trusted", n)
	}
	w.PutContact(ctx, Contact{DID: "did:example:gov", Types: []string{"AgeCredential"}})
	w.PutContact(ctx, Contact{DID: "did:example:club"})
	if n := count(); n != 2 {
		t.Fatalf("gov for ages and club for anything: %d trusted, want 2", n)
	}
}

// TestCreateRace checks that of two Creates racing for one path exactly one
// wins, and that the loser leaves the winner's wallet in place.
func TestCreateRace(t *testing.T) {
	ctx := context.Background()
	for i := range 20 {
		path := filepath.Join(t.TempDir(), "race.wallet")
		var wg sync.WaitGroup
		var won [2]*Wallet
		var errs [2]error
		for j := range 2 {
			wg.Go(func() {
				won[j], errs[j] = Create(ctx, path, []byte{byte('a' + j), 'x', 'y', 'z', 'w', 'v', 'u', 't'}, &Options{KDF: cheap.KDF, LockTimeout: time.Second})
				if errs[j] == nil {
					errs[j] = won[j].Close() // the other Create may now get the lock
				}
			})
		}
		wg.Wait()
		winners := 0
		for j := range 2 {
			if errs[j] == nil {
				winners++
			} else if !errors.Is(errs[j], ErrExists) && !errors.Is(errs[j], ErrBusy) {
				t.Fatalf("round %d: loser error %v", i, errs[j])
			}
		}
		if winners != 1 {
			t.Fatalf("round %d: %d winners (%v, %v)", i, winners, errs[0], errs[1])
		}
		w, err := Open(ctx, path, cheap)
		if err != nil {
			t.Fatalf("round %d: the winner's wallet is gone: %v", i, err)
		}
		w.Close()
	}
}
