package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/jwk"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc/dataintegrity"
	"github.com/polity-id/polity/vc/jose"
	"github.com/polity-id/polity/vc/status"
)

const statusUsage = `Usage: polity status COMMAND [OPTIONS]

Manage Bitstring Status Lists (revocation, suspension, status messages) as an issuer,
and check credentials against them as a verifier.

Commands:
  new        create the state file of a new status list
  allocate   allocate a random index and print its credentialStatus entry
  set        set the status of an index (revoke, suspend)
  clear      clear the status of an index (reinstate a suspension)
  publish    print the signed BitstringStatusListCredential of a list
  check      check a credential's status against lists in a local directory

Run "polity status COMMAND --help" for a command's options.

Example:
  polity status new --url https://issuer.example/status/1 --purpose revocation --out revocation.list
  polity status allocate --list revocation.list
  polity status set --list revocation.list --index 94567
  polity status publish --key issuer.jwk --list revocation.list > status-1.json
`

const statusNewUsage = `Usage: polity status new --url URL --purpose PURPOSE --out LIST [OPTIONS]

Creates the issuer-side state file LIST of a new status list that will be published at
URL. LIST is never overwritten. Every later change to LIST is written durably before
the command returns.

Options:
  --url URL            where the list credential will be published (its id)
  --purpose PURPOSE    revocation, suspension, message (or another statusPurpose)
  --size N             number of entries, a multiple of 8, at least 131072 (default 131072)
  --status-size BITS   bits per entry, 1 to 8 (default 1; message lists often use 2)
  --messages M0,M1,... status messages for values 0x0, 0x1, ... (2^BITS of them;
                       required when --status-size is over 1)
  --reference URL      statusReference for the messages (optional)
  --out LIST           the state file to create

Example:
  polity status new --url https://issuer.example/status/8 --purpose message \
    --status-size 2 --messages pending_review,accepted,rejected,undefined --out messages.list
`

const statusAllocateUsage = `Usage: polity status allocate --list LIST

Allocates a random, never used index of LIST and prints its credentialStatus entry
(JSON) on stdout, once the allocation is durable. Put the entry in the credential.

Options:
  --list LIST   the list's state file

Example:
  polity status allocate --list revocation.list
`

const statusSetUsage = `Usage: polity status set|clear --list LIST --index N [--value V]

"set" sets the status of the allocated index N to 1 (revoked, suspended), or to V;
"clear" sets it back to 0. Revocation cannot be cleared. Publish the list afterwards.

Options:
  --list LIST   the list's state file
  --index N     the statusListIndex
  --value V     the status value for set (default 1; message lists: 0 to 2^bits-1)

Example:
  polity status set --list suspension.list --index 12345
  polity status clear --list suspension.list --index 12345
`

const statusPublishUsage = `Usage: polity status publish --key KEYFILE --list LIST [OPTIONS]

Prints the BitstringStatusListCredential of LIST on stdout, signed with KEYFILE: a
Data Integrity proof (JSON) or a vc+jwt token. Its id is the list's URL; its issuer
is the did:key of KEYFILE unless --issuer is given. Publish it at that URL.

Options:
  --key KEYFILE        the issuer's private key (from "polity did new")
  --list LIST          the list's state file
  --suite SUITE        eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019, ecdsa-jcs-2019
                       or vc+jwt (default: eddsa-rdfc-2022 for Ed25519 keys,
                       ecdsa-rdfc-2019 for P-256/P-384, vc+jwt for secp256k1)
  --issuer DID         the issuer DID (default: the key's did:key)
  --method DIDURL      the verification method (default: the did:key's key)
  --valid-for DURATION validUntil = now + DURATION (for example 720h); verifiers stop
                       trusting the list after it, which bounds replays of old lists
  --ttl DURATION       the list's ttl: how long verifiers may cache it
  --unsigned           print the credential without a proof

Example:
  polity status publish --key issuer.jwk --list revocation.list --valid-for 168h > status-1.json
`

