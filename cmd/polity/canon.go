package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/polity-id/polity/internal/canon"
	"github.com/polity-id/polity/internal/jsonld"
	"github.com/polity-id/polity/internal/rdf"
)

const canonUsage = `Usage: polity canon [--in jsonld|nquads|json] [--hash sha256|sha384] FILE

Prints the canonical form of FILE ("-" reads stdin): the RDFC-1.0 canonical N-Quads of a
JSON-LD document or an N-Quads dataset, or the RFC 8785 (JCS) form of a JSON document.

Options:
  --in FORMAT   jsonld  JSON-LD document, converted to RDF with the embedded contexts only
                nquads  N-Quads dataset
                json    any JSON document, printed in JCS form
                Default: nquads for .nq and .nquads files, jsonld otherwise.
  --hash ALG    sha256 or sha384. RDFC-1.0 labels blank nodes with this hash, and the hex
                digest of the canonical document is printed on one last line of its own
                (for N-Quads the digest covers every byte printed before it; for json the
                JCS bytes, without the line break printed after them). Without --hash,
                RDFC-1.0 uses SHA-256 and no digest is printed.

Example:
  polity canon credential.jsonld
  polity canon --hash sha256 --in nquads dataset.nq | tail -n 1
`

// maxCanonInput bounds the file read by polity canon.
const maxCanonInput = rdf.DefaultMaxBytes

func runCanon(e *env, args []string) int {
	fs := flag.NewFlagSet("canon", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	in := fs.String("in", "", "")
	hashName := fs.String("hash", "", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(e.stdout, canonUsage)
			return exitOK
		}
		errorf(e, "%v", err)
		fmt.Fprint(e.stderr, canonUsage)
		return exitUsage
	}
	if fs.NArg() != 1 {
		errorf(e, "canon takes exactly one FILE")
		fmt.Fprint(e.stderr, canonUsage)
		return exitUsage
	}
	file := fs.Arg(0)
	format := *in
	if format == "" {
		switch strings.ToLower(filepath.Ext(file)) {
		case ".nq", ".nquads":
			format = "nquads"
		default:
			format = "jsonld"
		}
	}
	if format != "jsonld" && format != "nquads" && format != "json" {
		errorf(e, "unknown --in %q", format)
		hintf(e, "use --in jsonld, --in nquads or --in json")
		return exitUsage
	}
	var alg canon.HashAlgorithm
	switch strings.ToLower(*hashName) {
	case "", "sha256", "sha-256":
	case "sha384", "sha-384":
		alg = canon.SHA384
	default:
		errorf(e, "unknown --hash %q", *hashName)
		hintf(e, "use --hash sha256 or --hash sha384")
		return exitUsage
	}

	data, err := readCanonInput(e, file)
	if err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	var out []byte
	switch format {
	case "json":
		out, err = canon.JCS(data)
	case "nquads":
		var res *canon.Result
		if res, err = canon.CanonicalizeNQuads(data, &canon.Options{Hash: alg}); err == nil {
			out = res.Canonical
		}
	case "jsonld":
		var quads []rdf.Quad
		if quads, err = jsonld.ToRDF(context.Background(), data, nil); err == nil {
			var res *canon.Result
			if res, err = canon.Canonicalize(quads, &canon.Options{Hash: alg}); err == nil {
				out = res.Canonical
			}
		}
	}
	if err != nil {
		errorf(e, "%s: %v", file, err)
		if errors.Is(err, canon.ErrTooComplex) {
			hintf(e, "the dataset needs more blank node hashing than allowed; it may be built to exhaust canonicalization")
		}
		return exitFailure
	}
	if _, err := e.stdout.Write(out); err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	if format == "json" && len(out) > 0 {
		fmt.Fprintln(e.stdout)
	}
	if *hashName != "" {
		fmt.Fprintln(e.stdout, hex.EncodeToString(alg.Sum(out)))
	}
	return exitOK
}

func readCanonInput(e *env, file string) ([]byte, error) {
	var r io.Reader
	if file == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxCanonInput+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxCanonInput {
		return nil, fmt.Errorf("%s: larger than %d bytes", file, maxCanonInput)
	}
	return data, nil
}
