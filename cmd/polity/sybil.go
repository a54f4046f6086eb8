package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"sync/atomic"

	"github.com/polity-id/polity/sybil"
)

const sybilUsage = `Usage:
  polity sybil rank --graph FILE --seeds FILE [--method M] [--iterations N]
  polity sybil explain --graph FILE --seeds FILE --id ID [--method M] [--iterations N]

Ranks the members of a trust graph from trusted seeds; higher is more
trustworthy. "rank" writes "id score" for every node, one a line; "explain"
writes the explanation of one node's score as JSON.

Options:
  --graph FILE       edge list: "u v" or "u v w" per line, # comments
  --seeds FILE       trusted seeds: one id a line, # comments
  --method M         polity (default), sybilrank, sybilscar-c, sybilscar-d
                     (sybilscar means sybilscar-c), or ppr
  --iterations N     propagation steps (default: the method's)
  --id ID            the node to explain (explain only)
  --progress         report each iteration on stderr

An interrupt (Ctrl-C) stops the ranking between iterations.

Example:
  polity sybil rank --graph edges.txt --seeds seeds.txt --method sybilrank
`

func runSybil(e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, sybilUsage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(e.stdout, sybilUsage)
		return exitOK
	case "rank", "explain":
	default:
		errorf(e, "unknown sybil command %q", args[0])
		hintf(e, "run \"polity sybil --help\" for usage")
		return exitUsage
	}
	sub := args[0]
	fs := flag.NewFlagSet("polity sybil "+sub, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	graphPath := fs.String("graph", "", "")
	seedsPath := fs.String("seeds", "", "")
	method := fs.String("method", sybil.MethodPolity, "")
	iterations := fs.Int("iterations", 0, "")
	id := fs.String("id", "", "")
	progress := fs.Bool("progress", false, "")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(e.stdout, sybilUsage)
			return exitOK
		}
		errorf(e, "%v", err)
		hintf(e, "run \"polity sybil --help\" for usage")
		return exitUsage
	}
	switch {
	case fs.NArg() > 0:
		errorf(e, "unexpected argument %q", fs.Arg(0))
		return exitUsage
	case *graphPath == "" || *seedsPath == "":
		errorf(e, "--graph and --seeds are required")
		return exitUsage
	case sub == "explain" && *id == "":
		errorf(e, "--id is required")
		return exitUsage
	case sub == "rank" && *id != "":
		errorf(e, "--id is only for explain")
		return exitUsage
	case *iterations < 0 || *iterations > sybil.MaxIterations:
		errorf(e, "--iterations must be in [0, %d]", sybil.MaxIterations)
		return exitUsage
	}
	m := *method
	if m == "sybilscar" {
		m = sybil.MethodSybilSCARC
	}
	switch m {
	case sybil.MethodPolity, sybil.MethodSybilRank, sybil.MethodSybilSCARC, sybil.MethodSybilSCARD, sybil.MethodPPR:
	default:
		errorf(e, "unknown method %q", *method)
		return exitUsage
	}

	g, err := readGraphFile(*graphPath)
	if err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	f, err := os.Open(*seedsPath)
	if err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	seeds, err := sybil.ReadSeeds(f, g)
	f.Close()
	if err != nil {
		errorf(e, "seeds: %v", err)
		return exitFailure
	}
	opts := &sybil.RankOptions{Method: m, Iterations: *iterations}
	if *progress {
		opts.Progress = func(done, total int) {
			fmt.Fprintf(e.stderr, "polity: progress: iteration %d of %d\n", done, total)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if sub == "explain" {
		node, ok := g.Node(*id)
		if !ok {
			errorf(e, "%v: %q", sybil.ErrUnknownNode, *id)
			return exitFailure
		}
		exp, err := sybil.Explain(ctx, g, seeds, node, opts)
		if err != nil {
			errorf(e, "%v", err)
			return exitFailure
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(exp); err != nil {
			errorf(e, "%v", err)
			return exitFailure
		}
		return exitOK
	}
	r, err := sybil.Rank(ctx, g, seeds, opts)
	if err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	if err := writeScores(e.stdout, g, r.Scores); err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	return exitOK
}

// writeScores writes "id score" lines for every node, in node order. Blocks
// of nodes are formatted on all CPUs into their own buffers and written in
// order, so the output does not depend on scheduling.
func writeScores(out io.Writer, g *sybil.Graph, scores []float64) error {
	const block = 1 << 15
	blocks := (len(scores) + block - 1) / block
	workers := max(1, min(runtime.GOMAXPROCS(0), blocks))
	bufs := make([]chan []byte, blocks)
	for i := range bufs {
		bufs[i] = make(chan []byte, 1)
	}
	free := make(chan []byte, 2*workers)
	var next atomic.Int64
	done := make(chan struct{})
	defer close(done)
	for range workers {
		go func() {
			for {
				b := int(next.Add(1) - 1)
				if b >= blocks {
					return
				}
				var buf []byte
				select {
				case buf = <-free:
				default:
				case <-done:
					return
				}
				buf = buf[:0]
				for i := b * block; i < min(len(scores), (b+1)*block); i++ {
					buf = g.AppendID(buf, i)
					buf = append(buf, ' ')
					buf = strconv.AppendFloat(buf, scores[i], 'g', -1, 64)
					buf = append(buf, '\n')
				}
				select {
				case bufs[b] <- buf:
				case <-done:
					return
				}
			}
		}()
	}
	w := bufio.NewWriterSize(out, 1<<16)
	for _, c := range bufs {
		buf := <-c
		if _, err := w.Write(buf); err != nil {
			return err
		}
		select {
		case free <- buf:
		default:
		}
	}
	return w.Flush()
}

func readGraphFile(path string) (*sybil.Graph, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	g, err := sybil.ReadEdgeList(f, nil)
	if err != nil {
		return nil, fmt.Errorf("graph: %w", err)
	}
	return g, nil
}
