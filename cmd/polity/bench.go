package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"runtime"
	"strings"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/vc"
)

const benchUsage = `Usage: polity bench [--seconds N] [--challenge C [--domain D]] [VERIFY OPTIONS] FILE...

Measures, on one core and after a warm-up, how many times per second this machine
verifies each credential or presentation in FILE..., beside the rate of one raw
signature verification of the algorithm of its proof (Ed25519, P-256, P-384 or
secp256k1, with a fresh key and a message of the same length). Like "openssl speed",
it tells what a door or a verifier can sustain on this hardware.

The format is detected as "polity vc verify" does: a JSON credential with a Data
Integrity proof, a vc+jwt or JWT-VC token, an SD-JWT VC, or a presentation (Data
Integrity, vp+jwt, or SD-JWT with key binding), which needs the --challenge (and
--domain) it was made for. Verification is the full one of "polity vc verify"
(issuer key, validity, status, trust, holder binding), or with --proof-only the
proof alone. The one check left out is a presentation's replay check, which would
refuse every repetition after the first; in a verifier it is one nonce-store lookup.

Prints JSON Lines: one object per file, in order, each on its own line
(format: data-integrity, vc+jwt, jwt-vc for the VCDM 1.1 JWT form, vc+sd-jwt or
vp+jwt; signatures: how many signature checks one verification makes):
  {"file":"signed.json","kind":"credential","format":"data-integrity",
   "suite":"eddsa-rdfc-2022","alg":"Ed25519","signatures":1,"seconds":3,
   "verify_ops_s":4100.5,"raw_ops_s":21000.1,"ratio":0.1953,
   "allocs_per_op":150,"bytes_per_op":40960}
ratio is verify_ops_s / raw_ops_s: the share of the bare signature rate that a full
verification keeps (1 would be free parsing and checking). Ratios are stable across
machines and load; absolute rates are not.

Options:
  --seconds N        seconds each of the two rates is measured for (default 3),
                     in 10 slices that alternate between the verification and
                     the raw signature, after a warm-up of a quarter of that
                     (at most 1 s) each
  --challenge C      presentations: the challenge (nonce) the holder was given
  --domain D         presentations: the verifier's domain (audience) they must name
  --max-age DURATION presentations: how old their proof may be (default: no bound,
                     except 5m for an SD-JWT key binding JWT)
  --proof-only       check structure, contexts and signature only
  --now TIME         check validity at TIME, RFC 3339 (default now)
  --skew DURATION    clock tolerance (default 1m)
  --did-doc PATH     a DID document file or a directory of them (repeatable)
  --trust DID[=T,..] trust issuer DID, for the listed types only (repeatable)
  --status-dir DIR   check credentialStatus against the status lists in DIR
  --ignore-status    do not check credentialStatus

Exit status: 0 every file verified and was measured, 1 a file did not verify (the
reason is on stderr; the other files are still measured), 2 usage error.

Example:
  polity bench --seconds 5 --ignore-status signed.json token.jwt
`

// benchResult is one line of "polity bench" output.
type benchResult struct {
	File        string  `json:"file"`
	Kind        string  `json:"kind"`
	Format      string  `json:"format"`
	Suite       string  `json:"suite,omitempty"`
	Alg         string  `json:"alg"`
	Signatures  int     `json:"signatures"`
	Seconds     float64 `json:"seconds"`
	VerifyOpsS  float64 `json:"verify_ops_s"`
	RawOpsS     float64 `json:"raw_ops_s"`
	Ratio       float64 `json:"ratio"`
	AllocsPerOp float64 `json:"allocs_per_op"`
	BytesPerOp  float64 `json:"bytes_per_op"`
}

// maxBenchSeconds caps --seconds: a measurement is meant to take seconds, not hours.
const maxBenchSeconds = 3600

func runBench(e *env, args []string) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	seconds := fs.Float64("seconds", 3, "")
	var f verifierFlags // the verifier options of "polity vc verify"
	f.register(fs)
	if code, ok := parseFlags(e, fs, benchUsage, interspersed(fs, args)); !ok {
		return code
	}
	if fs.NArg() == 0 {
		errorf(e, "bench takes at least one credential or presentation file")
		fmt.Fprint(e.stderr, benchUsage)
		return exitUsage
	}
	if math.IsNaN(*seconds) || *seconds <= 0 || *seconds > maxBenchSeconds {
		errorf(e, "--seconds must be above 0 and at most %d", maxBenchSeconds)
		return exitUsage
	}
	cfg, ok := f.config(e)
	if !ok {
		return exitUsage
	}
	inputs := make([][]byte, fs.NArg())
	for i, path := range fs.Args() {
		data, err := readInput(e, path, maxInput)
		if err != nil {
			errorf(e, "%v", err)
			return exitUsage
		}
		inputs[i] = data
	}

	// One core: the rates are those of one verifier goroutine, comparable between
	// machines and with single-threaded peers.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))

	d := time.Duration(*seconds * float64(time.Second))
	popts := vc.PresentationOptions{Challenge: f.challenge, Domain: f.domain}
	enc := json.NewEncoder(e.stdout)
	exit := exitOK
	for i, path := range fs.Args() {
		res, err := benchFile(cfg, path, inputs[i], popts, d)
		if err != nil {
			errorf(e, "%s: %v", path, err)
			if errors.Is(err, errUsage) {
				hintf(e, "pass the verifier's --challenge (and --domain) for a presentation")
				exit = exitUsage
			} else if exit == exitOK {
				exit = exitFailure
			}
			continue
		}
		if err := enc.Encode(res); err != nil {
			errorf(e, "writing result: %v", err)
			return exitFailure
		}
	}
	return exit
}

