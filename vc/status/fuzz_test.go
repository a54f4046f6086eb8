package status

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// FuzzDecodeList seeds from the decoded-encodedLists vectors and checks that the
// decoder never panics, fails only with ErrMalformed (ErrListTooLarge included), stays
// within its cap, and round-trips what it accepts.
func FuzzDecodeList(f *testing.F) {
	for _, v := range decodedVectors(f) {
		f.Add(v.EncodedList)
	}
	f.Add("")
	f.Add("u")
	f.Add("uH4sI")
	f.Add(EncodeList(make([]byte, 3)))
	lim := Limits{MaxEncodedBytes: 1 << 16, MaxDecodedBytes: 1 << 18}
	f.Fuzz(func(t *testing.T, s string) {
		bits, err := DecodeList(s, lim)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error of no kind: %v", err)
			}
			return
		}
		if len(bits) > lim.MaxDecodedBytes {
			t.Fatalf("decoded %d bytes over the cap", len(bits))
		}
		again, err := DecodeList(EncodeList(bits), Limits{MaxEncodedBytes: 1 << 20, MaxDecodedBytes: 1 << 18})
		if err != nil || !bytes.Equal(again, bits) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// FuzzParseStatusEntry seeds from the spec examples' entries and checks that parsing
// never panics, fails only with ErrMalformed or ErrUnsupportedType, and that an
// accepted entry marshals to JSON that parses back to the same entry.
func FuzzParseStatusEntry(f *testing.F) {
	for _, c := range exampleEntries {
		for _, e := range c.want {
			data, _ := json.Marshal(e)
			f.Add(data)
		}
	}
	f.Add([]byte(`{"type":"StatusList2021Entry","statusPurpose":"revocation","statusListIndex":43,"statusListCredential":"https://example.com/s"}`))
	f.Add([]byte(`{"type":["BitstringStatusListEntry"],"statusPurpose":"x","statusListIndex":"0","statusListCredential":"urn:x","statusReference":["https://a.example/","https://b.example/"]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ParseEntry(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupportedType) {
				t.Fatalf("error of no kind: %v", err)
			}
			return
		}
		out, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseEntry(out)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		if !entriesEqual(back, e) {
			t.Fatalf("round trip:\n%+v\n%+v", e, back)
		}
	})
}

// FuzzParseListCredential seeds from the spec's list credentials (examples 03 and 05)
// and checks that parsing a hostile list credential never panics, fails only with
// ErrMalformed (the decompression cap included), keeps the decoded list within its
// cap, and gives an accepted credential at least one purpose.
func FuzzParseListCredential(f *testing.F) {
	for _, file := range []string{"03-example-bitstringstatuslistcredential.json", "05-a-status-list-verifiable-credential.json"} {
		f.Add(readVector(f, "examples/"+file))
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"type":["VerifiableCredential","BitstringStatusListCredential"],"credentialSubject":{"type":"BitstringStatusList","statusPurpose":"revocation","encodedList":"uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"}}`))
	lim := Limits{MaxEncodedBytes: 1 << 16, MaxDecodedBytes: 1 << 18}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ParseListCredential(data, lim)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error of no kind: %v", err)
			}
			return
		}
		if len(l.Bits) > lim.MaxDecodedBytes {
			t.Fatalf("decoded %d bytes over the cap", len(l.Bits))
		}
		if len(l.Purposes) == 0 {
			t.Fatal("accepted a list credential without a status purpose")
		}
	})
}
