package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/vc"
)

const vpUsage = `Usage: polity vp COMMAND [OPTIONS] FILE...

Create and verify verifiable presentations: credentials from one holder, signed by
the holder for one verifier's challenge.

Commands:
  create    present credentials in a signed presentation
  verify    verify a presentation and print the result as JSON

Run "polity vp COMMAND --help" for a command's options.

Example:
  polity vp create --key holder.jwk --challenge 8f3a --domain https://door.example membership.json > vp.json
  polity vp verify --challenge 8f3a --domain https://door.example vp.json
`

const vpCreateUsage = `Usage: polity vp create --key KEYFILE --challenge C [--domain D] [--format di|jwt|jwt-vp-1.1|sd-jwt] [--suite SUITE] [--holder DID] [--vm DIDURL] [--created TIME] [--expires DURATION] [--disclose PATH]... CRED...

Wraps the credentials in the CRED files ("-" for stdin), each exactly as issued (Data
Integrity JSON, vc+jwt or JWT-VC, SD-JWT), in a presentation signed with the holder's
key and bound to the verifier's challenge and domain. Prints the presentation on
stdout: JSON for Data Integrity, one compact line otherwise.

Options:
  --key KEYFILE      the holder's private key file (required)
  --challenge C      the verifier's challenge (nonce) (required)
  --domain D         the verifier's identifier, such as its origin
  --format FORMAT    di: a Data Integrity presentation (default), embedding Data
                     Integrity credentials and enveloping the others;
                     jwt: application/vp+jwt, enveloping every credential;
                     jwt-vp-1.1: a VCDM 1.1 JWT presentation ("vp" claim,
                     nonce, aud), carrying JWT-VCs and VCDM 1.1 Data
                     Integrity credentials;
                     sd-jwt: one SD-JWT with a key binding JWT
  --suite SUITE      di: the cryptosuite (default: by key type)
  --holder DID       the holder DID (default: the key's did:key)
  --vm DIDURL        the key's verification method, needed when the holder is not
                     the key's did:key or did:jwk DID
  --created TIME     signing time, RFC 3339 (default now)
  --expires DURATION the presentation expires this long after --created
  --disclose PATH    reveal only the SD-JWT claims at PATH, such as
                     credentialSubject.role (repeatable; applies to every SD-JWT
                     credential; default: every disclosure)

Example:
  polity vp create --key holder.jwk --challenge 8f3a --format sd-jwt \
      --disclose credentialSubject.role membership.sd-jwt
`

const vpVerifyUsage = `Usage: polity vp verify --challenge C [--domain D] [--proof-only] [--max-age DURATION] [--now TIME] [--skew DURATION] [--did-doc FILE|DIR]... [--trust DID[=TYPE,...]]... [--status-dir DIR | --ignore-status] FILE

Verifies the presentation in FILE ("-" for stdin): a Data Integrity presentation, a
vp+jwt, a VCDM 1.1 JWT presentation, or an SD-JWT with a key binding JWT. Checks the holder's proof, its challenge,
domain and validity, then every credential as "polity vc verify" does, and that the
holder is each credential's subject. Prints one JSON object on stdout:
  {"verified":true,"format":"...","checks":[...],"credentials":[{...},...]}
  {"verified":false,...,"error":{"code":"CODE","message":"..."}}
The codes are those of "polity vc verify", plus CHALLENGE_MISMATCH,
DOMAIN_MISMATCH, HOLDER_MISMATCH and REPLAY. Each credential has the checks of a
credential plus "holder".

Options:
  --challenge C      the challenge the holder was given (required)
  --domain D         the verifier's identifier the presentation must name
  --proof-only       check structure, contexts and signatures only
  --max-age DURATION how old the holder's proof may be (default: no bound, except
                     5m for an SD-JWT key binding JWT)
  Other options are those of "polity vc verify".

Exit status: 0 verified, 1 not verified, 2 usage error.

Example:
  polity vp verify --challenge 8f3a --domain https://door.example vp.json
`

func runVP(e *env, args []string) int {
	return runGroup(e, args, "vp", vpUsage, map[string]func(*env, []string) int{
		"create": runVPCreate,
		"verify": runVPVerify,
	})
}

// vpFormats maps --format values to presentation formats.
var vpFormats = map[string]string{
	"": vc.FormatDataIntegrity, "di": vc.FormatDataIntegrity, vc.FormatDataIntegrity: vc.FormatDataIntegrity,
	"jwt": vc.FormatVPJWT, vc.FormatVPJWT: vc.FormatVPJWT, vc.FormatJWTVP: vc.FormatJWTVP,
	"sd-jwt": vc.FormatSDJWT, vc.FormatSDJWT: vc.FormatSDJWT,
}

