package status

import "github.com/polity-id/polity/internal/vcerr"

// Sentinel error kinds. Errors of this package wrap one of them with context; kinds that
// name a shared verification kind also match it, so errors.Is(err, vc.ErrRevoked) and
// errors.Is(err, vc.ErrMalformed) work for callers of package vc.
var (
	// ErrRevoked reports a set revocation status (it is vc.ErrRevoked).
	ErrRevoked error = vcerr.ErrRevoked
	// ErrSuspended reports a set suspension status (it is vc.ErrSuspended).
	ErrSuspended error = vcerr.ErrSuspended

	// ErrMalformed reports a status entry or status list credential that does not
	// follow the data model (MALFORMED_VALUE_ERROR). It matches vc.ErrMalformed.
	ErrMalformed = &kind{"status: malformed status entry or list", vcerr.ErrMalformed}
	// ErrListTooLarge reports an encoded list whose compressed or decompressed size is
	// over the configured cap (a decompression bomb, for example). It matches
	// [ErrMalformed].
	ErrListTooLarge = &kind{"status: status list too large", ErrMalformed}
	// ErrListTooShort reports a list with fewer entries than the minimum needed for
	// herd privacy, or whose length is not a whole number of entries
	// (STATUS_LIST_LENGTH_ERROR). It matches [ErrMalformed].
	ErrListTooShort = &kind{"status: status list too short", ErrMalformed}
	// ErrRange reports a statusListIndex outside the list (RANGE_ERROR). It matches
	// [ErrMalformed].
	ErrRange = &kind{"status: status list index out of range", ErrMalformed}
	// ErrUnsupportedType reports a credentialStatus entry of a type this package does
	// not read (only BitstringStatusListEntry and StatusList2021Entry are read).
	ErrUnsupportedType = &kind{"status: unsupported credentialStatus type", nil}

	// ErrRetrieval reports a status list credential that could not be fetched
	// (STATUS_RETRIEVAL_ERROR). The fetcher's error stays wrapped.
	ErrRetrieval = &kind{"status: status list retrieval failed", nil}
	// ErrVerification reports a status list credential that failed verification: its
	// proof (the verifier's error stays wrapped, so errors.Is(err,
	// vc.ErrInvalidSignature) works), its type, its id or its purpose
	// (STATUS_VERIFICATION_ERROR).
	ErrVerification = &kind{"status: status list verification failed", nil}
	// ErrPurposeMismatch reports a list that does not carry the entry's statusPurpose.
	// It matches [ErrVerification].
	ErrPurposeMismatch = &kind{"status: status purpose mismatch", ErrVerification}
	// ErrListExpired reports a list credential past its validUntil. It matches
	// [ErrVerification] (not vc.ErrExpired: the credential itself may still be valid).
	ErrListExpired = &kind{"status: status list expired", ErrVerification}
	// ErrListNotYetValid reports a list credential before its validFrom. It matches
	// [ErrVerification].
	ErrListNotYetValid = &kind{"status: status list not yet valid", ErrVerification}

	// ErrListFull reports an issuer list with no free index left.
	ErrListFull = &kind{"status: status list full", nil}
	// ErrState reports an issuer list state file that cannot be read or is
	// inconsistent.
	ErrState = &kind{"status: bad status list state", nil}
	// ErrIrreversible reports an attempt to clear a revocation or refresh status,
	// which the specification defines as not reversible.
	ErrIrreversible = &kind{"status: status cannot be cleared for this purpose", nil}
	// ErrExists reports a list state file that already exists.
	ErrExists = &kind{"status: status list state file exists", nil}
)

// kind is a sentinel error that may match a broader one.
type kind struct {
	msg    string
	parent error
}

func (k *kind) Error() string { return k.msg }
func (k *kind) Unwrap() error { return k.parent }
