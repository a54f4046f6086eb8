package status

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/polity-id/polity/internal/fetch"
	"github.com/polity-id/polity/internal/multi"
	"github.com/polity-id/polity/internal/vcerr"
)

const testURL = "https://example.com/credentials/status/3"

var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// listCredential returns an unsigned BitstringStatusListCredential; mod may edit it.
func listCredential(t testing.TB, url, purpose, encoded string, mod func(m, subj map[string]any)) []byte {
	t.Helper()
	subj := map[string]any{"id": url + "#list", "type": TypeList, "statusPurpose": purpose, "encodedList": encoded}
	m := map[string]any{
		"@context":          []any{"https://www.w3.org/ns/credentials/v2"},
		"id":                url,
		"type":              []any{"VerifiableCredential", TypeListCredential},
		"issuer":            "did:example:12345",
		"validFrom":         "2025-01-01T00:00:00Z",
		"credentialSubject": subj,
	}
	if mod != nil {
		mod(m, subj)
	}
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func bitsWith(n int, set ...uint64) []byte {
	b := make([]byte, n)
	for _, i := range set {
		setStatusAt(b, i, 1, 1)
	}
	return b
}

type memFetcher struct {
	mu    sync.Mutex
	lists map[string][]byte
	calls atomic.Int32
}

func (f *memFetcher) put(url string, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.lists == nil {
		f.lists = map[string][]byte{}
	}
	f.lists[url] = data
}

func (f *memFetcher) Fetch(_ context.Context, url string) ([]byte, error) {
	f.calls.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	if d, ok := f.lists[url]; ok {
		return d, nil
	}
	return nil, fmt.Errorf("no list at %s: %w", url, fs.ErrNotExist)
}

func newTestChecker(f Fetcher, cfg *Config) *Checker {
	if cfg == nil {
		cfg = &Config{}
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return testNow }
	}
	return NewChecker(f, InsecureUnverifiedLists(), cfg)
}

func entry(purpose string, index uint64) Entry {
	return Entry{Type: TypeEntry, Purpose: purpose, Index: index, ListCredential: testURL}
}

func TestCheckRevokedFails(t *testing.T) {
	f := &memFetcher{}
	f.put(testURL, listCredential(t, testURL, "revocation", EncodeList(bitsWith(16384, 94567)), nil))
	c := newTestChecker(f, nil)

	rep, err := c.Check(context.Background(), []Entry{entry("revocation", 94567)})
	if !errors.Is(err, ErrRevoked) || !errors.Is(err, vcerr.ErrRevoked) || !rep.Revoked() || rep.Suspended() {
		t.Fatalf("revoked entry: err = %v, revoked = %v", err, rep.Revoked())
	}
	if r := rep.Results[0]; r.Value != 1 || r.Valid || r.Message != "set" || r.Index != 94567 || r.Purpose != "revocation" {
		t.Fatalf("result %+v", r)
	}
	rep, err = c.Check(context.Background(), []Entry{entry("revocation", 94566)})
	if err != nil || !rep.Results[0].Valid || rep.Results[0].Message != "unset" {
		t.Fatalf("unrevoked neighbour: %v %+v", err, rep.Results[0])
	}
}

