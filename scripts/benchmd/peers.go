package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// fileBench is one JSON line of `polity bench` or interop/node/bench.mjs.
type fileBench struct {
	File        string  `json:"file"`
	Kind        string  `json:"kind"`
	Format      string  `json:"format"`
	Suite       string  `json:"suite"`
	Alg         string  `json:"alg"`
	VerifyOpsS  float64 `json:"verify_ops_s"`
	RawOpsS     float64 `json:"raw_ops_s"`
	Ratio       float64 `json:"ratio"`
	AllocsPerOp float64 `json:"allocs_per_op"`
}

// peerRow is one credential measured by Polity and the peers in the same run.
type peerRow struct {
	File      string
	Polity    *fileBench
	PolityErr string
	Node      *fileBench
	NodeErr   string
	Aries     *goBench // BenchmarkFiles/FILE/aries
	AriesPol  *goBench // BenchmarkFiles/FILE/polity, same process
	AriesSkip string
}

// sharedSet is what every implementation verifies: the valid fixtures Digital Bazaar's
// libraries issued (interop/node/fixtures, committed), credentials and presentations,
// in the manifest's order, with the presentations' challenge and domain.
type sharedSet struct {
	files     []string
	challenge string
	domain    string
}

func sharedFiles(root string) (*sharedSet, error) {
	dir := filepath.Join(root, "interop", "node", "fixtures")
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, err
	}
	var m struct {
		Challenge string `json:"challenge"`
		Domain    string `json:"domain"`
		Fixtures  []struct {
			File   string `json:"file"`
			Expect string `json:"expect"`
			Kind   string `json:"kind"`
		} `json:"fixtures"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("fixtures manifest: %v", err)
	}
	set := &sharedSet{challenge: m.Challenge, domain: m.Domain}
	for _, f := range m.Fixtures {
		if f.Expect == "valid" {
			set.files = append(set.files, filepath.Join(dir, f.File))
		}
	}
	if len(set.files) == 0 {
		return nil, fmt.Errorf("no valid fixture in %s", dir)
	}
	return set, nil
}

// runPeers measures each shared file with `polity bench` and the Node peer, file by
// file (so both see the same machine load), then with the aries benchmark.
func runPeers(o *options, polity string, set *sharedSet, log io.Writer) ([]*peerRow, *goResult) {
	files := set.files
	node := o.node && haveNode(o.root)
	var rows []*peerRow
	secs := strconv.FormatFloat(o.seconds, 'f', -1, 64)
	for _, f := range files {
		row := &peerRow{File: filepath.Base(f)}
		rows = append(rows, row)
		if polity == "" {
			row.PolityErr = "polity did not build"
		} else {
			row.Polity, row.PolityErr = runJSONLine(log, o.root, polity, "bench", "--seconds", secs,
				"--challenge", set.challenge, "--domain", set.domain, f)
		}
		switch {
		case !o.node:
			row.NodeErr = "not run (--no-node)"
		case !node:
			row.NodeErr = "not run (node or interop/node/node_modules missing)"
		default:
			row.Node, row.NodeErr = runJSONLine(log, o.root, "node", filepath.Join("interop", "node", "bench.mjs"), "--seconds", secs,
				"--challenge", set.challenge, "--domain", set.domain, f)
		}
	}
	if !o.aries {
		for _, r := range rows {
			r.AriesSkip = "not run (--no-aries)"
		}
		return rows, nil
	}
	abs := make([]string, len(files))
	for i, f := range files {
		abs[i], _ = filepath.Abs(f)
	}
	ar := runGo(o, goRun{
		Pkg: ".", Bench: "BenchmarkFiles", Dir: filepath.Join(o.root, "interop", "aries"),
		Env: []string{"POLITY_BENCH_FILES=" + strings.Join(abs, string(os.PathListSeparator)),
			"POLITY_BENCH_CHALLENGE=" + set.challenge, "POLITY_BENCH_DOMAIN=" + set.domain},
	}, log)
	for _, r := range rows {
		r.Aries = ar.Find("Files/" + r.File + "/aries")
		r.AriesPol = ar.Find("Files/" + r.File + "/polity")
		if why, ok := ar.Skips["Files/"+r.File+"/aries"]; ok {
			r.AriesSkip = why
		} else if r.Aries == nil {
			r.AriesSkip = "not measured (see the generator's log)"
		}
	}
	return rows, ar
}

func haveNode(root string) bool {
	if _, err := exec.LookPath("node"); err != nil {
		return false
	}
	st, err := os.Stat(filepath.Join(root, "interop", "node", "node_modules"))
	return err == nil && st.IsDir()
}

// runJSONLine runs a command that prints one JSON object and decodes it; on failure it
// returns the command's last stderr line.
func runJSONLine(log io.Writer, dir, name string, args ...string) (*fileBench, string) {
	fmt.Fprintf(log, "benchmd: %s %s\n", name, strings.Join(args, " "))
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		msg := strings.TrimSpace(tail(stderr.String(), 1))
		if msg == "" {
			msg = err.Error()
		}
		fmt.Fprintf(log, "benchmd: %s\n", msg)
		return nil, msg
	}
	var fb fileBench
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &fb); err != nil {
		return nil, fmt.Sprintf("output is not one JSON object: %v", err)
	}
	return &fb, ""
}
