package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/wallet"
	"github.com/polity-id/polity/wallet/query"
)

const walletUsage = `Usage: polity wallet COMMAND [OPTIONS]

An encrypted local credential wallet in one file (Argon2id + XChaCha20-Poly1305).

Commands:
  init      create a new wallet file
  unlock    check the passphrase (the CLI keeps no session: every command unlocks)
  add       store a credential file (JSON, vc+jwt or SD-JWT), byte-exact
  list      print one line per credential
  show      print a credential's metadata and its exact bytes
  query     select credentials by metadata, a PE definition or a DCQL query
  present   sign a presentation (Data Integrity, vp+jwt or SD-JWT) for a verifier
  export    write an encrypted backup of the whole wallet
  import    merge a backup, or add a single credential or private key (JWK)
  passwd    change the passphrase (re-wraps the key; records are not re-encrypted)
  trust     add, remove or list trusted issuers (query --trusted uses them)

Options (every command):
  --wallet PATH            wallet file (default $POLITY_WALLET)
  --passphrase-file FILE   read the passphrase from the first line of FILE
                           (default $POLITY_PASSPHRASE, else a prompt without echo when
                           stdin is a terminal; init and passwd ask twice)

Example:
  export POLITY_WALLET=~/.polity/wallet.db
  polity wallet init
  polity wallet add alumni.json --tag school
  polity wallet query --type AlumniCredential --valid-at now
  polity wallet import alice.jwk
  polity wallet present --key KEY-ID --challenge 5d1f... --query request.json
`

const walletCmdUsage = `Usage:
  polity wallet init [--kdf-time N] [--kdf-memory KIB] [--kdf-threads N]
  polity wallet unlock
  polity wallet add FILE [--tag TAG]...
  polity wallet list [--json] [--keys]
  polity wallet show [--raw] ID
  polity wallet query [--type T] [--issuer DID] [--subject DID] [--tag TAG] [--format F] [--valid-at TIME|now] [--trusted] [--json]
  polity wallet query --pe DEFINITION.json | --dcql QUERY.json
  polity wallet present --key ID --challenge C [--domain D] [--format di|jwt|sd-jwt]
                        [--holder DID] [--vm DIDURL] [--suite S] [--query FILE [--submission OUT]]
                        [CRED-ID...]
  polity wallet export --out FILE [--backup-passphrase-file FILE]
  polity wallet import FILE [--tag TAG]... [--label L] [--backup-passphrase-file FILE]
  polity wallet passwd [--new-passphrase-file FILE]
  polity wallet trust DID [--type T]... [--label L] | --remove DID | --list

Backups use $POLITY_BACKUP_PASSPHRASE or --backup-passphrase-file, else the wallet passphrase.
passwd reads the new passphrase from --new-passphrase-file or $POLITY_NEW_PASSPHRASE,
else prompts twice. import prints the key id and did:key of a private key (JWK) file.
present signs with a key of the wallet (import a key file made by "polity did new").
--query takes a Presentation Exchange definition or a DCQL query: it picks the
credentials, and for SD-JWT the claims to disclose when the request limits disclosure.
"-" as FILE means stdin.
`

// walletMaxInput caps files read by the wallet commands, except import.
const walletMaxInput = 4 << 20

type walletCmd struct {
	e        *env
	fs       *flag.FlagSet
	path     string
	passFile string
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runWallet(e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, walletUsage)
		return exitUsage
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(e.stdout, walletUsage)
		fmt.Fprint(e.stdout, "\n"+walletCmdUsage)
		return exitOK
	}
	fns := map[string]func(*walletCmd, []string) int{
		"init": walletInit, "unlock": walletUnlock, "add": walletAdd, "list": walletList,
		"show": walletShow, "query": walletQuery, "present": walletPresent, "export": walletExport,
		"import": walletImport, "passwd": walletPasswd, "trust": walletTrust,
	}
	fn, ok := fns[sub]
	if !ok {
		errorf(e, "unknown wallet command %q", sub)
		hintf(e, "run \"polity wallet --help\" for the list of commands")
		return exitUsage
	}
	c := &walletCmd{e: e, fs: flag.NewFlagSet("polity wallet "+sub, flag.ContinueOnError)}
	c.fs.SetOutput(io.Discard)
	c.fs.StringVar(&c.path, "wallet", "", "wallet file")
	c.fs.StringVar(&c.passFile, "passphrase-file", "", "passphrase file")
	return fn(c, rest)
}