const statusCheckUsage = `Usage: polity status check --status-dir DIR [OPTIONS] CREDENTIAL

Checks the credentialStatus entries of CREDENTIAL (JSON, or a vc+jwt token) against
the status list credentials in DIR, offline: each file in DIR answers for the URL in
its "id". Lists must carry a valid proof (Data Integrity or vc+jwt) by a did:key or
did:jwk issuer. Only the status is checked: use "polity vc verify" for the credential.
Prints one line per entry; exits 1 when a status is set for revocation or suspension
or cannot be read.

Options:
  --status-dir DIR           directory of status list credentials
  --json                     print the report as JSON
  --insecure-unsigned-lists  accept lists without a proof (tests only)

Example:
  polity status check --status-dir /var/lib/door/status alice-membership.json
`

func runStatus(e *env, args []string) int {
	return runGroup(e, args, "status", statusUsage, map[string]func(*env, []string) int{
		"new":      runStatusNew,
		"allocate": runStatusAllocate,
		"set":      func(e *env, a []string) int { return runStatusSet(e, a, true) },
		"clear":    func(e *env, a []string) int { return runStatusSet(e, a, false) },
		"publish":  runStatusPublish,
		"check":    runStatusCheck,
	})
}

func statusNoArgs(e *env, fs *flag.FlagSet, name, usageText string) bool {
	if fs.NArg() != 0 {
		errorf(e, "%s takes no arguments, got %q", name, fs.Arg(0))
		fmt.Fprint(e.stderr, usageText)
		return false
	}
	return true
}

func runStatusNew(e *env, args []string) int {
	fs := flag.NewFlagSet("status new", flag.ContinueOnError)
	url := fs.String("url", "", "")
	purpose := fs.String("purpose", "", "")
	size := fs.Int("size", status.MinEntries, "")
	statusSize := fs.Int("status-size", 1, "")
	messages := fs.String("messages", "", "")
	reference := fs.String("reference", "", "")
	out := fs.String("out", "", "")
	if code, ok := parseFlags(e, fs, statusNewUsage, args); !ok {
		return code
	}
	if !statusNoArgs(e, fs, "status new", statusNewUsage) {
		return exitUsage
	}
	if *url == "" || *purpose == "" || *out == "" {
		errorf(e, "--url, --purpose and --out are required")
		hintf(e, "polity status new --url https://issuer.example/status/1 --purpose revocation --out revocation.list")
		return exitUsage
	}
	opts := status.ListOptions{URL: *url, Purpose: *purpose, Size: *size, StatusSize: *statusSize}
	if *messages != "" {
		for i, m := range strings.Split(*messages, ",") {
			opts.Messages = append(opts.Messages, status.Message{Status: uint64(i), Message: m})
		}
	}
	if *reference != "" {
		opts.Reference = []string{*reference}
	}
	l, err := status.CreateList(*out, opts)
	switch {
	case errors.Is(err, status.ErrExists):
		errorf(e, "%s exists; not overwriting it", *out)
		return exitFailure
	case errors.Is(err, status.ErrMalformed):
		errorf(e, "%v", err)
		if *statusSize > 1 && len(opts.Messages) != 1<<*statusSize {
			hintf(e, "--status-size %d needs --messages with %d comma-separated messages", *statusSize, 1<<*statusSize)
		}
		return exitUsage
	case err != nil:
		errorf(e, "%v", err)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "created %s: %d entries of %d bit(s), purpose %s, published at %s\n",
		*out, l.Len(), l.StatusSize(), l.Purpose(), l.URL())
	return exitOK
}

func openStatusList(e *env, path string) (*status.List, bool) {
	if path == "" {
		errorf(e, "--list LIST is required")
		return nil, false
	}
	l, err := status.OpenList(path)
	if err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, os.ErrNotExist) {
			hintf(e, "create a list with \"polity status new\"")
		}
		return nil, false
	}
	return l, true
}

