package aries_test

import (
	"encoding/json"
	"sync"
	"testing"
)

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

// benchInputs are the credentials both libraries verify in the benchmarks: Polity-issued
// (so each library's own signing speed does not matter), identical bytes for both.
type benchInputs struct {
	ldp, jwtEdDSA, jwtES256 []byte
}

var (
	benchOnce sync.Once
	benchIn   benchInputs
)

func inputs(b *testing.B) (*env, benchInputs) {
	b.Helper()
	e := getEnv(b)
	benchOnce.Do(func() {
		benchIn = benchInputs{
			ldp:      e.polityIssueLDP(b, e.ed),
			jwtEdDSA: []byte(e.polityIssueJWTVC(b, e.ed)),
			jwtES256: []byte(e.polityIssueJWTVC(b, e.p256)),
		}
	})
	return e, benchIn
}

func benchAries(b *testing.B, raw func(benchInputs) []byte) {
	e, in := inputs(b)
	data := raw(in)
	if err := e.ariesVerify(data); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := e.ariesVerify(data); err != nil {
			b.Fatal(err)
		}
	}
}

func benchPolity(b *testing.B, raw func(benchInputs) []byte) {
	e, in := inputs(b)
	data := raw(in)
	if _, err := e.polityVerify(data); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.polityVerify(data); err != nil {
			b.Fatal(err)
		}
	}
}

func ldp(in benchInputs) []byte      { return in.ldp }
func jwtEdDSA(in benchInputs) []byte { return in.jwtEdDSA }
func jwtES256(in benchInputs) []byte { return in.jwtES256 }

func BenchmarkAriesVerifyEd25519Signature2020(b *testing.B)  { benchAries(b, ldp) }
func BenchmarkPolityVerifyEd25519Signature2020(b *testing.B) { benchPolity(b, ldp) }
func BenchmarkAriesVerifyJWTVCEdDSA(b *testing.B)            { benchAries(b, jwtEdDSA) }
func BenchmarkPolityVerifyJWTVCEdDSA(b *testing.B)           { benchPolity(b, jwtEdDSA) }
func BenchmarkAriesVerifyJWTVCES256(b *testing.B)            { benchAries(b, jwtES256) }
func BenchmarkPolityVerifyJWTVCES256(b *testing.B)           { benchPolity(b, jwtES256) }