// TestSuspendedThenReinstated suspends an issued index, publishes, checks (fails),
// reinstates it, publishes again and checks (passes), through the issuer List.
func TestSuspendedThenReinstated(t *testing.T) {
	l, err := CreateList(filepath.Join(t.TempDir(), "list.json"), ListOptions{URL: testURL, Purpose: PurposeSuspension})
	if err != nil {
		t.Fatal(err)
	}
	e, err := l.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	f := &memFetcher{}
	publish := func() {
		cred, err := l.Credential(CredentialOptions{Issuer: "did:example:issuer", ValidFrom: testNow.Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		f.put(testURL, cred)
	}
	c := newTestChecker(f, nil)
	if err := l.Set(e.Index); err != nil {
		t.Fatal(err)
	}
	publish()
	rep, err := c.Check(context.Background(), []Entry{e})
	if !errors.Is(err, ErrSuspended) || !errors.Is(err, vcerr.ErrSuspended) || !rep.Suspended() {
		t.Fatalf("suspended: err = %v", err)
	}
	if err := l.Clear(e.Index); err != nil {
		t.Fatal(err)
	}
	publish()
	c.Purge()
	rep, err = c.Check(context.Background(), []Entry{e})
	if err != nil || rep.Suspended() || !rep.Results[0].Valid {
		t.Fatalf("reinstated: err = %v", err)
	}
}

func TestCheckMessagePurpose(t *testing.T) {
	bits := make([]byte, 2*16384)
	setStatusAt(bits, 492847%131072, 2, 2)
	f := &memFetcher{}
	f.put(testURL, listCredential(t, testURL, "message", EncodeList(bits), nil))
	e := Entry{Type: TypeEntry, Purpose: "message", Index: 492847 % 131072, ListCredential: testURL, Size: 2,
		Messages: []Message{{0, "pending_review"}, {1, "accepted"}, {2, "rejected"}, {3, "undefined"}}}
	rep, err := newTestChecker(f, nil).Check(context.Background(), []Entry{e})
	if err != nil {
		t.Fatal(err)
	}
	if r := rep.Results[0]; r.Value != 2 || r.Message != "rejected" || r.Valid {
		t.Fatalf("result %+v", r)
	}
}

func TestCheckMultipleEntriesOneList(t *testing.T) {
	f := &memFetcher{}
	f.put(testURL, listCredential(t, testURL, "", "", func(m, subj map[string]any) {
		subj["statusPurpose"] = []any{"revocation", "suspension"}
		subj["encodedList"] = EncodeList(bitsWith(16384, 12345))
	}))
	rep, err := newTestChecker(f, nil).Check(context.Background(), []Entry{entry("revocation", 94567), entry("suspension", 12345)})
	if !errors.Is(err, ErrSuspended) || errors.Is(err, ErrRevoked) || f.calls.Load() != 1 {
		t.Fatalf("err = %v, fetches = %d", err, f.calls.Load())
	}
	if rep.Results[0].Err != nil || rep.Results[1].Value != 1 {
		t.Fatalf("results %+v", rep.Results)
	}
}

func gzipBytes(t testing.TB, data []byte, trailer []byte) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	buf.Write(trailer)
	return multi.EncodeBase64URL(buf.Bytes())
}

// TestCheckNegative has one row per defect with the kind it must give.
func TestCheckNegative(t *testing.T) {
	good := EncodeList(bitsWith(16384))
	bomb := gzipBytes(t, make([]byte, 8<<20), nil)
	cases := []struct {
		name    string
		list    []byte // nil: no list at the URL
		entry   Entry
		verify  error
		want    []error
		wantNot error
	}{
		{name: "bad multibase prefix", list: listCredential(t, testURL, "revocation", "z"+good[1:], nil), want: []error{ErrMalformed, vcerr.ErrMalformed}},
		{name: "bad base64url", list: listCredential(t, testURL, "revocation", "u!!!!", nil), want: []error{ErrMalformed}},
		{name: "not gzip", list: listCredential(t, testURL, "revocation", multi.EncodeBase64URL(make([]byte, 16384)), nil), want: []error{ErrMalformed}},
		{name: "gzip bad checksum", list: listCredential(t, testURL, "revocation", corruptCRC(t, good), nil), want: []error{ErrMalformed}},
		{name: "data after gzip", list: listCredential(t, testURL, "revocation", gzipBytes(t, make([]byte, 16384), []byte("junk")), nil), want: []error{ErrMalformed}},
		{name: "decompression bomb", list: listCredential(t, testURL, "revocation", bomb, nil), want: []error{ErrListTooLarge, ErrMalformed}},
		{name: "list too short", list: listCredential(t, testURL, "revocation", EncodeList(make([]byte, 8192)), nil), want: []error{ErrListTooShort}},
		{name: "length not a multiple of statusSize", list: listCredential(t, testURL, "message", good, nil),
			entry: Entry{Type: TypeEntry, Purpose: "message", ListCredential: testURL, Size: 3, Messages: make([]Message, 8)}, want: []error{ErrListTooShort}},
		{name: "statusSize 2 list of 131072 bits", list: listCredential(t, testURL, "message", good, nil),
			entry: Entry{Type: TypeEntry, Purpose: "message", ListCredential: testURL, Size: 2}, want: []error{ErrListTooShort}},
		{name: "wrong purpose", list: listCredential(t, testURL, "suspension", good, nil), want: []error{ErrPurposeMismatch, ErrVerification}, wantNot: ErrRevoked},
		{name: "index out of range", list: listCredential(t, testURL, "revocation", good, nil), entry: entry("revocation", 131072), want: []error{ErrRange, ErrMalformed}},
		{name: "expired list", list: listCredential(t, testURL, "revocation", good, func(m, _ map[string]any) { m["validUntil"] = "2025-05-01T00:00:00Z" }), want: []error{ErrListExpired, ErrVerification}, wantNot: vcerr.ErrExpired},
		{name: "list not yet valid", list: listCredential(t, testURL, "revocation", good, func(m, _ map[string]any) { m["validFrom"] = "2026-01-01T00:00:00Z" }), want: []error{ErrListNotYetValid}},
		{name: "list fetch error", list: nil, want: []error{ErrRetrieval, fs.ErrNotExist}},
		{name: "list proof fails", list: listCredential(t, testURL, "revocation", good, nil), verify: vcerr.ErrInvalidSignature, want: []error{ErrVerification, vcerr.ErrInvalidSignature}},
		{name: "list id is another URL", list: listCredential(t, testURL, "revocation", good, func(m, _ map[string]any) { m["id"] = "https://example.com/other" }), want: []error{ErrVerification}},
		{name: "not a BitstringStatusListCredential", list: listCredential(t, testURL, "revocation", good, func(m, _ map[string]any) { m["type"] = "VerifiableCredential" }), want: []error{ErrMalformed}},
		{name: "subject not a BitstringStatusList", list: listCredential(t, testURL, "revocation", good, func(_, s map[string]any) { s["type"] = "StatusList2021" }), want: []error{ErrMalformed}},
		{name: "2021 entry against a bitstring list", list: listCredential(t, testURL, "revocation", good, nil),
			entry: Entry{Type: TypeEntry2021, Purpose: "revocation", ListCredential: testURL}, want: []error{ErrVerification}},
		{name: "bad validUntil", list: listCredential(t, testURL, "revocation", good, func(m, _ map[string]any) { m["validUntil"] = "2025-05-01" }), want: []error{ErrMalformed}},
		{name: "encodedList missing", list: listCredential(t, testURL, "revocation", good, func(_, s map[string]any) { delete(s, "encodedList") }), want: []error{ErrMalformed}},
		{name: "duplicate member in list", list: []byte(`{"id":"` + testURL + `","id":"` + testURL + `"}`), want: []error{ErrMalformed}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &memFetcher{}
			if c.list != nil {
				f.put(testURL, c.list)
			}
			var v ListVerifier = InsecureUnverifiedLists()
			if c.verify != nil {
				v = ListVerifierFunc(func(context.Context, []byte) ([]byte, error) {
					return nil, fmt.Errorf("%w: test", c.verify)
				})
			}
			e := c.entry
			if e.Type == "" {
				e = entry("revocation", 7)
			}
			c2 := NewChecker(f, v, &Config{Now: func() time.Time { return testNow }})
			rep, err := c2.Check(context.Background(), []Entry{e})
			if err == nil || rep.Results[0].Err == nil {
				t.Fatal("check passed")
			}
			for _, w := range c.want {
				if !errors.Is(err, w) {
					t.Errorf("err = %v; does not match %v", err, w)
				}
			}
			if c.wantNot != nil && errors.Is(err, c.wantNot) {
				t.Errorf("err = %v; matches %v", err, c.wantNot)
			}
		})
	}
}

