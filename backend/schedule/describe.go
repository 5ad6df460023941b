package schedule

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/avault/avault/backend/job/cron"
)

// descriptors are the @ forms package cron accepts, spelled out.
var descriptors = map[string]string{
	"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
	"@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
}

var (
	dayNames   = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	monthNames = []string{"", "January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
)

// Describe reads a cron expression in plain English: "every day at
// 02:00", "every Monday at 09:30", "every 15 minutes", "at 02:00 on day 1
// of the month". An expression it has no sentence for reads "on a custom
// schedule (…)". It returns the parse error of a bad expression.
func Describe(expr string) (string, error) {
	if _, err := cron.Parse(expr); err != nil {
		return "", err
	}
	text := strings.TrimSpace(expr)
	if full, ok := descriptors[strings.ToLower(text)]; ok {
		text = full
	}
	f := strings.Fields(text)
	if s, ok := describeFields(f[0], f[1], f[2], f[3], f[4]); ok {
		return s, nil
	}
	return fmt.Sprintf("on a custom schedule (%s)", strings.TrimSpace(expr)), nil
}

// describeFields joins a reading of the time of day with one of the days.
func describeFields(minute, hour, dom, month, dow string) (string, bool) {
	days, ok := describeDays(dom, month, dow)
	if !ok {
		return "", false
	}
	if at, ok := clockTimes(minute, hour); ok {
		switch days.kind {
		case daily:
			return "every day at " + at, true
		case weekly:
			return days.every + " at " + at, true
		case monthly:
			return "at " + at + " " + days.on, true
		default: // yearly
			return "every year " + days.on + " at " + at, true
		}
	}
	often, ok := frequency(minute, hour)
	if !ok {
		return "", false
	}
	if days.kind == daily {
		return often, true
	}
	return often + ", " + days.on, true
}

// dayKind is the shape of the day fields.
type dayKind int

const (
	daily   dayKind = iota // every day
	weekly                 // some days of the week
	monthly                // some days of every month
	yearly                 // some days of one month
)

// dayPhrase reads the day fields two ways: "every Monday" starts a
// sentence, "on Mondays" ends one.
type dayPhrase struct {
	kind      dayKind
	every, on string
}

// describeDays reads the day-of-month, month and day-of-week fields.
func describeDays(dom, month, dow string) (dayPhrase, bool) {
	switch {
	case dom == "*" && month == "*" && dow == "*":
		return dayPhrase{kind: daily}, true
	case dom == "*" && month == "*":
		return weekdays(dow)
	case dow == "*" && month == "*":
		n, ok := numbers(dom)
		if !ok {
			return dayPhrase{}, false
		}
		word := "day"
		if len(n) > 1 {
			word = "days"
		}
		return dayPhrase{kind: monthly, on: fmt.Sprintf("on %s %s of the month", word, list(n, strconv.Itoa))}, true
	case dow == "*":
		n, okDays := numbers(dom)
		m, okMonth := number(month, monthNames[1:], 1)
		if !okDays || !okMonth {
			return dayPhrase{}, false
		}
		return dayPhrase{kind: yearly, on: "on " + list(n, strconv.Itoa) + " " + monthNames[m]}, true
	}
	return dayPhrase{}, false
}

// weekdays reads a day-of-week field of values and ranges.
func weekdays(dow string) (dayPhrase, bool) {
	var set [7]bool
	for _, item := range strings.Split(dow, ",") {
		lo, hi, isRange := strings.Cut(item, "-")
		a, ok1 := number(lo, dayNames, 0)
		b, ok2 := a, true
		if isRange {
			b, ok2 = number(hi, dayNames, 0)
		}
		if !ok1 || !ok2 {
			return dayPhrase{}, false
		}
		for d := a; d <= b; d++ {
			set[d] = true
		}
	}
	switch set {
	case [7]bool{true, true, true, true, true, true, true}:
		return dayPhrase{kind: daily}, true
	case [7]bool{false, true, true, true, true, true, false}:
		return dayPhrase{kind: weekly, every: "every weekday", on: "on weekdays"}, true
	case [7]bool{true, false, false, false, false, false, true}:
		return dayPhrase{kind: weekly, every: "every Saturday and Sunday", on: "on weekends"}, true
	}
	var days []int
	for _, d := range []int{1, 2, 3, 4, 5, 6, 0} { // the week as people read it starts on Monday
		if set[d] {
			days = append(days, d)
		}
	}
	plural := func(d int) string { return dayNames[d] + "s" }
	return dayPhrase{kind: weekly,
		every: "every " + list(days, func(d int) string { return dayNames[d] }),
		on:    "on " + list(days, plural)}, true
}

// clockTimes reads a fixed minute and a list of hours as "02:00" or
// "02:00 and 14:00".
func clockTimes(minute, hour string) (string, bool) {
	m, okMin := number(minute, nil, 0)
	hours, okHours := numbers(hour)
	if !okMin || !okHours || len(hours) > 4 {
		return "", false
	}
	return list(hours, func(h int) string { return fmt.Sprintf("%02d:%02d", h, m) }), true
}

// frequency reads fields that fire several times an hour or every few
// hours: "every minute", "every 15 minutes", "every hour at 5 minutes
// past", "every 2 hours on the hour", "every hour from 09:00 to 17:00".
func frequency(minute, hour string) (string, bool) {
	if hour == "*" {
		switch n, ok := step(minute); {
		case minute == "*" || (ok && n == 1):
			return "every minute", true
		case ok:
			return fmt.Sprintf("every %d minutes", n), true
		}
	}
	m, ok := number(minute, nil, 0)
	if !ok {
		return "", false
	}
	past := fmt.Sprintf(" at %d minutes past", m)
	switch {
	case m == 0:
		past = " on the hour"
	case m == 1:
		past = " at 1 minute past"
	}
	if hour == "*" {
		return "every hour" + past, true
	}
	if n, ok := step(hour); ok {
		every := "every hour"
		if n > 1 {
			every = fmt.Sprintf("every %d hours", n)
		}
		return every + past, true
	}
	if lo, hi, ok := strings.Cut(hour, "-"); ok {
		a, okA := number(lo, nil, 0)
		b, okB := number(hi, nil, 0)
		if okA && okB {
			return fmt.Sprintf("every hour from %02d:%02d to %02d:%02d", a, m, b, m), true
		}
	}
	return "", false
}

// step reads "*/n".
func step(field string) (int, bool) {
	rest, ok := strings.CutPrefix(field, "*/")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil
}

// number reads a plain number, or a name's first three letters from names
// (names[i] standing for first+i), case-insensitively.
func number(field string, names []string, first int) (int, bool) {
	for i, name := range names {
		if len(field) == 3 && strings.EqualFold(field, name[:3]) {
			return first + i, true
		}
	}
	n, err := strconv.Atoi(field)
	return n, err == nil
}

// numbers reads a comma-separated list of plain numbers.
func numbers(field string) ([]int, bool) {
	var out []int
	for _, item := range strings.Split(field, ",") {
		n, ok := number(item, nil, 0)
		if !ok {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

// list joins items as "a", "a and b" or "a, b and c".
func list[T any](items []T, show func(T) string) string {
	words := make([]string, len(items))
	for i, it := range items {
		words[i] = show(it)
	}
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
