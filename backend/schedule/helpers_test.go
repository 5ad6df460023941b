package schedule

import (
	"testing"
	"time"
)

func TestDescribe(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{"0 2 * * *", "every day at 02:00"},
		{"  0 2 * * *  ", "every day at 02:00"},
		{"30 9 * * 1", "every Monday at 09:30"},
		{"30 9 * * mon", "every Monday at 09:30"},
		{"0 9 * * 1-5", "every weekday at 09:00"},
		{"0 9 * * MON-FRI", "every weekday at 09:00"},
		{"0 10 * * sat,sun", "every Saturday and Sunday at 10:00"},
		{"0 8 * * 1,3,5", "every Monday, Wednesday and Friday at 08:00"},
		{"0 8 * * 0,1", "every Monday and Sunday at 08:00"},
		{"0 0 * * 0-6", "every day at 00:00"},
		{"0 2,14 * * *", "every day at 02:00 and 14:00"},
		{"*/15 * * * *", "every 15 minutes"},
		{"* * * * *", "every minute"},
		{"5 * * * *", "every hour at 5 minutes past"},
		{"0 */6 * * *", "every 6 hours on the hour"},
		{"0 9-17 * * 1-5", "every hour from 09:00 to 17:00, on weekdays"},
		{"*/30 * * * 6", "every 30 minutes, on Saturdays"},
		{"0 2 1 * *", "at 02:00 on day 1 of the month"},
		{"0 3 1,15 * *", "at 03:00 on days 1 and 15 of the month"},
		{"0 0 25 dec *", "every year on 25 December at 00:00"},
		{"@daily", "every day at 00:00"},
		{"@weekly", "every Sunday at 00:00"},
		{"@monthly", "at 00:00 on day 1 of the month"},
		{"@yearly", "every year on 1 January at 00:00"},
		{"@hourly", "every hour on the hour"},
		{"*/15 9-17 * * 1-5", "on a custom schedule (*/15 9-17 * * 1-5)"},
		{"0 0 1 */3 *", "on a custom schedule (0 0 1 */3 *)"},
		{"0 0 13 * 5", "on a custom schedule (0 0 13 * 5)"},
		{"0,30 * * * *", "on a custom schedule (0,30 * * * *)"},
	} {
		got, err := Describe(tc.expr)
		if err != nil {
			t.Errorf("Describe(%q): %v", tc.expr, err)
		} else if got != tc.want {
			t.Errorf("Describe(%q) = %q, want %q", tc.expr, got, tc.want)
		}
	}
	if _, err := Describe("0 25 * * *"); err == nil {
		t.Error("Describe accepted hour 25")
	}
}

func TestNextRuns(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	from := time.Date(2026, 3, 27, 12, 0, 0, 0, time.UTC)
	got, err := NextRuns("30 2 * * *", from, 3, berlin)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-03-28T02:30:00+01:00", "2026-03-29T03:30:00+02:00", "2026-03-30T02:30:00+02:00"}
	if len(got) != len(want) {
		t.Fatalf("got %d runs, want %d", len(got), len(want))
	}
	for i := range want {
		if s := got[i].Format(time.RFC3339); s != want[i] {
			t.Errorf("run %d = %s, want %s", i, s, want[i])
		}
	}
	if _, err := NextRuns("bad", from, 3, nil); err == nil {
		t.Error("NextRuns accepted a bad expression")
	}
	if runs, err := NextRuns("0 2 * * *", from, 0, nil); err != nil || len(runs) != 0 {
		t.Errorf("NextRuns(n=0) = %v, %v; want none", runs, err)
	}
}

func TestStale(t *testing.T) {
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 1, day, hour, minute, 0, 0, time.UTC) }
	created := at(1, 0, 0)
	for _, tc := range []struct {
		name    string
		expr    string
		now     time.Time
		last    *time.Time
		created time.Time
		grace   time.Duration
		want    bool
	}{
		{"daily, succeeded this morning", "0 2 * * *", at(10, 12, 0), ptr(at(10, 2, 5)), created, 0, false},
		{"daily, one failed run, within the grace", "0 2 * * *", at(10, 12, 0), ptr(at(9, 2, 5)), created, 0, false},
		{"daily, one failed run, past the grace", "0 2 * * *", at(10, 14, 6), ptr(at(9, 2, 5)), created, 0, true},
		{"daily, two failed runs", "0 2 * * *", at(10, 12, 0), ptr(at(8, 2, 5)), created, 0, true},
		{"daily, a shorter grace", "0 2 * * *", at(10, 12, 0), ptr(at(9, 2, 5)), created, time.Hour, true},
		{"never succeeded, just created", "0 2 * * *", at(10, 12, 0), nil, at(10, 9, 0), 0, false},
		{"never succeeded, created last week", "0 2 * * *", at(10, 12, 0), nil, at(3, 9, 0), 0, true},
		{"weekdays, Monday morning after Friday's run", "0 9 * * 1-5", at(12, 8, 0), ptr(at(9, 9, 5)), created, 0, false},
		{"weekdays, Tuesday after Monday failed", "0 9 * * 1-5", at(13, 10, 0), ptr(at(9, 9, 5)), created, 0, true},
		{"hourly, within two hours", "0 * * * *", at(10, 11, 59), ptr(at(10, 10, 0)), created, 0, false},
		{"hourly, past two hours", "0 * * * *", at(10, 12, 1), ptr(at(10, 10, 0)), created, 0, true},
		{"yearly, this year's run", "@yearly", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), ptr(at(1, 0, 10)), created, 0, false},
		{"yearly, two years ago", "@yearly", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), ptr(time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)), created, 0, true},
		{"a bad expression is never stale", "nonsense", at(10, 12, 0), nil, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, since := Stale(tc.now, tc.expr, tc.last, tc.created, tc.grace)
			if got != tc.want {
				t.Errorf("Stale = %v, want %v", got, tc.want)
			}
			wantSince := tc.created
			if tc.last != nil {
				wantSince = *tc.last
			}
			if !since.Equal(wantSince) {
				t.Errorf("since = %s, want %s", since, wantSince)
			}
		})
	}
}
