package vc

import (
	"errors"
	"time"
)

var errDateTime = errors.New("not an XML Schema dateTimeStamp")

// ParseDateTime parses an XML Schema 1.1 dateTimeStamp, the lexical form of validFrom and
// validUntil: YYYY-MM-DDThh:mm:ss[.fraction] followed by "Z" or an offset ±hh:mm (at most
// 14:00). A time zone is required, "24:00:00" means the next day's midnight, and years are
// limited to 0001-9999. Fractions finer than nanoseconds are truncated. Errors wrap
// [ErrMalformed].
func ParseDateTime(s string) (time.Time, error) {
	t, err := parseDateTime(s)
	if err != nil {
		return time.Time{}, malformed("dateTime", "%v", err)
	}
	return t, nil
}

func digits(s string, i, n int) (int, bool) {
	if i+n > len(s) {
		return 0, false
	}
	v := 0
	for _, c := range []byte(s[i : i+n]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

func parseDateTime(s string) (time.Time, error) {
	// 2006-01-02T15:04:05
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, errDateTime
	}
	year, ok1 := digits(s, 0, 4)
	month, ok2 := digits(s, 5, 2)
	day, ok3 := digits(s, 8, 2)
	hour, ok4 := digits(s, 11, 2)
	minute, ok5 := digits(s, 14, 2)
	sec, ok6 := digits(s, 17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return time.Time{}, errDateTime
	}
	if year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) ||
		hour > 24 || minute > 59 || sec > 59 {
		return time.Time{}, errDateTime
	}
	i := 19
	nsec := 0
	if i < len(s) && s[i] == '.' {
		i++
		start := i
		scale := 100000000
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			nsec += int(s[i]-'0') * scale
			scale /= 10
			i++
		}
		if i == start {
			return time.Time{}, errDateTime
		}
	}
	if hour == 24 && (minute != 0 || sec != 0 || nsec != 0) {
		return time.Time{}, errDateTime
	}
	var loc *time.Location
	switch {
	case i < len(s) && s[i] == 'Z':
		i++
		loc = time.UTC
	case i < len(s) && (s[i] == '+' || s[i] == '-'):
		if i+6 != len(s) || s[i+3] != ':' {
			return time.Time{}, errDateTime
		}
		oh, ok1 := digits(s, i+1, 2)
		om, ok2 := digits(s, i+4, 2)
		if !ok1 || !ok2 || om > 59 || oh > 14 || (oh == 14 && om != 0) {
			return time.Time{}, errDateTime
		}
		off := (oh*60 + om) * 60
		if s[i] == '-' {
			off = -off
		}
		i += 6
		loc = time.FixedZone("", off)
	default:
		return time.Time{}, errDateTime // no time zone
	}
	if i != len(s) {
		return time.Time{}, errDateTime
	}
	// time.Date normalizes hour 24 to the next day.
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc)
	if t.IsZero() {
		return time.Time{}, errDateTime // indistinguishable from an absent date
	}
	return t, nil
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// FormatDateTime formats t as a dateTimeStamp: RFC 3339 with the shortest exact fraction,
// "Z" for UTC and ±hh:mm otherwise. Seconds of the offset are dropped.
func FormatDateTime(t time.Time) string {
	return t.Format(time.RFC3339Nano)
}

// CheckValidity reports whether c is inside its validity period at now, allowing skew in
// both directions (a negative skew counts as zero). It reads validFrom and validUntil
// (VCDM 2.0) and issuanceDate and expirationDate (VCDM 1.1); when both generations are
// present, the narrower period applies. A credential without dates is always valid.
//
// The error is a *[ValidityError] that wraps [ErrNotYetValid] or [ErrExpired] and names
// the deciding property; a nil c gives [ErrMalformed].
func CheckValidity(c *Credential, now time.Time, skew time.Duration) error {
	if c == nil {
		return malformed("credential", "nil")
	}
	if skew < 0 {
		skew = 0
	}
	type bound struct {
		field string
		t     time.Time
	}
	for _, b := range []bound{{"validFrom", c.ValidFrom}, {"issuanceDate", c.IssuanceDate}} {
		if !b.t.IsZero() && now.Add(skew).Before(b.t) {
			return &ValidityError{Field: b.field, Bound: b.t, Now: now, Skew: skew, Err: ErrNotYetValid}
		}
	}
	for _, b := range []bound{{"validUntil", c.ValidUntil}, {"expirationDate", c.ExpirationDate}} {
		if !b.t.IsZero() && now.Add(-skew).After(b.t) {
			return &ValidityError{Field: b.field, Bound: b.t, Now: now, Skew: skew, Err: ErrExpired}
		}
	}
	return nil
}
