package status

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

const vectorDir = "../../testdata/status-list"

type decodedVector struct {
	EncodedList       string   `json:"encodedList"`
	DecodedByteLength int      `json:"decodedByteLength"`
	DecodedBitLength  int      `json:"decodedBitLength"`
	SetBitIndexes     []uint64 `json:"setBitIndexes"`
}

func readVector(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(vectorDir, name))
	if err != nil {
		t.Fatalf("vector %s: %v", name, err)
	}
	return data
}

func decodedVectors(t testing.TB) map[string]decodedVector {
	t.Helper()
	var m map[string]decodedVector
	if err := json.Unmarshal(readVector(t, "decoded-encodedLists.json"), &m); err != nil {
		t.Fatal(err)
	}
	if len(m) == 0 {
		t.Fatal("no decoded vectors")
	}
	return m
}

// TestDecodedEncodedLists checks every vector of decoded-encodedLists.json: the exact
// length and exactly the listed set bits, with bit 0 the top bit of byte 0.
func TestDecodedEncodedLists(t *testing.T) {
	vecs := decodedVectors(t)
	names := make([]string, 0, len(vecs))
	for n := range vecs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		v := vecs[name]
		t.Run(name, func(t *testing.T) {
			bits, err := DecodeList(v.EncodedList, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if len(bits) != v.DecodedByteLength || len(bits)*8 != v.DecodedBitLength {
				t.Fatalf("decoded %d bytes, want %d (%d bits)", len(bits), v.DecodedByteLength, v.DecodedBitLength)
			}
			if err := CheckLength(len(bits), 1, 0); err != nil {
				t.Fatal(err)
			}
			want := map[uint64]bool{}
			for _, i := range v.SetBitIndexes {
				want[i] = true
			}
			for i := uint64(0); i < uint64(v.DecodedBitLength); i++ {
				got, err := statusAt(bits, i, 1)
				if err != nil {
					t.Fatal(err)
				}
				if (got == 1) != want[i] {
					t.Fatalf("bit %d = %d, want set=%v", i, got, want[i])
				}
			}
			// Re-encoding need not be byte-identical, but must decode to the same bits.
			again, err := DecodeList(EncodeList(bits), Limits{})
			if err != nil || string(again) != string(bits) {
				t.Fatalf("re-encoded list differs: %v", err)
			}
		})
	}
}