func runStatusAllocate(e *env, args []string) int {
	fs := flag.NewFlagSet("status allocate", flag.ContinueOnError)
	list := fs.String("list", "", "")
	if code, ok := parseFlags(e, fs, statusAllocateUsage, args); !ok {
		return code
	}
	if !statusNoArgs(e, fs, "status allocate", statusAllocateUsage) {
		return exitUsage
	}
	if *list == "" {
		errorf(e, "--list LIST is required")
		return exitUsage
	}
	l, ok := openStatusList(e, *list)
	if !ok {
		return exitFailure
	}
	entry, err := l.Allocate()
	if err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, status.ErrListFull) {
			hintf(e, "create another list with \"polity status new\"")
		}
		return exitFailure
	}
	out, err := json.MarshalIndent(entry, "", "  ")
	if err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	fmt.Fprintln(e.stdout, string(out))
	return exitOK
}

func runStatusSet(e *env, args []string, set bool) int {
	name := "status clear"
	if set {
		name = "status set"
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	list := fs.String("list", "", "")
	index := fs.String("index", "", "")
	value := fs.Uint64("value", 1, "")
	if code, ok := parseFlags(e, fs, statusSetUsage, args); !ok {
		return code
	}
	if !statusNoArgs(e, fs, name, statusSetUsage) {
		return exitUsage
	}
	if *list == "" || *index == "" {
		errorf(e, "--list and --index are required")
		fmt.Fprint(e.stderr, statusSetUsage)
		return exitUsage
	}
	i, err := strconv.ParseUint(*index, 10, 64)
	if err != nil {
		errorf(e, "--index %q is not a non-negative integer", *index)
		return exitUsage
	}
	v := *value
	if !set {
		v = 0
	}
	l, ok := openStatusList(e, *list)
	if !ok {
		return exitFailure
	}
	if err := l.SetStatus(i, v); err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, status.ErrIrreversible) {
			hintf(e, "revocation is permanent; use a suspension list for reversible holds")
		}
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "index %d of %s: status %d\n", i, l.URL(), v)
	hintf(e, "run \"polity status publish\" to publish the change")
	return exitOK
}

// statusKeyDID returns the did:key issuer and verification method of a private key.
func statusKeyDID(priv *did.PrivateKey) (issuer, method string, err error) {
	issuer = key.New(priv.Public())
	doc, err := key.Resolve(issuer, nil)
	if err != nil {
		return "", "", err
	}
	if len(doc.AssertionMethod) == 0 {
		return "", "", fmt.Errorf("%s cannot sign credentials", issuer)
	}
	return issuer, doc.AbsoluteID(doc.AssertionMethod[0].MethodID()), nil
}

