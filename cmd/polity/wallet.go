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
	"strings"
	"time"

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
  present   sign a presentation for a request (needs the vp package; not in this build)
  export    write an encrypted backup of the whole wallet
  import    merge a backup, or add a single credential
  passwd    change the passphrase (re-wraps the key; records are not re-encrypted)

Options (every command):
  --wallet PATH            wallet file (default $POLITY_WALLET)
  --passphrase-file FILE   read the passphrase from the first line of FILE
                           (default $POLITY_PASSPHRASE, else a prompt when stdin is a terminal)

Example:
  export POLITY_WALLET=~/.polity/wallet.db
  polity wallet init
  polity wallet add alumni.json --tag school
  polity wallet query --type AlumniCredential --valid-at now
`

const walletCmdUsage = `Usage:
  polity wallet init [--kdf-time N] [--kdf-memory KIB] [--kdf-threads N]
  polity wallet unlock
  polity wallet add FILE [--tag TAG]...
  polity wallet list [--json]
  polity wallet show [--raw] ID
  polity wallet query [--type T] [--issuer DID] [--subject DID] [--tag TAG] [--format F] [--valid-at TIME|now] [--json]
  polity wallet query --pe DEFINITION.json | --dcql QUERY.json
  polity wallet export --out FILE [--backup-passphrase-file FILE]
  polity wallet import FILE [--tag TAG]... [--backup-passphrase-file FILE]
  polity wallet passwd [--new-passphrase-file FILE]

Backups use $POLITY_BACKUP_PASSPHRASE or --backup-passphrase-file, else the wallet passphrase.
passwd reads the new passphrase from --new-passphrase-file or $POLITY_NEW_PASSPHRASE.
"-" as FILE means stdin.
`

// walletMaxInput caps files read by the wallet commands (backups are capped by the wallet).
const walletMaxInput = 4 << 20

var errWalletTooBig = errors.New("file too large")

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
		"import": walletImport, "passwd": walletPasswd,
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
	var pos []string
	for {
		if err := c.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(c.e.stdout, walletCmdUsage)
				return nil, exitOK
			}
			errorf(c.e, "%v", err)
			hintf(c.e, "run \"polity wallet --help\" for usage")
			return nil, exitUsage
		}
		args = c.fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) != npos {
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

// passphrase returns the wallet passphrase from the file flag, the
// environment, or a prompt on a terminal.
func (c *walletCmd) passphrase(file, envName, prompt string) ([]byte, error) {
	if file != "" {
		b, err := walletReadFile(c.e, file)
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
	if f, ok := c.e.stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprintf(c.e.stderr, "%s (input is shown): ", prompt)
			line, err := bufio.NewReader(f).ReadBytes('\n')
			if err != nil && len(line) == 0 {
				return nil, fmt.Errorf("reading passphrase: %w", err)
			}
			return bytes.TrimRight(line, "\r\n"), nil
		}
	}
	return nil, fmt.Errorf("no passphrase: set %s or pass a passphrase file", envName)
}

// open opens and unlocks the wallet, printing errors; ok=false means return code.
func (c *walletCmd) open(ctx context.Context) (*wallet.Wallet, int) {
	w, err := wallet.Open(ctx, c.path, nil)
	if err != nil {
		return nil, c.fail(err)
	}
	pass, err := c.passphrase(c.passFile, "POLITY_PASSPHRASE", "Wallet passphrase")
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

func walletReadFile(e *env, name string) ([]byte, error) {
	var r io.Reader
	if name == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, walletMaxInput+1))
	if err != nil {
		return nil, err
	}
	if len(b) > walletMaxInput {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", errWalletTooBig, name, walletMaxInput)
	}
	return b, nil
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
	pass, err := c.passphrase(c.passFile, "POLITY_PASSPHRASE", "New wallet passphrase")
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
	raw, err := walletReadFile(c.e, pos[0])
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
	if _, code := c.parse(args, 0); code >= 0 {
		return code
	}
	ctx := context.Background()
	w, code := c.open(ctx)
	if w == nil {
		return code
	}
	defer w.Close()
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
		b, err := walletReadFile(c.e, name)
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

func walletPresent(c *walletCmd, args []string) int {
	if _, code := c.parse(args, 0); code >= 0 {
		return code
	}
	errorf(c.e, "signing presentations is not available in this build")
	hintf(c.e, "\"polity wallet query --pe FILE\" or \"--dcql FILE\" shows which credentials a request selects")
	return exitFailure
}

func (c *walletCmd) backupPassphrase(file string) ([]byte, error) {
	if file != "" || c.e.getenv("POLITY_BACKUP_PASSPHRASE") != "" {
		return c.passphrase(file, "POLITY_BACKUP_PASSPHRASE", "Backup passphrase")
	}
	return c.passphrase(c.passFile, "POLITY_PASSPHRASE", "Backup passphrase")
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
	bpass, err := c.backupPassphrase(*bfile)
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
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return c.fail(err)
	}
	if err := f.Close(); err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(c.e.stdout, "wrote %s (%d bytes)\n", *out, buf.Len())
	return exitOK
}

func walletImport(c *walletCmd, args []string) int {
	var tags multiFlag
	c.fs.Var(&tags, "tag", "tag for a single credential (repeatable)")
	bfile := c.fs.String("backup-passphrase-file", "", "backup passphrase file")
	pos, code := c.parse(args, 1)
	if code >= 0 {
		return code
	}
	data, err := walletReadFile(c.e, pos[0])
	if err != nil && (!errors.Is(err, errWalletTooBig) || pos[0] == "-") {
		return c.fail(err)
	}
	ctx := context.Background()
	w, code := c.open(ctx)
	if w == nil {
		return code
	}
	defer w.Close()
	if data == nil || wallet.IsBackup(data) {
		bpass, err := c.backupPassphrase(*bfile)
		if err != nil {
			return c.fail(err)
		}
		defer clear(bpass)
		var r io.Reader = bytes.NewReader(data)
		if data == nil { // larger than the single-file cap: stream from disk
			fh, err := os.Open(pos[0])
			if err != nil {
				return c.fail(err)
			}
			defer fh.Close()
			r = fh
		}
		st, err := w.Import(ctx, r, bpass)
		if err != nil {
			return c.fail(err)
		}
		for _, k := range []string{"credential", "key", "did", "presentation", "status", "contact"} {
			if st.Added[k]+st.Skipped[k] > 0 {
				fmt.Fprintf(c.e.stdout, "%s: %d added, %d already present\n", k, st.Added[k], st.Skipped[k])
			}
		}
		return exitOK
	}
	info, err := w.AddCredential(ctx, data, tags...)
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.e.stdout, info.ID)
	return exitOK
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
	old, err := c.passphrase(c.passFile, "POLITY_PASSPHRASE", "Current passphrase")
	if err != nil {
		return c.fail(err)
	}
	defer clear(old)
	newPass, err := c.passphrase(*nfile, "POLITY_NEW_PASSPHRASE", "New passphrase")
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
