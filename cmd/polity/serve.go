package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vcapi"
	"github.com/polity-id/polity/vote"
)

const serveUsage = `Usage: polity serve [--addr HOST:PORT] [--key KEYFILE --token-file FILE] [--issuer DID] [--vm DIDURL] [--did-doc PATH]... [--ignore-status]

Serves the W3C VC-API issuer and verifier endpoints over HTTP until interrupted
(SIGINT or SIGTERM), then shuts down gracefully:
  POST /credentials/issue       {credential, options} -> 201 {verifiableCredential}
                                (needs "Authorization: Bearer TOKEN")
  POST /credentials/verify      {verifiableCredential, options} -> 200 or 400 {checks, warnings, errors}
  POST /presentations/verify    {verifiablePresentation, options: {challenge, domain}}
                                -> 200 or 400; the challenge is one from /challenges
                                (used once) or one the caller gave the holder
  POST /challenges              -> 200 {challenge}, single use
Logs one JSON line per request on stderr; keys, tokens and bodies are never logged.
Serve plain HTTP on loopback only, behind a TLS-terminating proxy if it must be reached
from elsewhere.

Options:
  --addr HOST:PORT    listen address (default 127.0.0.1:8080)
  --key KEYFILE       the issuer's private key; without it the server only verifies
  --token-file FILE   file holding the bearer token for issuing (required with --key,
                      at least 16 bytes; surrounding whitespace is ignored)
  --issuer DID        issuer DID (default: the key's did:key)
  --vm DIDURL         the key's verification method, needed with --issuer
  --did-doc PATH      a DID document file or directory, to resolve DIDs offline (repeatable)
  --ignore-status     do not check credentialStatus entries

Example:
  polity serve --key issuer.jwk --token-file token.txt
`

func runServe(e *env, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveMain(ctx, e, args, nil)
}

// serveMain runs the server until ctx ends. ready, if not nil, receives the listening
// address.
func serveMain(ctx context.Context, e *env, args []string, ready chan<- string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "")
	keyFile := fs.String("key", "", "")
	tokenFile := fs.String("token-file", "", "")
	issuer := fs.String("issuer", "", "")
	vm := fs.String("vm", "", "")
	ignoreStatus := fs.Bool("ignore-status", false, "")
	var docs voteList
	fs.Var(&docs, "did-doc", "")
	pos, code, ok := parseArgs(e, fs, serveUsage, args)
	if !ok {
		return code
	}
	if len(pos) > 0 || (*keyFile == "") != (*tokenFile == "") {
		errorf(e, "serve takes no arguments, and --key and --token-file go together")
		fmt.Fprint(e.stderr, serveUsage)
		return exitUsage
	}
	cfg := vcapi.Config{IssuerDID: *issuer, VerificationMethod: *vm, Contexts: vote.Contexts()}
	if *keyFile != "" {
		k, err := did.ReadKeyFile(*keyFile)
		if err != nil {
			errorf(e, "%v", err)
			return exitFailure
		}
		tok, err := voteReadFile(e, *tokenFile)
		if err != nil {
			errorf(e, "--token-file: %v", err)
			return exitFailure
		}
		defer clear(tok)
		cfg.Key, cfg.Token = k, bytes.TrimSpace(tok)
	}
	res, err := voteResolver(docs)
	if err != nil {
		errorf(e, "--did-doc: %v", err)
		return exitFailure
	}
	cfg.Verifier = vc.NewVerifier(vc.VerifierConfig{Resolver: res, IgnoreStatus: *ignoreStatus, Contexts: cfg.Contexts})
	log := slog.New(slog.NewJSONHandler(e.stderr, nil))
	cfg.Logger = log
	s, err := vcapi.New(cfg)
	clear(cfg.Token)
	if err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, vcapi.ErrConfig) {
			return exitUsage
		}
		return exitFailure
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", *addr)
	if err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	if host, _, err := net.SplitHostPort(ln.Addr().String()); err == nil {
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			log.Warn("listening on a non-loopback address without TLS", slog.String("addr", ln.Addr().String()))
		}
	}
	if ready != nil {
		ready <- ln.Addr().String()
	}
	if err := s.Serve(ctx, ln); err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	return exitOK
}