func runStatusPublish(e *env, args []string) int {
	fs := flag.NewFlagSet("status publish", flag.ContinueOnError)
	keyFile := fs.String("key", "", "")
	list := fs.String("list", "", "")
	suite := fs.String("suite", "", "")
	issuer := fs.String("issuer", "", "")
	method := fs.String("method", "", "")
	validFor := fs.Duration("valid-for", 0, "")
	ttl := fs.Duration("ttl", 0, "")
	unsigned := fs.Bool("unsigned", false, "")
	if code, ok := parseFlags(e, fs, statusPublishUsage, args); !ok {
		return code
	}
	if !statusNoArgs(e, fs, "status publish", statusPublishUsage) {
		return exitUsage
	}
	if *list == "" || (*keyFile == "" && !(*unsigned && *issuer != "")) {
		errorf(e, "--list and --key are required")
		fmt.Fprint(e.stderr, statusPublishUsage)
		return exitUsage
	}
	if *validFor < 0 || *ttl < 0 {
		errorf(e, "--valid-for and --ttl must not be negative")
		return exitUsage
	}
	var priv *did.PrivateKey
	if *keyFile != "" {
		var err error
		if priv, err = did.ReadKeyFile(*keyFile); err != nil {
			errorf(e, "%v", err)
			return exitFailure
		}
		keyIssuer, keyMethod, err := statusKeyDID(priv)
		if err != nil {
			errorf(e, "%v", err)
			return exitFailure
		}
		if *issuer == "" {
			*issuer = keyIssuer
		}
		if *method == "" {
			if *issuer != keyIssuer {
				errorf(e, "--issuer %s needs --method, the verification method of the key", *issuer)
				return exitUsage
			}
			*method = keyMethod
		}
	}
	l, ok := openStatusList(e, *list)
	if !ok {
		return exitFailure
	}
	now := time.Now()
	opts := status.CredentialOptions{Issuer: *issuer, ValidFrom: now, TTL: *ttl}
	if *validFor > 0 {
		opts.ValidUntil = now.Add(*validFor)
	}
	cred, err := l.Credential(opts)
	if err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	if *unsigned {
		e.stdout.Write(cred)
		return exitOK
	}
	if *suite == "" {
		switch priv.Type() {
		case did.KeyEd25519:
			*suite = dataintegrity.EdDSARDFC2022
		case did.KeyP256, did.KeyP384:
			*suite = dataintegrity.ECDSARDFC2019
		default:
			*suite = "vc+jwt"
		}
	}
	ctx := context.Background()
	if *suite == "vc+jwt" {
		token, err := jose.SignCredential(cred, priv, *method)
		if err != nil {
			errorf(e, "signing: %v", err)
			return exitFailure
		}
		fmt.Fprintln(e.stdout, token)
		return exitOK
	}
	signed, err := dataintegrity.AddProof(ctx, cred, priv, dataintegrity.Options{Cryptosuite: *suite, VerificationMethod: *method}, nil)
	if err != nil {
		errorf(e, "signing: %v", err)
		hintf(e, "suites: %s, vc+jwt", strings.Join(dataintegrity.Cryptosuites(), ", "))
		return exitFailure
	}
	var buf bytes.Buffer
	if json.Indent(&buf, signed, "", "  ") != nil {
		buf.Reset()
		buf.Write(signed)
	}
	buf.WriteByte('\n')
	e.stdout.Write(buf.Bytes())
	return exitOK
}

// statusListVerifier verifies list credentials offline: vc+jwt tokens and Data
// Integrity proofs by did:key or did:jwk issuers.
func statusListVerifier(insecure bool) status.ListVerifier {
	r := did.NewMultiResolver(&did.CacheConfig{Size: -1})
	r.Register(key.Method, key.Resolver{})
	r.Register(jwk.Method, jwk.Resolver{})
	env := &dataintegrity.Env{Resolver: r}
	return status.ListVerifierFunc(func(ctx context.Context, raw []byte) ([]byte, error) {
		raw = bytes.TrimSpace(raw)
		if len(raw) > 0 && raw[0] != '{' {
			v, err := jose.VerifyCredential(ctx, string(raw), &jose.VerifyOptions{Resolver: r})
			if err != nil {
				return nil, err
			}
			return v.Document, nil
		}
		var probe struct {
			Proof json.RawMessage `json:"proof"`
		}
		if json.Unmarshal(raw, &probe) == nil && probe.Proof == nil {
			if insecure {
				return raw, nil
			}
			return nil, dataintegrity.ErrNoProof
		}
		if _, err := dataintegrity.Verify(ctx, raw, env, dataintegrity.VerifyOptions{}); err != nil {
			return nil, err
		}
		return raw, nil
	})
}

// statusCredentialJSON returns the credential JSON of a file: JSON as is, or the
// payload of a compact JWS (not verified: only its status is read).
func statusCredentialJSON(data []byte) ([]byte, error) {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '{' {
		return data, nil
	}
	parts := strings.Split(string(data), ".")
	if len(parts) != 3 {
		return nil, errors.New("not a JSON credential or a vc+jwt token")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, errors.New("not a JSON credential or a vc+jwt token")
	}
	return payload, nil
}

