package multi

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzDecode checks that multibase and multicodec decoding never panics, respects the
// size cap, fails only with this package's kinds, and round-trips what it accepts.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",  // did:key Ed25519 vector
		"zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169", // did:key P-256 vector
		"uAQIDBA", "z", "u", "", "zz", "z0OIl", "u+/", "f00", "z1111", // edge and invalid encodings
	} {
		f.Add(s, 64)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		max %= 1 << 12
		enc, b, err := Decode(s, max)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrUnsupportedEncoding) {
				t.Fatalf("Decode(%q): untyped error %v", s, err)
			}
			return
		}
		if len(b) > capOf(max) {
			t.Fatalf("Decode(%q, %d): %d bytes over the cap", s, max, len(b))
		}
		var again []byte
		switch enc {
		case Base58BTC:
			again, err = DecodeBase58(EncodeBase58(b), 0)
		case Base64URL:
			again, err = DecodeBase64URL(EncodeBase64URL(b), 0)
		default:
			t.Fatalf("Decode(%q): encoding %q", s, enc)
		}
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("round trip of %x: %x, %v", b, again, err)
		}
		code, rest, err := SplitCodec(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("SplitCodec(%x): untyped error %v", b, err)
			}
			return
		}
		if got := AppendCodec(nil, code, rest); !bytes.Equal(got, b) {
			t.Fatalf("codec round trip of %x: %x", b, got)
		}
	})
}
