package door

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// FuzzReadLog checks that ReadLog never panics, fails only with ErrLog, and that
// entries it accepts are read back unchanged after re-encoding.
func FuzzReadLog(f *testing.F) {
	f.Add([]byte(`{"time":"2025-06-01T12:00:00Z","door":"did:web:a","holder":"did:key:z6Mk","decision":"allow","types":["MembershipCredential"]}` + "\n"))
	f.Add([]byte(`{"time":"2025-06-01T12:00:00+02:00","door":"d","decision":"deny","reasons":["LOW_SCORE"]}` + "\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := ReadLog(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrLog) {
				t.Fatalf("error %v does not wrap ErrLog", err)
			}
			return
		}
		var buf bytes.Buffer
		for _, e := range entries {
			b, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			buf.Write(append(b, '\n'))
		}
		again, err := ReadLog(&buf)
		if err != nil || len(again) != len(entries) {
			t.Fatalf("re-read: %v", err)
		}
		for i := range entries {
			if !entries[i].Time.Equal(again[i].Time) || entries[i].Holder != again[i].Holder || !reflect.DeepEqual(entries[i].Reasons, again[i].Reasons) {
				t.Fatalf("entry %d changed: %+v %+v", i, entries[i], again[i])
			}
		}
	})
}

// FuzzReadScores checks ReadScores for panics and error kinds.
func FuzzReadScores(f *testing.F) {
	f.Add("did:example:a 0.5\n# c\nb 1e3\n")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ReadScores(strings.NewReader(s))
		if err != nil && !errors.Is(err, ErrConfig) {
			t.Fatalf("error %v does not wrap ErrConfig", err)
		}
		if err == nil && len(m) > strings.Count(s, "\n")+1 {
			t.Fatalf("%d scores from %d lines", len(m), strings.Count(s, "\n")+1)
		}
	})
}

// FuzzCheck feeds the door arbitrary presentations, seeded with a valid vp+jwt,
// SD-JWT and Data Integrity presentation: it must never panic, always answer, and
// give a reason for every denial.
func FuzzCheck(f *testing.F) {
	w := newWorld(f)
	cred := w.issue(f, w.aliceDID, w.defaults(w.aliceDID))
	f.Add(present(f, w.alice, w.aliceDID, doorID, "fuzz-1", cred))
	f.Add(w.presentSDJWT(f, w.alice, w.aliceDID, doorID, "fuzz-2", commonsDID))
	f.Add(w.presentDI(f, w.alice, w.aliceDID, doorID, "fuzz-3", w.defaults(w.aliceDID)))
	f.Add([]byte(`{"proof":[{"challenge":1}]}`))
	f.Add([]byte("a~b~"))
	d := w.open(f, &Config{MaxChallenges: 1 << 16})
	f.Fuzz(func(t *testing.T, raw []byte) {
		o, _ := d.Check(context.Background(), raw)
		if o == nil {
			t.Fatal("no outcome")
		}
		if !o.Allow && len(o.Reasons) == 0 {
			t.Fatalf("denied without a reason: %+v", o)
		}
	})
}
