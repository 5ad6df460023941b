package cron_test

import (
	"testing"
	"time"

	robfig "github.com/robfig/cron/v3"

	"github.com/avault/avault/backend/job/cron"
)

// TestSameAsSchedulerParser checks the promise in the package comment: the
// scheduler's parser (robfig/cron, inside gocron) accepts every expression
// this package accepts and fires at the same times, away from
// daylight-saving changes.
func TestSameAsSchedulerParser(t *testing.T) {
	exprs := []string{
		"* * * * *", "0 2 * * *", "*/15 * * * *", "0 9-17/2 * * MON-FRI", "0 0 1,15 * *",
		"30 4 * jan,JUL sun", "5/10 * * * *", "0 0 31 * *", "0 0 29 2 *", "0 0 13 * 5",
		"0 0 */2 * *", "0-59/59 0-23/23 1-31/30 1-12/11 0-6/6", "7 7 7 7 *", "0 12 * * sat,SUN",
		"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly",
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for _, expr := range exprs {
		ours, err := cron.Parse(expr)
		if err != nil {
			t.Fatalf("Parse(%q): %v", expr, err)
		}
		theirs, err := robfig.ParseStandard(expr)
		if err != nil {
			t.Fatalf("robfig refuses %q: %v", expr, err)
		}
		at := time.Date(2026, 4, 1, 0, 0, 0, 0, paris) // DST changes are months away
		for range 25 {
			a, b := ours.Next(at), theirs.Next(at)
			if !a.Equal(b) {
				t.Fatalf("%q after %s: ours %s, scheduler %s", expr, at, a, b)
			}
			if a.Month() >= 10 || a.Year() >= 2090 { // clear of the October change and of
				break // robfig's five-year search limit (2096 → 2104 has no leap day)
			}
			at = a
		}
	}
}
