package multi

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestBase58(t *testing.T) {
	for _, b := range [][]byte{{0}, {0, 0, 1}, []byte("hello"), bytes.Repeat([]byte{0xff}, 40)} {
		s := EncodeBase58(b)
		got, err := DecodeBase58(s, 0)
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("%x: %q -> %x, %v", b, s, got, err)
		}
	}
	for _, tt := range []struct {
		in   string
		want error
	}{
		{"", ErrMalformed}, {"u AAA", ErrUnsupportedEncoding}, {"z0OIl", ErrMalformed},
		{"z" + strings.Repeat("2", 200), ErrTooLarge},
	} {
		if _, err := DecodeBase58(tt.in, 100); !errors.Is(err, tt.want) {
			t.Errorf("%q: %v, want %v", tt.in, err, tt.want)
		}
	}
}

func TestBase64URL(t *testing.T) {
	s := EncodeBase64URL([]byte{0xfb, 0xff})
	if s != "u-_8" {
		t.Fatalf("got %q", s)
	}
	if b, err := DecodeBase64URL(s, 0); err != nil || !bytes.Equal(b, []byte{0xfb, 0xff}) {
		t.Fatal(err)
	}
	for _, in := range []string{"u-_9", "u+/8", "u-_8=", "z-_8"} { // non-canonical, std alphabet, padding, wrong base
		if _, err := DecodeBase64URL(in, 0); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
	if _, err := DecodeBase64URL("u"+strings.Repeat("A", 100), 10); !errors.Is(err, ErrTooLarge) {
		t.Error(err)
	}
}

func TestCodec(t *testing.T) {
	for _, code := range []uint64{Ed25519Pub, P256Pub, P384Priv, 0, 1 << 40} {
		b := AppendCodec(nil, code, []byte{9})
		got, rest, err := SplitCodec(b)
		if err != nil || got != code || !bytes.Equal(rest, []byte{9}) {
			t.Errorf("0x%x: %x %v", code, got, err)
		}
	}
	if b := AppendCodec(nil, P256Pub, nil); !bytes.Equal(b, []byte{0x80, 0x24}) {
		t.Errorf("p256-pub varint %x", b)
	}
	for _, bad := range [][]byte{{}, {0x80}, {0x80, 0x00}, bytes.Repeat([]byte{0xff}, 10)} {
		if _, _, err := SplitCodec(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("%x: %v", bad, err)
		}
	}
}
