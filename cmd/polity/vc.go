package main

import (
	"bytes"
	"cmp"
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
	"github.com/polity-id/polity/did/jwk"
	"github.com/polity-id/polity/did/key"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/jose"
	"github.com/polity-id/polity/vc/sdjwt"
	"github.com/polity-id/polity/vc/status"
)

const vcUsage = `Usage: polity vc COMMAND [OPTIONS] FILE

Issue and verify verifiable credentials (W3C VCDM 2.0, reads 1.1).

Commands:
  issue     sign a credential (Data Integrity, vc+jwt, JWT-VC 1.1 or SD-JWT)
  verify    verify a credential or presentation and print the result as JSON

Run "polity vc COMMAND --help" for a command's options.

Example:
  polity vc issue --key issuer.jwk membership.json > signed.json
  polity vc verify signed.json
`

const vcIssueUsage = `Usage: polity vc issue --key KEYFILE [--suite SUITE] [--created TIME] [--issuer DID] [--vm DIDURL] [--status LIST] [--holder DID] [--disclose PATH]... IN.json

Signs the credential in IN.json ("-" for stdin) and prints the secured credential on
stdout: JSON for a Data Integrity proof, one compact line for a JWT or an SD-JWT. An
issuer (--issuer, or the key's did:key DID) and validFrom (issuanceDate for a VCDM 1.1
credential) are added when absent; nothing else is changed.

Options:
  --key KEYFILE    private key file, as written by "polity did new" (required)
  --suite SUITE    a Data Integrity suite: eddsa-rdfc-2022, eddsa-jcs-2022,
                   ecdsa-rdfc-2019, ecdsa-jcs-2019 or Ed25519Signature2020 (default:
                   eddsa-rdfc-2022 for Ed25519 keys, ecdsa-rdfc-2019 for P-256 and
                   P-384 keys); or
                     vc-jwt       application/vc+jwt (VC-JOSE-COSE, VCDM 2.0)
                     jwt-vc-1.1   a VCDM 1.1 JWT-VC (the "vc" claim form)
                     sd-jwt       an SD-JWT VC (dc+sd-jwt) whose payload is the
                                  credential, with iss, vct, iat and cnf added
  --created TIME   proof time, RFC 3339 (default now); with a fixed time, Ed25519
                   proofs are reproducible byte for byte
  --issuer DID     issuer DID when IN.json has none (default: the key's did:key)
  --vm DIDURL      verification method, needed when the issuer is not the key's
                   own did:key or did:jwk DID
  --status LIST    allocate an index in the status list whose state file is LIST
                   (see "polity status") and add its credentialStatus entry
  --holder DID     sd-jwt: the holder's did:key or did:jwk DID, whose key goes into
                   cnf so that the holder can present with key binding
  --disclose PATH  sd-jwt: make the claim at PATH selectively disclosable, such as
                   credentialSubject.role or credentialSubject.address.* (repeatable)

Example:
  polity vc issue --key issuer.jwk --suite eddsa-jcs-2022 membership.json
  polity vc issue --key issuer.jwk --suite sd-jwt --holder did:key:z6Mk... \
      --disclose credentialSubject.role membership.json
`

