package vc

import (
	"fmt"
	"slices"
	"strings"
)

// IsURL reports whether s is an absolute URL as the data model uses them for ids: a
// scheme (such as https, did or urn) followed by ':' and at least one more character,
// with no spaces, control characters or characters that URLs never contain, and
// well-formed percent-encoding.
func IsURL(s string) bool {
	i := strings.IndexByte(s, ':')
	if i < 1 || i == len(s)-1 {
		return false
	}
	for j := 0; j < i; j++ {
		c := s[j]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case j > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	for j := i + 1; j < len(s); j++ {
		switch c := s[j]; {
		case c <= ' ' || c == 0x7f:
			return false
		case c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' || c == '|' || c == '}':
			return false
		case c == '%':
			if j+2 >= len(s) || !isHex(s[j+1]) || !isHex(s[j+2]) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Validate checks c against the data model: the first @context is ContextV2 or ContextV1;
// type includes VerifiableCredential; id, issuer and every other id are URLs;
// credentialSubject has at least one non-empty object; status, schema, terms of use,
// evidence and refresh service entries have a type (schemas also an id); names and
// descriptions are well-formed language values; a 1.1 credential has an issuanceDate; and
// validUntil is not before validFrom (expirationDate not before issuanceDate). Credentials
// of Polity's own types (see [NewMembership]) must also carry well-formed claims.
//
// The error is a *[FieldError] wrapping [ErrMalformed]. Validate does no I/O and does not
// look at the clock; see [CheckValidity].
func (c *Credential) Validate() error {
	if c == nil {
		return malformed("credential", "nil")
	}
	if err := validateContexts(c.Context); err != nil {
		return err
	}
	if c.ID != "" && !IsURL(c.ID) {
		return malformed("id", "not a URL")
	}
	if err := validateTypes("type", c.Types, TypeCredential); err != nil {
		return err
	}
	if err := validateLang("name", c.Name); err != nil {
		return err
	}
	if err := validateLang("description", c.Description); err != nil {
		return err
	}
	if c.Issuer.ID == "" {
		if c.Issuer.Types == nil && c.Issuer.Props == nil {
			return malformed("issuer", "missing")
		}
		return malformed("issuer.id", "missing")
	}
	if err := validateNode("issuer", c.Issuer, true, false); err != nil {
		return err
	}
	if len(c.Subjects) == 0 {
		return malformed("credentialSubject", "missing")
	}
	for i, s := range c.Subjects {
		f := indexed("credentialSubject", i, len(c.Subjects))
		if s.ID == "" && len(s.Types) == 0 && len(s.Props) == 0 {
			return malformed(f, "empty object")
		}
		if err := validateNode(f, s, false, false); err != nil {
			return err
		}
	}
	lists := []struct {
		field   string
		nodes   []Node
		needsID bool
	}{
		{"credentialStatus", c.Status, false},
		{"credentialSchema", c.Schemas, true},
		{"termsOfUse", c.TermsOfUse, false},
		{"evidence", c.Evidence, false},
		{"refreshService", c.RefreshService, false},
	}
	for _, l := range lists {
		if l.nodes != nil && len(l.nodes) == 0 {
			return malformed(l.field, "empty array")
		}
		for i, n := range l.nodes {
			if err := validateNode(indexed(l.field, i, len(l.nodes)), n, l.needsID, true); err != nil {
				return err
			}
		}
	}
	if c.Version() == 1 && c.IssuanceDate.IsZero() {
		return malformed("issuanceDate", "missing (required in a VCDM 1.1 credential)")
	}
	if !c.ValidFrom.IsZero() && !c.ValidUntil.IsZero() && c.ValidUntil.Before(c.ValidFrom) {
		return malformed("validUntil", "before validFrom")
	}
	if !c.IssuanceDate.IsZero() && !c.ExpirationDate.IsZero() && c.ExpirationDate.Before(c.IssuanceDate) {
		return malformed("expirationDate", "before issuanceDate")
	}
	if len(c.Proof) == 0 && c.Proof != nil {
		return malformed("proof", "empty")
	}
	for k := range c.Extra {
		if k == "" {
			return malformed("credential", "empty property name")
		}
	}
	return validateCommunity(c)
}

func validateContexts(cs []LDContext) error {
	if len(cs) == 0 {
		return malformed("@context", "missing")
	}
	if contextVersion(cs) == 0 {
		return malformed("@context[0]", "must be %s or %s", ContextV2, ContextV1)
	}
	for i, x := range cs {
		switch {
		case x.URL != "" && x.Inline == nil:
			if !IsURL(x.URL) {
				return malformed(fmt.Sprintf("@context[%d]", i), "not a URL")
			}
		case x.URL == "" && x.Inline != nil:
		default:
			return malformed(fmt.Sprintf("@context[%d]", i), "set exactly one of URL and Inline")
		}
	}
	return nil
}

func validateTypes(field string, types []string, must string) error {
	if len(types) == 0 {
		return malformed(field, "missing")
	}
	for i, t := range types {
		if t == "" || strings.ContainsAny(t, " \t\r\n") {
			return malformed(indexed(field, i, len(types)), "not a term or URL")
		}
	}
	if must != "" && !slices.Contains(types, must) {
		return malformed(field, "must include %s", must)
	}
	return nil
}

func validateLang(field string, ls []LangString) error {
	if ls != nil && len(ls) == 0 {
		return malformed(field, "empty array")
	}
	for i, l := range ls {
		f := indexed(field, i, len(ls))
		if l.Language != "" && !isLanguageTag(l.Language) {
			return malformed(f+".@language", "not a BCP 47 language tag")
		}
		if l.Direction != "" && l.Direction != "ltr" && l.Direction != "rtl" {
			return malformed(f+".@direction", "must be ltr or rtl")
		}
	}
	return nil
}

// isLanguageTag checks the general shape of a BCP 47 tag: alphanumeric subtags of 1 to 8
// characters separated by hyphens, the first alphabetic.
func isLanguageTag(s string) bool {
	for i, sub := range strings.Split(s, "-") {
		if len(sub) == 0 || len(sub) > 8 {
			return false
		}
		for _, c := range []byte(sub) {
			alpha := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
			if !alpha && (i == 0 || c < '0' || c > '9') {
				return false
			}
		}
	}
	return true
}

func validateNode(field string, n Node, needsID, needsType bool) error {
	if n.ID != "" && !IsURL(n.ID) {
		return malformed(field+".id", "not a URL")
	}
	if needsID && n.ID == "" {
		return malformed(field+".id", "missing")
	}
	if n.Types != nil || needsType {
		if err := validateTypes(field+".type", n.Types, ""); err != nil {
			return err
		}
	}
	for k := range n.Props {
		if k == "id" || k == "type" {
			return malformed(field+"."+k, "set in Props; use the Node field")
		}
		if k == "" {
			return malformed(field, "empty property name")
		}
	}
	return nil
}