func corruptCRC(t testing.TB, encoded string) string {
	gz, err := multi.DecodeBase64URL(encoded, 0)
	if err != nil {
		t.Fatal(err)
	}
	gz[len(gz)-8] ^= 0xff
	return multi.EncodeBase64URL(gz)
}

func TestDecodeListCaps(t *testing.T) {
	good := EncodeList(bitsWith(16384))
	if _, err := DecodeList(good, Limits{MaxEncodedBytes: 10}); !errors.Is(err, ErrListTooLarge) {
		t.Errorf("encoded cap: %v", err)
	}
	if _, err := DecodeList(good, Limits{MaxDecodedBytes: 16383}); !errors.Is(err, ErrListTooLarge) {
		t.Errorf("decoded cap: %v", err)
	}
	if b, err := DecodeList(good, Limits{MaxDecodedBytes: 16384}); err != nil || len(b) != 16384 {
		t.Errorf("decoded cap exactly met: %v", err)
	}
}

// TestStatusList2021 reads a StatusList2021Entry against a StatusList2021Credential
// whose encodedList is base64url without a multibase prefix and whose dates are VCDM
// 1.1 issuanceDate and expirationDate.
func TestStatusList2021(t *testing.T) {
	gz, _ := multi.DecodeBase64URL(EncodeList(bitsWith(16384, 42)), 0)
	for name, enc := range map[string]string{
		"raw base64url": base64.RawURLEncoding.EncodeToString(gz),
		"std base64":    base64.StdEncoding.EncodeToString(gz),
		"multibase":     multi.EncodeBase64URL(gz),
	} {
		t.Run(name, func(t *testing.T) {
			list := listCredential(t, testURL, "revocation", enc, func(m, s map[string]any) {
				m["@context"] = []any{"https://www.w3.org/2018/credentials/v1", "https://w3id.org/vc/status-list/2021/v1"}
				m["type"] = []any{"VerifiableCredential", TypeListCredential2021}
				delete(m, "validFrom")
				m["issuanceDate"] = "2025-01-01T00:00:00Z"
				m["expirationDate"] = "2026-01-01T00:00:00Z"
				s["type"] = TypeList2021
			})
			f := &memFetcher{}
			f.put(testURL, list)
			entries, err := ParseEntries([]byte(`[{"id":"` + testURL + `#42","type":"StatusList2021Entry","statusPurpose":"revocation","statusListIndex":"42","statusListCredential":"` + testURL + `"},
				{"type":"StatusList2021Entry","statusPurpose":"revocation","statusListIndex":43,"statusListCredential":"` + testURL + `"}]`))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := newTestChecker(f, nil).Check(context.Background(), entries)
			if !errors.Is(err, ErrRevoked) || rep.Results[0].Value != 1 || rep.Results[1].Err != nil {
				t.Fatalf("err = %v, results %+v", err, rep.Results)
			}
		})
	}
}

