package cron

import (
	"strings"
	"testing"
	"time"
)

func TestParseAccepts(t *testing.T) {
	for _, expr := range []string{
		"* * * * *", "0 2 * * *", " 0 2 * * * ", "*/15 * * * *", "0 9-17/2 * * MON-FRI",
		"0 0 1,15 * *", "30 4 * JAN,jul sun", "5/10 * * * *", "0 0 L * *"[:0] + "0 0 31 * *",
		"0 0 29 2 *", "0 0 30 2 1", "59 23 31 12 6", "0 0 * * 0", "0-59/59 0-23/23 1-31/30 1-12/11 0-6/6",
		"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly",
	} {
		if _, err := Parse(expr); err != nil {
			t.Errorf("Parse(%q) = %v, want it accepted", expr, err)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{"", "a schedule is required"},
		{"   ", "a schedule is required"},
		{"* * * *", "has 4 fields; a schedule needs 5"},
		{"0 0 2 * * *", "no seconds field"},
		{"60 * * * *", `minute field "60": 60 is out of range 0-59`},
		{"0 24 * * *", `hour field "24": 24 is out of range 0-23`},
		{"0 0 0 * *", `day-of-month field "0": 0 is out of range 1-31`},
		{"0 0 32 * *", "32 is out of range 1-31"},
		{"0 0 * 13 *", `month field "13": 13 is out of range 1-12`},
		{"0 0 * * 7", "7 is out of range 0-6 (use 0 or SUN for Sunday)"},
		{"x * * * *", `minute field "x": "x" is not a number`},
		{"0 0 * FOO *", `"FOO" is not a number or a name such as FEB`},
		{"0 0 * * FRI-MON", "range FRI-MON goes backwards; split it, e.g. FRI-SAT,SUN-MON"},
		{"0 0 20-10 * *", "range 20-10 goes backwards"},
		{"*/0 * * * *", `step "0" must be a positive whole number`},
		{"*/x * * * *", `step "x" must be a positive whole number`},
		{"1,,2 * * * *", "empty list item"},
		{"-1 * * * *", `"" is not a number`},
		{"+1 * * * *", `"+1" is not a number`},
		{"@every 1h", `unknown schedule "@every 1h"`},
		{"@reboot", "unknown schedule"},
		{"@DAILY", "unknown schedule"},
		{"0 0 30 2 *", "never fires"},
		{"0 0 31 4,6,9,11 *", "never fires"},
		{"? * * * *", `"?" is not a number`},
	} {
		_, err := Parse(tc.expr)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", tc.expr, err, tc.want)
		}
	}
}

func mustParse(t *testing.T, expr string) *Schedule {
	t.Helper()
	s, err := Parse(expr)
	if err != nil {
		t.Fatalf("Parse(%q): %v", expr, err)
	}
	return s
}

func TestNext(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct{ expr, from, want string }{
		{"0 2 * * *", "2026-01-12 01:59", "2026-01-12 02:00"},
		{"0 2 * * *", "2026-01-12 02:00", "2026-01-13 02:00"}, // strictly after
		{"0 2 * * *", "2026-12-31 03:00", "2027-01-01 02:00"},
		{"*/15 * * * *", "2026-01-12 10:07", "2026-01-12 10:15"},
		{"0 9-17/4 * * MON-FRI", "2026-01-16 17:30", "2026-01-19 09:00"}, // Friday evening → Monday
		{"0 0 31 * *", "2026-04-01 00:00", "2026-05-31 00:00"},           // April has no 31st
		{"0 0 29 2 *", "2026-01-01 00:00", "2028-02-29 00:00"},
		{"0 0 29 2 *", "2096-03-01 00:00", "2104-02-29 00:00"},
		{"0 0 13 * 5", "2026-02-01 00:00", "2026-02-06 00:00"}, // day 13 OR Friday
		{"0 0 */2 * *", "2026-01-31 12:00", "2026-02-01 00:00"},
		{"@weekly", "2026-01-12 00:00", "2026-01-18 00:00"},
		{"@yearly", "2026-06-01 00:00", "2027-01-01 00:00"},
		{"@hourly", "2026-01-12 10:00", "2026-01-12 11:00"},
		{"30 4 * jan,JUL Sun", "2026-01-26 00:00", "2026-07-05 04:30"},
	} {
		got := mustParse(t, tc.expr).Next(utc(tc.from))
		if want := utc(tc.want); !got.Equal(want) {
			t.Errorf("%q.Next(%s) = %s, want %s", tc.expr, tc.from, got, want)
		}
	}
}

// TestNextAgainstBruteForce checks Next against a minute-by-minute search.
func TestNextAgainstBruteForce(t *testing.T) {
	exprs := []string{"*/7 3,15 * * *", "0 0 1-7 * MON", "45 23 * * 6", "0 12 15 */3 *", "1-5 0 * * 1-5"}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, expr := range exprs {
		s := mustParse(t, expr)
		at := from
		for range 30 {
			want := bruteNext(s, at)
			got := s.Next(at)
			if !got.Equal(want) {
				t.Fatalf("%q.Next(%s) = %s, want %s", expr, at, got, want)
			}
			if mid := got.Add(-30 * time.Second); !s.Next(mid).Equal(got) {
				t.Fatalf("%q.Next(%s) = %s, want %s", expr, mid, s.Next(mid), got)
			}
			at = got
		}
	}
}

func bruteNext(s *Schedule, t time.Time) time.Time {
	for c := t.Truncate(time.Minute).Add(time.Minute); ; c = c.Add(time.Minute) {
		if s.dayMatches(c) && s.hour.has(c.Hour()) && s.minute.has(c.Minute()) {
			return c
		}
	}
}

func TestString(t *testing.T) {
	if got := mustParse(t, "  @daily ").String(); got != "@daily" {
		t.Errorf("String() = %q", got)
	}
}