// benchTarget is what benchFile learned about an input before measuring it.
type benchTarget struct {
	kind       string // "credential" or "presentation"
	jwtTyp     string // the JWS "typ" header, for a token
	suite      string // Data Integrity cryptosuite or proof type
	keyType    did.KeyType
	signatures int
	rawMsgLen  int // length of the message the raw floor signs
}

// benchFile verifies data once (the result must be verified), then measures the
// verification rate and the raw signature rate. The caller runs it on one core.
func benchFile(cfg vc.VerifierConfig, path string, data []byte, popts vc.PresentationOptions, d time.Duration) (*benchResult, error) {
	ctx := context.Background()
	t := benchTarget{kind: "credential"}
	if vc.IsPresentation(data) {
		t.kind = "presentation"
		if popts.Challenge == "" {
			return nil, fmt.Errorf("%w: a presentation needs --challenge", errUsage)
		}
		// Every round verifies the same presentation again, which the replay
		// check exists to refuse.
		cfg.DisableReplayCheck = true
	}
	v := vc.NewVerifier(cfg)
	var verify func() error
	var format string
	if t.kind == "presentation" {
		verify = func() error {
			_, err := v.VerifyPresentation(ctx, data, popts)
			return err
		}
		pr, err := v.VerifyPresentation(ctx, data, popts)
		if err != nil || !pr.Verified {
			return nil, notVerified(err)
		}
		format = pr.Presentation.Format
		t.signatures = 1 + len(pr.Credentials)
	} else {
		verify = func() error {
			_, err := v.Verify(ctx, data)
			return err
		}
		r, err := v.Verify(ctx, data)
		if err != nil || !r.Verified {
			return nil, notVerified(err)
		}
		format = r.Format
	}
	if err := t.detectAlg(ctx, cfg.Resolver, data); err != nil {
		return nil, err
	}
	if t.signatures == 0 {
		t.signatures = 1
	}
	if format == vc.FormatJOSE && t.jwtTyp != "vc+jwt" {
		format = "jwt-vc" // VCDM 1.1 JWT: the credential in a "vc" claim
	}
	raw, err := rawVerifier(t.keyType, t.rawMsgLen)
	if err != nil {
		return nil, err
	}

	full, floor, err := measurePair(d, verify, raw)
	if err != nil {
		return nil, notVerified(err)
	}
	res := &benchResult{
		File:        path,
		Kind:        t.kind,
		Format:      format,
		Suite:       t.suite,
		Alg:         string(t.keyType),
		Signatures:  t.signatures,
		Seconds:     d.Seconds(),
		VerifyOpsS:  round(full.opsPerSec, 1),
		RawOpsS:     round(floor.opsPerSec, 1),
		AllocsPerOp: round(full.allocsPerOp, 1),
		BytesPerOp:  round(full.bytesPerOp, 0),
	}
	if floor.opsPerSec > 0 {
		res.Ratio = round(full.opsPerSec/floor.opsPerSec, 4)
	}
	return res, nil
}

// notVerified describes a failed verification with its stable code.
func notVerified(err error) error {
	if err == nil {
		return errors.New("not verified")
	}
	return fmt.Errorf("not verified: %s: %w", vc.Code(err), err)
}

// detectAlg finds the key type of the input's (first) proof or JWS and the length of
// the message that signature covers.
func (t *benchTarget) detectAlg(ctx context.Context, r did.Resolver, data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '{' {
		return t.detectDataIntegrity(ctx, r, data)
	}
	tok := string(data)
	if i := strings.IndexByte(tok, '~'); i >= 0 {
		// SD-JWT: the issuer-signed JWT, then disclosures, then an optional KB-JWT.
		t.signatures = 1
		if last := tok[strings.LastIndexByte(tok, '~')+1:]; last != "" {
			t.signatures = 2
		}
		tok = tok[:i]
	}
	head, _, ok := strings.Cut(tok, ".")
	dot := strings.LastIndexByte(tok, '.')
	if !ok || dot < 0 {
		return errors.New("not a compact JWS")
	}
	hb, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return errors.New("JWS header is not base64url")
	}
	var h struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
	}
	if err := json.Unmarshal(hb, &h); err != nil {
		return errors.New("JWS header is not a JSON object")
	}
	t.jwtTyp = h.Typ
	switch h.Alg {
	case "EdDSA", "Ed25519":
		t.keyType = did.KeyEd25519
	case "ES256":
		t.keyType = did.KeyP256
	case "ES384":
		t.keyType = did.KeyP384
	case "ES256K":
		t.keyType = did.KeySecp256k1
	default:
		return fmt.Errorf("no raw floor for JWS alg %q", h.Alg)
	}
	t.rawMsgLen = dot
	return nil
}

