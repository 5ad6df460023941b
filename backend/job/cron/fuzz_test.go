package cron_test

import (
	"strings"
	"testing"
	"time"

	robfig "github.com/robfig/cron/v3"

	"github.com/avault/avault/backend/job/cron"
)

// FuzzParse feeds any text to Parse. It must never panic; an expression it
// accepts must be accepted by the scheduler's own parser (robfig/cron, in
// gocron) and fire at the same times, each strictly after the one before.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"0 2 * * *", "*/15 * * * *", "0 9-17/2 * * MON-FRI", "@daily", "@yearly", "5/10 * * * *",
		"0 0 29 2 *", "0 0 30 2 *", "61 * * * *", "* * *", "0 2 * * * *", "*/0 * * * *", "1-0 * * * *", "0 0 1,15 * sun",
		"0 0 31 4,6 *", " 0  2 * * * ", "\t0\n2 * * *", "0 0 * * 7", "0 0 L * *", "0 0 ? * *", "@every 1h", "TZ=UTC 0 2 * * *",
		"0-59/59 0-23/23 1-31/30 1-12/11 0-6/6", "7 7 7 7 *", "0 12 * * sat,SUN", "00 02 * * *", "+1 * * * *", "0x1 * * * *"} {
		f.Add(s)
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // UTC: no daylight-saving changes
	f.Fuzz(func(t *testing.T, expr string) {
		s, err := cron.Parse(expr)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("Parse(%q): an empty error", expr)
			}
			return
		}
		if s.String() != strings.TrimSpace(expr) {
			t.Fatalf("Parse(%q).String() = %q", expr, s.String())
		}
		theirs, err := robfig.ParseStandard(strings.TrimSpace(expr)) // Parse trims; robfig/cron does not around a descriptor
		if err != nil {
			t.Fatalf("Parse accepts %q, the scheduler refuses it: %v", expr, err)
		}
		at := from
		for range 5 {
			ours, want := s.Next(at), theirs.Next(at)
			if ours.IsZero() {
				t.Fatalf("%q was accepted but never fires after %s", expr, at)
			}
			if !ours.After(at) {
				t.Fatalf("%q: Next(%s) = %s, not after it", expr, at, ours)
			}
			if !want.IsZero() && !ours.Equal(want) {
				t.Fatalf("%q after %s: ours %s, scheduler %s", expr, at, ours, want)
			}
			if ours.Year() > 2090 {
				return
			}
			at = ours
		}
	})
}
