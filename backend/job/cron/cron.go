// Package cron reads the cron expressions Avault schedules use and computes
// when they next fire.
//
// An expression has five fields, minute (0-59), hour (0-23), day of month
// (1-31), month (1-12 or JAN-DEC) and day of week (0-6 or SUN-SAT, 0 being
// Sunday), each a "*", a value, a range "a-b", a step "*/n", "a-b/n" or
// "a/n" (from a to the end), or a comma-separated list of these. Names are
// case-insensitive. The descriptors @yearly (@annually), @monthly, @weekly,
// @daily (@midnight) and @hourly stand for their usual expressions.
//
// When both day fields are restricted (neither is "*"), a day matches when
// either does, as in Vixie cron. The accepted language is a subset of what
// github.com/robfig/cron/v3's standard parser (used by gocron) accepts, so
// a valid expression means the same thing to both.
package cron

import (
	"fmt"
	"strconv"
	"strings"
)

// Schedule is a parsed cron expression. The zero value is not usable; get
// one from Parse.
type Schedule struct {
	expr                          string
	minute, hour, dom, month, dow bits
	domStar, dowStar              bool
}

// bits is a set of small numbers, one bit each.
type bits uint64

func (b bits) has(n int) bool { return b&(1<<uint(n)) != 0 }

var descriptors = map[string]string{
	"@yearly":   "0 0 1 1 *",
	"@annually": "0 0 1 1 *",
	"@monthly":  "0 0 1 * *",
	"@weekly":   "0 0 * * 0",
	"@daily":    "0 0 * * *",
	"@midnight": "0 0 * * *",
	"@hourly":   "0 * * * *",
}

// Parse reads expr and returns its schedule, or an error that says which
// field is wrong and why.
func Parse(expr string) (*Schedule, error) {
	text := strings.TrimSpace(expr)
	if text == "" {
		return nil, fmt.Errorf(`a schedule is required, e.g. "0 2 * * *" for every day at 02:00`)
	}
	if strings.HasPrefix(text, "@") {
		full, ok := descriptors[text]
		if !ok {
			return nil, fmt.Errorf("unknown schedule %q; use five fields or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly", text)
		}
		text = full
	}
	fields := strings.Fields(text)
	switch {
	case len(fields) == 6:
		return nil, fmt.Errorf("%q has 6 fields; Avault schedules have no seconds field: use minute hour day-of-month month day-of-week", expr)
	case len(fields) != 5:
		return nil, fmt.Errorf("%q has %d fields; a schedule needs 5: minute hour day-of-month month day-of-week", expr, len(fields))
	}
	for _, i := range []int{2, 4} {
		if err := noHiddenStar(specs[i].name, fields[i]); err != nil {
			return nil, err
		}
	}
	s := &Schedule{expr: strings.TrimSpace(expr)}
	targets := []*bits{&s.minute, &s.hour, &s.dom, &s.month, &s.dow}
	for i, spec := range specs {
		b, err := spec.parse(fields[i])
		if err != nil {
			return nil, err
		}
		*targets[i] = b
	}
	s.domStar, s.dowStar = fields[2] == "*", fields[4] == "*"
	if err := s.checkReachable(); err != nil {
		return nil, err
	}
	return s, nil
}

// String returns the expression as it was given to Parse, without
// surrounding spaces.
func (s *Schedule) String() string { return s.expr }

// noHiddenStar refuses a day field that covers every day without being
// "*" itself ("0,*", "*/1"): robfig/cron reads such a field as "*" (the
// other day field alone then decides), while a field other than "*" is
// read here as restricting the days (either field may then match).
func noHiddenStar(name, field string) error {
	if field == "*" {
		return nil
	}
	for _, it := range strings.Split(field, ",") {
		rng, step, hasStep := strings.Cut(it, "/")
		if n, err := strconv.Atoi(step); rng == "*" && (!hasStep || err == nil && n == 1) {
			return fmt.Errorf("%s field %q: write * alone for every day; as part of a list or with step 1 cron programs read it differently", name, field)
		}
	}
	return nil
}

// daysIn is the most days each month can have (February in a leap year).
var daysIn = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// checkReachable refuses day-of-month and month combinations that never
// occur, such as "0 0 30 2 *", which would never fire.
func (s *Schedule) checkReachable() error {
	if s.domStar || !s.dowStar {
		return nil
	}
	for m := 1; m <= 12; m++ {
		for d := 1; d <= daysIn[m]; d++ {
			if s.month.has(m) && s.dom.has(d) {
				return nil
			}
		}
	}
	return fmt.Errorf("%q never fires: the chosen days of the month do not occur in the chosen months", s.expr)
}
