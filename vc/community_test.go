package vc

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"testing"
	"time"
)

var since = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

func issued(c *Credential) *Credential {
	c.Issuer = Node{ID: "did:example:commons"}
	c.ValidFrom = since
	return c
}

// roundTrip validates c, marshals it and parses it back.
func roundTrip(t *testing.T, c *Credential) *Credential {
	t.Helper()
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseCredential(b)
	if err != nil {
		t.Fatalf("ParseCredential: %v\n%s", err, b)
	}
	return back
}

func TestMembership(t *testing.T) {
	m := MembershipClaims{Member: "did:example:alice", Community: "did:example:commons", Role: "moderator", Since: since}
	back := roundTrip(t, issued(NewMembership(m)))
	got, err := back.Membership()
	if err != nil {
		t.Fatal(err)
	}
	if !got.Since.Equal(m.Since) {
		t.Fatalf("Since = %v", got.Since)
	}
	got.Since = m.Since
	if !reflect.DeepEqual(got, m) {
		t.Fatalf("got %+v, want %+v", got, m)
	}
	if _, err := back.Residency(); !errors.Is(err, ErrMalformed) {
		t.Fatalf("Residency on a membership: %v", err)
	}
}

func TestResidency(t *testing.T) {
	r := ResidencyClaims{Resident: "did:example:bob", Place: "https://mesh.example/nodes/42", Community: "did:example:commons", Start: since, End: since.AddDate(1, 0, 0)}
	got, err := roundTrip(t, issued(NewResidency(r))).Residency()
	if err != nil {
		t.Fatal(err)
	}
	if got.Resident != r.Resident || got.Place != r.Place || !got.Start.Equal(r.Start) || !got.End.Equal(r.End) {
		t.Fatalf("got %+v", got)
	}
}

func TestContribution(t *testing.T) {
	k := ContributionClaims{Contributor: "did:example:carol", Activity: "garden work", Date: since, Community: "did:example:commons", Amount: "12.50", Unit: "hour", AttestedBy: "did:example:dave"}
	back := roundTrip(t, issued(NewContribution(k)))
	got, err := back.Contribution()
	if err != nil {
		t.Fatal(err)
	}
	got.Date = k.Date
	if !reflect.DeepEqual(got, k) {
		t.Fatalf("got %+v, want %+v", got, k)
	}
	// A JSON number is accepted for amount, and read back exactly.
	back.Subjects[0].Props["amount"] = json.Number("7.25")
	if got, err := back.Contribution(); err != nil || got.Amount != "7.25" {
		t.Fatalf("numeric amount: %+v, %v", got, err)
	}
}

func TestCommunityInvalid(t *testing.T) {
	tests := []struct {
		name  string
		c     *Credential
		field string
	}{
		{"membership/no member", NewMembership(MembershipClaims{Community: "did:example:c"}), "credentialSubject.id"},
		{"membership/no community", NewMembership(MembershipClaims{Member: "did:example:a"}), "credentialSubject.community"},
		{"membership/community not a URL", NewMembership(MembershipClaims{Member: "did:example:a", Community: "The Commons"}), "credentialSubject.community"},
		{"residency/no place", NewResidency(ResidencyClaims{Resident: "did:example:a", Start: since}), "credentialSubject.place"},
		{"residency/no start", NewResidency(ResidencyClaims{Resident: "did:example:a", Place: "urn:place:1"}), "credentialSubject.residencyStart"},
		{"residency/end before start", NewResidency(ResidencyClaims{Resident: "did:example:a", Place: "urn:place:1", Start: since, End: since.Add(-time.Hour)}), "credentialSubject.residencyEnd"},
		{"contribution/no activity", NewContribution(ContributionClaims{Contributor: "did:example:a", Date: since}), "credentialSubject.activity"},
		{"contribution/bad amount", NewContribution(ContributionClaims{Contributor: "did:example:a", Activity: "x", Date: since, Amount: "1e3", Unit: "EUR"}), "credentialSubject.amount"},
		{"contribution/amount without unit", NewContribution(ContributionClaims{Contributor: "did:example:a", Activity: "x", Date: since, Amount: "3"}), "credentialSubject.unit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := issued(tt.c).Validate()
			var fe *FieldError
			if !errors.Is(err, ErrMalformed) || !errors.As(err, &fe) || fe.Field != tt.field {
				t.Fatalf("got %v, want a FieldError on %s", err, tt.field)
			}
		})
	}
	// Without Polity's context, the type name is someone else's and is not checked.
	c := issued(NewMembership(MembershipClaims{Member: "did:example:a"}))
	c.Context = c.Context[:1]
	if err := c.Validate(); err != nil {
		t.Fatalf("foreign MembershipCredential: %v", err)
	}
	if _, err := c.Membership(); !errors.Is(err, ErrMalformed) {
		t.Fatalf("Membership without Polity's context: %v", err)
	}
}