func runStatusCheck(e *env, args []string) int {
	fs := flag.NewFlagSet("status check", flag.ContinueOnError)
	dir := fs.String("status-dir", "", "")
	asJSON := fs.Bool("json", false, "")
	insecure := fs.Bool("insecure-unsigned-lists", false, "")
	if code, ok := parseFlags(e, fs, statusCheckUsage, args); !ok {
		return code
	}
	if fs.NArg() != 1 || *dir == "" {
		errorf(e, "status check takes --status-dir DIR and one CREDENTIAL")
		fmt.Fprint(e.stderr, statusCheckUsage)
		return exitUsage
	}
	if st, err := os.Stat(*dir); err != nil || !st.IsDir() {
		errorf(e, "--status-dir %s is not a directory", *dir)
		return exitUsage
	}
	data, err := statusReadFile(fs.Arg(0), 1<<20)
	if err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	cred, err := statusCredentialJSON(data)
	if err != nil {
		errorf(e, "%s: %v", fs.Arg(0), err)
		return exitFailure
	}
	entries, err := status.EntriesFromCredential(cred)
	if err != nil {
		errorf(e, "%s: %v", fs.Arg(0), err)
		return exitFailure
	}
	if len(entries) == 0 {
		fmt.Fprintln(e.stdout, "no credentialStatus: nothing to check")
		return exitOK
	}
	checker := status.NewChecker(status.NewDirFetcher(*dir), statusListVerifier(*insecure), nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := checker.Check(ctx, entries)
	if *asJSON {
		type result struct {
			Purpose              string `json:"statusPurpose"`
			Index                string `json:"statusListIndex"`
			StatusListCredential string `json:"statusListCredential"`
			Value                uint64 `json:"status"`
			Message              string `json:"message,omitempty"`
			Valid                bool   `json:"valid"`
			Error                string `json:"error,omitempty"`
		}
		out := struct {
			OK      bool     `json:"ok"`
			Results []result `json:"results"`
		}{OK: err == nil}
		for _, r := range rep.Results {
			res := result{Purpose: r.Purpose, Index: strconv.FormatUint(r.Index, 10), StatusListCredential: r.Entry.ListCredential,
				Value: r.Value, Message: r.Message, Valid: r.Valid && r.Err == nil}
			if r.Err != nil {
				res.Error = r.Err.Error()
			}
			out.Results = append(out.Results, res)
		}
		b, _ := json.MarshalIndent(out, "", "  ")
		fmt.Fprintln(e.stdout, string(b))
	} else {
		for _, r := range rep.Results {
			switch {
			case r.Err != nil && !errors.Is(r.Err, status.ErrRevoked) && !errors.Is(r.Err, status.ErrSuspended):
				fmt.Fprintf(e.stdout, "%s index %d of %s: unknown (%v)\n", r.Purpose, r.Index, r.Entry.ListCredential, r.Err)
			default:
				fmt.Fprintf(e.stdout, "%s index %d of %s: %s (0x%x)\n", r.Purpose, r.Index, r.Entry.ListCredential, r.Message, r.Value)
			}
		}
	}
	switch {
	case errors.Is(err, status.ErrRevoked):
		errorf(e, "credential revoked")
		return exitFailure
	case errors.Is(err, status.ErrSuspended):
		errorf(e, "credential suspended")
		return exitFailure
	case err != nil:
		errorf(e, "status unknown: %v", err)
		if errors.Is(err, status.ErrRetrieval) {
			hintf(e, "copy the published list credentials into %s", *dir)
		}
		return exitFailure
	}
	return exitOK
}

func statusReadFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is over %d bytes", path, max)
	}
	return data, nil
}
