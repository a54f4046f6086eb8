package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/polity-id/polity/did"
	"github.com/polity-id/polity/sybil"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vote"
)

const voteUsage = `Usage: polity vote COMMAND [OPTIONS]

Credential-gated votes: ballots are presentations of a member's credential with a
signed choice; the tally checks each voter against the eligibility policy, keeps
each voter's latest ballot, counts, and explains every decision. The result is a
credential signed by the community and co-signed by stewards.

Commands:
  ballot         create a signed ballot presentation
  tally          verify and count ballots; print the auditable tally as JSON
  result         tally and sign the result as a VoteResultCredential
  cosign         add a steward's proof to a result credential
  verify-result  check a result credential and its M-of-N steward proofs

Run "polity vote COMMAND --help" for a command's options.

Example:
  polity vote ballot --key ana.jwk --proposal kettle.json --choice yes ana-member.json > ana.json
  polity vote tally --proposal kettle.json --ballots ballots/ --config governance.json
`

const voteBallotUsage = `Usage: polity vote ballot --key KEYFILE --proposal P.json (--choice OPTION | --votes OPT=N,...) [--cast TIME] [--holder DID --vm DIDURL] [--format di|jwt] CRED...

Creates a ballot presentation for the proposal in P.json: the credentials CRED (Data
Integrity JSON or vc+jwt files), a "ballot" member with the choice, and the holder's
proof with challenge = the proposal id and domain = its community. Prints it on stdout:
a JSON presentation with a Data Integrity proof, or with --format jwt a vp+jwt (nonce =
the proposal id, aud = the community; vc+jwt credentials only) on one line.

Options:
  --key KEYFILE      the voter's private key file (required)
  --proposal FILE    the proposal (required)
  --choice OPTION    the option chosen (one-person-one-vote and weighted votes)
  --votes LIST       quadratic votes, such as "garden=3,gym=-2" (cost: sum of squares)
  --cast TIME        ballot time, RFC 3339 (default now); a later ballot replaces an earlier one
  --holder DID       the voter's DID (default: the key's did:key)
  --vm DIDURL        the key's verification method, needed with --holder
  --format FORMAT    di (default) or jwt

Example:
  polity vote ballot --key ana.jwk --proposal kettle.json --choice yes ana-member.json
`

const voteTallyUsage = `Usage: polity vote tally --proposal P.json --ballots DIR|FILE [--config G.json] [--scores FILE] [--now TIME] [--did-doc PATH]... [--ignore-status]

Verifies and counts the ballots and prints the tally as JSON: totals per option,
turnout and quorum, the outcome with its reason, every accepted ballot and every
rejected one with a code (DUPLICATE, MALFORMED, WRONG_PROPOSAL, WRONG_CHALLENGE,
NOT_VERIFIED, OUTSIDE_WINDOW, REPLACED, INVALID_CHOICE, OVERSPEND, INELIGIBLE).

Options:
  --proposal FILE   the proposal (required)
  --ballots PATH    a ballot file, a JSON array of ballots (vp+jwt ones as strings), or a
                    directory of *.json and *.jwt ballots (required)
  --config FILE     the governance config: the proposal's class sets the electorate,
                    quorum, approval rule and stewards
  --scores FILE     voters' scores: a JSON object {"did": score}, a JSON array of
                    explanations ("polity sybil" output), or "did score" lines; used by
                    policies with minScore and as the weights of a "weighted" vote
  --now TIME        tally time, RFC 3339 (default now); credentials are judged at the
                    earlier of this and the close of the vote
  --did-doc PATH    a DID document file or directory, to resolve DIDs offline (repeatable)
  --ignore-status   do not check credentialStatus entries

Exit status: 0 tallied (whatever the outcome), 1 no tally possible, 2 usage error.

Example:
  polity vote tally --proposal kettle.json --ballots ballots/ --config governance.json
`

