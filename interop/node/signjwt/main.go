// Command signjwt secures a credential as application/vc+jwt (VCDM 2.0) or as a VCDM 1.1
// JWT-VC with Polity's vc/jose package, for interop/node/run.sh (the polity CLI issues
// Data Integrity proofs only).
//
//	go run ./interop/node/signjwt --key KEYFILE --form vc+jwt|jwt-vc IN.json > OUT.jwt
//
// The kid is the key's did:key verification method.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/did/key"
	vcjose "github.com/polity-id/polity/vc/jose"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("signjwt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	keyFile := fs.String("key", "", "private key file written by `polity did new` (required)")
	form := fs.String("form", "vc+jwt", "vc+jwt (VCDM 2.0) or jwt-vc (VCDM 1.1)")
	if err := fs.Parse(args); err != nil || *keyFile == "" || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: signjwt --key KEYFILE [--form vc+jwt|jwt-vc] IN.json")
		return 2
	}
	priv, err := did.ReadKeyFile(*keyFile)
	if err != nil {
		fmt.Fprintln(stderr, "signjwt:", err)
		return 1
	}
	cred, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "signjwt:", err)
		return 1
	}
	d := key.New(priv.Public())
	kid := d + "#" + strings.TrimPrefix(d, "did:key:")
	var token string
	switch *form {
	case "vc+jwt":
		token, err = vcjose.SignCredential(cred, priv, kid)
	case "jwt-vc":
		token, err = vcjose.SignJWTVC(cred, priv, kid)
	default:
		fmt.Fprintf(stderr, "signjwt: unknown form %q\n", *form)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "signjwt:", err)
		return 1
	}
	fmt.Fprintln(stdout, token)
	return 0
}