// parse parses flags that may come before or after positional arguments.
func (c *walletCmd) parse(args []string, npos int) ([]string, int) {
	if code, ok := parseFlags(c.e, c.fs, walletCmdUsage, interspersed(c.fs, args)); !ok {
		return nil, code
	}
	pos := c.fs.Args()
	if npos >= 0 && len(pos) != npos {
		errorf(c.e, "%s takes %d argument(s), got %d", c.fs.Name(), npos, len(pos))
		hintf(c.e, "run \"polity wallet --help\" for usage")
		return nil, exitUsage
	}
	if c.path == "" {
		c.path = c.e.getenv("POLITY_WALLET")
	}
	if c.path == "" {
		errorf(c.e, "no wallet file given")
		hintf(c.e, "pass --wallet PATH or set POLITY_WALLET")
		return nil, exitUsage
	}
	return pos, -1
}

// passphrase returns a passphrase from file, else the environment variable
// envName, else a prompt without echo when stdin is a terminal (asking twice
// with confirm).
func (c *walletCmd) passphrase(file, envName, prompt string, confirm bool) ([]byte, error) {
	if file != "" {
		b, err := readInput(c.e, file, walletMaxInput)
		if err != nil {
			return nil, err
		}
		line, _, _ := bytes.Cut(b, []byte("\n"))
		clear(b[len(line):])
		return bytes.TrimSuffix(line, []byte("\r")), nil
	}
	if p := c.e.getenv(envName); p != "" {
		return []byte(p), nil
	}
	p, err := termPassphrase(c.e.stdin, c.e.stderr, prompt, confirm)
	if errors.Is(err, errNoTerminal) {
		return nil, fmt.Errorf("no passphrase: set %s or pass a passphrase file", envName)
	}
	return p, err
}

// open opens and unlocks the wallet, printing errors; ok=false means return code.
func (c *walletCmd) open(ctx context.Context) (*wallet.Wallet, int) {
	w, err := wallet.Open(ctx, c.path, nil)
	if err != nil {
		return nil, c.fail(err)
	}
	pass, err := c.passphrase(c.passFile, "POLITY_PASSPHRASE", "Wallet passphrase", false)
	if err != nil {
		w.Close()
		return nil, c.fail(err)
	}
	defer clear(pass)
	if err := w.Unlock(ctx, pass); err != nil {
		w.Close()
		return nil, c.fail(err)
	}
	return w, -1
}

// fail prints err with a hint for its kind and returns the exit code.
func (c *walletCmd) fail(err error) int {
	errorf(c.e, "%v", err)
	switch {
	case errors.Is(err, wallet.ErrWrongPassphrase):
		hintf(c.e, "check POLITY_PASSPHRASE or --passphrase-file")
	case errors.Is(err, wallet.ErrNotFound) && strings.Contains(err.Error(), c.path):
		hintf(c.e, "create it with \"polity wallet init --wallet %s\"", c.path)
	case errors.Is(err, wallet.ErrBusy):
		hintf(c.e, "another polity process has the wallet open")
	case errors.Is(err, wallet.ErrCorrupt):
		hintf(c.e, "the file is damaged or not a wallet; restore from a backup with \"polity wallet import\"")
	case errors.Is(err, query.ErrNoMatch):
		hintf(c.e, "list what the wallet holds with \"polity wallet list\"")
	}
	return exitFailure
}

