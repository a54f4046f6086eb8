package door

import (
	"context"
	"crypto/ed25519"
	"runtime"
	"slices"
	"testing"
	"time"
)

// measure runs check b.N times on a locked OS thread and reports the p50 and p99
// of the wall time per check (p50-µs, p99-µs) and, where the platform has a
// per-thread CPU clock, of the CPU time (cpu-p50-µs, cpu-p99-µs). On a shared
// machine the wall tail mostly measures preemption by other processes; the CPU
// tail is what the check itself costs on one core.
func measure(b *testing.B, check func(i int)) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	wall := make([]time.Duration, 0, b.N)
	cpu := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c0, start := threadCPU(), time.Now()
		check(i)
		wall = append(wall, time.Since(start))
		if c0 >= 0 {
			cpu = append(cpu, threadCPU()-c0)
		}
	}
	b.StopTimer()
	report(b, "", wall)
	report(b, "cpu-", cpu)
}

// report reports the p50 and p99 of d, in microseconds.
func report(b *testing.B, prefix string, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	pct := func(p float64) float64 { return float64(d[int(float64(len(d)-1)*p)].Nanoseconds()) / 1e3 }
	b.ReportMetric(pct(0.50), prefix+"p50-µs")
	b.ReportMetric(pct(0.99), prefix+"p99-µs")
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
	ctx := context.Background()
	measure(b, func(i int) {
		if o, _ := d.Check(ctx, vps[i]); !o.Allow {
			b.Fatal(o.Reasons)
		}
	})
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
	ctx := context.Background()
	measure(b, func(i int) {
		if o, _ := d.Check(ctx, vps[i]); !o.Allow {
			b.Fatal(o.Reasons)
		}
	})
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
	ctx := context.Background()
	measure(b, func(i int) {
		if o, _ := d.Check(ctx, vps[i]); !o.Allow {
			b.Fatal(o.Reasons)
		}
	})
}

// BenchmarkEd25519Verify is the baseline for the door benchmarks: one raw Ed25519
// signature verification (a full check verifies two, plus the policy and status).
// Compare ratios measured in the same run.
func BenchmarkEd25519Verify(b *testing.B) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		b.Fatal(err)
	}
	msg := make([]byte, 512)
	sig := ed25519.Sign(priv, msg)
	measure(b, func(int) {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("bad signature")
		}
	})
}
