package door

import (
	"context"
	"sort"
	"testing"
	"time"
)

// reportPercentiles reports p50 and p99 of per-check durations.
func reportPercentiles(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	pct := func(p float64) float64 { return float64(d[int(float64(len(d)-1)*p)].Microseconds()) }
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}

// BenchmarkDoorCheck_JOSE measures a full check of a vp+jwt presentation:
// challenge, holder signature, credential signature, validity, status list and
// policy (issuer, claims, age, score). Presentations are made beforehand, each
// with its own challenge.
func BenchmarkDoorCheck_JOSE(b *testing.B) {
	w := newWorld(b)
	d := w.open(b, &Config{MaxChallenges: 1 << 22})
	cred := w.issue(b, w.aliceDID, w.defaults(w.aliceDID))
	vps := make([][]byte, b.N)
	for i := range vps {
		vps[i] = present(b, w.alice, w.aliceDID, doorID, "bench-"+itoa(i), cred)
	}
	durs := make([]time.Duration, 0, b.N)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		o, _ := d.Check(ctx, vps[i])
		durs = append(durs, time.Since(start))
		if !o.Allow {
			b.Fatal(o.Reasons)
		}
	}
	b.StopTimer()
	reportPercentiles(b, durs)
}

// BenchmarkDoorCheck_SDJWT measures a full check of an SD-JWT VC with key binding.
func BenchmarkDoorCheck_SDJWT(b *testing.B) {
	w := newWorld(b)
	w.write(b, FilePolicy, `{"types":["MembershipCredential"],"issuers":[{"did":"`+commonsDID+`"}],
	  "constraints":[{"path":"credentialSubject.community","op":"equals","value":"`+commonsDID+`"}],"minScore":0.5}`)
	d := w.open(b, &Config{MaxChallenges: 1 << 22})
	vps := make([][]byte, b.N)
	for i := range vps {
		vps[i] = w.presentSDJWT(b, w.alice, w.aliceDID, doorID, "bench-"+itoa(i), commonsDID)
	}
	durs := make([]time.Duration, 0, b.N)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		o, _ := d.Check(ctx, vps[i])
		durs = append(durs, time.Since(start))
		if !o.Allow {
			b.Fatal(o.Reasons)
		}
	}
	b.StopTimer()
	reportPercentiles(b, durs)
}

// BenchmarkDoorCheck_DI measures a full check of a Data Integrity presentation
// (eddsa-rdfc-2022 authentication proof over a credential with an
// eddsa-rdfc-2022 proof): challenge, holder proof, credential proof, validity,
// status list and policy.
func BenchmarkDoorCheck_DI(b *testing.B) {
	w := newWorld(b)
	d := w.open(b, &Config{MaxChallenges: 1 << 22})
	cred := w.issueDI(b, w.aliceDID, w.defaults(w.aliceDID))
	vps := make([][]byte, b.N)
	for i := range vps {
		vps[i] = w.wrapDI(b, w.alice, w.aliceDID, doorID, "bench-"+itoa(i), cred)
	}
	durs := make([]time.Duration, 0, b.N)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		o, _ := d.Check(ctx, vps[i])
		durs = append(durs, time.Since(start))
		if !o.Allow {
			b.Fatal(o.Reasons)
		}
	}
	b.StopTimer()
	reportPercentiles(b, durs)
}