// termDefs collects every term definition of a JSON-LD context, including type-scoped
// and property-scoped contexts, by term name.
func termDefs(ctx map[string]any, into map[string][]any) {
	for k, v := range ctx {
		if k[0] == '@' {
			continue
		}
		into[k] = append(into[k], v)
		if def, ok := v.(map[string]any); ok {
			if sub, ok := def["@context"].(map[string]any); ok {
				termDefs(sub, into)
			}
		}
	}
}

func loadContext(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Context map[string]any `json:"@context"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Context
}

// TestPolityContext checks the shape of Polity's context and that it redefines none of
// the VC 2.0 context's protected terms, which a JSON-LD processor would reject.
func TestPolityContext(t *testing.T) {
	ours := loadContext(t, "../internal/jsonld/contexts/polity-v1.jsonld")
	if ours["@protected"] != true || ours["@version"] != 1.1 {
		t.Fatalf("@protected = %v, @version = %v", ours["@protected"], ours["@version"])
	}
	v2 := map[string][]any{}
	termDefs(loadContext(t, testdata+"/contexts/credentials-v2.jsonld"), v2)
	for term, def := range ours {
		if term[0] == '@' {
			continue
		}
		for _, theirs := range v2[term] {
			if !reflect.DeepEqual(theirs, def) {
				t.Errorf("term %q redefines a VC 2.0 term: %v vs %v", term, def, theirs)
			}
		}
	}
	const xsd = "http://www.w3.org/2001/XMLSchema#"
	wantType := map[string]string{
		"community": "@id", "place": "@id", "attestedBy": "@id",
		"memberSince": xsd + "dateTime", "residencyStart": xsd + "dateTime", "residencyEnd": xsd + "dateTime",
		"contributionDate": xsd + "dateTime", "amount": xsd + "decimal",
		"role": "", "activity": "", "unit": "",
		TypeMembership: "", TypeResidency: "", TypeContribution: "",
	}
	for term, typ := range wantType {
		def, ok := ours[term]
		if !ok {
			t.Errorf("term %q missing", term)
			continue
		}
		var id, got string
		switch d := def.(type) {
		case string:
			id = d
		case map[string]any:
			id, _ = d["@id"].(string)
			got, _ = d["@type"].(string)
		}
		if id != PolityVocab+term || got != typ {
			t.Errorf("term %q = %v, want @id %s and @type %q", term, def, PolityVocab+term, typ)
		}
	}
	// Every property the constructors write is defined.
	for _, c := range []*Credential{
		NewMembership(MembershipClaims{Member: "did:example:a", Community: "did:example:c", Role: "r", Since: since}),
		NewResidency(ResidencyClaims{Resident: "did:example:a", Place: "urn:p", Community: "did:example:c", Start: since, End: since}),
		NewContribution(ContributionClaims{Contributor: "did:example:a", Activity: "x", Date: since, Community: "did:example:c", Amount: "1", Unit: "u", AttestedBy: "did:example:b"}),
	} {
		for k := range c.Subjects[0].Props {
			if _, ok := ours[k]; !ok {
				t.Errorf("%s writes %q, which the context does not define", c.Types[1], k)
			}
		}
	}
}
