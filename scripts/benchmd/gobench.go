package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// goBench is one Go benchmark aggregated over its -count runs: the median of each
// metric ("ns/op", "B/op", "allocs/op", custom units such as "p99-µs").
type goBench struct {
	Name    string // without the "Benchmark" prefix (-cpu 1 adds no -N suffix)
	Runs    int
	Metrics map[string]float64
}

// NsPerOp returns the median ns/op, or 0.
func (b *goBench) NsPerOp() float64 { return b.Metrics["ns/op"] }

// OpsPerSec returns 1e9 / ns/op, or 0.
func (b *goBench) OpsPerSec() float64 {
	if ns := b.NsPerOp(); ns > 0 {
		return 1e9 / ns
	}
	return 0
}

// goRun names one `go test -bench` invocation.
type goRun struct {
	Pkg   string // ./vc/jose
	Bench string // -bench regexp
	Dir   string // working directory ("" = the repository root)
	Env   []string
}

// goResult is the outcome of one goRun.
type goResult struct {
	Run     goRun
	Benches []*goBench // in first-seen order
	Skips   map[string]string
	Err     error // the run failed (build error, failing benchmark); Output says why
	Output  string
}

// Find returns the benchmark with the given name (without "Benchmark"), or nil.
func (r *goResult) Find(name string) *goBench {
	if r == nil {
		return nil
	}
	for _, b := range r.Benches {
		if b.Name == name {
			return b
		}
	}
	return nil
}

// runGo runs one benchmark invocation with -cpu 1 and -benchmem and parses its output.
func runGo(o *options, r goRun, log io.Writer) *goResult {
	args := []string{"test", "-run", "^$", "-bench", r.Bench, "-benchmem", "-cpu", "1",
		"-count", strconv.Itoa(o.count), "-benchtime", o.benchtime, "-v", "-timeout", "60m", r.Pkg}
	fmt.Fprintf(log, "benchmd: go %s\n", strings.Join(args, " "))
	cmd := exec.Command("go", args...)
	cmd.Dir = r.Dir
	cmd.Env = append(os.Environ(), r.Env...)
	out, err := cmd.CombinedOutput()
	res := parseGoBench(string(out))
	res.Run = r
	res.Output = string(out)
	if err != nil {
		res.Err = fmt.Errorf("go test %s: %v", r.Pkg, err)
		fmt.Fprintf(log, "benchmd: %v\n%s\n", res.Err, tail(string(out), 20))
	}
	return res
}

var (
	benchLine = regexp.MustCompile(`^Benchmark(\S+)\s+(\d+)\s+(.+)$`)
	skipLine  = regexp.MustCompile(`^\s*--- SKIP: Benchmark(\S+)`)
)

// parseGoBench reads `go test -bench -v` output: result lines ("BenchmarkX  N  v unit
// v unit ...") and skipped benchmarks with their reason.
func parseGoBench(out string) *goResult {
	res := &goResult{Skips: map[string]string{}}
	samples := map[string]map[string][]float64{}
	runs := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var skipped, lastLog string
	for sc.Scan() {
		line := sc.Text()
		// A test log line: "    file_test.go:NN: text". go test prints a benchmark's
		// skip reason just before its "--- SKIP" line (some versions just after).
		logText, isLog := "", false
		if t := strings.TrimSpace(line); strings.HasPrefix(line, "    ") && strings.Contains(t, "_test.go:") {
			if _, after, ok := strings.Cut(t, ": "); ok {
				logText, isLog = after, true
			}
		}
		if skipped != "" && isLog {
			res.Skips[skipped] = logText
		}
		skipped = ""
		if isLog {
			lastLog = logText
			continue
		}
		if m := skipLine.FindStringSubmatch(line); m != nil {
			skipped = m[1]
			res.Skips[skipped] = lastLog
			lastLog = ""
			continue
		}
		lastLog = ""
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		fields := strings.Fields(m[3])
		if len(fields) < 2 || fields[1] != "ns/op" {
			continue
		}
		name := m[1]
		if samples[name] == nil {
			samples[name] = map[string][]float64{}
			res.Benches = append(res.Benches, &goBench{Name: name})
		}
		runs[name]++
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			samples[name][fields[i+1]] = append(samples[name][fields[i+1]], v)
		}
	}
	for _, b := range res.Benches {
		b.Runs = runs[b.Name]
		b.Metrics = map[string]float64{}
		for unit, vs := range samples[b.Name] {
			b.Metrics[unit] = median(vs)
		}
	}
	return res
}

func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}

// algOf guesses the signature algorithm a benchmark name is about ("" if none).
func algOf(name string) string {
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "secp256k1"), strings.Contains(n, "es256k"):
		return "secp256k1"
	case strings.Contains(n, "p384"), strings.Contains(n, "p-384"), strings.Contains(n, "es384"):
		return "P-384"
	case strings.Contains(n, "p256"), strings.Contains(n, "p-256"), strings.Contains(n, "es256"),
		strings.Contains(n, "ecdsa"):
		return "P-256"
	case strings.Contains(n, "ed25519"), strings.Contains(n, "eddsa"):
		return "Ed25519"
	}
	return ""
}

// rawName matches a bare signature benchmark such as Ed25519Verify or P256Sign.
var rawName = regexp.MustCompile(`^(?i:ed25519|p256|p384|secp256k1)(Verify|Sign)$`)

// isRaw reports whether a benchmark is a raw signature floor: BenchmarkRawXxx, a "raw"
// sub-benchmark, or a bare AlgVerify / AlgSign benchmark.
func isRaw(name string) bool {
	return strings.HasPrefix(name, "Raw") || strings.HasSuffix(name, "/raw") || rawName.MatchString(name)
}

// isSign reports whether a benchmark signs (its floor is the raw sign rate).
func isSign(name string) bool {
	return strings.HasPrefix(name, "Issue") || strings.HasPrefix(name, "Sign") ||
		(isRaw(name) && strings.Contains(name, "Sign"))
}