const voteResultUsage = `Usage: polity vote result --key KEYFILE --proposal P.json --ballots DIR|FILE [tally options] [--created TIME] [--issuer DID] [--vm DIDURL] [--id URL]

Tallies like "polity vote tally" and prints the result as a VoteResultCredential
signed with KEYFILE for the community (the proposal's community, or --issuer).

Options:
  --key KEYFILE     the community's private key file (required)
  --created TIME    proof time and validFrom, RFC 3339 (default now)
  --issuer DID      issuer (default: the proposal's community)
  --vm DIDURL       verification method, needed when the issuer is not the key's did:key
  --id URL          the credential's id
  and the options of "polity vote tally".

Example:
  polity vote result --key community.jwk --proposal budget.json --ballots ballots/ --config governance.json > result.json
`

const voteCosignUsage = `Usage: polity vote cosign --key KEYFILE [--created TIME] [--vm DIDURL] RESULT

Adds a steward's proof to the proof set of the result credential in RESULT ("-" for
stdin) and prints the credential.

Options:
  --key KEYFILE    the steward's private key file (required)
  --created TIME   proof time, RFC 3339 (default now)
  --vm DIDURL      verification method (default: the key's did:key method)

Example:
  polity vote cosign --key steward-ana.jwk result.json > result-ana.json
`

const voteVerifyResultUsage = `Usage: polity vote verify-result --stewards LIST --m M [--now TIME] [--did-doc PATH]... RESULT

Verifies a result credential: a valid proof by its issuer and valid proofs by at least
M distinct stewards. LIST is comma-separated DIDs, or @FILE with one DID a line. Prints
the check as JSON: every proof with its status (issuer, counted, duplicate,
not-steward, invalid) and the approving stewards.

Options:
  --stewards LIST   the stewards' DIDs (required when M > 0)
  --m M             proofs of distinct stewards required (default 0)
  --now TIME        check the validity period at TIME, RFC 3339 (default now)
  --did-doc PATH    a DID document file or directory, to resolve DIDs offline (repeatable)

Exit status: 0 verified, 1 not verified, 2 usage error.

Example:
  polity vote verify-result --stewards did:key:z6Mk...,did:key:z6Mk... --m 2 result.json
`

// voteMaxFile caps the files the vote commands read.
const voteMaxFile = 8 << 20

func runVote(e *env, args []string) int {
	return runGroup(e, args, "vote", voteUsage, map[string]func(*env, []string) int{
		"ballot":        runVoteBallot,
		"tally":         func(e *env, a []string) int { return runVoteTally(e, a, false) },
		"result":        func(e *env, a []string) int { return runVoteTally(e, a, true) },
		"cosign":        runVoteCosign,
		"verify-result": runVoteVerifyResult,
	})
}

type voteList []string

func (l *voteList) String() string     { return strings.Join(*l, ",") }
func (l *voteList) Set(s string) error { *l = append(*l, s); return nil }

// parseArgs parses flags that may come before or after the positional arguments and
// returns the positional ones.
func parseArgs(e *env, fs *flag.FlagSet, usageText string, args []string) ([]string, int, bool) {
	code, ok := parseFlags(e, fs, usageText, interspersed(fs, args))
	if !ok {
		return nil, code, false
	}
	return fs.Args(), 0, true
}

func voteTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := vc.ParseDateTime(s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

func voteReadFile(e *env, path string) ([]byte, error) {
	return readInput(e, path, voteMaxFile)
}

func voteReadProposal(e *env, path string) (*vote.Proposal, bool) {
	data, err := voteReadFile(e, path)
	if err == nil {
		var p *vote.Proposal
		if p, err = vote.ParseProposal(data); err == nil {
			return p, true
		}
	}
	errorf(e, "proposal: %v", err)
	return nil, false
}

func runVoteBallot(e *env, args []string) int {
	fs := flag.NewFlagSet("vote ballot", flag.ContinueOnError)
	keyFile := fs.String("key", "", "")
	propFile := fs.String("proposal", "", "")
	choice := fs.String("choice", "", "")
	votes := fs.String("votes", "", "")
	cast := fs.String("cast", "", "")
	holder := fs.String("holder", "", "")
	vm := fs.String("vm", "", "")
	format := fs.String("format", "di", "")
	creds, code, ok := parseArgs(e, fs, voteBallotUsage, args)
	if !ok {
		return code
	}
	formats := map[string]string{"di": vote.FormatDataIntegrity, "jwt": vote.FormatVPJWT}
	if _, known := formats[*format]; !known {
		errorf(e, "--format: want di or jwt, got %q", *format)
		return exitUsage
	}
	if *keyFile == "" || *propFile == "" || (*choice == "") == (*votes == "") {
		errorf(e, "vote ballot needs --key, --proposal and one of --choice and --votes")
		fmt.Fprint(e.stderr, voteBallotUsage)
		return exitUsage
	}
	b := vote.Ballot{Choice: *choice}
	if *votes != "" {
		b.Votes = map[string]int64{}
		for _, kv := range strings.Split(*votes, ",") {
			k, v, found := strings.Cut(kv, "=")
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if !found || err != nil || strings.TrimSpace(k) == "" {
				errorf(e, "--votes: want OPTION=N,... with whole numbers")
				return exitUsage
			}
			b.Votes[strings.TrimSpace(k)] = n
		}
	}
	at, err := voteTime(*cast)
	if err != nil {
		errorf(e, "--cast: %v", err)
		return exitUsage
	}
	p, ok := voteReadProposal(e, *propFile)
	if !ok {
		return exitFailure
	}
	key, err := did.ReadKeyFile(*keyFile)
	if err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	var raw [][]byte
	for _, c := range creds {
		data, err := voteReadFile(e, c)
		if err != nil {
			errorf(e, "%v", err)
			return exitFailure
		}
		raw = append(raw, bytes.TrimSpace(data))
	}
	out, err := vote.NewBallot(context.Background(), p, b, raw, key, &vote.BallotOptions{Holder: *holder, VerificationMethod: *vm, Cast: at, Format: formats[*format]})
	if err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "%s\n", out)
	return exitOK
}

// voteReadBallots reads a ballot file, a JSON array of ballots (vp+jwt ones as strings),
// or a directory of *.json and *.jwt ballots (in name order).
func voteReadBallots(e *env, path string) ([]vote.Submission, error) {
	if path != "-" {
		st, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		if st.IsDir() {
			entries, err := os.ReadDir(path)
			if err != nil {
				return nil, err
			}
			var subs []vote.Submission
			for _, de := range entries {
				if de.IsDir() || !strings.HasSuffix(de.Name(), ".json") && !strings.HasSuffix(de.Name(), ".jwt") {
					continue
				}
				if len(subs) >= vote.DefaultMaxBallots {
					return nil, fmt.Errorf("more than %d ballots in %s", vote.DefaultMaxBallots, path)
				}
				data, err := voteReadFile(e, filepath.Join(path, de.Name()))
				if err != nil {
					return nil, err
				}
				subs = append(subs, vote.Submission{Source: de.Name(), Data: bytes.TrimSpace(data)})
			}
			return subs, nil
		}
	}
	data, err := voteReadFile(e, path)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(data, &items); err != nil {
			return nil, fmt.Errorf("%s: not a JSON array of ballots", path)
		}
		subs := make([]vote.Submission, len(items))
		for i, it := range items {
			var tok string
			if len(it) > 0 && it[0] == '"' && json.Unmarshal(it, &tok) == nil {
				it = []byte(tok) // a vp+jwt ballot
			}
			subs[i] = vote.Submission{Source: fmt.Sprintf("%s[%d]", filepath.Base(path), i), Data: it}
		}
		return subs, nil
	}
	return []vote.Submission{{Source: filepath.Base(path), Data: data}}, nil
}

