// Command polity is the command-line face of the Polity library: DIDs, verifiable credentials,
// presentations, the wallet, status lists and Sybil scoring.
//
// Results go to stdout; errors go to stderr as "polity: error: ...". Exit codes: 0 success,
// 1 failure (including a failed verification), 2 usage error.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

const usage = `Usage: polity COMMAND [ARGS]

Polity: identity for network states and online communities.

Commands:
  did       create and resolve decentralized identifiers
  vc        issue and verify verifiable credentials
  vp        create and verify verifiable presentations
  canon     print the RDFC-1.0 canonical form of a JSON-LD document
  status    manage Bitstring Status Lists (revocation, suspension)
  wallet    an encrypted local credential wallet
  sybil     rank members by trust and explain scores
  vote      tally ballots with eligibility and vote weights
  door      offline credential checks at a physical node
  serve     a VC-API issuer and verifier over HTTP
  bench     measure verify speed on this machine
  version   print the version

Run "polity COMMAND --help" for a command's options.
`

// Exit codes shared by every command.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// errUsage marks an error as a usage error (exit 2).
var errUsage = errors.New("usage error")

// env is what a command sees of the process: streams, arguments and the environment.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

type command func(e *env, args []string) int

func commands() map[string]command {
	return map[string]command{
		"did":     runDID,
		"vc":      runVC,
		"vp":      runVP,
		"canon":   runCanon,
		"status":  runStatus,
		"wallet":  runWallet,
		"sybil":   runSybil,
		"vote":    runVote,
		"door":    runDoor,
		"serve":   runServe,
		"bench":   runBench,
		"version": runVersion,
	}
}

func main() {
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	os.Exit(run(e, os.Args[1:]))
}

func run(e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(e.stdout, usage)
		return exitOK
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		errorf(e, "unknown command %q", args[0])
		hintf(e, "run \"polity --help\" for the list of commands")
		return exitUsage
	}
	return cmd(e, args[1:])
}

// errorf prints a one-line error to stderr.
func errorf(e *env, format string, a ...any) {
	fmt.Fprintf(e.stderr, "polity: error: "+format+"\n", a...)
}

// hintf prints a one-line hint to stderr.
func hintf(e *env, format string, a ...any) {
	fmt.Fprintf(e.stderr, "polity: hint: "+format+"\n", a...)
}

func runVersion(e *env, args []string) int {
	if len(args) > 0 {
		if args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
			fmt.Fprintln(e.stdout, "Usage: polity version\n\nPrints the module version and the Go version it was built with.")
			return exitOK
		}
		errorf(e, "version takes no arguments")
		return exitUsage
	}
	version, goVersion := "(devel)", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
	}
	fmt.Fprintf(e.stdout, "polity %s (%s)\n", version, goVersion)
	return exitOK
}

// runGroup runs the subcommand args[0] of the command group ("polity GROUP SUB ..."),
// printing usage for help or no arguments and a hint for an unknown subcommand.
func runGroup(e *env, args []string, group, usage string, subs map[string]func(*env, []string) int) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(e.stdout, usage)
		return exitOK
	}
	if run, ok := subs[args[0]]; ok {
		return run(e, args[1:])
	}
	errorf(e, "unknown %s command %q", group, args[0])
	hintf(e, "run \"polity %s --help\" for the list of commands", group)
	return exitUsage
}