func walletInit(c *walletCmd, args []string) int {
	var kdf wallet.KDFParams
	var threads uint
	c.fs.Func("kdf-time", "Argon2id passes", func(s string) error { return walletUint32(s, &kdf.Time) })
	c.fs.Func("kdf-memory", "Argon2id memory in KiB", func(s string) error { return walletUint32(s, &kdf.MemoryKiB) })
	c.fs.UintVar(&threads, "kdf-threads", 0, "Argon2id threads")
	if _, code := c.parse(args, 0); code >= 0 {
		return code
	}
	if threads > 255 {
		errorf(c.e, "--kdf-threads must be at most 255")
		return exitUsage
	}
	kdf.Threads = uint8(threads)
	pass, err := c.passphrase(c.passFile, "POLITY_PASSPHRASE", "New wallet passphrase", true)
	if err != nil {
		return c.fail(err)
	}
	defer clear(pass)
	if len(pass) == 0 {
		errorf(c.e, "empty passphrase")
		return exitUsage
	}
	ctx := context.Background()
	w, err := wallet.Create(ctx, c.path, pass, &wallet.Options{KDF: kdf})
	if err != nil {
		return c.fail(err)
	}
	defer w.Close()
	got, _ := w.KDF(ctx)
	fmt.Fprintf(c.e.stdout, "created %s (%s)\n", c.path, got)
	return exitOK
}

func walletUint32(s string, dst *uint32) error {
	var v uint64
	if _, err := fmt.Sscan(s, &v); err != nil || v == 0 || v > 1<<32-1 {
		return fmt.Errorf("want a positive integer")
	}
	*dst = uint32(v)
	return nil
}

func walletUnlock(c *walletCmd, args []string) int {
	if _, code := c.parse(args, 0); code >= 0 {
		return code
	}
	w, code := c.open(context.Background())
	if w == nil {
		return code
	}
	w.Close()
	fmt.Fprintln(c.e.stdout, "passphrase OK")
	return exitOK
}

func walletAdd(c *walletCmd, args []string) int {
	var tags multiFlag
	c.fs.Var(&tags, "tag", "tag (repeatable)")
	pos, code := c.parse(args, 1)
	if code >= 0 {
		return code
	}
	raw, err := readInput(c.e, pos[0], walletMaxInput)
	if err != nil {
		return c.fail(err)
	}
	ctx := context.Background()
	w, code := c.open(ctx)
	if w == nil {
		return code
	}
	defer w.Close()
	info, err := w.AddCredential(ctx, raw, tags...)
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.e.stdout, info.ID)
	return exitOK
}

func walletLine(info *wallet.CredentialInfo) string {
	typ := "-"
	for _, t := range info.Types {
		if t != "VerifiableCredential" {
			typ = t
			break
		}
	}
	until := "-"
	if !info.ValidUntil.IsZero() {
		until = info.ValidUntil.Format(time.RFC3339)
	}
	issuer := info.Issuer
	if issuer == "" {
		issuer = "-"
	}
	tags := strings.Join(info.Tags, ",")
	if tags == "" {
		tags = "-"
	}
	return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s", info.ID, info.Format, typ, issuer, until, tags)
}

