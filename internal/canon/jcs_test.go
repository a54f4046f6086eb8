package canon

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/polity-id/polity/internal/jsonx"
)

// TestES6Numbers checks the number serialization samples of RFC 8785 Appendix B
// (IEEE 754 bit pattern -> JCS text).
func TestES6Numbers(t *testing.T) {
	for _, tc := range []struct{ bits, want string }{
		{"0000000000000000", "0"},
		{"8000000000000000", "0"},
		{"0000000000000001", "5e-324"},
		{"8000000000000001", "-5e-324"},
		{"7fefffffffffffff", "1.7976931348623157e+308"},
		{"ffefffffffffffff", "-1.7976931348623157e+308"},
		{"4340000000000000", "9007199254740992"},
		{"c340000000000000", "-9007199254740992"},
		{"4430000000000000", "295147905179352830000"},
		{"44b52d02c7e14af5", "9.999999999999997e+22"},
		{"44b52d02c7e14af6", "1e+23"},
		{"44b52d02c7e14af7", "1.0000000000000001e+23"},
		{"444b1ae4d6e2ef4e", "999999999999999700000"},
		{"444b1ae4d6e2ef4f", "999999999999999900000"},
		{"444b1ae4d6e2ef50", "1e+21"},
		{"3eb0c6f7a0b5ed8c", "9.999999999999997e-7"},
		{"3eb0c6f7a0b5ed8d", "0.000001"},
		{"41b3de4355555553", "333333333.3333332"},
		{"41b3de4355555554", "333333333.33333325"},
		{"41b3de4355555555", "333333333.3333333"},
		{"41b3de4355555556", "333333333.3333334"},
		{"41b3de4355555557", "333333333.33333343"},
		{"becbf647612f3696", "-0.0000033333333333333333"},
		{"43143ff3c1cb0959", "1424953923781206.2"},
		// ES6 samples from the RFC 8785 es6 test file description.
		{"4340000000000001", "9007199254740994"},
		{"4340000000000002", "9007199254740996"},
	} {
		t.Run("RFC8785-B/"+tc.bits, func(t *testing.T) {
			b, _ := hex.DecodeString(tc.bits)
			f := math.Float64frombits(binary.BigEndian.Uint64(b))
			got, err := AppendES6Number(nil, f)
			if err != nil || string(got) != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
			// The same number written as JSON text canonicalizes the same way.
			got, err = JCS([]byte(tc.want))
			if err != nil || string(got) != tc.want {
				t.Fatalf("JCS(%s) = %q, %v", tc.want, got, err)
			}
		})
	}
	for _, bits := range []string{"7fffffffffffffff", "7ff0000000000000", "fff0000000000000"} {
		t.Run("RFC8785-B/"+bits, func(t *testing.T) {
			b, _ := hex.DecodeString(bits)
			f := math.Float64frombits(binary.BigEndian.Uint64(b))
			if _, err := AppendES6Number(nil, f); !errors.Is(err, ErrNumber) {
				t.Fatalf("got %v, want ErrNumber", err)
			}
		})
	}
}

func TestJCS(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		// RFC 8785 section 3.2.2 (serialization of primitive data types).
		{"RFC8785-3.2.2", `{
  "numbers": [333333333.33333329, 1E30, 4.50,
              2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`, `{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`},
		// RFC 8785 section 3.2.3 (sorting of object properties).
		{"RFC8785-3.2.3", `{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}`, "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}"},
		{"nested", `{"b":[{"z":1,"a":2},[]],"a":{}}`, `{"a":{},"b":[{"a":2,"z":1},[]]}`},
		{"scalars", ` -0.0 `, `0`},
		{"controls", `"\u0000\u001f\u007f\b\t"`, `"\u0000\u001f` + "\x7f" + `\b\t"`},
		{"underflow", `1e-400`, `0`},
		{"big-int", `100000000000000000000000`, `1e+23`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := JCS([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestJCSErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     error
	}{
		{"duplicate", `{"a":1,"a":2}`, jsonx.ErrDuplicateKey},
		{"duplicate-escaped", `{"a":1,"\u0061":2}`, jsonx.ErrDuplicateKey},
		{"lone-high-surrogate", `"\ud800"`, jsonx.ErrMalformed},
		{"lone-low-surrogate", `"\udc00x"`, jsonx.ErrMalformed},
		{"bad-pair", `"\ud800\u0041"`, jsonx.ErrMalformed},
		{"invalid-utf8", "\"\xff\"", jsonx.ErrMalformed},
		{"raw-surrogate-utf8", "\"\xed\xa0\x80\"", jsonx.ErrMalformed},
		{"nan", `NaN`, jsonx.ErrMalformed},
		{"infinity", `Infinity`, jsonx.ErrMalformed},
		{"overflow", `1e400`, ErrNumber},
		{"negative-overflow", `-1.8e308`, ErrNumber},
		{"leading-zero", `01`, jsonx.ErrMalformed},
		{"trailing-dot", `1.`, jsonx.ErrMalformed},
		{"plus", `+1`, jsonx.ErrMalformed},
		{"trailing-data", `{} {}`, jsonx.ErrMalformed},
		{"trailing-comma", `[1,]`, jsonx.ErrMalformed},
		{"control-in-string", "\"a\nb\"", jsonx.ErrMalformed},
		{"empty", ``, jsonx.ErrMalformed},
		{"too-deep", strings.Repeat("[", 65) + strings.Repeat("]", 65), jsonx.ErrTooDeep},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := JCS([]byte(tc.in))
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			var je *JCSError
			if !errors.As(err, &je) {
				t.Fatalf("error %T is not *JCSError", err)
			}
		})
	}
	if _, err := JCSLimits([]byte(`[1,2,3]`), jsonx.Limits{MaxBytes: 4}); !errors.Is(err, jsonx.ErrTooLarge) {
		t.Fatalf("MaxBytes: got %v", err)
	}
	if _, err := JCSLimits([]byte(`[[1]]`), jsonx.Limits{MaxDepth: 1}); !errors.Is(err, jsonx.ErrTooDeep) {
		t.Fatalf("MaxDepth: got %v", err)
	}
}

