// Package rdf holds the RDF data model shared by JSON-LD processing and canonicalization:
// terms, quads and datasets, and their N-Quads form.
package rdf

// TermKind says what a Term is.
type TermKind uint8

// Term kinds. The zero Kind marks an absent term (the default graph in Quad.G).
const (
	IRI TermKind = iota + 1
	Blank
	Literal
)

// Term is an RDF term. For Blank, Value is the label without the "_:" prefix.
// For Literal, Datatype is an IRI (xsd:string when empty and Language is empty,
// rdf:langString when Language is set).
type Term struct {
	Kind     TermKind
	Value    string
	Datatype string
	Language string
}

// Quad is one statement. G has Kind 0 for the default graph.
type Quad struct {
	S, P, O, G Term
}

// Well-known datatype IRIs.
const (
	XSDString     = "http://www.w3.org/2001/XMLSchema#string"
	RDFLangString = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
)
