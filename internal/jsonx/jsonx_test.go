package jsonx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	deep := strings.Repeat("[", 65) + strings.Repeat("]", 65)
	okDeep := strings.Repeat("[", 64) + strings.Repeat("]", 64)
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"object", `{"a":1,"b":[true,false,null],"c":{"d":"e"}}`, nil},
		{"numbers", `[0,-0,1.5,-2e10,3E+2,4e-3,123456789012345678901234567890]`, nil},
		{"escapes", `"\u00e9\n\t\"\\\/\ud83d\ude00"`, nil},
		{"whitespace", " \t\n{ } \r\n", nil},
		{"depth at limit", okDeep, nil},
		{"empty", ``, ErrMalformed},
		{"trailing data", `{} {}`, ErrMalformed},
		{"trailing comma", `[1,]`, ErrMalformed},
		{"leading zero", `01`, ErrMalformed},
		{"bare minus", `-`, ErrMalformed},
		{"dot without digits", `1.`, ErrMalformed},
		{"bad exponent", `1e`, ErrMalformed},
		{"single quotes", `{'a':1}`, ErrMalformed},
		{"unterminated string", `"abc`, ErrMalformed},
		{"control char", "\"a\x01b\"", ErrMalformed},
		{"invalid utf8", "\"\xff\"", ErrMalformed},
		{"lone high surrogate", `"\ud83d"`, ErrMalformed},
		{"lone low surrogate", `"\ude00"`, ErrMalformed},
		{"bad escape", `"\x"`, ErrMalformed},
		{"NaN", `NaN`, ErrMalformed},
		{"duplicate key", `{"a":1,"a":2}`, ErrDuplicateKey},
		{"duplicate key via escape", `{"a":1,"\u0061":2}`, ErrDuplicateKey},
		{"duplicate nested", `{"x":{"id":1,"id":1}}`, ErrDuplicateKey},
		{"same key different objects", `[{"a":1},{"a":2}]`, nil},
		{"same key parent and child", `{"a":{"a":1}}`, nil},
		{"too deep", deep, ErrTooDeep},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check([]byte(tt.in), Limits{})
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Check(%q) = %v, want nil", tt.in, err)
				}
				if !json.Valid([]byte(tt.in)) {
					t.Fatalf("encoding/json disagrees: %q is invalid", tt.in)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Check(%q) = %v, want %v", tt.in, err, tt.want)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Check(%q) = %v, does not match ErrMalformed", tt.in, err)
			}
		})
	}
}

func TestCheckTooLarge(t *testing.T) {
	in := []byte(`"` + strings.Repeat("a", 100) + `"`)
	if err := Check(in, Limits{MaxBytes: len(in)}); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	if err := Check(in, Limits{MaxBytes: len(in) - 1}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("past the limit: got %v, want ErrTooLarge", err)
	}
}

func TestDecodeUsesNumber(t *testing.T) {
	v, err := Decode([]byte(`{"n":12345678901234567890}`), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	n, ok := v.(map[string]any)["n"].(json.Number)
	if !ok || n.String() != "12345678901234567890" {
		t.Fatalf("got %#v, want json.Number 12345678901234567890", v)
	}
}

func TestUnmarshalRejectsDuplicate(t *testing.T) {
	var m map[string]int
	err := Unmarshal([]byte(`{"role":1,"role":2}`), &m, Limits{})
	var se *SyntaxError
	if !errors.As(err, &se) || !errors.Is(err, ErrDuplicateKey) {
		t.Fatalf("got %v, want *SyntaxError wrapping ErrDuplicateKey", err)
	}
	if !strings.Contains(err.Error(), `"role"`) {
		t.Fatalf("message %q should name the member", err)
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{`{}`, `[1,2]`, `{"a":"\u0061","b":[null]}`, `{"a":1,"a":2}`, `"\ud83d\ude00"`, `-1.5e-7`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := Check(data, Limits{MaxBytes: 4096, MaxDepth: 16})
		if err == nil && !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Fatalf("error %v does not match ErrMalformed", err)
		}
	})
}

