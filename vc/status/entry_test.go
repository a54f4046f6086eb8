package status

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/polity-id/polity/internal/vcerr"
)

func TestParseEntryNegative(t *testing.T) {
	const base = `"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListCredential":"https://example.com/s/1"`
	msgs4 := `[{"status":"0x0","message":"a"},{"status":"0x1","message":"b"},{"status":"0x2","message":"c"},{"status":"0x3","message":"d"}]`
	cases := []struct {
		name, json string
		want       error
	}{
		{"not an object", `[]`, ErrMalformed},
		{"not JSON", `{"type":`, ErrMalformed},
		{"duplicate member", `{` + base + `,"statusListIndex":"1","statusListIndex":"2"}`, ErrMalformed},
		{"unknown type", `{"type":"RevocationList2020Status","statusListIndex":"1"}`, ErrUnsupportedType},
		{"no type", `{"statusPurpose":"revocation"}`, ErrMalformed},
		{"index missing", `{` + base + `}`, ErrMalformed},
		{"index a number", `{` + base + `,"statusListIndex":94567}`, ErrMalformed},
		{"index negative", `{` + base + `,"statusListIndex":"-1"}`, ErrMalformed},
		{"index leading zero", `{` + base + `,"statusListIndex":"01"}`, ErrMalformed},
		{"index with space", `{` + base + `,"statusListIndex":" 1"}`, ErrMalformed},
		{"index hex", `{` + base + `,"statusListIndex":"0x10"}`, ErrMalformed},
		{"index over uint64", `{` + base + `,"statusListIndex":"18446744073709551616"}`, ErrRange},
		{"purpose empty", `{"type":"BitstringStatusListEntry","statusPurpose":"","statusListIndex":"1","statusListCredential":"https://example.com/s/1"}`, ErrMalformed},
		{"purpose not a string", `{"type":"BitstringStatusListEntry","statusPurpose":["revocation"],"statusListIndex":"1","statusListCredential":"https://example.com/s/1"}`, ErrMalformed},
		{"list URL not a URL", `{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"1","statusListCredential":"status-3"}`, ErrMalformed},
		{"id is the list URL", `{"id":"https://example.com/s/1",` + base + `,"statusListIndex":"1"}`, ErrMalformed},
		{"statusSize zero", `{` + base + `,"statusListIndex":"1","statusSize":0}`, ErrMalformed},
		{"statusSize string", `{` + base + `,"statusListIndex":"1","statusSize":"2","statusMessage":` + msgs4 + `}`, ErrMalformed},
		{"statusSize fraction", `{` + base + `,"statusListIndex":"1","statusSize":1.5}`, ErrMalformed},
		{"statusSize over 8", `{` + base + `,"statusListIndex":"1","statusSize":9}`, ErrMalformed},
		{"statusSize 2 without messages", `{` + base + `,"statusListIndex":"1","statusSize":2}`, ErrMalformed},
		{"three messages for statusSize 2", `{` + base + `,"statusListIndex":"1","statusSize":2,"statusMessage":[{"status":"0x0","message":"a"},{"status":"0x1","message":"b"},{"status":"0x2","message":"c"}]}`, ErrMalformed},
		{"message status not hex", `{` + base + `,"statusListIndex":"1","statusMessage":[{"status":"0","message":"a"},{"status":"0x1","message":"b"}]}`, ErrMalformed},
		{"message status repeated", `{` + base + `,"statusListIndex":"1","statusMessage":[{"status":"0x1","message":"a"},{"status":"0x1","message":"b"}]}`, ErrMalformed},
		{"message status too big", `{` + base + `,"statusListIndex":"1","statusMessage":[{"status":"0x0","message":"a"},{"status":"0x2","message":"b"}]}`, ErrMalformed},
		{"message without message", `{` + base + `,"statusListIndex":"1","statusMessage":[{"status":"0x0"},{"status":"0x1","message":"b"}]}`, ErrMalformed},
		{"statusReference not a URL", `{` + base + `,"statusListIndex":"1","statusReference":"dictionary"}`, ErrMalformed},
		{"two status types", `{"type":["BitstringStatusListEntry","StatusList2021Entry"],"statusPurpose":"revocation","statusListIndex":"1","statusListCredential":"https://example.com/s/1"}`, ErrMalformed},
		{"too large", `{` + base + `,"statusListIndex":"1","x":"` + strings.Repeat("a", MaxEntryBytes) + `"}`, ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseEntry([]byte(c.json))
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if errors.Is(c.want, ErrMalformed) && !errors.Is(err, vcerr.ErrMalformed) {
				t.Fatalf("err = %v does not match vc.ErrMalformed", err)
			}
		})
	}
}

func TestParseEntriesShapes(t *testing.T) {
	one := `{"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"0","statusListCredential":"https://example.com/s/1"}`
	if es, err := ParseEntries([]byte(" " + one)); err != nil || len(es) != 1 || es[0].Index != 0 {
		t.Fatalf("object: %v", err)
	}
	if _, err := ParseEntries([]byte(`[]`)); !errors.Is(err, ErrMalformed) {
		t.Fatalf("empty array: %v", err)
	}
	many := "[" + strings.TrimSuffix(strings.Repeat(one+",", MaxEntries+1), ",") + "]"
	if _, err := ParseEntries([]byte(many)); !errors.Is(err, ErrMalformed) {
		t.Fatalf("%d entries: %v", MaxEntries+1, err)
	}
	if _, err := ParseEntries([]byte(`[` + one + `,{"type":"Other"}]`)); !errors.Is(err, ErrUnsupportedType) {
		t.Fatalf("unsupported second entry: %v", err)
	}
}

func TestEntryJSONRoundTrip(t *testing.T) {
	for _, c := range exampleEntries {
		for _, e := range c.want {
			data, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseEntry(data)
			if err != nil || !entriesEqual(back, e) {
				t.Fatalf("%s: round trip %s: %v", c.file, data, err)
			}
			if !strings.Contains(string(data), `"statusListIndex":"`) {
				t.Fatalf("index not a string: %s", data)
			}
		}
	}
}
