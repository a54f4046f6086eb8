// Package jsonld turns JSON-LD documents (credentials, presentations, proofs, DID
// documents) into RDF datasets, offline and safely, for Data Integrity proofs that sign
// the RDFC-1.0 canonical form of a dataset (eddsa-rdfc-2022, ecdsa-rdfc-2019).
//
// The entry point is [Processor.ToRDF] (or [ToRDF] for one-off calls): build a
// [Processor] once with [NewProcessor] and reuse it from any goroutine; it caches
// processed contexts, which is what makes repeated verification fast.
//
// # Contexts
//
// Context URLs are served only from contexts embedded in the package (see
// contexts/CONTEXT-MAP.md; each file is pinned by SHA-256), from contexts the caller
// registers in [Options.Contexts], or from an optional [Options.Loader]. Any other URL
// fails with [ErrUnknownContext] (in an [UnknownContextError] naming the URL); nothing is
// fetched from the network.
//
// # Safe mode
//
// By default the processor runs in the "safe mode" that VC Data Integrity asks for: data
// that JSON-LD would silently leave out of the dataset makes the call fail with
// [ErrUndefinedTerm] and a message naming the term. That covers properties and types
// that do not expand to absolute IRIs (undefined terms, relative IRIs, blank node
// properties), relative @id values, and IRIs, language tags and base directions that the
// RDF conversion drops. Terms that expand through an @vocab (for example VC 2.0's
// https://www.w3.org/ns/credentials/issuer-dependent# or
// https://www.w3.org/ns/credentials/undefined-terms/v2) are defined and allowed.
// Values that are JSON-LD null, free-floating values and nodes without properties carry no
// statements and are not errors. [Options.UnsafeAllowDroppedTerms] turns safe mode off.
//
// # Two paths, one result
//
// Every document can be processed by github.com/piprate/json-gold (the general path),
// wrapped so that it cannot fetch, panic into the caller, or run without limits. Common
// credential shapes take a fast path instead: expansion and RDF conversion in one pass
// over cached processed contexts (type-scoped, property-scoped, @protected, @vocab,
// @base, type coercion, @container @graph/@set/@list, JSON literals, language tags). The
// fast path follows json-gold step by step and declines anything else, including every
// error and every safe-mode violation, which the general path then decides; the two give
// the same dataset up to blank node labels (differential tests and a differential fuzz
// target check this). json-gold's known deviations from the JSON-LD 1.1 test suite are
// listed in suite_test.go; they apply to both paths.
//
// One deviation would change signed data, so it is not left to json-gold: json-gold takes
// a term's @container (and @reverse) from the term's scoped context instead of the active
// context, so it loses the @graph container of VCDM 2.0's verifiableCredential (scoped
// "@context": null) and puts embedded credentials in the wrong graph. The fast path does
// this as JSON-LD 1.1 says (and as Digital Bazaar's jsonld does; golden files in
// testdata/presentations check it byte for byte). When such a term is used and the fast
// path cannot process the document (or [Options.DisableFastPath] is set, or in
// [Processor.Expand]), the call fails with [ErrUnsupported] rather than return json-gold's
// different answer.
//
// # Errors
//
// Errors wrap one of [ErrMalformed], [ErrInvalidContext] (with [ErrUnknownContext] or
// [ErrProtectedTermRedefinition] where they apply), [ErrUndefinedTerm], [ErrTooLarge],
// [ErrTooDeep], [ErrTooManyQuads] or [ErrUnsupported], often inside a [ProcessingError]
// that carries the JSON-LD error code.
package jsonld
