package rdf

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseNQuads(t *testing.T) {
	in := "# comment\n" +
		"<http://a/s> <http://a/p> \"x\\u0041\\t\"@en-US <http://a/g> . # trailing\r\n" +
		"_:b0 <http://a/p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n" +
		"_:b0<http://a/p>\"s\"^^<http://www.w3.org/2001/XMLSchema#string>_:g1.\n" +
		"\n   \t\n" +
		"<urn:x:\\u00e9> <http://a/p> _:b.1 ."
	got, err := ParseNQuads([]byte(in), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Quad{
		{S: Term{Kind: IRI, Value: "http://a/s"}, P: Term{Kind: IRI, Value: "http://a/p"}, O: Term{Kind: Literal, Value: "xA\t", Language: "en-US"}, G: Term{Kind: IRI, Value: "http://a/g"}},
		{S: Term{Kind: Blank, Value: "b0"}, P: Term{Kind: IRI, Value: "http://a/p"}, O: Term{Kind: Literal, Value: "1", Datatype: "http://www.w3.org/2001/XMLSchema#integer"}},
		{S: Term{Kind: Blank, Value: "b0"}, P: Term{Kind: IRI, Value: "http://a/p"}, O: Term{Kind: Literal, Value: "s"}, G: Term{Kind: Blank, Value: "g1"}},
		{S: Term{Kind: IRI, Value: "urn:x:é"}, P: Term{Kind: IRI, Value: "http://a/p"}, O: Term{Kind: Blank, Value: "b.1"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	out := AppendNQuads(nil, got)
	const canonical = "<http://a/s> <http://a/p> \"xA\\t\"@en-US <http://a/g> .\n" +
		"_:b0 <http://a/p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n" +
		"_:b0 <http://a/p> \"s\" _:g1 .\n" +
		"<urn:x:é> <http://a/p> _:b.1 .\n"
	if string(out) != canonical {
		t.Fatalf("serialized:\n%s\nwant:\n%s", out, canonical)
	}
}

func TestParseNQuadsErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     error
	}{
		{"relative-iri", "<s> <http://a/p> <http://a/o> .", ErrSyntax},
		{"space-in-iri", "<http://a/ s> <http://a/p> <http://a/o> .", ErrSyntax},
		{"escaped-space-in-iri", "<http://a/\\u0020s> <http://a/p> <http://a/o> .", ErrSyntax},
		{"echar-in-iri", "<http://a/\\n> <http://a/p> <http://a/o> .", ErrSyntax},
		{"literal-subject", "\"s\" <http://a/p> <http://a/o> .", ErrSyntax},
		{"blank-predicate", "<http://a/s> _:p <http://a/o> .", ErrSyntax},
		{"literal-graph", "<http://a/s> <http://a/p> <http://a/o> \"g\" .", ErrSyntax},
		{"missing-dot", "<http://a/s> <http://a/p> <http://a/o>", ErrSyntax},
		{"two-statements", "<http://a/s> <http://a/p> <http://a/o> . <http://a/s> <http://a/p> <http://a/o> .", ErrSyntax},
		{"surrogate-escape", "<http://a/s> <http://a/p> \"\\uD800\" .", ErrSyntax},
		{"big-escape", "<http://a/s> <http://a/p> \"\\U00110000\" .", ErrSyntax},
		{"bad-echar", "<http://a/s> <http://a/p> \"\\a\" .", ErrSyntax},
		{"invalid-utf8", "<http://a/s> <http://a/p> \"\xff\" .", ErrSyntax},
		{"unterminated-literal", "<http://a/s> <http://a/p> \"abc .", ErrSyntax},
		{"bad-langtag", "<http://a/s> <http://a/p> \"a\"@1en .", ErrSyntax},
		{"langstring-no-tag", "<http://a/s> <http://a/p> \"a\"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#langString> .", ErrSyntax},
		{"bad-blank", "_:-a <http://a/p> <http://a/o> .", ErrSyntax},
		{"too-many-quads", strings.Repeat("<http://a/s> <http://a/p> <http://a/o> .\n", 11), ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseNQuads([]byte(tc.in), &ParseOptions{MaxQuads: 10})
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line < 1 {
				t.Fatalf("error %v is not a *SyntaxError with a line", err)
			}
		})
	}
	if _, err := ParseNQuads(make([]byte, 100), &ParseOptions{MaxBytes: 10}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("MaxBytes: got %v", err)
	}
	long := "<http://a/s> <http://a/p> \"" + strings.Repeat("x", 100) + "\" ."
	if _, err := ParseNQuads([]byte(long), &ParseOptions{MaxLineBytes: 50}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("MaxLineBytes: got %v", err)
	}
}

func TestCheckQuad(t *testing.T) {
	iri := func(s string) Term { return Term{Kind: IRI, Value: s} }
	ok := Quad{S: iri("http://a/s"), P: iri("http://a/p"), O: Term{Kind: Literal, Value: "x", Language: "en"}}
	if err := CheckQuad(ok); err != nil {
		t.Fatal(err)
	}
	for name, q := range map[string]Quad{
		"iri-with-gt":     {S: iri("http://a/s>"), P: iri("http://a/p"), O: iri("http://a/o")},
		"relative-iri":    {S: iri("s"), P: iri("http://a/p"), O: iri("http://a/o")},
		"literal-subject": {S: Term{Kind: Literal, Value: "s"}, P: iri("http://a/p"), O: iri("http://a/o")},
		"blank-predicate": {S: iri("http://a/s"), P: Term{Kind: Blank, Value: "p"}, O: iri("http://a/o")},
		"no-object":       {S: iri("http://a/s"), P: iri("http://a/p")},
		"bad-utf8":        {S: iri("http://a/s"), P: iri("http://a/p"), O: Term{Kind: Literal, Value: "\xff"}},
		"bad-lang":        {S: iri("http://a/s"), P: iri("http://a/p"), O: Term{Kind: Literal, Value: "x", Language: "e n"}},
		"lang-and-type":   {S: iri("http://a/s"), P: iri("http://a/p"), O: Term{Kind: Literal, Value: "x", Language: "en", Datatype: XSDString}},
		"bad-blank":       {S: Term{Kind: Blank, Value: "a b"}, P: iri("http://a/p"), O: iri("http://a/o")},
		"literal-graph":   {S: iri("http://a/s"), P: iri("http://a/p"), O: iri("http://a/o"), G: Term{Kind: Literal, Value: "g"}},
	} {
		if err := CheckQuad(q); !errors.Is(err, ErrInvalidTerm) {
			t.Errorf("%s: got %v, want ErrInvalidTerm", name, err)
		}
	}
}

func TestEscapes(t *testing.T) {
	var all strings.Builder
	for c := range 0x80 {
		all.WriteByte(byte(c))
	}
	got := string(AppendTerm(nil, Term{Kind: Literal, Value: all.String()}))
	want := `"\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000B\f\r\u000E\u000F` +
		`\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F` +
		` !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_` + "`" + `abcdefghijklmnopqrstuvwxyz{|}~\u007F"`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// FuzzParseNQuads checks that parsing never panics, fails with typed errors, and that the
// canonical serialization of what it accepts parses back to the same quads.
func FuzzParseNQuads(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/rdf-canon/rdfc10/test0[0-6]*-in.nq")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("<http://a/s> <http://a/p> \"x\\u0000\"@en _:g .\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		quads, err := ParseNQuads(data, &ParseOptions{MaxQuads: 1000})
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		for _, q := range quads {
			if err := CheckQuad(q); err != nil {
				t.Fatalf("parsed quad fails CheckQuad: %v", err)
			}
		}
		out := AppendNQuads(nil, quads)
		again, err := ParseNQuads(out, nil)
		if err != nil {
			t.Fatalf("canonical output does not parse: %v\n%s", err, out)
		}
		if len(quads) != len(again) || len(quads) > 0 && !reflect.DeepEqual(quads, again) {
			t.Fatalf("round trip changed quads:\n%q\n%q", data, out)
		}
		if out2 := AppendNQuads(nil, again); !bytes.Equal(out, out2) {
			t.Fatalf("serialization not stable")
		}
	})
}

func BenchmarkParseNQuads(b *testing.B) {
	data, err := os.ReadFile("../../testdata/rdf-canon/di/eddsa-employ-canonDoc.nq")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseNQuads(data, nil); err != nil {
			b.Fatal(err)
		}
	}
}
