package query

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestPresentationExchange(t *testing.T) {
	cs := creds(t)
	for _, tc := range []struct {
		name     string
		def      string
		selected []string // descriptor=credential pairs
		paths    []string // descriptor_map paths
		wantErr  error
	}{
		{
			name: "type-and-filter",
			def: `{"id":"d1","input_descriptors":[{"id":"adult","constraints":{"fields":[
				{"path":["$.type","$.vc.type"],"filter":{"type":"array","contains":{"const":"AgeCredential"}}},
				{"path":["$.credentialSubject.age"],"filter":{"type":"integer","minimum":18}}]}}]}`,
			selected: []string{"adult=age"}, paths: []string{"$.verifiableCredential[0]"},
		},
		{
			name: "jwt-vc-path-fallback",
			def: `{"id":"d2","input_descriptors":[{"id":"m","format":{"jwt_vc":{"alg":["ES256"]}},"constraints":{"fields":[
				{"path":["$.credentialSubject.role","$.vc.credentialSubject.role"],"filter":{"enum":["admin","owner"]}}]}}]}`,
			selected: []string{"m=member"}, paths: []string{"$.verifiableCredential[0]"},
		},
		{
			name: "format-excludes",
			def: `{"id":"d3","format":{"ldp_vc":{}},"input_descriptors":[{"id":"m","constraints":{"fields":[
				{"path":["$.vc.credentialSubject.role"]}]}}]}`,
			wantErr: ErrNoMatch,
		},
		{
			name: "limit-disclosure-required",
			def: `{"id":"d4","input_descriptors":[{"id":"name","constraints":{"limit_disclosure":"required","fields":[
				{"path":["$.given_name","$.credentialSubject.name"]},{"path":["$.email"],"optional":true}]}}]}`,
			selected: []string{"name=pid"}, paths: []string{"$.verifiableCredential[0]"},
		},
		{
			name: "optional-missing-field",
			def: `{"id":"d5","input_descriptors":[{"id":"x","constraints":{"fields":[
				{"path":["$.credentialSubject.id"]},{"path":["$.nope"],"optional":true}]}}]}`,
			selected: []string{"x=age"}, paths: []string{"$.verifiableCredential[0]"},
		},
		{
			name: "two-descriptors-one-credential",
			def: `{"id":"d6","input_descriptors":[{"id":"a","constraints":{"fields":[{"path":["$.credentialSubject.age"]}]}},
				{"id":"b","constraints":{"fields":[{"path":["$.credentialSubject.birthDate"],"filter":{"type":"string","format":"date","formatMaximum":"2007-01-01"}}]}},
				{"id":"c","constraints":{"fields":[{"path":["$.nationalities"],"filter":{"type":"array","contains":{"const":"FR"}}}]}}]}`,
			selected: []string{"a=age", "b=age", "c=pid"},
			paths:    []string{"$.verifiableCredential[0]", "$.verifiableCredential[0]", "$.verifiableCredential[1]"},
		},
		{
			name:    "missing-descriptor",
			def:     `{"id":"d7","input_descriptors":[{"id":"a","constraints":{"fields":[{"path":["$.passport"]}]}}]}`,
			wantErr: ErrNoMatch,
		},
		{
			name: "pick-one-of-group",
			def: `{"id":"d8","submission_requirements":[{"name":"id","rule":"pick","count":1,"from":"A"}],
				"input_descriptors":[
				{"id":"passport","group":["A"],"constraints":{"fields":[{"path":["$.passport"]}]}},
				{"id":"pid","group":["A"],"constraints":{"fields":[{"path":["$.family_name"]}]}},
				{"id":"age","group":["A"],"constraints":{"fields":[{"path":["$.credentialSubject.age"]}]}}]}`,
			selected: []string{"pid=pid"}, paths: []string{"$.verifiableCredential[0]"},
		},
		{
			name: "pick-min-max",
			def: `{"id":"d9","submission_requirements":[{"rule":"pick","min":2,"max":3,"from":"A"}],
				"input_descriptors":[
				{"id":"x","group":["A"],"constraints":{"fields":[{"path":["$.family_name"]}]}},
				{"id":"y","group":["A"],"constraints":{"fields":[{"path":["$.credentialSubject.age"]}]}}]}`,
			selected: []string{"x=pid", "y=age"}, paths: []string{"$.verifiableCredential[0]", "$.verifiableCredential[1]"},
		},
		{
			name: "pick-min-unsatisfied",
			def: `{"id":"d10","submission_requirements":[{"rule":"pick","min":2,"from":"A"}],
				"input_descriptors":[
				{"id":"x","group":["A"],"constraints":{"fields":[{"path":["$.family_name"]}]}},
				{"id":"y","group":["A"],"constraints":{"fields":[{"path":["$.passport"]}]}}]}`,
			wantErr: ErrNoMatch,
		},
		{
			name: "all-plus-nested-pick",
			def: `{"id":"d11","submission_requirements":[
				{"rule":"all","from":"must"},
				{"rule":"pick","count":1,"from_nested":[{"rule":"all","from":"B"},{"rule":"all","from":"C"}]}],
				"input_descriptors":[
				{"id":"m","group":["must"],"constraints":{"fields":[{"path":["$.vc.credentialSubject.role"]}]}},
				{"id":"b1","group":["B"],"constraints":{"fields":[{"path":["$.passport"]}]}},
				{"id":"c1","group":["C"],"constraints":{"fields":[{"path":["$.address.country"],"filter":{"const":"DE"}}]}}]}`,
			selected: []string{"m=member", "c1=pid"}, paths: []string{"$.verifiableCredential[0]", "$.verifiableCredential[1]"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			def, err := ParseDefinition([]byte(tc.def))
			if err != nil {
				t.Fatal(err)
			}
			res, err := def.Evaluate(cs)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("got %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var sel, paths []string
			for _, s := range res.Selected {
				sel = append(sel, s.DescriptorID+"="+s.CredentialID)
			}
			for _, d := range res.Submission.DescriptorMap {
				paths = append(paths, d.Path)
			}
			if !slices.Equal(sel, tc.selected) || !slices.Equal(paths, tc.paths) {
				t.Fatalf("selected %v paths %v, want %v %v", sel, paths, tc.selected, tc.paths)
			}
			if res.Submission.DefinitionID != def.ID || res.Submission.ID == "" {
				t.Fatalf("submission %+v", res.Submission)
			}
			b, _ := json.Marshal(res.Submission)
			if !strings.Contains(string(b), `"definition_id":"`+def.ID+`"`) || !strings.Contains(string(b), `"descriptor_map":[{"id":`) {
				t.Fatalf("submission JSON %s", b)
			}
		})
	}
	// limit_disclosure=required lists the matched paths to disclose.
	def, _ := ParseDefinition([]byte(`{"presentation_definition":{"id":"ld","input_descriptors":[{"id":"n","constraints":{"limit_disclosure":"required","fields":[{"path":["$.given_name"]}]}}]}}`))
	res, err := def.Evaluate(cs)
	if err != nil || !slices.Equal(res.Selected[0].Disclose, []string{"$.given_name"}) {
		t.Fatalf("disclose: %+v %v", res, err)
	}
}

func TestDefinitionErrors(t *testing.T) {
	for _, tc := range []struct {
		name, def string
		want      error
	}{
		{"not-json", `{`, ErrMalformed},
		{"duplicate-member", `{"id":"a","id":"b","input_descriptors":[]}`, ErrMalformed},
		{"no-id", `{"input_descriptors":[{"id":"a"}]}`, ErrMalformed},
		{"no-descriptors", `{"id":"a","input_descriptors":[]}`, ErrMalformed},
		{"duplicate-descriptor", `{"id":"a","input_descriptors":[{"id":"x"},{"id":"x"}]}`, ErrMalformed},
		{"empty-path", `{"id":"a","input_descriptors":[{"id":"x","constraints":{"fields":[{"path":[]}]}}]}`, ErrMalformed},
		{"bad-path", `{"id":"a","input_descriptors":[{"id":"x","constraints":{"fields":[{"path":["credentialSubject"]}]}}]}`, ErrMalformed},
		{"filter-path", `{"id":"a","input_descriptors":[{"id":"x","constraints":{"fields":[{"path":["$[?(@.a)]"]}]}}]}`, ErrUnsupported},
		{"bad-limit-disclosure", `{"id":"a","input_descriptors":[{"id":"x","constraints":{"limit_disclosure":"always"}}]}`, ErrMalformed},
		{"bad-rule", `{"id":"a","submission_requirements":[{"rule":"some","from":"A"}],"input_descriptors":[{"id":"x","group":["A"]}]}`, ErrMalformed},
		{"unknown-group", `{"id":"a","submission_requirements":[{"rule":"all","from":"B"}],"input_descriptors":[{"id":"x","group":["A"]}]}`, ErrMalformed},
		{"from-and-nested", `{"id":"a","submission_requirements":[{"rule":"all","from":"A","from_nested":[{"rule":"all","from":"A"}]}],"input_descriptors":[{"id":"x","group":["A"]}]}`, ErrMalformed},
		{"predicate", `{"id":"a","input_descriptors":[{"id":"x","constraints":{"fields":[{"path":["$.a"],"predicate":"required"}]}}]}`, ErrUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseDefinition([]byte(tc.def)); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestDCQL(t *testing.T) {
	cs := creds(t)
	for _, tc := range []struct {
		name     string
		q        string
		selected map[string][]string // query id -> credential ids
		claims   map[string]string   // query id -> claim paths of the first selected match
		wantErr  error
	}{
		{
			name:     "sd-jwt-vct-and-claims",
			q:        `{"credentials":[{"id":"pid","format":"dc+sd-jwt","meta":{"vct_values":["https://example.eu/pid"]},"claims":[{"path":["given_name"]},{"path":["nationalities",null],"values":["FR"]}]}]}`,
			selected: map[string][]string{"pid": {"pid"}},
			claims:   map[string]string{"pid": `["given_name"] ["nationalities",null]`},
		},
		{
			name:     "format-alias",
			q:        `{"credentials":[{"id":"pid","format":"vc+sd-jwt","meta":{"vct_values":["https://example.eu/pid"]}}]}`,
			selected: map[string][]string{"pid": {"pid"}},
			claims:   map[string]string{"pid": ``},
		},
		{
			name:     "ldp-type-values",
			q:        `{"credentials":[{"id":"age","format":"ldp_vc","meta":{"type_values":[["Passport"],["VerifiableCredential","AgeCredential"]]},"claims":[{"path":["credentialSubject","degrees",1,"type"],"values":["MSc"]}]}]}`,
			selected: map[string][]string{"age": {"age"}},
			claims:   map[string]string{"age": `["credentialSubject","degrees",1,"type"]`},
		},
		{
			name:    "value-mismatch",
			q:       `{"credentials":[{"id":"pid","format":"dc+sd-jwt","claims":[{"path":["age_over_18"],"values":["true"]}]}]}`,
			wantErr: ErrNoMatch,
		},
		{
			name:     "claim-sets-first-satisfiable",
			q:        `{"credentials":[{"id":"pid","format":"dc+sd-jwt","claims":[{"id":"a","path":["age_over_21"]},{"id":"b","path":["age_over_18"],"values":[true]},{"id":"c","path":["family_name"]}],"claim_sets":[["a"],["b","c"],["c"]]}]}`,
			selected: map[string][]string{"pid": {"pid"}},
			claims:   map[string]string{"pid": `["age_over_18"] ["family_name"]`},
		},
		{
			name: "credential-sets-options",
			q: `{"credentials":[
				{"id":"passport","format":"ldp_vc","meta":{"type_values":[["Passport"]]}},
				{"id":"pid","format":"dc+sd-jwt","claims":[{"path":["address","country"]}]},
				{"id":"member","format":"jwt_vc_json","claims":[{"path":["vc","credentialSubject","role"]}]},
				{"id":"nothing","format":"ldp_vc","claims":[{"path":["nope"]}]}],
				"credential_sets":[{"options":[["passport"],["pid"]]},{"required":false,"options":[["nothing"]]},{"required":false,"options":[["member"]]}]}`,
			selected: map[string][]string{"pid": {"pid"}, "member": {"member"}},
			claims:   map[string]string{"pid": `["address","country"]`, "member": `["vc","credentialSubject","role"]`},
		},
		{
			name:    "required-set-unsatisfied",
			q:       `{"credentials":[{"id":"passport","format":"ldp_vc","meta":{"type_values":[["Passport"]]}}],"credential_sets":[{"options":[["passport"]]}]}`,
			wantErr: ErrNoMatch,
		},
		{
			name:     "multiple",
			q:        `{"credentials":[{"id":"any","format":"ldp_vc","multiple":true},{"id":"one","format":"jwt_vc_json"}]}`,
			selected: map[string][]string{"any": {"age"}, "one": {"member"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := ParseDCQL([]byte(tc.q))
			if err != nil {
				t.Fatal(err)
			}
			res, err := q.Evaluate(cs)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("got %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Selected) != len(tc.selected) {
				t.Fatalf("selected %v, want %v", res.Selected, tc.selected)
			}
			for id, want := range tc.selected {
				var got []string
				for _, m := range res.Selected[id] {
					got = append(got, m.CredentialID)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("query %s: got %v, want %v", id, got, want)
				}
				if wc, ok := tc.claims[id]; ok {
					var ps []string
					for _, p := range res.Selected[id][0].Claims {
						ps = append(ps, PathString(p))
					}
					if strings.Join(ps, " ") != wc {
						t.Fatalf("query %s claims %v, want %s", id, ps, wc)
					}
				}
			}
		})
	}
}

func TestDCQLErrors(t *testing.T) {
	for _, tc := range []struct {
		name, q string
		want    error
	}{
		{"empty", `{"credentials":[]}`, ErrMalformed},
		{"bad-id", `{"credentials":[{"id":"a b","format":"ldp_vc"}]}`, ErrMalformed},
		{"no-format", `{"credentials":[{"id":"a"}]}`, ErrMalformed},
		{"duplicate-id", `{"credentials":[{"id":"a","format":"ldp_vc"},{"id":"a","format":"ldp_vc"}]}`, ErrMalformed},
		{"empty-path", `{"credentials":[{"id":"a","format":"ldp_vc","claims":[{"path":[]}]}]}`, ErrMalformed},
		{"negative-index", `{"credentials":[{"id":"a","format":"ldp_vc","claims":[{"path":["x",-1]}]}]}`, ErrMalformed},
		{"object-value", `{"credentials":[{"id":"a","format":"ldp_vc","claims":[{"path":["x"],"values":[{}]}]}]}`, ErrMalformed},
		{"claim-sets-unknown", `{"credentials":[{"id":"a","format":"ldp_vc","claims":[{"id":"x","path":["x"]}],"claim_sets":[["y"]]}]}`, ErrMalformed},
		{"claim-sets-without-claims", `{"credentials":[{"id":"a","format":"ldp_vc","claim_sets":[["y"]]}]}`, ErrMalformed},
		{"set-unknown-query", `{"credentials":[{"id":"a","format":"ldp_vc"}],"credential_sets":[{"options":[["b"]]}]}`, ErrMalformed},
		{"mdoc", `{"credentials":[{"id":"a","format":"mso_mdoc","meta":{"doctype_value":"org.iso.18013.5.1.mDL"}}]}`, ErrUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseDCQL([]byte(tc.q)); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"$", "$.a.b", "$['@context'][0]", "$..name", "$.a[*].b", `$["a\"b"]`, "$.*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePath(s)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrLimit) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if p.String() != s {
			t.Fatalf("String() = %q, want %q", p.String(), s)
		}
		p.Select(decode(t, doc))
	})
}

func FuzzParseDefinition(f *testing.F) {
	f.Add([]byte(`{"id":"d","submission_requirements":[{"rule":"pick","count":1,"from":"A"}],"input_descriptors":[{"id":"x","group":["A"],"constraints":{"limit_disclosure":"required","fields":[{"path":["$.a","$..b"],"filter":{"type":"string","pattern":"^a","format":"date","formatMinimum":"2020-01-01"}}]}}]}`))
	f.Add([]byte(`{"id":"d","input_descriptors":[{"id":"x","constraints":{"fields":[{"path":["$.credentialSubject.age"],"filter":{"type":"integer","minimum":18}}]}}]}`))
	cs := creds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDefinition(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrLimit) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if _, err := d.Evaluate(cs); err != nil && !errors.Is(err, ErrNoMatch) {
			t.Fatalf("Evaluate: %v", err)
		}
	})
}

func FuzzParseDCQL(f *testing.F) {
	f.Add([]byte(`{"credentials":[{"id":"pid","format":"dc+sd-jwt","meta":{"vct_values":["x"]},"claims":[{"id":"a","path":["a",0,null],"values":["x",1,true]}],"claim_sets":[["a"]]}],"credential_sets":[{"options":[["pid"]],"required":false}]}`))
	cs := creds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := ParseDCQL(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrLimit) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if _, err := q.Evaluate(cs); err != nil && !errors.Is(err, ErrNoMatch) {
			t.Fatalf("Evaluate: %v", err)
		}
	})
}