func walletPrintInfos(c *walletCmd, infos []wallet.CredentialInfo, asJSON bool) {
	if asJSON {
		if infos == nil {
			infos = []wallet.CredentialInfo{}
		}
		enc := json.NewEncoder(c.e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(infos)
		return
	}
	for i := range infos {
		fmt.Fprintln(c.e.stdout, walletLine(&infos[i]))
	}
}

func walletList(c *walletCmd, args []string) int {
	asJSON := c.fs.Bool("json", false, "print JSON")
	keys := c.fs.Bool("keys", false, "list the keys instead of the credentials")
	if _, code := c.parse(args, 0); code >= 0 {
		return code
	}
	ctx := context.Background()
	w, code := c.open(ctx)
	if w == nil {
		return code
	}
	defer w.Close()
	if *keys {
		ks, err := w.Keys(ctx)
		if err != nil {
			return c.fail(err)
		}
		if *asJSON {
			if ks == nil {
				ks = []wallet.KeyInfo{}
			}
			return walletJSON(c, ks)
		}
		for _, k := range ks {
			fmt.Fprintf(c.e.stdout, "%s\t%s\t%s\t%s\n", k.ID, k.KeyType, orDash(k.DID), orDash(k.Label))
		}
		return exitOK
	}
	infos, err := w.Credentials(ctx, nil)
	if err != nil {
		return c.fail(err)
	}
	walletPrintInfos(c, infos, *asJSON)
	return exitOK
}

func walletShow(c *walletCmd, args []string) int {
	rawOnly := c.fs.Bool("raw", false, "print only the credential bytes")
	pos, code := c.parse(args, 1)
	if code >= 0 {
		return code
	}
	ctx := context.Background()
	w, code := c.open(ctx)
	if w == nil {
		return code
	}
	defer w.Close()
	cr, err := w.Credential(ctx, pos[0])
	if err != nil {
		return c.fail(err)
	}
	if *rawOnly {
		c.e.stdout.Write(cr.Raw)
		return exitOK
	}
	out := c.e.stdout
	fmt.Fprintf(out, "id:         %s\nformat:     %s\ntypes:      %s\nissuer:     %s\nsubject:    %s\n",
		cr.ID, cr.Format, strings.Join(cr.Types, ", "), cr.Issuer, cr.Subject)
	if cr.CredentialID != "" {
		fmt.Fprintf(out, "credential: %s\n", cr.CredentialID)
	}
	if !cr.ValidFrom.IsZero() {
		fmt.Fprintf(out, "validFrom:  %s\n", cr.ValidFrom.Format(time.RFC3339))
	}
	if !cr.ValidUntil.IsZero() {
		fmt.Fprintf(out, "validUntil: %s\n", cr.ValidUntil.Format(time.RFC3339))
	}
	fmt.Fprintf(out, "tags:       %s\nadded:      %s\n\n", strings.Join(cr.Tags, ", "), cr.Added.Format(time.RFC3339))
	out.Write(cr.Raw)
	if !bytes.HasSuffix(cr.Raw, []byte("\n")) {
		fmt.Fprintln(out)
	}
	return exitOK
}

func walletQuery(c *walletCmd, args []string) int {
	var f wallet.Filter
	var format, validAt, peFile, dcqlFile string
	asJSON := c.fs.Bool("json", false, "print JSON")
	c.fs.StringVar(&f.Type, "type", "", "credential type")
	c.fs.StringVar(&f.Issuer, "issuer", "", "issuer")
	c.fs.StringVar(&f.Subject, "subject", "", "subject")
	c.fs.StringVar(&f.Tag, "tag", "", "tag")
	c.fs.StringVar(&format, "format", "", "format")
	c.fs.StringVar(&validAt, "valid-at", "", "RFC 3339 time or now")
	c.fs.BoolVar(&f.Trusted, "trusted", false, "only credentials of trusted issuers")
	c.fs.StringVar(&peFile, "pe", "", "Presentation Exchange definition file")
	c.fs.StringVar(&dcqlFile, "dcql", "", "DCQL query file")
	if _, code := c.parse(args, 0); code >= 0 {
		return code
	}
	f.Format = wallet.Format(format)
	if validAt == "now" {
		f.ValidAt = time.Now()
	} else if validAt != "" {
		t, err := time.Parse(time.RFC3339, validAt)
		if err != nil {
			errorf(c.e, "--valid-at: want an RFC 3339 time or \"now\"")
			return exitUsage
		}
		f.ValidAt = t
	}
	if peFile != "" && dcqlFile != "" {
		errorf(c.e, "--pe and --dcql are exclusive")
		return exitUsage
	}
	var def *query.Definition
	var dq *query.DCQL
	if peFile != "" || dcqlFile != "" {
		name := peFile + dcqlFile
		b, err := readInput(c.e, name, walletMaxInput)
		if err != nil {
			return c.fail(err)
		}
		if peFile != "" {
			def, err = query.ParseDefinition(b)
		} else {
			dq, err = query.ParseDCQL(b)
		}
		if err != nil {
			return c.fail(fmt.Errorf("%s: %w", name, err))
		}
	}
	ctx := context.Background()
	w, code := c.open(ctx)
	if w == nil {
		return code
	}
	defer w.Close()
	switch {
	case def != nil:
		res, err := w.MatchDefinition(ctx, def)
		if err != nil {
			return c.fail(err)
		}
		out := map[string]any{"presentation_submission": res.Submission, "credentials": res.Credentials}
		return walletJSON(c, out)
	case dq != nil:
		res, err := w.MatchDCQL(ctx, dq)
		if err != nil {
			return c.fail(err)
		}
		type match struct {
			Credential string  `json:"credential"`
			Format     string  `json:"format"`
			Claims     [][]any `json:"claims,omitempty"`
		}
		sel := map[string][]match{}
		for id, ms := range res.Selected {
			for _, m := range ms {
				sel[id] = append(sel[id], match{m.CredentialID, m.Format, m.Claims})
			}
		}
		for _, n := range res.Notes {
			hintf(c.e, "%s", n)
		}
		return walletJSON(c, map[string]any{"selected": sel})
	}
	infos, err := w.Credentials(ctx, &f)
	if err != nil {
		return c.fail(err)
	}
	walletPrintInfos(c, infos, *asJSON)
	return exitOK
}

func walletJSON(c *walletCmd, v any) int {
	enc := json.NewEncoder(c.e.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return c.fail(err)
	}
	return exitOK
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// walletPresentFormats maps --format values to vc presentation formats.
var walletPresentFormats = map[string]string{
	"di": vc.FormatDataIntegrity, "data-integrity": vc.FormatDataIntegrity,
	"jwt": vc.FormatVPJWT, "vp+jwt": vc.FormatVPJWT,
	"sd-jwt": vc.FormatSDJWT, vc.FormatSDJWT: vc.FormatSDJWT,
}

func walletPresent(c *walletCmd, args []string) int {
	var req wallet.PresentRequest
	var format, queryFile string
	c.fs.StringVar(&req.KeyID, "key", "", "wallet key id")
	c.fs.StringVar(&req.Nonce, "challenge", "", "verifier challenge")
	c.fs.StringVar(&req.Audience, "domain", "", "verifier domain or client id")
	c.fs.StringVar(&format, "format", "di", "di, jwt or sd-jwt")
	c.fs.StringVar(&req.Holder, "holder", "", "holder DID")
	c.fs.StringVar(&req.VerificationMethod, "vm", "", "holder verification method")
	c.fs.StringVar(&req.Suite, "suite", "", "Data Integrity cryptosuite")
	c.fs.StringVar(&queryFile, "query", "", "PE definition or DCQL query file")
	subFile := c.fs.String("submission", "", "write the PE presentation_submission to FILE")
	pos, code := c.parse(args, -1)
	if code >= 0 {
		return code
	}
	f, ok := walletPresentFormats[format]
	switch {
	case !ok:
		errorf(c.e, "unknown --format %q (want di, jwt or sd-jwt)", format)
		return exitUsage
	case req.KeyID == "":
		errorf(c.e, "present needs --key ID")
		hintf(c.e, "\"polity wallet list --keys\" shows the key ids")
		return exitUsage
	case req.Nonce == "":
		errorf(c.e, "present needs --challenge, the verifier's nonce")
		return exitUsage
	case (queryFile == "") == (len(pos) == 0):
		errorf(c.e, "present takes either --query FILE or credential ids")
		return exitUsage
	}
	req.Format = f
	var sub []byte
	var def *query.Definition
	var dq *query.DCQL
	if queryFile != "" {
		b, err := readInput(c.e, queryFile, walletMaxInput)
		if err != nil {
			return c.fail(err)
		}
		if def, dq, err = walletParseRequest(b); err != nil {
			return c.fail(fmt.Errorf("%s: %w", queryFile, err))
		}
	}
	if *subFile != "" && def == nil {
		errorf(c.e, "--submission needs --query with a Presentation Exchange definition")
		return exitUsage
	}
	ctx := context.Background()
	w, code := c.open(ctx)
	if w == nil {
		return code
	}
	defer w.Close()
	switch {
	case def != nil:
		res, err := w.MatchDefinition(ctx, def)
		if err != nil {
			return c.fail(err)
		}
		req.FromDefinition(res)
		if sub, err = json.MarshalIndent(res.Submission, "", "  "); err != nil {
			return c.fail(err)
		}
	case dq != nil:
		res, err := w.MatchDCQL(ctx, dq)
		if err != nil {
			return c.fail(err)
		}
		req.FromDCQL(dq, res)
	default:
		req.Credentials = pos
	}
	vp, err := w.Present(ctx, nil, &req)
	if err != nil {
		return c.fail(err)
	}
	if *subFile != "" {
		if err := os.WriteFile(*subFile, append(sub, '\n'), 0o644); err != nil {
			return c.fail(err)
		}
	}
	c.e.stdout.Write(bytes.TrimSpace(vp))
	fmt.Fprintln(c.e.stdout)
	return exitOK
}

// walletParseRequest reads a Presentation Exchange definition or a DCQL
// query, told apart by their top-level members.
func walletParseRequest(b []byte) (*query.Definition, *query.DCQL, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", query.ErrMalformed, err)
	}
	_, pe := probe["input_descriptors"]
	_, wrapped := probe["presentation_definition"]
	if pe || wrapped {
		def, err := query.ParseDefinition(b)
		return def, nil, err
	}
	dq, err := query.ParseDCQL(b)
	return nil, dq, err
}

// backupPassphrase returns the backup passphrase: the backup file flag or
// environment variable, else the wallet passphrase. With confirm (a new
// backup) a prompt asks twice.
func (c *walletCmd) backupPassphrase(file string, confirm bool) ([]byte, error) {
	if file != "" || c.e.getenv("POLITY_BACKUP_PASSPHRASE") != "" {
		return c.passphrase(file, "POLITY_BACKUP_PASSPHRASE", "Backup passphrase", confirm)
	}
	return c.passphrase(c.passFile, "POLITY_PASSPHRASE", "Backup passphrase", confirm)
}

func walletExport(c *walletCmd, args []string) int {
	out := c.fs.String("out", "", "backup file to write")
	bfile := c.fs.String("backup-passphrase-file", "", "backup passphrase file")
	if _, code := c.parse(args, 0); code >= 0 {
		return code
	}
	if *out == "" {
		errorf(c.e, "export needs --out FILE")
		return exitUsage
	}
	ctx := context.Background()
	w, code := c.open(ctx)
	if w == nil {
		return code
	}
	defer w.Close()
	bpass, err := c.backupPassphrase(*bfile, true)
	if err != nil {
		return c.fail(err)
	}
	defer clear(bpass)
	var buf bytes.Buffer
	if err := w.Export(ctx, &buf, bpass); err != nil {
		return c.fail(err)
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return c.fail(err)
	}
	_, err = f.Write(buf.Bytes())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out) // no truncated backup is left to be trusted later
		return c.fail(err)
	}
	fmt.Fprintf(c.e.stdout, "wrote %s (%d bytes)\n", *out, buf.Len())
	return exitOK
}