const vcVerifyUsage = `Usage: polity vc verify [--challenge C [--domain D]] [--proof-only] [--now TIME] [--skew DURATION] [--did-doc FILE|DIR]... [--trust DID[=TYPE,...]]... [--status-dir DIR | --ignore-status] FILE

Verifies the credential in FILE ("-" for stdin): a JSON credential with a Data
Integrity proof, a vc+jwt or JWT-VC token, or an SD-JWT VC. Prints one JSON object
on stdout:
  {"verified":true,"checks":[...]}
  {"verified":false,"checks":[...],"error":{"code":"CODE","message":"..."}}
Codes: MALFORMED, UNKNOWN_CONTEXT, UNSUPPORTED_SUITE, INVALID_SIGNATURE,
UNRESOLVABLE_DID, KEY_NOT_AUTHORIZED, EXPIRED, NOT_YET_VALID, REVOKED, SUSPENDED,
UNTRUSTED_ISSUER, STATUS_UNAVAILABLE (the status list could not be fetched or
read; ERROR for anything else); for
presentations also CHALLENGE_MISMATCH, DOMAIN_MISMATCH, HOLDER_MISMATCH and REPLAY.

A presentation (Data Integrity, vp+jwt, or SD-JWT with key binding) is detected
and verified like "polity vp verify", which needs --challenge.

Nothing is fetched: did:key and did:jwk resolve offline, other DIDs need their DID
documents pinned with --did-doc.

Options:
  --challenge C      presentations: the challenge (nonce) the holder was given
  --domain D         presentations: the verifier's domain (audience) they must name
  --proof-only       check structure, contexts and signature only: the key need not
                     belong to the issuer; validity, status and issuer are skipped
  --now TIME         check validity at TIME, RFC 3339 (default now)
  --skew DURATION    clock tolerance (default 1m)
  --max-age DURATION presentations: how old their proof may be (default: no bound,
                     except 5m for an SD-JWT key binding JWT)
  --did-doc PATH     a DID document file, or a directory of *.json DID documents,
                     to resolve DIDs offline (repeatable)
  --trust DID[=T,..] trust issuer DID, for the listed types only if given
                     (repeatable); without --trust every issuer is accepted
  --status-dir DIR   check credentialStatus against the status list credentials
                     in DIR (JSON or vc+jwt files, matched by their id), verified
                     like the credential
  --ignore-status    do not check credentialStatus (reported as skipped); without
                     it or --status-dir, a credential with a status fails

Exit status: 0 verified, 1 not verified, 2 usage error.

Example:
  polity vc verify --did-doc issuers/ --now 2026-01-01T00:00:00Z signed.json
`

func runVC(e *env, args []string) int {
	return runGroup(e, args, "vc", vcUsage, map[string]func(*env, []string) int{
		"issue":  runVCIssue,
		"verify": runVCVerify,
	})
}

// vcListFlag collects a repeatable string flag.
type vcListFlag []string

func (m *vcListFlag) String() string     { return strings.Join(*m, ",") }
func (m *vcListFlag) Set(s string) error { *m = append(*m, s); return nil }

// interspersed moves the flags of args before the positional arguments, so that
// "verify FILE --proof-only" works like "verify --proof-only FILE". Everything after
// "--" stays positional.
func interspersed(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue
		}
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
			continue
		}
		if i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	out := append(flags, "--")
	return append(out, pos...)
}

// readInput reads a file argument ("-" is stdin), at most max bytes.
func readInput(e *env, path string, max int64) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	return data, nil
}

// maxInput caps the files the vc commands read; the verifier's own limit is 1 MiB, so
// a larger input still gives a MALFORMED result rather than an I/O error.
const maxInput = 4 << 20