// TestSingleFlight checks that concurrent checks of one URL share one fetch.
func TestSingleFlight(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	list := listCredential(t, testURL, "revocation", EncodeList(bitsWith(16384)), nil)
	f := FetcherFunc(func(ctx context.Context, url string) ([]byte, error) {
		calls.Add(1)
		<-release
		return list, nil
	})
	c := newTestChecker(f, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Check(context.Background(), []Entry{entry("revocation", 1)})
			errs <- err
		}()
	}
	// A caller that gives up does not cancel the shared fetch.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Check(ctx, []Entry{entry("revocation", 1)}); !errors.Is(err, ErrRetrieval) || !errors.Is(err, context.Canceled) {
		t.Errorf("canceled caller: %v", err)
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1", n)
	}
}

// TestCacheExpiry checks the TTL, the list's ttl and its validUntil as cache bounds.
func TestCacheExpiry(t *testing.T) {
	now := testNow
	clock := func() time.Time { return now }
	for _, c := range []struct {
		name   string
		mod    func(m, s map[string]any)
		reuse  time.Duration // still cached after this long
		expire time.Duration // fetched again after this long
	}{
		{name: "config TTL", reuse: 4 * time.Minute, expire: 6 * time.Minute},
		{name: "list ttl", mod: func(_, s map[string]any) { s["ttl"] = 60000 }, reuse: 30 * time.Second, expire: 61 * time.Second},
		{name: "validUntil", mod: func(m, _ map[string]any) { m["validUntil"] = testNow.Add(2 * time.Minute).Format(time.RFC3339) }, reuse: time.Minute, expire: 2*time.Minute + time.Second},
	} {
		t.Run(c.name, func(t *testing.T) {
			now = testNow
			f := &memFetcher{}
			f.put(testURL, listCredential(t, testURL, "revocation", EncodeList(bitsWith(16384)), c.mod))
			ch := newTestChecker(f, &Config{Now: clock, Skew: -1})
			check := func() {
				if _, err := ch.Check(context.Background(), []Entry{entry("revocation", 1)}); err != nil && c.name != "validUntil" {
					t.Fatal(err)
				}
			}
			check()
			now = testNow.Add(c.reuse)
			check()
			if n := f.calls.Load(); n != 1 {
				t.Fatalf("after %v: %d fetches, want 1", c.reuse, n)
			}
			now = testNow.Add(c.expire)
			check()
			if n := f.calls.Load(); n != 2 {
				t.Fatalf("after %v: %d fetches, want 2", c.expire, n)
			}
		})
	}
}

