package schedule

import (
	"testing"
	"time"
)

// TestDaylightSavingChanges runs jobs across Berlin's changes of 2026: on
// 29 March the clock jumps from 02:00 to 03:00, on 25 October it goes back
// from 03:00 to 02:00. Each job runs once per day all the same.
func TestDaylightSavingChanges(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	for _, tc := range []struct {
		name       string
		expr       string
		start, end time.Time
		want       []string
	}{
		{"02:30 on the day it does not exist runs after the jump", "30 2 * * *",
			time.Date(2026, 3, 28, 12, 0, 0, 0, berlin), time.Date(2026, 3, 30, 12, 0, 0, 0, berlin),
			[]string{"j schedule 2026-03-29T03:30:00+02:00", "j schedule 2026-03-30T02:30:00+02:00"}},
		{"02:30 on the day it happens twice runs once", "30 2 * * *",
			time.Date(2026, 10, 24, 12, 0, 0, 0, berlin), time.Date(2026, 10, 26, 12, 0, 0, 0, berlin),
			[]string{"j schedule 2026-10-25T02:30:00+02:00", "j schedule 2026-10-26T02:30:00+01:00"}},
		{"01:30 on the fall-back day runs once", "30 1 * * *",
			time.Date(2026, 10, 24, 12, 0, 0, 0, berlin), time.Date(2026, 10, 26, 12, 0, 0, 0, berlin),
			[]string{"j schedule 2026-10-25T01:30:00+02:00", "j schedule 2026-10-26T01:30:00+01:00"}},
		{"hourly across the fall back runs each wall-clock hour once", "0 * * * *",
			time.Date(2026, 10, 25, 1, 30, 0, 0, berlin), time.Date(2026, 10, 25, 4, 30, 0, 0, berlin),
			[]string{"j schedule 2026-10-25T02:00:00+02:00", "j schedule 2026-10-25T03:00:00+01:00",
				"j schedule 2026-10-25T04:00:00+01:00"}},
		{"hourly across the spring forward", "0 * * * *",
			time.Date(2026, 3, 29, 0, 30, 0, 0, berlin), time.Date(2026, 3, 29, 4, 30, 0, 0, berlin),
			[]string{"j schedule 2026-03-29T01:00:00+01:00", "j schedule 2026-03-29T03:00:00+02:00",
				"j schedule 2026-03-29T04:00:00+02:00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.start)
			h.set("j", tc.expr, true, true, nil)
			h.start()
			h.advanceTo(tc.end)
			h.expect(tc.want...)
		})
	}
}

// TestLocationOption reads expressions in the scheduler's zone, not in the
// zone of the clock's readings.
func TestLocationOption(t *testing.T) {
	tokyo := mustLoad(t, "Asia/Tokyo")
	h := newHarness(t, jan10) // the fake clock reads UTC
	h.s.loc = tokyo
	h.set("j", "0 9 * * *", true, true, nil)
	want := time.Date(2026, 1, 11, 0, 0, 0, 0, time.UTC) // 09:00 in Tokyo
	if got := h.s.Next("j"); got == nil || !got.Equal(want) {
		t.Fatalf("Next = %v, want %s", got, want)
	}
}