func runVPCreate(e *env, args []string) int {
	fs := flag.NewFlagSet("vp create", flag.ContinueOnError)
	keyFile := fs.String("key", "", "")
	challenge := fs.String("challenge", "", "")
	domain := fs.String("domain", "", "")
	format := fs.String("format", "", "")
	suite := fs.String("suite", "", "")
	holder := fs.String("holder", "", "")
	vm := fs.String("vm", "", "")
	created := fs.String("created", "", "")
	expires := fs.Duration("expires", 0, "")
	var disclose vcListFlag
	fs.Var(&disclose, "disclose", "")
	if code, ok := parseFlags(e, fs, vpCreateUsage, interspersed(fs, args)); !ok {
		return code
	}
	if fs.NArg() == 0 {
		errorf(e, "vp create takes one or more credential files")
		fmt.Fprint(e.stderr, vpCreateUsage)
		return exitUsage
	}
	if *keyFile == "" || *challenge == "" {
		errorf(e, "--key KEYFILE and --challenge C are required")
		hintf(e, "the challenge comes from the verifier, which checks it")
		return exitUsage
	}
	f, ok := vpFormats[*format]
	if !ok {
		errorf(e, "unknown --format %q (want di, jwt, jwt-vp-1.1 or sd-jwt)", *format)
		return exitUsage
	}
	if fs.NArg() > vc.MaxPresentedCredentials {
		errorf(e, "at most %d credentials", vc.MaxPresentedCredentials)
		return exitUsage
	}
	if *expires < 0 {
		errorf(e, "--expires must be positive")
		return exitUsage
	}
	opts := vc.PresentOptions{Format: f, Suite: *suite, Holder: *holder, VerificationMethod: *vm,
		Challenge: *challenge, Domain: *domain}
	if *created != "" {
		t, err := parseTimeFlag(*created)
		if err != nil {
			errorf(e, "--created: not an RFC 3339 time with a time zone: %q", *created)
			return exitUsage
		}
		opts.Created = t
	}
	if *expires > 0 {
		opts.Expires = opts.Created
		if opts.Expires.IsZero() {
			opts.Expires = time.Now()
		}
		opts.Expires = opts.Expires.Truncate(time.Second).Add(*expires)
	}
	priv, err := did.ReadKeyFile(*keyFile)
	if err != nil {
		errorf(e, "reading key: %v", err)
		return exitFailure
	}
	creds := make([][]byte, fs.NArg())
	for i, path := range fs.Args() {
		if creds[i], err = readInput(e, path, maxInput); err != nil {
			errorf(e, "%v", err)
			return exitFailure
		}
	}
	if len(disclose) > 0 {
		opts.Disclose = make([][]string, len(creds))
		n := 0
		for i, c := range creds {
			if isSDJWT(c) {
				opts.Disclose[i] = disclose
				n++
			}
		}
		if n == 0 {
			errorf(e, "--disclose: no credential is an SD-JWT")
			return exitUsage
		}
	}
	out, err := vc.Present(context.Background(), creds, priv, opts)
	if err != nil {
		return signFailed(e, err, "holder")
	}
	e.stdout.Write(out)
	fmt.Fprintln(e.stdout)
	return exitOK
}

// isSDJWT reports whether an issued credential is an SD-JWT (compact, with '~').
func isSDJWT(b []byte) bool {
	s := strings.TrimSpace(string(b))
	return !strings.HasPrefix(s, "{") && strings.Contains(s, "~")
}

func runVPVerify(e *env, args []string) int {
	v, f, data, code := verifyCommand(e, args, "vp verify", vpVerifyUsage, "presentation")
	if v == nil {
		return code
	}
	return verifyPresentationCLI(e, v, data, f)
}

// presentationJSON is the JSON result of a verified presentation.
type presentationJSON struct {
	Verified    bool         `json:"verified"`
	Format      string       `json:"format"`
	Checks      []vc.Check   `json:"checks"`
	Error       *errorJSON   `json:"error,omitempty"`
	Credentials []*vc.Result `json:"credentials"`
}

type errorJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// verifyPresentationCLI verifies a presentation and prints its result.
func verifyPresentationCLI(e *env, v *vc.Verifier, data []byte, f *verifierFlags) int {
	if f.challenge == "" {
		errorf(e, "a presentation is verified against the challenge its holder was given: pass --challenge C")
		return exitUsage
	}
	res, verr := v.VerifyPresentation(context.Background(), data, vc.PresentationOptions{Challenge: f.challenge, Domain: f.domain})
	out := presentationJSON{Verified: res.Verified && verr == nil, Format: res.Presentation.Format,
		Checks: res.Presentation.Checks, Credentials: res.Credentials}
	if out.Checks == nil {
		out.Checks = []vc.Check{}
	}
	if out.Credentials == nil {
		out.Credentials = []*vc.Result{}
	}
	if verr != nil {
		out.Error = &errorJSON{Code: vc.Code(verr), Message: firstError(res, verr)}
	}
	b, err := json.Marshal(out)
	if err != nil {
		errorf(e, "encoding result: %v", err)
		return exitFailure
	}
	e.stdout.Write(b)
	fmt.Fprintln(e.stdout)
	if !out.Verified {
		return exitFailure
	}
	return exitOK
}

// firstError returns the message of the first failed check, the presentation's before
// the credentials', which is the one vc.Code names.
func firstError(res *vc.PresentationResult, err error) string {
	for _, r := range append([]*vc.Result{res.Presentation}, res.Credentials...) {
		if rerr := r.Err(); rerr != nil {
			var ve *vc.VerificationError
			if errors.As(rerr, &ve) && len(ve.Failed) > 0 && ve.Failed[0].Err != nil {
				return ve.Failed[0].Name + ": " + ve.Failed[0].Err.Error()
			}
			return rerr.Error()
		}
	}
	return err.Error()
}