func parseTimeFlag(s string) (time.Time, error) {
	if t, err := vc.ParseDateTime(s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

func runVCIssue(e *env, args []string) int {
	fs := flag.NewFlagSet("vc issue", flag.ContinueOnError)
	keyFile := fs.String("key", "", "")
	suite := fs.String("suite", "", "")
	created := fs.String("created", "", "")
	issuer := fs.String("issuer", "", "")
	vm := fs.String("vm", "", "")
	statusList := fs.String("status", "", "")
	holder := fs.String("holder", "", "")
	var disclose vcListFlag
	fs.Var(&disclose, "disclose", "")
	if code, ok := parseFlags(e, fs, vcIssueUsage, interspersed(fs, args)); !ok {
		return code
	}
	if fs.NArg() != 1 {
		errorf(e, "vc issue takes exactly one credential file")
		fmt.Fprint(e.stderr, vcIssueUsage)
		return exitUsage
	}
	if *keyFile == "" {
		errorf(e, "--key KEYFILE is required")
		hintf(e, "create one with \"polity did new --out issuer.jwk\"")
		return exitUsage
	}
	opts := vc.IssueOptions{Suite: *suite, IssuerDID: *issuer, VerificationMethod: *vm}
	jwtSuite := contains(jwtSuites, *suite)
	if *suite != "" && !jwtSuite && !contains(vc.Suites(), *suite) {
		errorf(e, "unknown --suite %q (want one of %s, %s)", *suite, strings.Join(vc.Suites(), ", "), strings.Join(jwtSuites, ", "))
		return exitUsage
	}
	if (*holder != "" || len(disclose) > 0) && *suite != suiteSDJWT {
		errorf(e, "--holder and --disclose apply to --suite %s only", suiteSDJWT)
		return exitUsage
	}
	if *created != "" {
		t, err := parseTimeFlag(*created)
		if err != nil {
			errorf(e, "--created: not an RFC 3339 time with a time zone: %q", *created)
			return exitUsage
		}
		opts.Created = t
	}
	priv, err := did.ReadKeyFile(*keyFile)
	if err != nil {
		errorf(e, "reading key: %v", err)
		return exitFailure
	}
	data, err := readInput(e, fs.Arg(0), maxInput)
	if err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	if *statusList != "" {
		n, err := allocateStatus(*statusList)
		if err != nil {
			errorf(e, "--status: %v", err)
			return exitFailure
		}
		opts.Status = []vc.Node{n}
	}
	if jwtSuite {
		var holderKey *did.PublicKey
		if *holder != "" {
			if holderKey, err = didPublicKey(*holder); err != nil {
				errorf(e, "--holder: %v", err)
				return exitUsage
			}
		}
		tok, err := issueJWT(data, priv, opts, holderKey, disclose)
		if err != nil {
			errorf(e, "%v", err)
			if errors.Is(err, vc.ErrKeyNotAuthorized) {
				hintf(e, "pass --vm with the key's verification method in the issuer's DID document")
			}
			return exitFailure
		}
		fmt.Fprintln(e.stdout, tok)
		return exitOK
	}
	signed, err := vc.Issue(context.Background(), data, priv, opts)
	if err != nil {
		return signFailed(e, err, "issuer")
	}
	e.stdout.Write(signed)
	fmt.Fprintln(e.stdout)
	return exitOK
}

// signFailed reports a failed signature by the issuer's or holder's key (whose), with a
// hint for the two mistakes a user can fix: a key that does not fit the suite, and a
// key that is not the signer DID's own method.
func signFailed(e *env, err error, whose string) int {
	errorf(e, "%v", err)
	var ske *vc.SuiteKeyError
	switch {
	case errors.As(err, &ske):
		hintf(e, "a %s key signs with %s", ske.KeyType, suitesFor(ske.KeyType))
	case errors.Is(err, vc.ErrKeyNotAuthorized):
		hintf(e, "pass --vm with the key's verification method in the %s's DID document", whose)
	}
	return exitFailure
}

// allocateStatus allocates an index in the status list with state file path and
// returns its credentialStatus entry.
func allocateStatus(path string) (vc.Node, error) {
	l, err := status.OpenList(path)
	if err != nil {
		return vc.Node{}, err
	}
	entry, err := l.Allocate()
	if err != nil {
		return vc.Node{}, err
	}
	b, err := entry.MarshalJSON()
	if err != nil {
		return vc.Node{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return vc.Node{}, err
	}
	n := vc.Node{Props: map[string]any{}}
	n.ID, _ = m["id"].(string)
	if typ, ok := m["type"].(string); ok {
		n.Types = []string{typ}
	}
	for k, v := range m {
		if k != "id" && k != "type" {
			n.Props[k] = v
		}
	}
	return n, nil
}

func suitesFor(kt did.KeyType) string {
	switch kt {
	case did.KeyEd25519:
		return "eddsa-rdfc-2022, eddsa-jcs-2022 or Ed25519Signature2020"
	case did.KeyP256, did.KeyP384:
		return "ecdsa-rdfc-2019 or ecdsa-jcs-2019"
	}
	return "no Data Integrity suite (use an Ed25519, P-256 or P-384 key)"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// verifierFlags are the verifier options "vc verify" and "vp verify" share.
type verifierFlags struct {
	proofOnly, ignoreStatus bool
	now, statusDir          string
	skew, maxAge            time.Duration
	docs, trust             vcListFlag
	challenge, domain       string
}

func (f *verifierFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.proofOnly, "proof-only", false, "")
	fs.StringVar(&f.now, "now", "", "")
	fs.DurationVar(&f.skew, "skew", vc.DefaultSkew, "")
	fs.DurationVar(&f.maxAge, "max-age", 0, "")
	fs.BoolVar(&f.ignoreStatus, "ignore-status", false, "")
	fs.StringVar(&f.statusDir, "status-dir", "", "")
	fs.Var(&f.docs, "did-doc", "")
	fs.Var(&f.trust, "trust", "")
	fs.StringVar(&f.challenge, "challenge", "", "")
	fs.StringVar(&f.domain, "domain", "", "")
}

// verifier builds the Verifier the flags describe; ok is false after a usage error
// was reported.
func (f *verifierFlags) verifier(e *env) (*vc.Verifier, bool) {
	cfg, ok := f.config(e)
	if !ok {
		return nil, false
	}
	return vc.NewVerifier(cfg), true
}

// config is the VerifierConfig the flags describe; ok is false after a usage error
// was reported.
func (f *verifierFlags) config(e *env) (vc.VerifierConfig, bool) {
	cfg := vc.VerifierConfig{ProofOnly: f.proofOnly, IgnoreStatus: f.ignoreStatus, Skew: f.skew, PresentationMaxAge: f.maxAge}
	if f.skew == 0 {
		cfg.Skew = -1
	}
	if f.now != "" {
		t, err := parseTimeFlag(f.now)
		if err != nil {
			errorf(e, "--now: not an RFC 3339 time with a time zone: %q", f.now)
			return vc.VerifierConfig{}, false
		}
		cfg.Now = func() time.Time { return t }
	}
	res := vc.NewOfflineResolver()
	for _, p := range f.docs {
		st, err := os.Stat(p)
		if err != nil {
			errorf(e, "--did-doc: %v", err)
			return vc.VerifierConfig{}, false
		}
		if st.IsDir() {
			_, err = res.PinDir(p)
		} else {
			err = res.PinFile(p)
		}
		if err != nil {
			errorf(e, "--did-doc %s: %v", p, err)
			return vc.VerifierConfig{}, false
		}
	}
	cfg.Resolver = res
	if f.statusDir != "" {
		if f.ignoreStatus {
			errorf(e, "--status-dir and --ignore-status exclude each other")
			return vc.VerifierConfig{}, false
		}
		if st, err := os.Stat(f.statusDir); err != nil || !st.IsDir() {
			errorf(e, "--status-dir %s is not a directory", f.statusDir)
			return vc.VerifierConfig{}, false
		}
		lists := vc.NewVerifier(cfg)
		checker := status.NewChecker(status.NewDirFetcher(f.statusDir), lists, &status.Config{Now: cfg.Now})
		cfg.StatusChecker = vc.NewStatusListChecker(checker)
	}
	if len(f.trust) > 0 {
		cfg.TrustedIssuers = map[string][]string{}
		for _, t := range f.trust {
			id, types, _ := strings.Cut(t, "=")
			if _, err := did.Parse(id); err != nil {
				errorf(e, "--trust: %q is not a DID", id)
				return vc.VerifierConfig{}, false
			}
			var list []string
			if types != "" {
				list = strings.Split(types, ",")
			}
			cfg.TrustedIssuers[id] = append(cfg.TrustedIssuers[id], list...)
		}
	}
	return cfg, true
}

// verifyCommand parses the arguments of "vc verify" or "vp verify" (name), builds the
// verifier and reads the one input file; code is the exit code when v is nil.
func verifyCommand(e *env, args []string, name, usage, what string) (v *vc.Verifier, f *verifierFlags, data []byte, code int) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	f = &verifierFlags{}
	f.register(fs)
	if code, ok := parseFlags(e, fs, usage, interspersed(fs, args)); !ok {
		return nil, nil, nil, code
	}
	if fs.NArg() != 1 {
		errorf(e, "%s takes exactly one %s file", name, what)
		fmt.Fprint(e.stderr, usage)
		return nil, nil, nil, exitUsage
	}
	v, ok := f.verifier(e)
	if !ok {
		return nil, nil, nil, exitUsage
	}
	data, err := readInput(e, fs.Arg(0), maxInput)
	if err != nil {
		errorf(e, "%v", err)
		return nil, nil, nil, exitUsage
	}
	return v, f, data, exitOK
}

func runVCVerify(e *env, args []string) int {
	v, f, data, code := verifyCommand(e, args, "vc verify", vcVerifyUsage, "credential")
	if v == nil {
		return code
	}
	if vc.IsPresentation(data) {
		return verifyPresentationCLI(e, v, data, f)
	}
	r, verr := v.Verify(context.Background(), data)
	out, err := json.Marshal(r)
	if err != nil {
		errorf(e, "encoding result: %v", err)
		return exitFailure
	}
	e.stdout.Write(out)
	fmt.Fprintln(e.stdout)
	if verr != nil || !r.Verified {
		return exitFailure
	}
	return exitOK
}

// JOSE suites of "vc issue".
const (
	suiteVCJWT  = "vc-jwt"
	suiteJWTVC  = "jwt-vc-1.1"
	suiteSDJWT  = "sd-jwt"
	maxDisclose = 256
)

var jwtSuites = []string{suiteVCJWT, suiteJWTVC, suiteSDJWT}

// issueJWT secures a credential as vc+jwt, a JWT-VC or an SD-JWT VC.
func issueJWT(data []byte, priv *did.PrivateKey, opts vc.IssueOptions, holder *did.PublicKey, disclose []string) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return "", fmt.Errorf("%w: the credential is not a JSON object", vc.ErrMalformed)
	}
	keyDID := key.New(priv.Public())
	issuer := cmp.Or(opts.IssuerDID, keyDID)
	switch iss := m["issuer"].(type) {
	case nil:
		m["issuer"] = issuer
	case string:
		issuer = iss
	case map[string]any:
		issuer, _ = iss["id"].(string)
	}
	if opts.IssuerDID != "" && issuer != opts.IssuerDID {
		return "", fmt.Errorf("%w: the credential names issuer %q, not %q", vc.ErrMalformed, issuer, opts.IssuerDID)
	}
	kid := opts.VerificationMethod
	if kid == "" {
		switch issuer {
		case keyDID:
			kid = keyDID + "#" + strings.TrimPrefix(keyDID, "did:key:")
		case jwk.New(priv.Public()):
			kid = issuer + "#0"
		default:
			return "", fmt.Errorf("%w: issuer %q is not the key's did:key or did:jwk", vc.ErrKeyNotAuthorized, issuer)
		}
	}
	created := opts.Created
	if created.IsZero() {
		created = time.Now()
	}
	created = created.UTC().Truncate(time.Second)
	dateField := "validFrom"
	if opts.Suite == suiteJWTVC {
		dateField = "issuanceDate"
	}
	if _, ok := m[dateField]; !ok {
		m[dateField] = vc.FormatDateTime(created)
	}
	if len(opts.Status) > 0 {
		if _, ok := m["credentialStatus"]; ok {
			return "", fmt.Errorf("%w: the credential already has credentialStatus", vc.ErrMalformed)
		}
		var list []any
		for _, n := range opts.Status {
			entry := map[string]any{"id": n.ID}
			if len(n.Types) > 0 {
				entry["type"] = n.Types[0]
			}
			for k, v := range n.Props {
				entry[k] = v
			}
			list = append(list, entry)
		}
		m["credentialStatus"] = list
	}
	switch opts.Suite {
	case suiteVCJWT:
		doc, err := json.Marshal(m)
		if err != nil {
			return "", err
		}
		return jose.SignCredential(doc, priv, kid)
	case suiteJWTVC:
		doc, err := json.Marshal(m)
		if err != nil {
			return "", err
		}
		return jose.SignJWTVC(doc, priv, kid)
	}
	// SD-JWT VC: the credential is the payload, with the registered claims.
	m["iss"] = issuer
	m["iat"] = created.Unix()
	if _, ok := m["vct"]; !ok {
		m["vct"] = credentialType(m["type"])
	}
	if len(disclose) > maxDisclose {
		return "", fmt.Errorf("%w: more than %d --disclose paths", vc.ErrMalformed, maxDisclose)
	}
	doc, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	sopts := &sdjwt.IssueOptions{Disclose: disclose, Kid: kid}
	if holder != nil {
		sopts.HolderKey = holder
	}
	tok, err := sdjwt.Issue(doc, priv, sopts)
	if err != nil {
		return "", fmt.Errorf("%w: %w", vc.ErrMalformed, err)
	}
	return tok, nil
}

// credentialType returns the first type other than VerifiableCredential, for "vct".
func credentialType(t any) string {
	var types []string
	switch v := t.(type) {
	case string:
		types = []string{v}
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				types = append(types, s)
			}
		}
	}
	for _, s := range types {
		if s != vc.TypeCredential {
			return s
		}
	}
	return vc.TypeCredential
}

// didPublicKey returns the key of a did:key or did:jwk DID.
func didPublicKey(s string) (*did.PublicKey, error) {
	switch {
	case strings.HasPrefix(s, "did:key:"):
		return key.PublicKey(s)
	case strings.HasPrefix(s, "did:jwk:"):
		pk, _, err := jwk.PublicKey(s)
		return pk, err
	}
	return nil, fmt.Errorf("%q is not a did:key or did:jwk DID", s)
}