func BenchmarkCheckCredential(b *testing.B) {
	doc := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://polity.id/ns/v1"],"id":"urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33","type":["VerifiableCredential","MembershipCredential"],"issuer":"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK","validFrom":"2026-01-01T00:00:00Z","credentialSubject":{"id":"did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH","community":"https://example.org/community","role":"member","memberSince":"2025-06-01T00:00:00Z"},"proof":{"type":"DataIntegrityProof","cryptosuite":"eddsa-rdfc-2022","created":"2026-01-01T00:00:00Z","verificationMethod":"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK","proofPurpose":"assertionMethod","proofValue":"z2YwC8z3ap7yx1nZYCg4L3j3ApHsF8kgPdSb5xoS1VR7vPG3F561B52hYnQF9iseabecm3ijx4K1FBTQsCZahKZme"}}`)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Check(doc, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCheckManyMembers(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range 50000 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"k` + strconv.Itoa(i) + `":0`)
	}
	b.WriteString("}")
	if err := Check([]byte(b.String()), Limits{}); err != nil {
		t.Fatalf("many distinct members: %v", err)
	}
	dup := strings.TrimSuffix(b.String(), "}") + `,"k49999":1}`
	if err := Check([]byte(dup), Limits{}); !errors.Is(err, ErrDuplicateKey) {
		t.Fatalf("duplicate among many members: got %v, want ErrDuplicateKey", err)
	}
}

// decodeStd decodes data with encoding/json, numbers as json.Number or float64.
func decodeStd(data []byte, useNumber bool) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if useNumber {
		dec.UseNumber()
	}
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data")
	}
	return v, nil
}

// TestDecodeAgreesWithEncodingJSON: on strict input Decode and DecodeFloat give the
// values encoding/json gives; on everything Check rejects they fail with its kind.
func TestDecodeAgreesWithEncodingJSON(t *testing.T) {
	valid := []struct{ name, in string }{
		{"object", `{"a":1,"b":[true,false,null],"c":{"d":"e"}}`},
		{"numbers", `[0,-0,1.5,-2e10,3E+2,4e-3,123456789012345678901234567890,1e-400]`},
		{"escapes", `"\u00e9\n\t\"\\\/\ud83d\ude00 \b\f\r"`},
		{"escaped names", `{"\u0061b":1,"a\"b":2,"\n":3}`},
		{"utf8", `{"é":"日本語","😀":["ü"]}`},
		{"whitespace", " \t\n{ \"a\" : [ ] , \"b\" : { } } \r\n"},
		{"empty containers", `[{},[],""]`},
		{"nested arrays", `[[1,[2,[3,{"x":[4]}]]],5]`},
		{"many members", `{"a0":0,"a1":1,"a2":2,"a3":3,"a4":4,"a5":5,"a6":6,"a7":7,"a8":8,"a9":9,"b0":0,"b1":1,"b2":2,"b3":3,"b4":4,"b5":5,"b6":6,"b7":7,"b8":8,"b9":9}`},
		{"scalar", `"x"`},
	}
	for _, tt := range valid {
		t.Run(tt.name, func(t *testing.T) {
			for _, useNumber := range []bool{true, false} {
				decode := DecodeFloat
				if useNumber {
					decode = Decode
				}
				got, err := decode([]byte(tt.in), Limits{})
				if err != nil {
					t.Fatalf("useNumber=%v: %v", useNumber, err)
				}
				want, err := decodeStd([]byte(tt.in), useNumber)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("useNumber=%v:\n got %#v\nwant %#v", useNumber, got, want)
				}
			}
		})
	}
	bad := []struct {
		name string
		in   string
		want error
	}{
		{"duplicate", `{"a":1,"a":2}`, ErrDuplicateKey},
		{"duplicate after escape", `{"a":1,"\u0061":2}`, ErrDuplicateKey},
		{"duplicate in large object", `{"a0":0,"a1":1,"a2":2,"a3":3,"a4":4,"a5":5,"a6":6,"a7":7,"a8":8,"a9":9,"b0":0,"b1":1,"b2":2,"b3":3,"b4":4,"b5":5,"b6":6,"b7":7,"b8":8,"b9":9,"a3":3}`, ErrDuplicateKey},
		{"duplicate nested in array", `[{"x":[{"id":1,"id":2}]}]`, ErrDuplicateKey},
		{"too deep", strings.Repeat("[", 65) + strings.Repeat("]", 65), ErrTooDeep},
		{"lone surrogate", `"\ud800"`, ErrMalformed},
		{"invalid utf8", "\"\xc3\"", ErrMalformed},
		{"trailing", `{}x`, ErrMalformed},
		{"bad literal", `[tru]`, ErrMalformed},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			for _, decode := range []func([]byte, Limits) (any, error){Decode, DecodeFloat} {
				_, err := decode([]byte(tt.in), Limits{})
				var se *SyntaxError
				if !errors.Is(err, tt.want) || !errors.Is(err, ErrMalformed) || !errors.As(err, &se) {
					t.Fatalf("got %v, want *SyntaxError matching %v", err, tt.want)
				}
				if cerr := Check([]byte(tt.in), Limits{}); !errors.Is(cerr, tt.want) {
					t.Fatalf("Check disagrees: %v", cerr)
				}
			}
		})
	}
	if _, err := DecodeFloat([]byte(`[1e400]`), Limits{}); !errors.Is(err, ErrMalformed) {
		t.Fatalf("DecodeFloat(1e400) = %v, want ErrMalformed", err)
	}
	if v, err := Decode([]byte(`[1e400]`), Limits{}); err != nil || v.([]any)[0] != json.Number("1e400") {
		t.Fatalf("Decode(1e400) = %v, %v, want json.Number", v, err)
	}
}