func walletImport(c *walletCmd, args []string) int {
	var tags multiFlag
	c.fs.Var(&tags, "tag", "tag for a single credential (repeatable)")
	bfile := c.fs.String("backup-passphrase-file", "", "backup passphrase file")
	label := c.fs.String("label", "", "label for a private key")
	pos, code := c.parse(args, 1)
	if code >= 0 {
		return code
	}
	// A backup may be large; the wallet caps a single credential itself.
	data, err := readInput(c.e, pos[0], wallet.DefaultMaxBackupBytes)
	if err != nil {
		return c.fail(err)
	}
	defer clear(data)
	ctx := context.Background()
	w, code := c.open(ctx)
	if w == nil {
		return code
	}
	defer w.Close()
	switch {
	case wallet.IsBackup(data):
		bpass, err := c.backupPassphrase(*bfile, false)
		if err != nil {
			return c.fail(err)
		}
		defer clear(bpass)
		st, err := w.Import(ctx, bytes.NewReader(data), bpass)
		if err != nil {
			return c.fail(err)
		}
		for _, k := range []string{"credential", "key", "did", "presentation", "status", "contact"} {
			if st.Added[k]+st.Skipped[k] > 0 {
				fmt.Fprintf(c.e.stdout, "%s: %d added, %d already present\n", k, st.Added[k], st.Skipped[k])
			}
		}
		return exitOK
	case walletIsPrivateJWK(data):
		k, err := did.ParsePrivateJWK(bytes.TrimSpace(data))
		if err != nil {
			return c.fail(fmt.Errorf("%w: %w", wallet.ErrMalformed, err))
		}
		holder := key.New(k.Public())
		info, err := w.AddPrivateKey(ctx, k, holder, *label)
		if err != nil {
			return c.fail(err)
		}
		if _, err := w.DID(ctx, holder); errors.Is(err, wallet.ErrNotFound) {
			err = w.PutDID(ctx, wallet.DIDRecord{DID: holder, KeyIDs: []string{info.ID}, Label: *label})
		}
		if err != nil {
			return c.fail(err)
		}
		fmt.Fprintf(c.e.stdout, "%s\t%s\n", info.ID, holder)
		return exitOK
	}
	info, err := w.AddCredential(ctx, data, tags...)
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.e.stdout, info.ID)
	return exitOK
}

