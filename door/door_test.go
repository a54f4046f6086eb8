package door

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/polity-id/polity/sybil"
	"github.com/polity-id/polity/vc"
	"github.com/polity-id/polity/vc/jose"
	"github.com/polity-id/polity/vc/policy"
	"github.com/polity-id/polity/vc/sdjwt"
)

func reasonCodes(o *Outcome) []policy.Code {
	var out []policy.Code
	for _, r := range o.Reasons {
		out = append(out, r.Code)
	}
	return out
}

func TestCheck(t *testing.T) {
	w := newWorld(t)
	d := w.open(t, nil)
	ctx := context.Background()
	nonce := 0
	fresh := func() string { nonce++; return "nonce-" + itoa(nonce) }

	good := w.defaults(w.aliceDID)
	expired := good
	expired.validFrom, expired.until = testNow.AddDate(-1, 0, 0).Add(time.Hour), testNow.Add(-time.Hour)
	otherCommunity := good
	otherCommunity.community = otherDID
	untrusted := good
	untrusted.issuer, untrusted.index = otherDID, -1
	revoked := good
	revoked.index = revokedIdx
	uncached := good
	uncached.list = "https://commons.example/status/99"
	old := good
	old.validFrom = testNow.AddDate(-2, 0, 0)

	tests := []struct {
		name    string
		raw     func() []byte
		want    []policy.Code
		wantErr error
	}{
		{"allow vp+jwt", func() []byte { return present(t, w.alice, w.aliceDID, doorID, fresh(), w.issue(t, w.aliceDID, good)) }, nil, nil},
		{"sd-jwt without status", func() []byte { return w.presentSDJWT(t, w.alice, w.aliceDID, doorID, fresh(), commonsDID) },
			[]policy.Code{policy.CodeStatusRequired}, policy.ErrStatusRequired},
		{"untrusted issuer", func() []byte {
			return present(t, w.alice, w.aliceDID, doorID, fresh(), w.issue(t, w.aliceDID, untrusted))
		},
			[]policy.Code{policy.CodeUntrustedIssuer, policy.CodeStatusRequired}, vc.ErrUntrustedIssuer},
		{"wrong community", func() []byte {
			return present(t, w.alice, w.aliceDID, doorID, fresh(), w.issue(t, w.aliceDID, otherCommunity))
		}, []policy.Code{policy.CodeClaimMismatch}, policy.ErrClaimMismatch},
		{"wrong community sd-jwt", func() []byte { return w.presentSDJWT(t, w.alice, w.aliceDID, doorID, fresh(), otherDID) },
			[]policy.Code{policy.CodeStatusRequired, policy.CodeClaimMismatch}, policy.ErrClaimMismatch},
		{"expired", func() []byte {
			return present(t, w.alice, w.aliceDID, doorID, fresh(), w.issue(t, w.aliceDID, expired))
		},
			[]policy.Code{policy.CodeExpired}, vc.ErrExpired},
		{"too old", func() []byte { return present(t, w.alice, w.aliceDID, doorID, fresh(), w.issue(t, w.aliceDID, old)) },
			[]policy.Code{policy.CodeTooOld}, policy.ErrTooOld},
		{"revoked via status dir", func() []byte {
			return present(t, w.alice, w.aliceDID, doorID, fresh(), w.issue(t, w.aliceDID, revoked))
		},
			[]policy.Code{policy.CodeRevoked}, vc.ErrRevoked},
		{"status list not cached", func() []byte {
			return present(t, w.alice, w.aliceDID, doorID, fresh(), w.issue(t, w.aliceDID, uncached))
		}, []policy.Code{policy.CodeStatusRequired}, policy.ErrStatusRequired},
		{"low score", func() []byte {
			return present(t, w.bob, w.bobDID, doorID, fresh(), w.issue(t, w.bobDID, w.defaults(w.bobDID)))
		},
			[]policy.Code{policy.CodeLowScore}, policy.ErrLowScore},
		{"someone else's credential", func() []byte { return present(t, w.bob, w.bobDID, doorID, fresh(), w.issue(t, w.aliceDID, good)) },
			[]policy.Code{policy.CodeHolderMismatch, policy.CodeLowScore}, policy.ErrHolderMismatch},
		{"other door", func() []byte {
			return present(t, w.alice, w.aliceDID, "did:web:elsewhere.example", fresh(), w.issue(t, w.aliceDID, good))
		}, []policy.Code{policy.CodeReplayed}, policy.ErrNotVerified},
		{"no challenge", func() []byte { return present(t, w.alice, w.aliceDID, doorID, "", w.issue(t, w.aliceDID, good)) },
			[]policy.Code{policy.CodeReplayed}, ErrReplay},
		{"tampered holder signature", func() []byte {
			b := present(t, w.alice, w.aliceDID, doorID, fresh(), w.issue(t, w.aliceDID, good))
			// Swap a base64url letter for another, so the token stays well formed.
			if b[len(b)-5] == 'A' {
				b[len(b)-5] = 'B'
			} else {
				b[len(b)-5] = 'A'
			}
			return b
		}, []policy.Code{policy.CodeHolderBinding}, vc.ErrInvalidSignature},
		{"tampered credential", func() []byte {
			tok := w.issue(t, w.aliceDID, good)
			i := strings.LastIndexByte(tok, '.')
			tok = tok[:i+1] + flip(tok[i+1:])
			return present(t, w.alice, w.aliceDID, doorID, fresh(), tok)
		}, []policy.Code{policy.CodeNotVerified}, vc.ErrInvalidSignature},
		{"garbage", func() []byte { return []byte("not a presentation") }, []policy.Code{policy.CodeMalformed}, vc.ErrMalformed},
		{"json that is no presentation", func() []byte { return []byte(`{"proof":{"challenge":"c-1"}}`) }, []policy.Code{policy.CodeMalformed}, vc.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := d.Check(ctx, tt.raw())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(reasonCodes(o), tt.want) || o.Allow != (tt.want == nil) {
				t.Fatalf("allow %v, reasons %v, want %v\nchecks %v", o.Allow, o.Reasons, tt.want, o.Checks)
			}
			if tt.want == nil {
				if o.Holder != w.aliceDID || !reflect.DeepEqual(o.Types, []string{"MembershipCredential"}) {
					t.Fatalf("holder %q types %v", o.Holder, o.Types)
				}
				return
			}
			if err := o.Err(); !errors.Is(err, policy.ErrDenied) || !errors.Is(err, tt.wantErr) {
				t.Fatalf("err %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func flip(s string) string {
	b := []byte(s)
	if b[3] == 'A' {
		b[3] = 'B'
	} else {
		b[3] = 'A'
	}
	return string(b)
}

func TestReplay(t *testing.T) {
	w := newWorld(t)
	d := w.open(t, nil)
	vp := present(t, w.alice, w.aliceDID, doorID, "once", w.issue(t, w.aliceDID, w.defaults(w.aliceDID)))
	o, _ := d.Check(context.Background(), vp)
	if !o.Allow {
		t.Fatalf("first use: %v", o.Reasons)
	}
	o, _ = d.Check(context.Background(), vp)
	if o.Allow || !reflect.DeepEqual(reasonCodes(o), []policy.Code{policy.CodeReplayed}) || !errors.Is(o.Err(), ErrReplay) {
		t.Fatalf("replay: %v", o.Reasons)
	}
}

func TestSDJWT(t *testing.T) {
	w := newWorld(t)
	w.write(t, FilePolicy, `{"types":["MembershipCredential"],"issuers":[{"did":"`+commonsDID+`"}],
	  "constraints":[{"path":"credentialSubject.community","op":"equals","value":"`+commonsDID+`"}]}`)
	d := w.open(t, nil)
	sd := w.presentSDJWT(t, w.alice, w.aliceDID, doorID, "sd-once", commonsDID)
	o, _ := d.Check(context.Background(), sd)
	if !o.Allow || o.Holder != w.aliceDID || o.Format != FormatSDJWT {
		t.Fatalf("sd-jwt first use: %+v", o)
	}
	if o, _ := d.Check(context.Background(), sd); o.Allow || !errors.Is(o.Err(), ErrReplay) {
		t.Fatalf("sd-jwt replay: %v", o.Reasons)
	}
	// Key binding by another key than the credential's holder key fails.
	wrong := w.presentSDJWT(t, w.alice, w.aliceDID, "did:web:elsewhere.example", "sd-2", commonsDID)
	if o, _ := d.Check(context.Background(), wrong); o.Allow || !errors.Is(o.Err(), policy.ErrNotVerified) {
		t.Fatalf("sd-jwt for another door: %v", o.Reasons)
	} else if ch := findCheck(o.Checks, CheckChallenge); ch == nil || ch.Status != vc.Failed || !errors.Is(ch.Err, sdjwt.ErrChallenge) {
		t.Fatalf("sd-jwt for another door: challenge check %+v", ch)
	}
}

func findCheck(checks []vc.Check, name string) *vc.Check {
	for i := range checks {
		if checks[i].Name == name {
			return &checks[i]
		}
	}
	return nil
}

func TestIssuedChallengeRequired(t *testing.T) {
	w := newWorld(t)
	d := w.open(t, &Config{RequireIssuedChallenge: true})
	cred := w.issue(t, w.aliceDID, w.defaults(w.aliceDID))
	if o, _ := d.Check(context.Background(), present(t, w.alice, w.aliceDID, doorID, "self-chosen", cred)); o.Allow || !errors.Is(o.Err(), ErrReplay) {
		t.Fatalf("self-chosen challenge: %v", o.Reasons)
	}
	c, exp := d.IssueChallenge()
	if !exp.After(testNow) || len(c) < 20 {
		t.Fatalf("challenge %q expires %v", c, exp)
	}
	if o, _ := d.Check(context.Background(), present(t, w.alice, w.aliceDID, doorID, c, cred)); !o.Allow {
		t.Fatalf("issued challenge: %v", o.Reasons)
	}
}

func TestChallengesExpire(t *testing.T) {
	c := NewChallenges(true, time.Minute, 4)
	n, _ := c.Issue(testNow)
	if err := c.Check(n, testNow.Add(2*time.Minute)); !errors.Is(err, ErrReplay) {
		t.Fatalf("expired challenge: %v", err)
	}
	// The store stays bounded: issuing many drops the oldest.
	for range 100 {
		c.Issue(testNow)
	}
	if len(c.issued) > 4 {
		t.Fatalf("%d outstanding challenges", len(c.issued))
	}
	open := NewChallenges(false, time.Minute, 2)
	must(t, open.Redeem("a", testNow))
	must(t, open.Redeem("b", testNow))
	if err := open.Redeem("c", testNow); !errors.Is(err, ErrReplay) {
		t.Fatalf("full replay cache must refuse: %v", err)
	}
	if err := open.Redeem("a", testNow.Add(2*time.Minute)); err != nil {
		t.Fatalf("after the TTL: %v", err)
	}
}

func TestLogAppendOnly(t *testing.T) {
	w := newWorld(t)
	path := filepath.Join(t.TempDir(), "checkins.jsonl")
	l, err := OpenLog(path, 0)
	must(t, err)
	d := w.open(t, &Config{Log: l})
	cred := w.issue(t, w.aliceDID, w.defaults(w.aliceDID))
	for _, n := range []string{"n1", "n2"} {
		if _, err := d.Check(context.Background(), present(t, w.alice, w.aliceDID, doorID, n, cred)); err != nil {
			t.Fatal(err)
		}
	}
	must(t, l.Close())
	first, err := os.ReadFile(path)
	must(t, err)

	// Reopening appends; it never truncates.
	l, err = OpenLog(path, 10)
	must(t, err)
	d = w.open(t, &Config{Log: l})
	if _, err := d.Check(context.Background(), present(t, w.bob, w.bobDID, doorID, "n3", w.issue(t, w.bobDID, w.defaults(w.bobDID)))); err != nil {
		t.Fatal(err)
	}
	must(t, l.Close())
	all, err := os.ReadFile(path)
	must(t, err)
	if !bytes.HasPrefix(all, first) || len(all) <= len(first) {
		t.Fatalf("log was rewritten:\n%s\n---\n%s", first, all)
	}
	entries, err := ReadLog(bytes.NewReader(all))
	must(t, err)
	if len(entries) != 3 {
		t.Fatalf("%d entries", len(entries))
	}
	e := entries[0]
	if e.Door != doorID || e.Holder != w.aliceDID || e.Decision != DecisionAllow || !e.Time.Equal(testNow) ||
		!reflect.DeepEqual(e.Types, []string{"MembershipCredential"}) {
		t.Fatalf("entry %+v", e)
	}
	if entries[2].Decision != DecisionDeny || !reflect.DeepEqual(entries[2].Reasons, []policy.Code{policy.CodeLowScore}) {
		t.Fatalf("deny entry %+v", entries[2])
	}
	if err := l.Append(e); !errors.Is(err, ErrLog) {
		t.Fatalf("append after close: %v", err)
	}

	// Allowed check-ins feed the Sybil graph as co-presence.
	entries = append(entries, Entry{Time: testNow.Add(time.Minute), Door: doorID, Holder: w.bobDID, Decision: DecisionAllow})
	b := sybil.NewBuilder(nil)
	if n := AddCheckIns(b, entries); n != 3 {
		t.Fatalf("added %d check-ins", n)
	}
	g, err := b.Build(testNow)
	must(t, err)
	if g.Len() != 2 {
		t.Fatalf("graph of %d nodes", g.Len())
	}
}

func TestReadLogErrors(t *testing.T) {
	for name, in := range map[string]string{
		"not JSON":        "{\n",
		"duplicate":       `{"time":"2025-01-01T00:00:00Z","door":"d","decision":"allow","door":"e"}` + "\n",
		"no decision":     `{"time":"2025-01-01T00:00:00Z","door":"d"}` + "\n",
		"unknown outcome": `{"time":"2025-01-01T00:00:00Z","door":"d","decision":"maybe"}` + "\n",
		"long line":       strings.Repeat(" ", MaxLogLineBytes+1) + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ReadLog(strings.NewReader(in))
			var le *LineError
			if !errors.Is(err, ErrLog) || !errors.As(err, &le) || le.Line != 1 {
				t.Fatalf("err %v", err)
			}
		})
	}
}

func TestReadScores(t *testing.T) {
	s, err := ReadScores(strings.NewReader("# comment\n\ndid:example:a 0.5\ndid:example:b\t1e-2 # trailing\n"))
	if err != nil || s["did:example:a"] != 0.5 || s["did:example:b"] != 0.01 || len(s) != 2 {
		t.Fatalf("%v %v", s, err)
	}
	for name, in := range map[string]string{
		"one field":  "did:example:a\n",
		"three":      "a 1 2\n",
		"not number": "a high\n",
		"NaN":        "a NaN\n",
		"repeated":   "a 1\na 2\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ReadScores(strings.NewReader(in)); !errors.Is(err, ErrConfig) {
				t.Fatalf("err %v", err)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	w := newWorld(t)
	if _, err := Open(context.Background(), t.TempDir(), doorID, nil); !errors.Is(err, ErrConfig) {
		t.Fatalf("empty dir: %v", err)
	}
	if _, err := Open(context.Background(), w.dir, "", nil); !errors.Is(err, ErrConfig) {
		t.Fatalf("no id: %v", err)
	}
	w.write(t, filepath.Join(DirStatus, "bad.jwt"), "eyJhbGciOiJFZERTQSJ9.e30.c2ln")
	if _, err := Open(context.Background(), w.dir, doorID, &Config{Now: func() time.Time { return testNow }}); !errors.Is(err, ErrConfig) {
		t.Fatalf("bad status list: %v", err)
	}
	must(t, os.Remove(filepath.Join(w.dir, DirStatus, "bad.jwt")))
	w.write(t, FilePolicy, `{"maxAge":"365d","maxAge":"1d"}`)
	if _, err := Open(context.Background(), w.dir, doorID, nil); !errors.Is(err, ErrConfig) || !errors.Is(err, policy.ErrMalformed) {
		t.Fatalf("duplicate member in policy: %v", err)
	}
}

func TestTooLarge(t *testing.T) {
	w := newWorld(t)
	d := w.open(t, &Config{MaxPresentationBytes: 64})
	o, _ := d.Check(context.Background(), bytes.Repeat([]byte("a"), 65))
	if o.Allow || !errors.Is(o.Err(), ErrTooLarge) {
		t.Fatalf("%v", o.Reasons)
	}
}

// A copy of a presentation with a challenge the holder chose must stay refused
// after the door has forgotten the used challenge (offline mode).
func TestReplayAfterChallengeTTL(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		name string
		vp   func() []byte
	}{
		{"vp+jwt", func() []byte {
			return present(t, w.alice, w.aliceDID, doorID, "copied-jwt", w.issue(t, w.aliceDID, w.defaults(w.aliceDID)))
		}},
		{"data-integrity", func() []byte {
			return w.presentDI(t, w.alice, w.aliceDID, doorID, "copied-di", w.defaults(w.aliceDID))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := testNow
			d := w.open(t, &Config{Now: func() time.Time { return now }})
			vp := tc.vp()
			if o, _ := d.Check(context.Background(), vp); !o.Allow {
				t.Fatalf("first use: %v", o.Reasons)
			}
			for _, later := range []time.Duration{time.Minute, DefaultChallengeTTL + time.Second, 10 * time.Minute, 48 * time.Hour} {
				now = testNow.Add(later)
				if o, _ := d.Check(context.Background(), vp); o.Allow || !errors.Is(o.Err(), ErrReplay) {
					t.Fatalf("replay %v later: %v", later, o.Reasons)
				}
			}
		})
	}
}

// Without an issued challenge, a presentation must say when it was created.
func TestSelfChosenChallengeNeedsCreationTime(t *testing.T) {
	w := newWorld(t)
	d := w.open(t, nil)
	vp := map[string]any{"@context": []any{vc.ContextV2}, "type": []any{"VerifiablePresentation"}, "holder": w.aliceDID,
		"verifiableCredential": []any{jose.Envelope(w.issue(t, w.aliceDID, w.defaults(w.aliceDID)))}}
	b, err := json.Marshal(vp)
	must(t, err)
	tok, err := jose.SignPresentation(b, w.alice, w.aliceDID+"#"+w.aliceDID[len("did:key:"):], doorID, "no-iat")
	must(t, err)
	if o, _ := d.Check(context.Background(), []byte(tok)); o.Allow || !errors.Is(o.Err(), ErrReplay) {
		t.Fatalf("no iat: %v", o.Reasons)
	}
	// An issued challenge still awaited needs no creation time.
	c, _ := d.IssueChallenge()
	tok, err = jose.SignPresentation(b, w.alice, w.aliceDID+"#"+w.aliceDID[len("did:key:"):], doorID, c)
	must(t, err)
	if o, _ := d.Check(context.Background(), []byte(tok)); !o.Allow {
		t.Fatalf("issued challenge, no iat: %v", o.Reasons)
	}
	if o, _ := d.Check(context.Background(), []byte(tok)); o.Allow || !errors.Is(o.Err(), ErrReplay) {
		t.Fatalf("issued challenge replayed: %v", o.Reasons)
	}
}

// A check-in that cannot be recorded must not read as allowed.
func TestUnloggedCheckDenied(t *testing.T) {
	w := newWorld(t)
	l, err := OpenLog(filepath.Join(t.TempDir(), "log.jsonl"), 1)
	must(t, err)
	d := w.open(t, &Config{Log: l})
	must(t, l.Close())
	o, err := d.Check(context.Background(), present(t, w.alice, w.aliceDID, doorID, "unlogged", w.issue(t, w.aliceDID, w.defaults(w.aliceDID))))
	if !errors.Is(err, ErrLog) {
		t.Fatalf("error %v, want ErrLog", err)
	}
	if o.Allow || !errors.Is(o.Err(), ErrLog) || !reflect.DeepEqual(reasonCodes(o), []policy.Code{policy.CodeNotRecorded}) {
		t.Fatalf("unlogged check: allow %v, %v", o.Allow, o.Reasons)
	}
}

// A used challenge at the head of the store must not stop Issue from dropping
// the oldest outstanding challenges: the store stays bounded.
func TestChallengesBoundedAfterRedeem(t *testing.T) {
	c := NewChallenges(true, time.Minute, 4)
	n, _ := c.Issue(testNow)
	must(t, c.Redeem(n, testNow))
	for range 100 {
		c.Issue(testNow)
	}
	if len(c.issued)+len(c.used) > 4 {
		t.Fatalf("%d outstanding and %d used challenges, cap 4", len(c.issued), len(c.used))
	}
}
