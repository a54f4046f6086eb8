package vcapi_test

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vcapi"
)

// BenchmarkServerVerifyLoad drives POST /credentials/verify over loopback HTTP with a
// fixed number of concurrent clients (16) and b.N requests in all, and reports the
// throughput (req/s) and latency percentiles (p50-ms, p99-ms). Every answer must be
// 200: the server stays up and correct under load. Compare with
// BenchmarkVerifyDirect, the same verification without HTTP, run in the same process:
//
//	go test ./vcapi -run '^$' -bench 'ServerVerifyLoad|VerifyDirect' -benchtime 2000x -count 3 -cpu 1
func BenchmarkServerVerifyLoad(b *testing.B) {
	body := verifyBody(signedCredential(b))
	addr, stop := startServer(b, vcapi.Config{})
	defer func() {
		if err := stop(); err != nil {
			b.Error(err)
		}
	}()
	const clients = 16
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	url := "http://" + addr + "/credentials/verify"

	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t0 := time.Now()
				resp, err := client.Post(url, "application/json", bytes.NewReader(body))
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failed.Add(1)
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d requests failed", n, b.N)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// BenchmarkVerifyDirect is the same verification as BenchmarkServerVerifyLoad's
// requests, called directly: the baseline for the HTTP overhead ratio.
func BenchmarkVerifyDirect(b *testing.B) {
	cred := signedCredential(b)
	v := vc.NewVerifier(vc.VerifierConfig{})
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, cred); err != nil {
			b.Fatal(err)
		}
	}
}
