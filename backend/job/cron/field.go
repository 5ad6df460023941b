package cron

import (
	"fmt"
	"strconv"
	"strings"
)

// fieldSpec describes one of the five fields.
type fieldSpec struct {
	name     string
	min, max int
	names    []string // names[i] stands for min+i; nil when the field has none
	hint     string   // added to an out-of-range message
}

var specs = []fieldSpec{
	{name: "minute", min: 0, max: 59},
	{name: "hour", min: 0, max: 23},
	{name: "day-of-month", min: 1, max: 31},
	{name: "month", min: 1, max: 12,
		names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{name: "day-of-week", min: 0, max: 6, hint: " (use 0 or SUN for Sunday)",
		names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
}

// parse reads one field: a comma-separated list of items.
func (f fieldSpec) parse(field string) (bits, error) {
	var set bits
	for _, item := range strings.Split(field, ",") {
		b, err := f.parseItem(item)
		if err != nil {
			return 0, fmt.Errorf("%s field %q: %w", f.name, field, err)
		}
		set |= b
	}
	return set, nil
}

// parseItem reads "*", "a", "a-b", each optionally followed by "/step".
func (f fieldSpec) parseItem(item string) (bits, error) {
	if item == "" {
		return 0, fmt.Errorf("empty list item")
	}
	rng, stepText, hasStep := strings.Cut(item, "/")
	step := 1
	if hasStep {
		n, err := strconv.Atoi(stepText)
		if err != nil || n < 1 {
			return 0, fmt.Errorf("step %q must be a positive whole number", stepText)
		}
		step = n
	}
	lo, hi, err := f.parseRange(rng, hasStep)
	if err != nil {
		return 0, err
	}
	var b bits
	for v := lo; v <= hi; v += step {
		b |= 1 << uint(v)
	}
	return b, nil
}

// parseRange reads "*", "a" or "a-b". A single value followed by a step
// runs to the end of the field.
func (f fieldSpec) parseRange(rng string, hasStep bool) (lo, hi int, err error) {
	if rng == "*" {
		return f.min, f.max, nil
	}
	loText, hiText, isRange := strings.Cut(rng, "-")
	if lo, err = f.value(loText); err != nil {
		return 0, 0, err
	}
	switch {
	case isRange:
		if hi, err = f.value(hiText); err != nil {
			return 0, 0, err
		}
		if lo > hi {
			return 0, 0, fmt.Errorf("range %s goes backwards; split it, e.g. %s-%s,%s-%s",
				rng, loText, f.show(f.max), f.show(f.min), hiText)
		}
	case hasStep:
		hi = f.max
	default:
		hi = lo
	}
	return lo, hi, nil
}

// value reads a number or a name and checks it is in range.
func (f fieldSpec) value(text string) (int, error) {
	for i, name := range f.names {
		if strings.EqualFold(text, name) {
			return f.min + i, nil
		}
	}
	n, err := strconv.Atoi(text)
	if err != nil || strings.TrimLeft(text, "0123456789") != "" {
		if f.names != nil {
			return 0, fmt.Errorf("%q is not a number or a name such as %s", text, f.names[1])
		}
		return 0, fmt.Errorf("%q is not a number", text)
	}
	if n < f.min || n > f.max {
		return 0, fmt.Errorf("%d is out of range %d-%d%s", n, f.min, f.max, f.hint)
	}
	return n, nil
}

func (f fieldSpec) show(n int) string {
	if f.names != nil {
		return f.names[n-f.min]
	}
	return strconv.Itoa(n)
}