// walletIsPrivateJWK reports whether data looks like a private JWK: a JSON
// object with "kty" and "d" members.
func walletIsPrivateJWK(data []byte) bool {
	var m struct {
		Kty *string         `json:"kty"`
		D   json.RawMessage `json:"d"`
	}
	return json.Unmarshal(data, &m) == nil && m.Kty != nil && len(m.D) > 0
}

func walletPasswd(c *walletCmd, args []string) int {
	nfile := c.fs.String("new-passphrase-file", "", "new passphrase file")
	if _, code := c.parse(args, 0); code >= 0 {
		return code
	}
	ctx := context.Background()
	w, err := wallet.Open(ctx, c.path, nil)
	if err != nil {
		return c.fail(err)
	}
	defer w.Close()
	old, err := c.passphrase(c.passFile, "POLITY_PASSPHRASE", "Current passphrase", false)
	if err != nil {
		return c.fail(err)
	}
	defer clear(old)
	newPass, err := c.passphrase(*nfile, "POLITY_NEW_PASSPHRASE", "New passphrase", true)
	if err != nil {
		return c.fail(err)
	}
	defer clear(newPass)
	if len(newPass) == 0 {
		errorf(c.e, "empty new passphrase")
		return exitUsage
	}
	if err := w.ChangePassphrase(ctx, old, newPass); err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.e.stdout, "passphrase changed")
	return exitOK
}