// voteReadScores reads {"did": score}, an array of sybil explanations, or "did score"
// lines.
func voteReadScores(e *env, path string) (map[string]float64, error) {
	data, err := voteReadFile(e, path)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimSpace(data)
	switch {
	case len(data) > 0 && data[0] == '{':
		var m map[string]float64
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("%s: want {\"did\": score}", path)
		}
		return m, nil
	case len(data) > 0 && data[0] == '[':
		var exps []sybil.Explanation
		if err := json.Unmarshal(data, &exps); err != nil {
			return nil, fmt.Errorf("%s: want an array of explanations", path)
		}
		return sybil.Scores(exps), nil
	}
	m := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("%s:%d: want \"did score\"", path, n)
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s:%d: bad score", path, n)
		}
		m[f[0]] = v
	}
	return m, sc.Err()
}

func voteResolver(docs []string) (did.Resolver, error) {
	if len(docs) == 0 {
		return nil, nil
	}
	r := vc.NewOfflineResolver()
	for _, d := range docs {
		st, err := os.Stat(d)
		if err != nil {
			return nil, err
		}
		if st.IsDir() {
			_, err = r.PinDir(d)
		} else {
			err = r.PinFile(d)
		}
		if err != nil {
			return nil, err
		}
	}
	return r, nil
}

func runVoteTally(e *env, args []string, sign bool) int {
	name, usageText := "vote tally", voteTallyUsage
	if sign {
		name, usageText = "vote result", voteResultUsage
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	propFile := fs.String("proposal", "", "")
	ballotsPath := fs.String("ballots", "", "")
	cfgFile := fs.String("config", "", "")
	scoresFile := fs.String("scores", "", "")
	nowFlag := fs.String("now", "", "")
	ignoreStatus := fs.Bool("ignore-status", false, "")
	var docs voteList
	fs.Var(&docs, "did-doc", "")
	keyFile := fs.String("key", "", "")
	created := fs.String("created", "", "")
	issuer := fs.String("issuer", "", "")
	vm := fs.String("vm", "", "")
	id := fs.String("id", "", "")
	pos, code, ok := parseArgs(e, fs, usageText, args)
	if !ok {
		return code
	}
	if len(pos) > 0 || *propFile == "" || *ballotsPath == "" || (sign && *keyFile == "") {
		if sign {
			errorf(e, "vote result needs --key, --proposal and --ballots, and no other arguments")
		} else {
			errorf(e, "vote tally needs --proposal and --ballots, and no other arguments")
		}
		fmt.Fprint(e.stderr, usageText)
		return exitUsage
	}
	if !sign && (*keyFile != "" || *created != "" || *issuer != "" || *vm != "" || *id != "") {
		errorf(e, "--key, --created, --issuer, --vm and --id belong to \"polity vote result\"")
		return exitUsage
	}
	now, err := voteTime(*nowFlag)
	if err != nil {
		errorf(e, "--now: %v", err)
		return exitUsage
	}
	createdAt, err := voteTime(*created)
	if err != nil {
		errorf(e, "--created: %v", err)
		return exitUsage
	}
	p, ok := voteReadProposal(e, *propFile)
	if !ok {
		return exitFailure
	}
	cfg := &vote.TallyConfig{Now: now, IgnoreStatus: *ignoreStatus}
	if *cfgFile != "" {
		data, err := voteReadFile(e, *cfgFile)
		if err == nil {
			cfg.Config, err = vote.ParseConfig(data)
		}
		if err != nil {
			errorf(e, "config: %v", err)
			return exitFailure
		}
	}
	if *scoresFile != "" {
		scores, err := voteReadScores(e, *scoresFile)
		if err != nil {
			errorf(e, "scores: %v", err)
			return exitFailure
		}
		cfg.Scores, cfg.Weights = scores, scores
	}
	if cfg.Resolver, err = voteResolver(docs); err != nil {
		errorf(e, "--did-doc: %v", err)
		return exitFailure
	}
	ballots, err := voteReadBallots(e, *ballotsPath)
	if err != nil {
		errorf(e, "ballots: %v", err)
		return exitFailure
	}
	ctx := context.Background()
	rep, err := vote.Tally(ctx, p, ballots, cfg)
	if err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, vote.ErrConfig) {
			hintf(e, "check the proposal's class and eligibility against --config")
		}
		return exitFailure
	}
	if !sign {
		out, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			errorf(e, "%v", err)
			return exitFailure
		}
		fmt.Fprintf(e.stdout, "%s\n", out)
		return exitOK
	}
	key, err := did.ReadKeyFile(*keyFile)
	if err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	out, err := vote.IssueResult(ctx, rep, key, &vote.ResultOptions{ID: *id, Created: createdAt, IssuerDID: *issuer, VerificationMethod: *vm})
	if err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, vc.ErrKeyNotAuthorized) {
			hintf(e, "sign with the community's key, or give --issuer and --vm")
		}
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "%s\n", out)
	return exitOK
}

