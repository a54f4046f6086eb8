package vc

import (
	"errors"
	"testing"
	"time"
)

func TestParseDateTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time // zero: must fail
	}{
		{"2023-01-01T00:00:00Z", time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"2010-01-01T19:23:24.123+01:00", time.Date(2010, 1, 1, 18, 23, 24, 123e6, time.UTC)},
		{"2010-01-01T19:23:24.1234567891-05:30", time.Date(2010, 1, 2, 0, 53, 24, 123456789, time.UTC)},
		{"2024-02-29T12:00:00+14:00", time.Date(2024, 2, 28, 22, 0, 0, 0, time.UTC)},
		{"2023-12-31T24:00:00Z", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"0001-01-01T00:00:01Z", time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC)},
		{"2023-01-01T00:00:00", time.Time{}},       // no time zone
		{"2023-01-01", time.Time{}},                // date only
		{"2023-01-01 00:00:00Z", time.Time{}},      // space separator
		{"2023-01-01t00:00:00z", time.Time{}},      // lowercase
		{"2023-02-29T00:00:00Z", time.Time{}},      // not a leap year
		{"1900-02-29T00:00:00Z", time.Time{}},      // not a leap year
		{"2023-13-01T00:00:00Z", time.Time{}},      // month
		{"2023-01-01T24:00:01Z", time.Time{}},      // past 24:00:00
		{"2023-01-01T23:59:60Z", time.Time{}},      // leap second
		{"2023-01-01T00:00:00.Z", time.Time{}},     // empty fraction
		{"2023-01-01T00:00:00+15:00", time.Time{}}, // offset too large
		{"2023-01-01T00:00:00+14:30", time.Time{}}, // offset too large
		{"2023-01-01T00:00:00+0100", time.Time{}},  // offset without colon
		{"0000-01-01T00:00:00Z", time.Time{}},      // year 0 unsupported
		{"0001-01-01T00:00:00Z", time.Time{}},      // the zero time means absent
		{"12023-01-01T00:00:00Z", time.Time{}},     // five-digit year unsupported
		{"-2023-01-01T00:00:00Z", time.Time{}},     // negative year unsupported
		{"2023-01-01T00:00:00Z ", time.Time{}},     // trailing space
		{"２023-01-01T00:00:00Z", time.Time{}},      // non-ASCII digit
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDateTime(tt.in)
			if tt.want.IsZero() {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("got %v, %v; want ErrMalformed", got, err)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Fatalf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestCheckValidity(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2025, 1, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name  string
		c     Credential
		now   time.Time
		skew  time.Duration
		want  error
		field string
	}{
		{"no dates", Credential{}, day(1), 0, nil, ""},
		{"inside 2.0 period", Credential{ValidFrom: day(2), ValidUntil: day(5)}, day(3), 0, nil, ""},
		{"at validUntil", Credential{ValidUntil: day(5)}, day(5), 0, nil, ""},
		{"at validFrom", Credential{ValidFrom: day(2)}, day(2), 0, nil, ""},
		{"before validFrom", Credential{ValidFrom: day(2)}, day(1), 0, ErrNotYetValid, "validFrom"},
		{"before validFrom within skew", Credential{ValidFrom: day(2)}, day(1), 24 * time.Hour, nil, ""},
		{"after validUntil", Credential{ValidUntil: day(5)}, day(6), 0, ErrExpired, "validUntil"},
		{"after validUntil within skew", Credential{ValidUntil: day(5)}, day(5).Add(time.Minute), 5 * time.Minute, nil, ""},
		{"negative skew is zero", Credential{ValidUntil: day(5)}, day(5).Add(time.Minute), -time.Hour, ErrExpired, "validUntil"},
		{"1.1 before issuanceDate", Credential{IssuanceDate: day(2)}, day(1), 0, ErrNotYetValid, "issuanceDate"},
		{"1.1 after expirationDate", Credential{IssuanceDate: day(1), ExpirationDate: day(3)}, day(4), 0, ErrExpired, "expirationDate"},
		{"both generations, narrower wins", Credential{ValidUntil: day(9), ExpirationDate: day(3)}, day(4), 0, ErrExpired, "expirationDate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckValidity(&tt.c, tt.now, tt.skew)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("got %v", err)
				}
				return
			}
			var ve *ValidityError
			if !errors.Is(err, tt.want) || !errors.As(err, &ve) || ve.Field != tt.field {
				t.Fatalf("got %v, want %v on %s", err, tt.want, tt.field)
			}
		})
	}
	if err := CheckValidity(nil, day(1), 0); !errors.Is(err, ErrMalformed) {
		t.Fatalf("nil credential: %v", err)
	}
}

func TestCheckValidityVectors(t *testing.T) {
	c, err := ParseCredential(readFile(t, "di-eddsa/employmentAuth.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckValidity(c, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), 0); err != nil {
		t.Errorf("in period: %v", err)
	}
	if err := CheckValidity(c, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), time.Minute); Code(err) != "EXPIRED" {
		t.Errorf("after validUntil: %v", err)
	}
	if err := CheckValidity(c, time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), time.Minute); Code(err) != "NOT_YET_VALID" {
		t.Errorf("before validFrom: %v", err)
	}
	v1, err := ParseCredential(readFile(t, "spec/v1-university.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckValidity(v1, time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), 0); !errors.Is(err, ErrExpired) {
		t.Errorf("1.1 after expirationDate: %v", err)
	}
}