// TestJCSDataIntegrity checks the eddsa-jcs-2022 vectors (w3c/vc-di-eddsa).
func TestJCSDataIntegrity(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"eddsa-unsigned.json", "eddsa-jcs-2022-canonDoc.json"},
		{"eddsa-jcs-2022-proofConfig.json", "eddsa-jcs-2022-proofCanon.json"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			in, want := diDoc(t, tc.in), diDoc(t, tc.want)
			got, err := JCS(in)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("got  %s\nwant %s", got, want)
			}
			v, err := jsonx.Decode(in, jsonx.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			got, err = JCSValue(v)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("JCSValue: got %s, %v", got, err)
			}
		})
	}
}

func TestJCSValue(t *testing.T) {
	got, err := JCSValue(map[string]any{"b": []any{1, int64(2), 2.5, json.Number("1E3"), nil, true}, "a": "x"})
	if err != nil || string(got) != `{"a":"x","b":[1,2,2.5,1000,null,true]}` {
		t.Fatalf("got %s, %v", got, err)
	}
	for _, tc := range []struct {
		name string
		v    any
		want error
	}{
		{"nan", math.NaN(), ErrNumber},
		{"bad-number", json.Number("1e"), jsonx.ErrMalformed},
		{"huge-number", json.Number("1e999"), ErrNumber},
		{"bad-utf8", "\xff", jsonx.ErrMalformed},
		{"type", struct{}{}, jsonx.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := JCSValue(tc.v); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	deep := any(nil)
	for range 100 {
		deep = []any{deep}
	}
	if _, err := JCSValue(deep); !errors.Is(err, jsonx.ErrTooDeep) {
		t.Fatalf("deep: got %v", err)
	}
}

func TestCompareUTF16(t *testing.T) {
	// U+FB33 (one code unit 0xFB33) sorts after U+1F600 (0xD83D 0xDE00) in UTF-16 but
	// before it in code point order.
	if CompareUTF16("\ufb33", "😀") <= 0 {
		t.Fatal("U+FB33 must sort after U+1F600")
	}
	if CompareUTF16("a", "ab") >= 0 || CompareUTF16("ab", "ab") != 0 || CompareUTF16("\U0001F600", "\U0001F601") >= 0 {
		t.Fatal("prefix or equal order wrong")
	}
}

func jcsSeeds(f *testing.F) {
	for _, name := range []string{"eddsa-unsigned.json", "eddsa-jcs-2022-proofConfig.json"} {
		data, err := os.ReadFile(filepath.Join(suiteDir, "di", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{`{"a":[1,2.5,-0,1e21,1e-7],"\u20ac":"\ud83d\ude00"}`, `"\u0000"`, `[]`, `{"a":1,"a":2}`, `1e400`} {
		f.Add([]byte(s))
	}
}

// FuzzJCS checks that JCS output is valid JSON, equal in value to the input, and a fixed point.
func FuzzJCS(f *testing.F) {
	jcsSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := JCS(data)
		if err != nil {
			var je *JCSError
			if !errors.As(err, &je) || !errors.Is(err, jsonx.ErrMalformed) && !errors.Is(err, ErrNumber) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		again, err := JCS(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent: %q -> %q (%v)", out, again, err)
		}
		var a, b any
		if err := json.Unmarshal(data, &a); err != nil {
			t.Fatalf("accepted input encoding/json rejects: %v", err)
		}
		if err := json.Unmarshal(out, &b); err != nil {
			t.Fatalf("output is not JSON: %v", err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("value changed: %q -> %q", data, out)
		}
	})
}