// FuzzDecode: Decode accepts exactly what Check accepts, agrees with encoding/json on
// it, and fails with a *SyntaxError otherwise; encoding/json accepts whatever Decode
// accepts.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{}`, `[1,2]`, `{"a":"\u0061","b":[null]}`, `{"a":1,"a":2}`, `"\ud83d\ude00"`, `-1.5e-7`,
		`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"credentialSubject":{"id":"did:example:1","n":[1,2.5,{"x":null}]}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := Limits{MaxBytes: 4096, MaxDepth: 16}
		v, err := Decode(data, lim)
		cerr := Check(data, lim)
		if (err == nil) != (cerr == nil) {
			t.Fatalf("Decode error %v, Check error %v", err, cerr)
		}
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, ErrMalformed) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		want, serr := decodeStd(data, true)
		if serr != nil {
			t.Fatalf("accepted %q, encoding/json rejects it: %v", data, serr)
		}
		if !reflect.DeepEqual(v, want) {
			t.Fatalf("Decode(%q):\n got %#v\nwant %#v", data, v, want)
		}
		if fv, err := DecodeFloat(data, lim); err == nil {
			want, _ := decodeStd(data, false)
			if !reflect.DeepEqual(fv, want) {
				t.Fatalf("DecodeFloat(%q):\n got %#v\nwant %#v", data, fv, want)
			}
		} else if !errors.Is(err, ErrMalformed) {
			t.Fatalf("DecodeFloat: untyped error %v", err)
		}
	})
}

func BenchmarkDecodeCredential(b *testing.B) {
	doc := []byte(`{"@context":["https://www.w3.org/ns/credentials/v2","https://polity.id/ns/v1"],"id":"urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33","type":["VerifiableCredential","MembershipCredential"],"issuer":"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK","validFrom":"2026-01-01T00:00:00Z","credentialSubject":{"id":"did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH","community":"https://example.org/community","role":"member","memberSince":"2025-06-01T00:00:00Z"},"proof":{"type":"DataIntegrityProof","cryptosuite":"eddsa-rdfc-2022","created":"2026-01-01T00:00:00Z","verificationMethod":"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK","proofPurpose":"assertionMethod","proofValue":"z2YwC8z3ap7yx1nZYCg4L3j3ApHsF8kgPdSb5xoS1VR7vPG3F561B52hYnQF9iseabecm3ijx4K1FBTQsCZahKZme"}}`)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(doc, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDecodeConcurrent: parsers are pooled; concurrent calls must not share state.
func TestDecodeConcurrent(t *testing.T) {
	docs := []string{`{"a":[1,{"b":"c"}],"d":"e\u00e9"}`, `[{"x":{"y":[true,null]}},"z"]`, `{"a":1,"a":2}`}
	want := make([]any, len(docs))
	for i, d := range docs {
		want[i], _ = decodeStd([]byte(d), true)
	}
	done := make(chan error)
	for g := 0; g < 8; g++ {
		go func() {
			for n := 0; n < 200; n++ {
				i := (g + n) % len(docs)
				v, err := Decode([]byte(docs[i]), Limits{})
				if i == 2 {
					if !errors.Is(err, ErrDuplicateKey) {
						done <- err
						return
					}
					continue
				}
				if err != nil || !reflect.DeepEqual(v, want[i]) {
					done <- errors.New("concurrent decode differs")
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