func TestCacheSizeBound(t *testing.T) {
	f := &memFetcher{}
	enc := EncodeList(bitsWith(16384))
	for i := range 5 {
		u := fmt.Sprintf("https://example.com/l/%d", i)
		f.put(u, listCredential(t, u, "revocation", enc, nil))
	}
	c := newTestChecker(f, &Config{CacheSize: 2})
	for i := range 5 {
		e := Entry{Type: TypeEntry, Purpose: "revocation", ListCredential: fmt.Sprintf("https://example.com/l/%d", i)}
		if _, err := c.Check(context.Background(), []Entry{e}); err != nil {
			t.Fatal(err)
		}
	}
	c.mu.Lock()
	n := len(c.cache)
	c.mu.Unlock()
	if n > 2 {
		t.Fatalf("cache holds %d lists, cap 2", n)
	}
}

func TestDirFetcher(t *testing.T) {
	dir := t.TempDir()
	enc := EncodeList(bitsWith(16384, 5))
	u2 := "https://example.com/status/jws"
	// A JSON list, a compact-JWS list (payload only matters to the fetcher), and noise.
	os.WriteFile(filepath.Join(dir, "a.json"), listCredential(t, testURL, "revocation", enc, nil), 0o600)
	payload := base64.RawURLEncoding.EncodeToString(listCredential(t, u2, "suspension", enc, nil))
	os.WriteFile(filepath.Join(dir, "b.jwt"), []byte("eyJhbGciOiJFZERTQSJ9."+payload+".c2ln\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a list"), 0o600)
	os.Mkdir(filepath.Join(dir, "sub"), 0o700)

	d := NewDirFetcher(dir)
	data, err := d.Fetch(context.Background(), testURL)
	if err != nil || credentialID(data) != testURL {
		t.Fatalf("json list: %v", err)
	}
	data, err = d.Fetch(context.Background(), u2)
	if err != nil || !bytes.HasPrefix(data, []byte("eyJ")) {
		t.Fatalf("jws list: %v", err)
	}
	if _, err := d.Fetch(context.Background(), "https://example.com/none"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing list: %v", err)
	}
	// A file added later is found by a rescan.
	u3 := "https://example.com/status/late"
	os.WriteFile(filepath.Join(dir, "c.json"), listCredential(t, u3, "revocation", enc, nil), 0o600)
	if _, err := d.Fetch(context.Background(), u3); err != nil {
		t.Fatalf("late list: %v", err)
	}
	// Two files claiming one id are refused.
	os.WriteFile(filepath.Join(dir, "d.json"), listCredential(t, u3, "revocation", enc, nil), 0o600)
	d2 := NewDirFetcher(dir)
	if _, err := d2.Fetch(context.Background(), u3); err == nil {
		t.Fatal("ambiguous id accepted")
	}
	// Through a Checker.
	rep, err := newTestChecker(d, nil).Check(context.Background(), []Entry{entry("revocation", 5)})
	if !errors.Is(err, ErrRevoked) || !rep.Revoked() {
		t.Fatalf("check via dir: %v", err)
	}
}