func walletTrust(c *walletCmd, args []string) int {
	var types multiFlag
	c.fs.Var(&types, "type", "accepted credential type (repeatable; none = any)")
	label := c.fs.String("label", "", "label")
	remove := c.fs.Bool("remove", false, "remove the trusted issuer")
	list := c.fs.Bool("list", false, "list the trusted issuers")
	pos, code := c.parse(args, -1)
	if code >= 0 {
		return code
	}
	if *list == (len(pos) == 1) || len(pos) > 1 {
		errorf(c.e, "trust takes one DID, or --list")
		return exitUsage
	}
	ctx := context.Background()
	w, code := c.open(ctx)
	if w == nil {
		return code
	}
	defer w.Close()
	switch {
	case *list:
		cs, err := w.Contacts(ctx)
		if err != nil {
			return c.fail(err)
		}
		for _, ct := range cs {
			fmt.Fprintf(c.e.stdout, "%s\t%s\t%s\n", ct.DID, orDash(strings.Join(ct.Types, ",")), orDash(ct.Label))
		}
	case *remove:
		if err := w.DeleteContact(ctx, pos[0]); err != nil {
			return c.fail(err)
		}
	default:
		if err := w.PutContact(ctx, wallet.Contact{DID: pos[0], Types: types, Label: *label}); err != nil {
			return c.fail(err)
		}
	}
	return exitOK
}
