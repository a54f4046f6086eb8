package aries_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/vc"
)

// benchFilesEnv names the files BenchmarkFiles verifies: a list separated by the OS path
// list separator. scripts/benchmarks.sh sets it to the credential set that `polity bench`
// and the Node peer (../node/bench.mjs) measure in the same run, and the challenge and
// domain of its presentations in the two other variables.
const (
	benchFilesEnv     = "POLITY_BENCH_FILES"
	benchChallengeEnv = "POLITY_BENCH_CHALLENGE"
	benchDomainEnv    = "POLITY_BENCH_DOMAIN"
)

// defaultBenchFiles are the Digital Bazaar fixtures aries can read (VCDM 1.1).
var defaultBenchFiles = []string{
	"ed25519signature2020-v11-membership.json",
	"jwt-vc-v11-eddsa-full.jwt",
	"jwt-vc-v11-es256-claims.jwt",
}

// BenchmarkFiles verifies each shared benchmark file with aries and with Polity
// (sub-benchmarks FILE/aries and FILE/polity, same bytes). A file aries cannot verify
// (a VCDM 2.0 Data Integrity suite, vc+jwt) is skipped with aries' error, so that the
// generator can say why in BENCHMARKS.md.
func BenchmarkFiles(b *testing.B) {
	e := getEnv(b)
	// Presentations are verified with the challenge and domain they were made for and
	// without the replay check, which would refuse every repetition.
	pv := vc.NewVerifier(vc.VerifierConfig{Now: func() time.Time { return verifyTime }, DisableReplayCheck: true})
	popts := vc.PresentationOptions{Challenge: os.Getenv(benchChallengeEnv), Domain: os.Getenv(benchDomainEnv)}
	files := filepath.SplitList(os.Getenv(benchFilesEnv))
	if len(files) == 0 {
		for _, f := range defaultBenchFiles {
			files = append(files, filepath.Join("..", "node", "fixtures", f))
		}
	}
	for _, path := range files {
		raw, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		raw = []byte(strings.TrimSpace(string(raw)))
		polityVerify := func() error {
			_, err := e.polityVerify(raw)
			return err
		}
		if vc.IsPresentation(raw) {
			polityVerify = func() error {
				_, err := pv.VerifyPresentation(context.Background(), raw, popts)
				return err
			}
		}
		b.Run(filepath.Base(path), func(b *testing.B) {
			b.Run("aries", func(b *testing.B) {
				if err := e.ariesVerify(raw); err != nil {
					b.Skipf("aries cannot verify: %s", firstLine(err.Error()))
				}
				b.ReportAllocs()
				for b.Loop() {
					if err := e.ariesVerify(raw); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("polity", func(b *testing.B) {
				if err := polityVerify(); err != nil {
					b.Fatalf("polity: %v", err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if err := polityVerify(); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
