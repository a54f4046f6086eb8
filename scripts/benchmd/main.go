// Command benchmd regenerates the figures of BENCHMARKS.md in one run: the Go
// benchmarks (-cpu 1, -benchmem, -count N), `polity bench` beside the Node.js peer
// (interop/node/bench.mjs: Digital Bazaar's libraries and jose) and the aries peer
// (interop/aries BenchmarkFiles) on the same credential files, and the raw signature
// floors. It rewrites the part of BENCHMARKS.md between its markers and keeps the rest
// (the Sybil section) byte for byte.
//
// Run it through scripts/benchmarks.sh from anywhere in the repository:
//
//	scripts/benchmarks.sh            # full run, rewrites BENCHMARKS.md (several minutes)
//	scripts/benchmarks.sh --quick    # smoke run: short timings, prints to stdout
//
// It is a development tool, not part of the library; `go test ./...` never runs it.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// options are the generator's flags.
type options struct {
	root      string
	out       string
	quick     bool
	count     int
	benchtime string
	seconds   float64
	node      bool
	aries     bool
}

const usageText = `Usage: scripts/benchmarks.sh [--quick] [--count N] [--benchtime D] [--seconds S] [--out FILE] [--no-node] [--no-aries]

Regenerates every figure of BENCHMARKS.md except the Sybil section, which is kept as
it is (see that section for its own commands).

Options:
  --quick        smoke run: --count 1 --benchtime 100ms --seconds 0.3, output on
                 stdout unless --out is given
  --count N      go test -count (default 3); the tables give medians
  --benchtime D  go test -benchtime (default 1s)
  --seconds S    seconds per rate in polity bench and the Node peer (default 3)
  --out FILE     where to write (default BENCHMARKS.md at the repository root; "-" for
                 stdout)
  --no-node      skip the Node.js peer
  --no-aries     skip the aries peer
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	o := &options{}
	fs := flag.NewFlagSet("benchmd", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&o.quick, "quick", false, "")
	fs.IntVar(&o.count, "count", 0, "")
	fs.StringVar(&o.benchtime, "benchtime", "", "")
	fs.Float64Var(&o.seconds, "seconds", 0, "")
	fs.StringVar(&o.out, "out", "", "")
	noNode := fs.Bool("no-node", false, "")
	noAries := fs.Bool("no-aries", false, "")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fmt.Fprint(stdout, usageText)
			return 0
		}
		fmt.Fprintf(stderr, "benchmd: %v\n%s", err, usageText)
		return 2
	}
	if fs.NArg() != 0 || o.count < 0 || o.seconds < 0 {
		fmt.Fprint(stderr, usageText)
		return 2
	}
	o.node, o.aries = !*noNode, !*noAries
	o.defaults()
	root, err := repoRoot()
	if err != nil {
		fmt.Fprintf(stderr, "benchmd: %v\n", err)
		return 1
	}
	o.root = root
	if o.out == "" {
		o.out = filepath.Join(root, "BENCHMARKS.md")
	}

	rep, err := collect(o, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "benchmd: %v\n", err)
		return 1
	}
	gen := render(rep)
	if o.out == "-" {
		io.WriteString(stdout, gen)
		return 0
	}
	old, err := os.ReadFile(o.out)
	if err != nil && !os.IsNotExist(err) {
		fmt.Fprintf(stderr, "benchmd: %v\n", err)
		return 1
	}
	if err := os.WriteFile(o.out, splice(old, gen), 0o644); err != nil {
		fmt.Fprintf(stderr, "benchmd: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "benchmd: wrote %s\n", o.out)
	if rep.failed() {
		fmt.Fprintln(stderr, "benchmd: some figures could not be measured; the tables say which")
		return 1
	}
	return 0
}

func (o *options) defaults() {
	if o.quick {
		if o.count == 0 {
			o.count = 1
		}
		if o.benchtime == "" {
			o.benchtime = "100ms"
		}
		if o.seconds == 0 {
			o.seconds = 0.3
		}
		if o.out == "" {
			o.out = "-"
		}
	}
	if o.count == 0 {
		o.count = 3
	}
	if o.benchtime == "" {
		o.benchtime = "1s"
	}
	if o.seconds == 0 {
		o.seconds = 3
	}
}

// repoRoot is the directory of the main module's go.mod.
func repoRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run from inside the repository")
	}
	return filepath.Dir(mod), nil
}

// report is everything one run measured.
type report struct {
	opts      *options
	start     time.Time
	end       time.Time
	machine   machineInfo
	goRuns    map[string]*goResult // by section key
	peers     []*peerRow
	ariesRun  *goResult
	polityErr string
}

func (r *report) failed() bool {
	if r.polityErr != "" || (r.ariesRun != nil && r.ariesRun.Err != nil) {
		return true
	}
	for _, g := range r.goRuns {
		if g.Err != nil {
			return true
		}
	}
	for _, p := range r.peers {
		if p.PolityErr != "" || (p.Node == nil && r.opts.node && haveNode(r.opts.root)) {
			return true
		}
	}
	return false
}

// goSections are the Go benchmark runs, by the key the renderer uses.
var goSections = []struct {
	key string
	run goRun
}{
	{"did", goRun{Pkg: "./did", Bench: "^Benchmark(Verify|Sign)$"}},
	{"dataintegrity", goRun{Pkg: "./vc/dataintegrity", Bench: "."}},
	{"vc", goRun{Pkg: "./vc", Bench: "^Benchmark(Raw|Verify|Issue)"}},
	{"jose", goRun{Pkg: "./vc/jose", Bench: "."}},
	{"sdjwt", goRun{Pkg: "./vc/sdjwt", Bench: "."}},
	{"status", goRun{Pkg: "./vc/status", Bench: "."}},
	{"wallet", goRun{Pkg: "./wallet", Bench: "."}},
	{"door", goRun{Pkg: "./door", Bench: "."}},
}

func collect(o *options, log io.Writer) (*report, error) {
	rep := &report{opts: o, start: time.Now().UTC(), goRuns: map[string]*goResult{}}
	rep.machine = readMachine(o.root)
	set, err := sharedFiles(o.root)
	if err != nil {
		return nil, err
	}

	// The peers first: they run on the credential files, at the start of the run.
	tmp, err := os.MkdirTemp("", "benchmd")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	polity := filepath.Join(tmp, "polity")
	build := exec.Command("go", "build", "-o", polity, "./cmd/polity")
	build.Dir = o.root
	if out, err := build.CombinedOutput(); err != nil {
		rep.polityErr = fmt.Sprintf("go build ./cmd/polity: %v: %s", err, tail(string(out), 3))
		fmt.Fprintf(log, "benchmd: %s\n", rep.polityErr)
		polity = ""
	}
	rep.peers, rep.ariesRun = runPeers(o, polity, set, log)

	for _, s := range goSections {
		r := s.run
		r.Dir = o.root
		rep.goRuns[s.key] = runGo(o, r, log)
	}
	rep.end = time.Now().UTC()
	rep.machine.loadEnd = loadAvg()
	return rep, nil
}

// machineInfo describes where the figures come from.
type machineInfo struct {
	cpu       string
	cores     int
	goVersion string
	node      string
	loadStart string
	loadEnd   string
	commit    string // which code was measured
}

func readMachine(root string) machineInfo {
	m := machineInfo{cores: runtime.NumCPU(), cpu: "unknown CPU", loadStart: loadAvg()}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	m.goVersion = cmdOutput(root, "go", "env", "GOVERSION")
	m.node = cmdOutput(root, "node", "--version")
	if c := cmdOutput(root, "git", "rev-parse", "--short", "HEAD"); c != "" {
		m.commit = "working tree at commit " + c
		if cmdOutput(root, "git", "status", "--porcelain", "--untracked-files=no") != "" {
			m.commit += " with uncommitted changes"
		}
	}
	return m
}

// loadAvg is the 1-, 5- and 15-minute load average, or "".
func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func cmdOutput(dir, name string, args ...string) string {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return string(bytes.TrimSpace(out))
}
