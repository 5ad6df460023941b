package schedule

import (
	"time"

	"github.com/avault/avault/backend/job/cron"
)

// NextRuns returns the next n times expr fires after from, read in loc
// (time.Local when nil), for the window's preview. It returns fewer when
// the expression stops firing, and the parse error of a bad expression.
func NextRuns(expr string, from time.Time, n int, loc *time.Location) ([]time.Time, error) {
	sched, err := cron.Parse(expr)
	if err != nil {
		return nil, err
	}
	if loc == nil {
		loc = time.Local
	}
	runs := make([]time.Time, 0, max(n, 0))
	for at := from.In(loc); len(runs) < n; {
		if at = sched.Next(at); at.IsZero() {
			break
		}
		runs = append(runs, at)
	}
	return runs, nil
}

// maxLookBack bounds the search for past firings: package cron looks eight
// years ahead, and a schedule that fires less often than that never fires.
const maxLookBack = 9 * 366 * 24 * time.Hour

// lastTwo returns the two latest times s fires at or before t, searching
// back over doubling spans so that a frequent schedule costs little.
func lastTwo(s *cron.Schedule, t time.Time) (before, last time.Time, ok bool) {
	for span := time.Hour; ; span *= 2 {
		var a, b time.Time
		for at := s.Next(t.Add(-span)); !at.IsZero() && !at.After(t); at = s.Next(at) {
			a, b = b, at
		}
		if !a.IsZero() {
			return a, b, true
		}
		if span > maxLookBack {
			return time.Time{}, time.Time{}, false
		}
	}
}

// Stale reports whether a job's backups are overdue at now, and since when
// it has had none: its last success, or its creation when it never
// succeeded. expr is read in now's location.
//
// The expected interval is the time between the two latest scheduled times
// at or before now, or the gap from the latest to the next one when that is
// longer, so that a weekday job is not stale on Monday morning. A job is
// stale when more than the interval plus grace has passed since its last
// success. A grace of zero or less means max(1 hour, half the interval). A
// bad expression, or one that has not fired twice, is never stale.
func Stale(now time.Time, expr string, lastSuccess *time.Time, created time.Time, grace time.Duration) (stale bool, since time.Time) {
	since = created
	if lastSuccess != nil {
		since = *lastSuccess
	}
	sched, err := cron.Parse(expr)
	if err != nil {
		return false, since
	}
	before, last, ok := lastTwo(sched, now)
	if !ok {
		return false, since
	}
	interval := last.Sub(before)
	if next := sched.Next(last); !next.IsZero() && next.Sub(last) > interval {
		interval = next.Sub(last)
	}
	if grace <= 0 {
		grace = max(time.Hour, interval/2)
	}
	return now.Sub(since) > interval+grace, since
}