func runVoteCosign(e *env, args []string) int {
	fs := flag.NewFlagSet("vote cosign", flag.ContinueOnError)
	keyFile := fs.String("key", "", "")
	created := fs.String("created", "", "")
	vm := fs.String("vm", "", "")
	pos, code, ok := parseArgs(e, fs, voteCosignUsage, args)
	if !ok {
		return code
	}
	if *keyFile == "" || len(pos) != 1 {
		errorf(e, "vote cosign needs --key and one RESULT file")
		fmt.Fprint(e.stderr, voteCosignUsage)
		return exitUsage
	}
	at, err := voteTime(*created)
	if err != nil {
		errorf(e, "--created: %v", err)
		return exitUsage
	}
	data, err := voteReadFile(e, pos[0])
	if err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	key, err := did.ReadKeyFile(*keyFile)
	if err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	out, err := vote.Cosign(context.Background(), bytes.TrimSpace(data), key, &vote.CosignOptions{VerificationMethod: *vm, Created: at})
	if err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "%s\n", out)
	return exitOK
}

func runVoteVerifyResult(e *env, args []string) int {
	fs := flag.NewFlagSet("vote verify-result", flag.ContinueOnError)
	list := fs.String("stewards", "", "")
	m := fs.Int("m", 0, "")
	nowFlag := fs.String("now", "", "")
	var docs voteList
	fs.Var(&docs, "did-doc", "")
	pos, code, ok := parseArgs(e, fs, voteVerifyResultUsage, args)
	if !ok {
		return code
	}
	if len(pos) != 1 || *m < 0 || (*m > 0 && *list == "") {
		errorf(e, "vote verify-result needs one RESULT file, and --stewards with --m > 0")
		fmt.Fprint(e.stderr, voteVerifyResultUsage)
		return exitUsage
	}
	now, err := voteTime(*nowFlag)
	if err != nil {
		errorf(e, "--now: %v", err)
		return exitUsage
	}
	var stewards []string
	if strings.HasPrefix(*list, "@") {
		data, err := voteReadFile(e, (*list)[1:])
		if err != nil {
			errorf(e, "--stewards: %v", err)
			return exitFailure
		}
		for _, line := range strings.Split(string(data), "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				stewards = append(stewards, line)
			}
		}
	} else if *list != "" {
		for _, s := range strings.Split(*list, ",") {
			if s = strings.TrimSpace(s); s != "" {
				stewards = append(stewards, s)
			}
		}
	}
	sort.Strings(stewards)
	data, err := voteReadFile(e, pos[0])
	if err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	v := &vote.ResultVerifier{}
	if !now.IsZero() {
		v.Now = func() time.Time { return now }
	}
	if v.Resolver, err = voteResolver(docs); err != nil {
		errorf(e, "--did-doc: %v", err)
		return exitFailure
	}
	rc, verr := v.Verify(context.Background(), bytes.TrimSpace(data), stewards, *m)
	out, err := json.MarshalIndent(rc, "", "  ")
	if err != nil {
		errorf(e, "%v", err)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "%s\n", out)
	if verr != nil {
		errorf(e, "%v", verr)
		if errors.Is(verr, vote.ErrConfig) {
			return exitUsage
		}
		return exitFailure
	}
	return exitOK
}
