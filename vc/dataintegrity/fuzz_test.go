package dataintegrity

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/polity-id/polity/internal/jsonx"
	"github.com/polity-id/polity/internal/vcerr"
)

// FuzzVerify: Verify never panics, and every error carries a vcerr kind. Seeds: every
// signed vector.
func FuzzVerify(f *testing.F) {
	for _, v := range signedVectors {
		f.Add(readVector(f, v.path))
	}
	f.Add([]byte(`{"proof":{}}`))
	f.Add([]byte(`{"proof":[{"type":"DataIntegrityProof","previousProof":["a","a"]}]}`))
	env := &Env{Now: func() time.Time { return testNow }}
	f.Fuzz(func(t *testing.T, doc []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		rep, err := Verify(ctx, doc, env, VerifyOptions{ProofOnly: true})
		if err == nil {
			if !rep.OK() {
				t.Fatal("nil error but report not OK")
			}
			return
		}
		if vcerr.Find(err) == nil && ctx.Err() == nil {
			t.Fatalf("error without kind: %v", err)
		}
		if rep != nil && rep.OK() {
			t.Fatal("error but report OK")
		}
	})
}

// FuzzDecodeDocument: ParseDocument accepts exactly the JSON objects jsonx.Check
// accepts, decodes them as encoding/json does (numbers as json.Number), and fails with
// vcerr.ErrMalformed otherwise.
func FuzzDecodeDocument(f *testing.F) {
	for _, v := range signedVectors {
		f.Add(readVector(f, v.path))
	}
	f.Add([]byte(`{"a":"\ud800\u0041","b":"\ud83d\ude00","c":[1.5e3,-0,true,false,null,{}],"d":"\\\/\b\f\n\r\t\""}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDocument(data, DocumentLimits{})
		if cerr := jsonx.Check(data, jsonx.Limits{MaxBytes: MaxDocumentBytes, MaxDepth: MaxDocumentDepth}); cerr != nil {
			if !errors.Is(err, vcerr.ErrMalformed) || !errors.Is(err, jsonx.ErrMalformed) {
				t.Fatalf("jsonx rejects (%v), ParseDocument: %v", cerr, err)
			}
			return
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("jsonx accepts input encoding/json rejects: %v", err)
		}
		if _, isObj := want.(map[string]any); !isObj {
			if !errors.Is(err, vcerr.ErrMalformed) {
				t.Fatalf("non-object: err = %v", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("rejected valid input: %v", err)
		}
		if !reflect.DeepEqual(d.m, want) {
			t.Fatalf("decoded differently:\n got %#v\nwant %#v", d.m, want)
		}
	})
}