// TestBitOrder checks the left-most-bit rule on the generated vector: bits 0 and 7 are
// the top and bottom bits of byte 0, bit 8 the top bit of byte 1.
func TestBitOrder(t *testing.T) {
	v := decodedVectors(t)["generated-bits-0-7-8-12345-94567-131071"]
	bits, err := DecodeList(v.EncodedList, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if bits[0] != 0x81 || bits[1] != 0x80 || bits[len(bits)-1] != 0x01 {
		t.Fatalf("bytes 0,1,last = %#x %#x %#x; want 0x81 0x80 0x01", bits[0], bits[1], bits[len(bits)-1])
	}
	// statusSize 2 over the same bytes: entry 0 is bits 0-1 = 0b10, entry 3 is bits 6-7 = 0b01.
	for _, c := range []struct{ index, want uint64 }{{0, 2}, {1, 0}, {3, 1}, {4, 2}} {
		got, err := statusAt(bits, c.index, 2)
		if err != nil || got != c.want {
			t.Errorf("2-bit entry %d = %d, %v; want %d", c.index, got, err, c.want)
		}
	}
}

// exampleEntries lists, per spec example, the credentialStatus entries it must give.
var exampleEntries = []struct {
	file   string
	want   []Entry
	isCred bool
}{
	{file: "01-example-statuslistcredential-using-simple-entries.json", want: []Entry{
		{ID: "https://example.com/credentials/status/3#94567", Type: TypeEntry, Purpose: "revocation", Index: 94567, ListCredential: "https://example.com/credentials/status/3"},
		{ID: "https://example.com/credentials/status/4#23452", Type: TypeEntry, Purpose: "suspension", Index: 23452, ListCredential: "https://example.com/credentials/status/4"},
	}},
	{file: "02-example-statuslistcredential-using-more-complex-entries.json", want: []Entry{
		{ID: "https://example.com/credentials/status/8#492847", Type: TypeEntry, Purpose: "message", Index: 492847, ListCredential: "https://example.com/credentials/status/8", Size: 2,
			Messages:  []Message{{0, "pending_review"}, {1, "accepted"}, {2, "rejected"}, {3, "undefined"}},
			Reference: []string{"https://example.org/status-dictionary/"}},
	}},
	{file: "04-a-revocable-verifiable-credential.json", want: []Entry{
		{ID: "https://example.com/credentials/status/3#94567", Type: TypeEntry, Purpose: "revocation", Index: 94567, ListCredential: "https://example.com/credentials/status/3"},
	}},
	{file: "06-associating-multiple-status-lists-with-a-single-verifiable-credential.json", want: []Entry{
		{ID: "https://example.com/credentials/status/3#94567", Type: TypeEntry, Purpose: "revocation", Index: 94567, ListCredential: "https://example.com/credentials/status/3"},
		{ID: "https://example.com/credentials/status/4#12345", Type: TypeEntry, Purpose: "suspension", Index: 12345, ListCredential: "https://example.com/credentials/status/4"},
	}},
	{file: "07-associating-multiple-status-entries-in-a-single-status-list.json", want: []Entry{
		{ID: "https://example.com/credentials/status/5#94567", Type: TypeEntry, Purpose: "revocation", Index: 94567, ListCredential: "https://example.com/credentials/status/5"},
		{ID: "https://example.com/credentials/status/5#12345", Type: TypeEntry, Purpose: "suspension", Index: 12345, ListCredential: "https://example.com/credentials/status/5"},
	}},
}

func entriesEqual(a, b Entry) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func TestSpecExampleEntries(t *testing.T) {
	for _, c := range exampleEntries {
		t.Run(c.file, func(t *testing.T) {
			data := readVector(t, filepath.Join("examples", c.file))
			if c.file[:2] == "02" {
				// The spec's example 02 elides the fourth message ("..."); statusSize 2
				// needs four, so the test completes it.
				data = completeExample02(t, data)
			}
			got, err := EntriesFromCredential(data)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("%d entries, want %d", len(got), len(c.want))
			}
			for i := range got {
				if !entriesEqual(got[i], c.want[i]) {
					t.Errorf("entry %d:\n got %+v\nwant %+v", i, got[i], c.want[i])
				}
			}
		})
	}
}

// TestSpecExample02AsPublished checks that the example as published (three messages
// for statusSize 2) is refused: the data model requires one message per value.
func TestSpecExample02AsPublished(t *testing.T) {
	data := readVector(t, "examples/02-example-statuslistcredential-using-more-complex-entries.json")
	_, err := EntriesFromCredential(data)
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("err = %v, want ErrMalformed", err)
	}
}

func completeExample02(t testing.TB, data []byte) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	cs := m["credentialStatus"].(map[string]any)
	cs["statusMessage"] = append(cs["statusMessage"].([]any), map[string]any{"status": "0x3", "message": "undefined"})
	out, _ := json.Marshal(m)
	return out
}

// TestSpecExampleListCredentials parses examples 03 and 05 (BitstringStatusListCredential)
// and reads the entries of example 04 against them: all statuses are 0.
func TestSpecExampleListCredentials(t *testing.T) {
	for _, file := range []string{"03-example-bitstringstatuslistcredential.json", "05-a-status-list-verifiable-credential.json"} {
		t.Run(file, func(t *testing.T) {
			l, err := ParseListCredential(readVector(t, "examples/"+file), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if l.ID != "https://example.com/credentials/status/3" || l.Type != TypeListCredential ||
				l.Issuer != "did:example:12345" || len(l.Purposes) != 1 || l.Purposes[0] != "revocation" ||
				len(l.Bits) != 16384 || l.ValidFrom.IsZero() {
				t.Fatalf("parsed %+v", l)
			}
			entries, err := EntriesFromCredential(readVector(t, "examples/04-a-revocable-verifiable-credential.json"))
			if err != nil {
				t.Fatal(err)
			}
			v, err := l.Status(entries[0], 0)
			if err != nil || v != 0 {
				t.Fatalf("status = %d, %v; want 0", v, err)
			}
			// Example 01's suspension entry points to list 4, not this one.
			e1, _ := EntriesFromCredential(readVector(t, "examples/01-example-statuslistcredential-using-simple-entries.json"))
			if _, err := l.Status(e1[1], 0); !errors.Is(err, ErrVerification) {
				t.Fatalf("list 3 answered for list 4's entry: %v", err)
			}
		})
	}
}
