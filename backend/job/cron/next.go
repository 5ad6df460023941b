package cron

import "time"

// searchDays bounds the search for the next time: eight years, because
// "0 0 29 2 *" can wait that long for its next leap day (2096 to 2104).
const searchDays = 8*366 + 1

// Next returns the first time strictly after t at which s fires, read in
// t's location (pass t.In(loc) to use another), or the zero time when there
// is none within eight years.
//
// Around daylight-saving changes it fires once per matching wall-clock
// time: a time that occurs twice (the clock goes back) fires at its first
// occurrence only, and a time the clock skips (the clock goes forward)
// fires as late after the jump as it would have been after the hour began,
// e.g. 02:30 on a day that jumps from 02:00 to 03:00 fires at 03:30.
func (s *Schedule) Next(t time.Time) time.Time {
	loc := t.Location()
	y, mo, d := t.Date()
	for i := 0; i < searchDays; i++ {
		day := time.Date(y, mo, d+i, 12, 0, 0, 0, time.UTC)
		if !s.dayMatches(day) {
			continue
		}
		if next, ok := s.nextOnDay(day, t, loc); ok {
			return next
		}
	}
	return time.Time{}
}

// dayMatches applies the month and the two day fields to a date.
func (s *Schedule) dayMatches(day time.Time) bool {
	if !s.month.has(int(day.Month())) {
		return false
	}
	domOK, dowOK := s.dom.has(day.Day()), s.dow.has(int(day.Weekday()))
	if s.domStar || s.dowStar {
		return domOK && dowOK
	}
	return domOK || dowOK
}

// nextOnDay returns the earliest firing on the given date after t. On a
// day without a change of offset, wall-clock order is time order and the
// first match is the earliest; on a day with one, every candidate is
// compared.
func (s *Schedule) nextOnDay(day, t time.Time, loc *time.Location) (time.Time, bool) {
	y, mo, d := day.Date()
	_, startOff := time.Date(y, mo, d, 0, 0, 0, 0, loc).Zone()
	_, endOff := time.Date(y, mo, d, 23, 59, 0, 0, loc).Zone()
	steady := startOff == endOff
	var best time.Time
	for h := 0; h < 24; h++ {
		if !s.hour.has(h) {
			continue
		}
		for m := 0; m < 60; m++ {
			if !s.minute.has(m) {
				continue
			}
			c := resolve(y, mo, d, h, m, loc)
			if !c.After(t) || (!best.IsZero() && !c.Before(best)) {
				continue
			}
			if steady {
				return c, true
			}
			best = c
		}
	}
	return best, !best.IsZero()
}

// resolve returns the instant a wall-clock time names in loc: the earlier
// one when the time occurs twice, and, when the clock skips it, the time
// read with the offset in force before the jump (which lands after it).
// It assumes at most one offset change within a day of the time.
func resolve(y int, mo time.Month, d, h, m int, loc *time.Location) time.Time {
	naive := time.Date(y, mo, d, h, m, 0, 0, time.UTC).Unix()
	_, before := time.Unix(naive-86400, 0).In(loc).Zone()
	_, after := time.Unix(naive+86400, 0).In(loc).Zone()
	var best time.Time
	for _, off := range []int{before, after} {
		c := time.Unix(naive-int64(off), 0).In(loc)
		if _, got := c.Zone(); got == off && (best.IsZero() || c.Before(best)) {
			best = c
		}
	}
	if best.IsZero() {
		best = time.Unix(naive-int64(before), 0).In(loc)
	}
	return best
}
