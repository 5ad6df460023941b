package cron

import (
	"testing"
	"time"
	_ "time/tzdata" // the test must not depend on the machine's zone files
)

func load(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// series returns the n firings of expr after from.
func series(t *testing.T, expr string, from time.Time, n int) []time.Time {
	s := mustParse(t, expr)
	var out []time.Time
	for at := from; len(out) < n; {
		at = s.Next(at)
		out = append(out, at)
	}
	return out
}

func TestNextAcrossDST(t *testing.T) {
	ny, berlin, lordHowe := load(t, "America/New_York"), load(t, "Europe/Berlin"), load(t, "Australia/Lord_Howe")
	for _, tc := range []struct {
		name string
		expr string
		from time.Time
		want []string // RFC 3339 with the zone's offset
	}{
		{"daily time skipped by spring forward runs after the jump", "30 2 * * *",
			time.Date(2026, 3, 7, 12, 0, 0, 0, ny),
			[]string{"2026-03-08T03:30:00-04:00", "2026-03-09T02:30:00-04:00"}},
		{"hourly across spring forward has no duplicate", "0 * * * *",
			time.Date(2026, 3, 8, 0, 30, 0, 0, ny),
			[]string{"2026-03-08T01:00:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T04:00:00-04:00"}},
		{"daily time repeated by fall back fires once", "30 1 * * *",
			time.Date(2026, 10, 31, 12, 0, 0, 0, ny),
			[]string{"2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"}},
		{"hourly across fall back fires each wall hour once", "0 * * * *",
			time.Date(2026, 11, 1, 0, 30, 0, 0, ny),
			[]string{"2026-11-01T01:00:00-04:00", "2026-11-01T02:00:00-05:00", "2026-11-01T03:00:00-05:00"}},
		{"Berlin spring forward", "15 2 * * *",
			time.Date(2026, 3, 28, 12, 0, 0, 0, berlin),
			[]string{"2026-03-29T03:15:00+02:00", "2026-03-30T02:15:00+02:00"}},
		{"Berlin fall back", "30 2 * * *",
			time.Date(2026, 10, 24, 12, 0, 0, 0, berlin),
			[]string{"2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"}},
		{"half-hour jump keeps time order", "*/15 2 * * *", // 02:00 → 02:30 on 2026-10-04
			time.Date(2026, 10, 4, 1, 50, 0, 0, lordHowe),
			[]string{"2026-10-04T02:30:00+11:00", "2026-10-04T02:45:00+11:00", "2026-10-05T02:00:00+11:00"}},
		{"half-hour jump returns the earliest firing", "15,30 2 * * *", // 02:15 lands at 02:45, after 02:30
			time.Date(2026, 10, 4, 1, 50, 0, 0, lordHowe),
			[]string{"2026-10-04T02:30:00+11:00", "2026-10-04T02:45:00+11:00", "2026-10-05T02:15:00+11:00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := series(t, tc.expr, tc.from, len(tc.want))
			for i, g := range got {
				if g.Format(time.RFC3339) != tc.want[i] {
					t.Errorf("firing %d = %s, want %s (all: %v)", i, g.Format(time.RFC3339), tc.want[i], got)
				}
			}
		})
	}
}

func TestNextKeepsLocation(t *testing.T) {
	ny := load(t, "America/New_York")
	got := mustParse(t, "0 2 * * *").Next(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).In(ny))
	if got.Location() != ny || got.Hour() != 2 {
		t.Errorf("Next = %s, want 02:00 New York time", got)
	}
}
