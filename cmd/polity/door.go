package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/polity-id/polity/door"
)

const doorUsage = `Usage: polity door COMMAND [OPTIONS]

An offline credential check appliance for a physical node (a door, a room, an event).
It reads a door directory:

  policy.json          the trust policy (issuers, types, claims, maxAge, status, minScore)
  registry.json|.jwt   a trust registry added to the policy (optional)
  dids/*.json          pinned DID documents of issuers
  status/*.json|*.jwt  cached status list credentials, matched by id
  scores.txt           Sybil scores, "DID score" a line (optional)

Commands:
  check   check presentations from files or stdin (one a line)
  serve   answer POST /check and GET /challenge on a local HTTP port

Each check prints one JSON line: {"allow":bool,"holder":"did:...","reasons":[...],"checks":[...]}.

Example:
  polity door check --dir /etc/polity/door --id did:web:commons.example:doors:main vp.jwt
`

const doorCheckUsage = `Usage: polity door check --dir DIR --id DOOR [--log FILE] [--registry-publisher DID] [FILE...]

Checks each presentation FILE (JSON, vp+jwt or SD-JWT), or with no FILE one
presentation per line of stdin, and prints one JSON outcome line each. Holders must
bind presentations to the door id (audience or domain) and to a challenge (nonce);
each challenge is accepted once, in a presentation created (iat, or the proof's
created) at most 2 minutes before the check.

Options:
  --dir DIR                   the door directory (required)
  --id DOOR                   the door's id, the audience holders sign for (required)
  --log FILE                  append a check-in line per check to FILE (fsync each)
  --registry-publisher DID    the DID that must have signed the directory's registry

Exit status: 0 when every check allowed, 1 when any was denied or failed, 2 for usage.

Example:
  polity door check --dir door --id did:web:commons.example:doors:main < scans.txt
`

const doorServeUsage = `Usage: polity door serve --dir DIR --id DOOR [--addr HOST:PORT] [--log FILE] [--allow-remote]

Serves the door over HTTP until interrupted:
  GET  /challenge   a fresh challenge: {"challenge","domain","expires"}
  POST /check       the presentation as body; answers the JSON outcome
Only challenges issued by GET /challenge are accepted, each once.

Options:
  --dir DIR                   the door directory (required)
  --id DOOR                   the door's id, the domain holders sign for (required)
  --addr HOST:PORT            listen address (default 127.0.0.1:8787; loopback only)
  --allow-remote              allow a non-loopback --addr
  --log FILE                  append a check-in line per check to FILE (fsync each)
  --registry-publisher DID    the DID that must have signed the directory's registry

Example:
  polity door serve --dir door --id did:web:commons.example:doors:main --log checkins.jsonl
`

func runDoor(e *env, args []string) int {
	return runGroup(e, args, "door", doorUsage, map[string]func(*env, []string) int{
		"check": runDoorCheck,
		"serve": runDoorServe,
	})
}

// doorFlags are the options check and serve share.
type doorFlags struct {
	dir, id, log, publisher *string
}

func addDoorFlags(fs *flag.FlagSet) doorFlags {
	return doorFlags{
		dir:       fs.String("dir", "", ""),
		id:        fs.String("id", "", ""),
		log:       fs.String("log", "", ""),
		publisher: fs.String("registry-publisher", "", ""),
	}
}

// open loads the door; the returned close function closes the log.
func (f doorFlags) open(ctx context.Context, e *env, cfg *door.Config) (*door.Door, func(), int) {
	if *f.dir == "" || *f.id == "" {
		errorf(e, "--dir and --id are required")
		hintf(e, "polity door check --dir door --id did:web:commons.example:doors:main FILE")
		return nil, nil, exitUsage
	}
	closeLog := func() {}
	if *f.log != "" {
		l, err := door.OpenLog(*f.log, 1)
		if err != nil {
			errorf(e, "%v", err)
			return nil, nil, exitFailure
		}
		cfg.Log = l
		closeLog = func() {
			if err := l.Close(); err != nil {
				errorf(e, "%v", err)
			}
		}
	}
	cfg.RegistryPublisher = *f.publisher
	d, err := door.Open(ctx, *f.dir, *f.id, cfg)
	if err != nil {
		closeLog()
		errorf(e, "%v", err)
		if errors.Is(err, door.ErrConfig) {
			hintf(e, "the door directory needs policy.json; see \"polity door --help\"")
		}
		return nil, nil, exitFailure
	}
	return d, closeLog, exitOK
}

func runDoorCheck(e *env, args []string) int {
	fs := flag.NewFlagSet("door check", flag.ContinueOnError)
	f := addDoorFlags(fs)
	files, code, ok := parseArgs(e, fs, doorCheckUsage, args)
	if !ok {
		return code
	}
	ctx := context.Background()
	d, closeLog, code := f.open(ctx, e, &door.Config{})
	if d == nil {
		return code
	}
	defer closeLog()

	status := exitOK
	check := func(raw []byte) {
		o, err := d.Check(ctx, raw)
		b, _ := json.Marshal(o)
		fmt.Fprintf(e.stdout, "%s\n", b)
		if err != nil {
			errorf(e, "%v", err)
			status = exitFailure
		}
		if !o.Allow {
			status = exitFailure
		}
	}
	if len(files) > 0 {
		for _, name := range files {
			raw, err := readInput(e, name, door.DefaultMaxPresentationBytes)
			if err != nil {
				errorf(e, "%v", err)
				status = exitFailure
				continue
			}
			check(raw)
		}
		return status
	}
	r := bufio.NewReaderSize(e.stdin, 64<<10)
	for {
		line, tooLong, err := readLine(r, door.DefaultMaxPresentationBytes)
		if len(bytes.TrimSpace(line)) > 0 || tooLong {
			if tooLong {
				line = make([]byte, door.DefaultMaxPresentationBytes+1) // denied as too large
			}
			check(line)
		}
		if err == io.EOF {
			return status
		}
		if err != nil {
			errorf(e, "reading stdin: %v", err)
			return exitFailure
		}
	}
}

// readLine reads one line of at most max bytes; a longer line is discarded and
// reported with tooLong.
func readLine(r *bufio.Reader, max int) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > max+1 {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimRight(line, "\r\n"), tooLong, err
	}
}

func runDoorServe(e *env, args []string) int {
	fs := flag.NewFlagSet("door serve", flag.ContinueOnError)
	f := addDoorFlags(fs)
	addr := fs.String("addr", door.DefaultAddr, "")
	remote := fs.Bool("allow-remote", false, "")
	rest, code, ok := parseArgs(e, fs, doorServeUsage, args)
	if !ok {
		return code
	}
	if len(rest) != 0 {
		errorf(e, "door serve takes no arguments, got %q", rest[0])
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	d, closeLog, code := f.open(ctx, e, &door.Config{RequireIssuedChallenge: true})
	if d == nil {
		return code
	}
	defer closeLog()
	ln, err := door.Listen(*addr, *remote)
	if err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, door.ErrConfig) && !*remote {
			hintf(e, "use a loopback address such as 127.0.0.1:8787, or --allow-remote")
		}
		return exitFailure
	}
	fmt.Fprintf(e.stderr, "polity: door %s listening on http://%s\n", d.ID(), ln.Addr())
	if err := d.Serve(ctx, ln); err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	return exitOK
}
