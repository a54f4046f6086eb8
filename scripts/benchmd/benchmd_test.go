package main

import (
	"bytes"
	"strings"
	"testing"
)

const sampleOutput = `goos: linux
goarch: amd64
pkg: github.com/polity-id/polity/vc/dataintegrity
cpu: AMD EPYC
BenchmarkVerifyEdDSARDFC
BenchmarkVerifyEdDSARDFC         	    5000	    200000 ns/op	   30000 B/op	     140 allocs/op
BenchmarkVerifyEdDSARDFC         	    5000	    100000 ns/op	   30000 B/op	     140 allocs/op
BenchmarkVerifyEdDSARDFC         	    5000	    300000 ns/op	   30000 B/op	     142 allocs/op
BenchmarkRawEd25519Verify        	   20000	     50000 ns/op	       0 B/op	       0 allocs/op
BenchmarkFiles/eddsa-rdfc-2022-membership.json/aries
    peer_bench_test.go:44: aries cannot verify: unsupported proof type: DataIntegrityProof
--- SKIP: BenchmarkFiles/eddsa-rdfc-2022-membership.json/aries
BenchmarkFiles/eddsa-rdfc-2022-membership.json/polity
BenchmarkFiles/vc-jwt.jwt/aries
--- SKIP: BenchmarkFiles/vc-jwt.jwt/aries
    peer_bench_test.go:44: typ is not JWT
BenchmarkDoorCheck_DI            	    1000	   1500000 ns/op	         1200 p50-µs	         3400 p99-µs	   90000 B/op	     900 allocs/op
PASS
`

func TestParseGoBench(t *testing.T) {
	r := parseGoBench(sampleOutput)
	if len(r.Benches) != 3 {
		t.Fatalf("%d benchmarks: %+v", len(r.Benches), r.Benches)
	}
	v := r.Find("VerifyEdDSARDFC")
	if v == nil || v.Runs != 3 || v.NsPerOp() != 200000 || v.Metrics["allocs/op"] != 140 || v.OpsPerSec() != 5000 {
		t.Errorf("median: %+v", v)
	}
	d := r.Find("DoorCheck_DI")
	if d == nil || d.Metrics["p99-µs"] != 3400 || d.Metrics["p50-µs"] != 1200 {
		t.Errorf("custom metrics: %+v", d)
	}
	why := r.Skips["Files/eddsa-rdfc-2022-membership.json/aries"]
	if why != "aries cannot verify: unsupported proof type: DataIntegrityProof" {
		t.Errorf("skip reason before: %q", why)
	}
	if why := r.Skips["Files/vc-jwt.jwt/aries"]; why != "typ is not JWT" {
		t.Errorf("skip reason after: %q", why)
	}
}

func TestAlgOf(t *testing.T) {
	for name, want := range map[string]string{
		"VerifyMembership_EdDSARDFC":          "Ed25519",
		"VerifyEd25519Signature2020":          "Ed25519",
		"VerifyECDSARDFC_P256":                "P-256",
		"Verify/P-384":                        "P-384",
		"VerifyCredential/ES256/raw":          "P-256",
		"Verify/secp256k1":                    "secp256k1",
		"RawP384Verify":                       "P-384",
		"OpenUnlock/argon2id-t3-m65536KiB-p4": "",
		"DoorCheck_SDJWT":                     "",
	} {
		if got := algOf(name); got != want {
			t.Errorf("algOf(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestIsRaw(t *testing.T) {
	for name, want := range map[string][2]bool{ // raw, sign
		"RawEd25519Verify":           {true, false},
		"RawP256Sign":                {true, true},
		"Ed25519Verify":              {true, false},
		"VerifyCredential/EdDSA/raw": {true, false},
		"IssueEdDSARDFC":             {false, true},
		"Issue/eddsa-rdfc-2022":      {false, true},
		"VerifyVsRaw/eddsa-jcs-2022": {false, false},
		"DoorCheck_DI":               {false, false},
	} {
		if isRaw(name) != want[0] || isSign(name) != want[1] {
			t.Errorf("%s: raw %v sign %v, want %v", name, isRaw(name), isSign(name), want)
		}
	}
}

func TestSplice(t *testing.T) {
	sybil := "## Sybil\n\nAll figures from one machine.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
	old := "# Benchmarks\n\n" + sybil
	first := splice([]byte(old), "## Generated\n\nv1\n")
	if !bytes.HasSuffix(first, []byte(sybil)) || !bytes.HasPrefix(first, []byte("# Benchmarks\n\n"+beginMarker)) {
		t.Fatalf("first splice:\n%s", first)
	}
	second := splice(first, "## Generated\n\nv2\n")
	if !bytes.HasSuffix(second, []byte(sybil)) || bytes.Contains(second, []byte("v1")) || !bytes.Contains(second, []byte("v2")) {
		t.Fatalf("second splice:\n%s", second)
	}
	if again := splice(second, "## Generated\n\nv2\n"); !bytes.Equal(again, second) {
		t.Fatalf("splice is not stable:\n%s\n---\n%s", second, again)
	}
	if n := strings.Count(string(second), beginMarker); n != 1 {
		t.Fatalf("%d begin markers", n)
	}
	if empty := splice(nil, "x"); !bytes.HasPrefix(empty, []byte("# Benchmarks\n")) {
		t.Fatalf("new file: %s", empty)
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{fmtOps(1234567.8), "1,234,568"},
		{fmtOps(42.25), "42.2"},
		{fmtOps(0), "—"},
		{fmtRatio(0.4921), "0.49"},
		{fmtRatio(0.0154), "0.015"},
		{fmtSpeedup(48.2), "48×"},
		{fmtSpeedup(1.26), "1.3×"},
		{fmtRatio(0.0999), "0.1"},
		{fmtRatio(2), "2"},
		{fmtTime(192319), "192.3 µs"},
		{fmtTime(9294933), "9.29 ms"},
		{fmtNum(31343), "31,343"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
