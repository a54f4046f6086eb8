package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/jwk"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/did/web"
)

const didUsage = `Usage: polity did COMMAND [OPTIONS]

Create and resolve decentralized identifiers (did:key, did:jwk, did:web).

Commands:
  new       generate a key, write it to a key file and print its DID
  resolve   print the DID document of a DID

Run "polity did COMMAND --help" for a command's options.

Example:
  polity did new --method key --type ed25519 --out alice.jwk
`

const didNewUsage = `Usage: polity did new --out KEYFILE [--method key|jwk] [--type TYPE] [--force]

Generates a private key, writes it to KEYFILE as a private JWK (file mode 0600) and
prints the DID of its public key on stdout. An existing KEYFILE is never overwritten
unless --force is given.

Options:
  --method key|jwk   DID method (default key)
  --type TYPE        ed25519, p256, p384, secp256k1 or x25519 (default ed25519)
  --out KEYFILE      where to write the private key (required)
  --force            overwrite KEYFILE if it exists

Example:
  polity did new --method key --type p256 --out issuer.jwk
`

const didResolveUsage = `Usage: polity did resolve [--legacy | --format FORMAT] [--timeout DURATION] DID

Resolves DID and prints its DID document as indented JSON on stdout. did:key and
did:jwk resolve offline; did:web fetches https://DOMAIN/.../did.json (public
addresses only, at most 256 KiB).

Options:
  --format FORMAT     did:key document form: multikey (default), legacy, jwk2020
  --legacy            same as --format legacy (the 2021 did:key test-vector form)
  --timeout DURATION  limit for did:web fetches (default 10s)

Example:
  polity did resolve did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp
`

func runDID(e *env, args []string) int {
	return runGroup(e, args, "did", didUsage, map[string]func(*env, []string) int{
		"new":     runDIDNew,
		"resolve": runDIDResolve,
	})
}

// parseFlags parses args with fs; it returns an exit code and false when the command
// must stop (help printed or bad flags).
func parseFlags(e *env, fs *flag.FlagSet, usageText string, args []string) (int, bool) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(e.stdout, usageText)
			return exitOK, false
		}
		errorf(e, "%v", err)
		fmt.Fprint(e.stderr, usageText)
		return exitUsage, false
	}
	return 0, true
}

func runDIDNew(e *env, args []string) int {
	fs := flag.NewFlagSet("did new", flag.ContinueOnError)
	method := fs.String("method", "key", "")
	typ := fs.String("type", "ed25519", "")
	out := fs.String("out", "", "")
	force := fs.Bool("force", false, "")
	if code, ok := parseFlags(e, fs, didNewUsage, args); !ok {
		return code
	}
	if fs.NArg() != 0 {
		errorf(e, "did new takes no arguments, got %q", fs.Arg(0))
		return exitUsage
	}
	if *out == "" {
		errorf(e, "--out KEYFILE is required")
		hintf(e, "polity did new --out alice.jwk")
		return exitUsage
	}
	kt, err := did.ParseKeyType(*typ)
	if err != nil {
		errorf(e, "unknown --type %q (want ed25519, p256, p384, secp256k1 or x25519)", *typ)
		return exitUsage
	}
	if *method != "key" && *method != "jwk" {
		errorf(e, "unknown --method %q (want key or jwk)", *method)
		return exitUsage
	}
	priv, err := did.GenerateKey(kt)
	if err != nil {
		errorf(e, "generating key: %v", err)
		return exitFailure
	}
	if err := did.WriteKeyFile(*out, priv, *force); err != nil {
		if errors.Is(err, did.ErrKeyFileExists) {
			errorf(e, "%s exists; not overwriting it", *out)
			hintf(e, "use --force to replace it")
			return exitFailure
		}
		errorf(e, "%v", err)
		return exitFailure
	}
	id := key.New(priv.Public())
	if *method == "jwk" {
		id = jwk.New(priv.Public())
	}
	fmt.Fprintln(e.stdout, id)
	return exitOK
}

func runDIDResolve(e *env, args []string) int {
	fs := flag.NewFlagSet("did resolve", flag.ContinueOnError)
	legacy := fs.Bool("legacy", false, "")
	format := fs.String("format", "", "")
	timeout := fs.Duration("timeout", 10*time.Second, "")
	if code, ok := parseFlags(e, fs, didResolveUsage, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		errorf(e, "did resolve takes exactly one DID")
		fmt.Fprint(e.stderr, didResolveUsage)
		return exitUsage
	}
	var opts key.Options
	switch *format {
	case "", "multikey":
	case "legacy":
		opts.Format = key.FormatLegacy
	case "jwk2020":
		opts.Format = key.FormatJsonWebKey2020
	default:
		errorf(e, "unknown --format %q (want multikey, legacy or jwk2020)", *format)
		return exitUsage
	}
	if *legacy {
		if *format != "" && *format != "legacy" {
			errorf(e, "--legacy conflicts with --format %s", *format)
			return exitUsage
		}
		opts.Format = key.FormatLegacy
	}
	if *timeout <= 0 {
		errorf(e, "--timeout must be positive")
		return exitUsage
	}
	r := did.NewMultiResolver(&did.CacheConfig{Size: -1})
	r.Register(key.Method, key.Resolver{Options: opts})
	r.Register(jwk.Method, jwk.Resolver{})
	wr, err := web.New(&web.Config{Timeout: *timeout})
	if err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	r.Register(web.Method, wr)
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	doc, err := r.Resolve(ctx, fs.Arg(0))
	if err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, did.ErrMethodNotSupported) {
			hintf(e, "supported methods: did:key, did:jwk, did:web")
		}
		return exitFailure
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "%s\n", b)
	return exitOK
}