func TestHTTPFetcher(t *testing.T) {
	list := listCredential(t, testURL, "revocation", EncodeList(bitsWith(16384, 9)), nil)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/status/3":
			w.Header().Set("Content-Type", "application/vc")
			w.Write(list)
		case "/big":
			w.Write(make([]byte, 4096))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	f, err := NewHTTPFetcher(&HTTPConfig{Client: srv.Client(), AllowPrivateAddresses: true, MaxBytes: 2048 + int64(len(list))})
	if err != nil {
		t.Fatal(err)
	}
	u := srv.URL + "/status/3"
	c := newTestChecker(f, nil)
	e := Entry{Type: TypeEntry, Purpose: "revocation", Index: 9, ListCredential: u}
	// The served list's id is testURL, not the server's URL: refused.
	if _, err := c.Check(context.Background(), []Entry{e}); !errors.Is(err, ErrVerification) {
		t.Fatalf("id mismatch: %v", err)
	}
	list = listCredential(t, u, "revocation", EncodeList(bitsWith(16384, 9)), nil)
	c.Purge()
	if _, err := c.Check(context.Background(), []Entry{e}); !errors.Is(err, ErrRevoked) {
		t.Fatalf("revoked over https: %v", err)
	}
	e.ListCredential = srv.URL + "/missing"
	if _, err := c.Check(context.Background(), []Entry{e}); !errors.Is(err, ErrRetrieval) || !errors.Is(err, fetch.ErrNotFound) {
		t.Fatalf("404: %v", err)
	}
	f2, _ := NewHTTPFetcher(&HTTPConfig{Client: srv.Client(), AllowPrivateAddresses: true, MaxBytes: 1024})
	if _, err := f2.Fetch(context.Background(), srv.URL+"/big"); !errors.Is(err, fetch.ErrTooLarge) {
		t.Fatalf("oversize: %v", err)
	}
	// The default policy refuses the loopback test server.
	f3, _ := NewHTTPFetcher(nil)
	if _, err := f3.Fetch(context.Background(), u); !errors.Is(err, fetch.ErrBlockedAddress) {
		t.Fatalf("loopback allowed: %v", err)
	}
}

func TestCheckCredential(t *testing.T) {
	f := &memFetcher{}
	f.put(testURL, listCredential(t, testURL, "revocation", EncodeList(bitsWith(16384, 94567)), nil))
	c := newTestChecker(f, nil)
	_, err := c.CheckCredential(context.Background(), readVector(t, "examples/04-a-revocable-verifiable-credential.json"))
	if !errors.Is(err, vcerr.ErrRevoked) {
		t.Fatalf("example 04 against a list revoking 94567: %v", err)
	}
	rep, err := c.CheckCredential(context.Background(), []byte(`{"type":["VerifiableCredential"]}`))
	if err != nil || len(rep.Results) != 0 {
		t.Fatalf("no credentialStatus: %v", err)
	}
}
