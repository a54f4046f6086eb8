package status

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func newTestList(t testing.TB, opts ListOptions) *List {
	t.Helper()
	if opts.URL == "" {
		opts.URL = testURL
	}
	if opts.Purpose == "" {
		opts.Purpose = PurposeRevocation
	}
	l, err := CreateList(filepath.Join(t.TempDir(), "list.json"), opts)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestListLifecycle(t *testing.T) {
	l := newTestList(t, ListOptions{})
	seen := map[uint64]bool{}
	for range 20 {
		e, err := l.Allocate()
		if err != nil {
			t.Fatal(err)
		}
		if seen[e.Index] || e.Index >= MinEntries {
			t.Fatalf("index %d reused or out of range", e.Index)
		}
		seen[e.Index] = true
		if e.Type != TypeEntry || e.ListCredential != testURL || e.Purpose != PurposeRevocation || e.ID != testURL+"#"+strconv.FormatUint(e.Index, 10) {
			t.Fatalf("entry %+v", e)
		}
	}
	var revoked uint64
	for i := range seen {
		revoked = i
		break
	}
	if err := l.Set(revoked); err != nil {
		t.Fatal(err)
	}
	if err := l.Clear(revoked); !errors.Is(err, ErrIrreversible) {
		t.Fatalf("clearing a revocation: %v", err)
	}
	if err := l.Set(unallocated(l)); !errors.Is(err, ErrRange) {
		t.Fatalf("setting an unallocated index: %v", err)
	}
	if err := l.SetStatus(revoked, 2); !errors.Is(err, ErrMalformed) {
		t.Fatalf("status 2 in a 1-bit list: %v", err)
	}

	// Reopen: same allocations, same statuses.
	l2, err := OpenList(l.Path())
	if err != nil {
		t.Fatal(err)
	}
	if l2.Allocated() != 20 || l2.URL() != testURL || l2.Purpose() != PurposeRevocation || l2.Len() != MinEntries {
		t.Fatalf("reopened: %d allocated", l2.Allocated())
	}
	for i := range seen {
		v, err := l2.Status(i)
		if !l2.IsAllocated(i) || err != nil || (v == 1) != (i == revoked) {
			t.Fatalf("index %d: allocated %v, status %d, %v", i, l2.IsAllocated(i), v, err)
		}
	}

	// The published credential carries the statuses.
	cred, err := l2.Credential(CredentialOptions{Issuer: "did:example:issuer", ValidFrom: testNow, ValidUntil: testNow.Add(24 * time.Hour), TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	lc, err := ParseListCredential(cred, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if lc.ID != testURL || lc.Issuer != "did:example:issuer" || lc.TTL != time.Hour || !lc.ValidUntil.Equal(testNow.Add(24*time.Hour)) {
		t.Fatalf("credential %+v", lc)
	}
	for i := range seen {
		e, _ := l2.Entry(i)
		v, err := lc.Status(e, 0)
		if err != nil || (v == 1) != (i == revoked) {
			t.Fatalf("published index %d: %d, %v", i, v, err)
		}
	}
}

func unallocated(l *List) uint64 {
	for i := uint64(0); ; i++ {
		if !l.IsAllocated(i) {
			return i
		}
	}
}

func TestListMessagePurpose(t *testing.T) {
	msgs := []Message{{0, "pending_review"}, {1, "accepted"}, {2, "rejected"}, {3, "undefined"}}
	l := newTestList(t, ListOptions{Purpose: PurposeMessage, StatusSize: 2, Messages: msgs, Reference: []string{"https://example.org/status-dictionary/"}})
	e, err := l.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	if e.Size != 2 || len(e.Messages) != 4 {
		t.Fatalf("entry %+v", e)
	}
	// The entry JSON an issuer embeds parses back to the same entry.
	data, _ := json.Marshal(e)
	if back, err := ParseEntry(data); err != nil || !entriesEqual(back, e) {
		t.Fatalf("entry JSON %s: %v", data, err)
	}
	if err := l.SetStatus(e.Index, 2); err != nil {
		t.Fatal(err)
	}
	if err := l.SetStatus(e.Index, 1); err != nil { // messages may change either way
		t.Fatal(err)
	}
	cred, _ := l.Credential(CredentialOptions{Issuer: "did:example:issuer", ValidFrom: testNow})
	f := &memFetcher{}
	f.put(testURL, cred)
	rep, err := newTestChecker(f, nil).Check(context.Background(), []Entry{e})
	if err != nil || rep.Results[0].Message != "accepted" {
		t.Fatalf("check: %v %+v", err, rep.Results)
	}
}

func TestListOptionsInvalid(t *testing.T) {
	dir := t.TempDir()
	for i, o := range []ListOptions{
		{URL: "not a url", Purpose: "revocation"},
		{URL: testURL + "#frag", Purpose: "revocation"},
		{URL: testURL},
		{URL: testURL, Purpose: "revocation", Size: MinEntries - 8},
		{URL: testURL, Purpose: "revocation", Size: MinEntries + 1},
		{URL: testURL, Purpose: "revocation", Size: MaxListEntries + 8},
		{URL: testURL, Purpose: "message", StatusSize: 2},
		{URL: testURL, Purpose: "message", StatusSize: 9},
		{URL: testURL, Purpose: "message", StatusSize: 1, Messages: []Message{{0, "a"}, {0, "b"}}},
	} {
		if _, err := CreateList(filepath.Join(dir, fmt.Sprint(i)), o); !errors.Is(err, ErrMalformed) {
			t.Errorf("options %d %+v: %v", i, o, err)
		}
	}
	l := newTestList(t, ListOptions{})
	if _, err := CreateList(l.Path(), ListOptions{URL: testURL, Purpose: "revocation"}); !errors.Is(err, ErrExists) {
		t.Errorf("overwrite: %v", err)
	}
	if _, err := l.Credential(CredentialOptions{}); !errors.Is(err, ErrMalformed) {
		t.Errorf("no issuer: %v", err)
	}
}

func TestListStateCorrupt(t *testing.T) {
	l := newTestList(t, ListOptions{})
	l.Allocate()
	good, _ := os.ReadFile(l.Path())
	var j map[string]any
	json.Unmarshal(good, &j)
	for name, mod := range map[string]func(m map[string]any){
		"count mismatch": func(m map[string]any) { m["allocatedCount"] = 2 },
		"version":        func(m map[string]any) { m["version"] = 2 },
		"short bitmap":   func(m map[string]any) { m["allocated"] = EncodeList(make([]byte, 8)) },
		"bad encoding":   func(m map[string]any) { m["status"] = "zzz" },
		"no URL":         func(m map[string]any) { delete(m, "url") },
	} {
		t.Run(name, func(t *testing.T) {
			c := map[string]any{}
			for k, v := range j {
				c[k] = v
			}
			mod(c)
			data, _ := json.Marshal(c)
			p := filepath.Join(t.TempDir(), "s.json")
			os.WriteFile(p, data, 0o600)
			if _, err := OpenList(p); !errors.Is(err, ErrState) {
				t.Fatalf("err = %v", err)
			}
		})
	}
	p := filepath.Join(t.TempDir(), "s.json")
	os.WriteFile(p, good[:len(good)/2], 0o600)
	if _, err := OpenList(p); !errors.Is(err, ErrState) {
		t.Fatalf("truncated: %v", err)
	}
}

func TestListFull(t *testing.T) {
	l := newTestList(t, ListOptions{})
	st := l.snapshot().clone()
	for i := range st.allocated {
		st.allocated[i] = 0xff
	}
	st.count = st.size
	// Three free indexes: the sampler falls back to picking the r-th free one.
	free := []uint64{0, 77777, uint64(st.size - 1)}
	for _, i := range free {
		st.allocated[i>>3] &^= 0x80 >> (i & 7)
		st.count--
	}
	if err := writeState(l.Path(), st); err != nil {
		t.Fatal(err)
	}
	got := map[uint64]bool{}
	for range free {
		e, err := l.Allocate()
		if err != nil {
			t.Fatal(err)
		}
		got[e.Index] = true
	}
	for _, i := range free {
		if !got[i] {
			t.Fatalf("free index %d not handed out: %v", i, got)
		}
	}
	if _, err := l.Allocate(); !errors.Is(err, ErrListFull) {
		t.Fatalf("full list: %v", err)
	}
}

func TestRandBelow(t *testing.T) {
	counts := make([]int, 3)
	for range 3000 {
		counts[randBelow(3)]++
	}
	for v, n := range counts {
		if n < 800 || n > 1200 {
			t.Fatalf("value %d drawn %d times of 3000", v, n)
		}
	}
	if randBelow(1) != 0 {
		t.Fatal("randBelow(1) != 0")
	}
}

// TestListConcurrentHandles allocates from goroutines through two handles on one file,
// as two processes would: no index is handed out twice.
func TestListConcurrentHandles(t *testing.T) {
	l := newTestList(t, ListOptions{})
	l2, err := OpenList(l.Path())
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[uint64]bool{}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := []*List{l, l2}[g%2]
			for range 5 {
				e, err := h.Allocate()
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seen[e.Index] {
					t.Errorf("index %d handed out twice", e.Index)
				}
				seen[e.Index] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err := l.Reload(); err != nil || l.Allocated() != 20 {
		t.Fatalf("allocated %d, %v", l.Allocated(), err)
	}
}

const crashEnv = "POLITY_STATUS_CRASH_LIST"

// TestCrashChild is the subprocess of TestCrashRecovery: it allocates (and sets every
// third index) until killed, printing each index once its allocation is durable.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("subprocess of TestCrashRecovery")
	}
	l, err := OpenList(path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	for n := 0; ; n++ {
		e, err := l.Allocate()
		if err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
		fmt.Println("alloc", e.Index)
		if n%3 == 0 {
			if err := l.Set(e.Index); err != nil {
				fmt.Println("error", err)
				os.Exit(3)
			}
			fmt.Println("set", e.Index)
		}
	}
}

// TestCrashRecovery kills (SIGKILL) a process allocating from a list at a random
// moment, several times, and checks after each that the file parses, every index the
// process printed is still allocated (and set, when printed so), and no index was
// ever handed out twice.
func TestCrashRecovery(t *testing.T) {
	if os.Getenv(crashEnv) != "" {
		t.Skip("in the subprocess")
	}
	l := newTestList(t, ListOptions{})
	printed := map[uint64]bool{}
	set := map[uint64]bool{}
	for round := range 4 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+l.Path())
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Kill at a random moment after the first few allocations.
		delay := time.Duration(20+rand.IntN(150)) * time.Millisecond
		var timer <-chan time.Time
		n := 0
	read:
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					break read
				}
				if strings.HasPrefix(line, "error") {
					t.Fatalf("round %d: child: %s", round, line)
				}
				if f := strings.Fields(line); len(f) == 2 && (f[0] == "alloc" || f[0] == "set") {
					i, err := strconv.ParseUint(f[1], 10, 64)
					if err != nil {
						t.Fatal(err)
					}
					if f[0] == "set" {
						set[i] = true
						continue
					}
					if printed[i] {
						t.Fatalf("round %d: index %d handed out twice", round, i)
					}
					printed[i] = true
					if n++; n == 3 {
						timer = time.After(delay)
					}
				}
			case <-timer:
				cmd.Process.Kill() // SIGKILL
				timer = nil
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("round %d: child printed nothing for 20s", round)
			}
		}
		cmd.Wait()
		r, err := OpenList(l.Path())
		if err != nil {
			t.Fatalf("round %d: state after kill: %v", round, err)
		}
		for i := range printed {
			if !r.IsAllocated(i) {
				t.Fatalf("round %d: printed index %d not allocated after the crash", round, i)
			}
		}
		for i := range set {
			if v, err := r.Status(i); err != nil || v != 1 {
				t.Fatalf("round %d: printed set index %d has status %d, %v", round, i, v, err)
			}
		}
		if r.Allocated() < len(printed) || r.Allocated() > len(printed)+round+1 {
			t.Fatalf("round %d: %d allocated, %d printed", round, r.Allocated(), len(printed))
		}
	}
	t.Logf("%d allocations over 4 crashes", len(printed))
}