func (t *benchTarget) detectDataIntegrity(ctx context.Context, r did.Resolver, data []byte) error {
	var doc struct {
		Proof json.RawMessage `json:"proof"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("reading proof: %v", err)
	}
	type proof struct {
		Type               string `json:"type"`
		Cryptosuite        string `json:"cryptosuite"`
		VerificationMethod string `json:"verificationMethod"`
	}
	var proofs []proof
	var one proof
	if json.Unmarshal(doc.Proof, &one) == nil {
		proofs = []proof{one}
	} else if err := json.Unmarshal(doc.Proof, &proofs); err != nil || len(proofs) == 0 {
		return errors.New("no proof to take the algorithm from")
	}
	if t.kind == "credential" {
		t.signatures = len(proofs)
	}
	p := proofs[0]
	t.suite = p.Cryptosuite
	if t.suite == "" {
		t.suite = p.Type
	}
	switch {
	case strings.HasPrefix(p.Cryptosuite, "eddsa-"), p.Type == "Ed25519Signature2020":
		t.keyType = did.KeyEd25519
	default:
		rel := did.AssertionMethod
		if t.kind == "presentation" {
			rel = did.Authentication
		}
		_, key, err := did.ResolveVerificationMethod(ctx, r, p.VerificationMethod, rel)
		if err != nil {
			return fmt.Errorf("resolving the proof's key: %w", err)
		}
		t.keyType = key.Type()
	}
	// Data Integrity signs the two hashes of the proof options and the document.
	t.rawMsgLen = 64
	if t.keyType == did.KeyP384 {
		t.rawMsgLen = 96
	}
	return nil
}

// rawVerifier returns one raw signature verification of a fresh key of type kt over a
// message of n bytes.
func rawVerifier(kt did.KeyType, n int) (func() error, error) {
	priv, err := did.GenerateKey(kt)
	if err != nil {
		return nil, fmt.Errorf("raw floor for %s: %w", kt, err)
	}
	msg := make([]byte, n)
	for i := range msg {
		msg[i] = byte(i)
	}
	sig, err := priv.Sign(msg)
	if err != nil {
		return nil, fmt.Errorf("raw floor for %s: %w", kt, err)
	}
	pub := priv.Public()
	return func() error { return pub.Verify(msg, sig) }, nil
}

// benchRate is one measurement.
type benchRate struct {
	opsPerSec   float64
	allocsPerOp float64
	bytesPerOp  float64
}

// benchRounds is the number of alternating slices measurePair splits d into, so that a
// change of machine load during the run affects both rates alike.
const benchRounds = 10

// measurePair measures f and g for d each, after a warm-up of each of d/4 (at most one
// second): the time is cut into benchRounds slices that alternate between f and g. It
// returns both rates; allocations are counted for f only.
func measurePair(d time.Duration, f, g func() error) (fr, gr benchRate, err error) {
	warm := min(d/4, time.Second)
	for _, h := range []func() error{f, g} {
		if _, _, err := runFor(warm, h); err != nil {
			return fr, gr, err
		}
	}
	slice := d / benchRounds
	var fn, gn int
	var ft, gt time.Duration
	var mallocs, bytes uint64
	var before, after runtime.MemStats
	for range benchRounds {
		runtime.ReadMemStats(&before)
		n, t, err := runFor(slice, f)
		if err != nil {
			return fr, gr, err
		}
		runtime.ReadMemStats(&after)
		fn, ft = fn+n, ft+t
		mallocs += after.Mallocs - before.Mallocs
		bytes += after.TotalAlloc - before.TotalAlloc
		n, t, err = runFor(slice, g)
		if err != nil {
			return fr, gr, err
		}
		gn, gt = gn+n, gt+t
	}
	fr = benchRate{
		opsPerSec:   float64(fn) / ft.Seconds(),
		allocsPerOp: float64(mallocs) / float64(fn),
		bytesPerOp:  float64(bytes) / float64(fn),
	}
	gr = benchRate{opsPerSec: float64(gn) / gt.Seconds()}
	return fr, gr, nil
}

// runFor calls f in growing batches until d has passed (at least once) and returns the
// number of calls and the time they took.
func runFor(d time.Duration, f func() error) (int, time.Duration, error) {
	n, batch := 0, 1
	start := time.Now()
	for {
		for range batch {
			if err := f(); err != nil {
				return n, time.Since(start), err
			}
		}
		n += batch
		elapsed := time.Since(start)
		if elapsed >= d {
			return n, elapsed, nil
		}
		// Double the batch while it is short, so the clock is read rarely without
		// overshooting d by more than a few percent.
		if elapsed*16 < d && batch < 1<<20 {
			batch *= 2
		}
	}
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}
