package jose

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// numericDate decodes a JWT NumericDate; ok is false when raw is absent.
func numericDate(name string, raw json.RawMessage) (t time.Time, ok bool, err error) {
	if raw == nil {
		return time.Time{}, false, nil
	}
	var f float64
	if len(raw) > 0 && (raw[0] == '-' || '0' <= raw[0] && raw[0] <= '9') {
		// A JSON number (raw is valid JSON): what encoding/json would parse.
		f, err = strconv.ParseFloat(string(raw), 64)
	} else {
		err = json.Unmarshal(raw, &f)
	}
	if err != nil || math.IsNaN(f) || f < 0 || f > 1<<40 {
		return time.Time{}, false, fmt.Errorf("%w: %s is not a NumericDate", ErrMalformed, name)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true, nil
}

func rfc3339(name string, s *string) (time.Time, bool, error) {
	if s == nil {
		return time.Time{}, false, nil
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("%w: %s is not an XML Schema dateTimeStamp", ErrMalformed, name)
	}
	return t, true, nil
}

func checkTimes(c *claims, now time.Time, skew time.Duration) error {
	type bound struct {
		t     time.Time
		ok    bool
		err   error
		name  string
		upper bool
	}
	exp, eok, eerr := numericDate("exp", c.Exp)
	nbf, nok, nerr := numericDate("nbf", c.Nbf)
	vu, uok, uerr := rfc3339("validUntil", c.ValidUntil)
	vf, fok, ferr := rfc3339("validFrom", c.ValidFrom)
	for _, b := range []bound{{exp, eok, eerr, "exp", true}, {vu, uok, uerr, "validUntil", true}, {nbf, nok, nerr, "nbf", false}, {vf, fok, ferr, "validFrom", false}} {
		switch {
		case b.err != nil:
			return b.err
		case !b.ok:
		case b.upper && !now.Before(b.t.Add(skew)):
			return fmt.Errorf("%w: %s %s", ErrExpired, b.name, b.t.UTC().Format(time.RFC3339))
		case !b.upper && now.Add(skew).Before(b.t):
			return fmt.Errorf("%w: %s %s", ErrNotYetValid, b.name, b.t.UTC().Format(time.RFC3339))
		}
	}
	return nil
}
