package schedule

import (
	"context"
	"testing"
	"time"
)

var jan10 = time.Date(2026, 1, 10, 1, 0, 0, 0, time.UTC) // a Saturday, 01:00

func TestFiresAtEachScheduledTime(t *testing.T) {
	h := newHarness(t, jan10)
	h.set("photos", "0 2 * * *", true, true, nil)
	h.set("docs", "*/30 * * * *", true, true, nil)
	h.start()
	h.advanceTo(jan10.Add(90 * time.Minute)) // 02:30
	h.expect(
		"docs schedule 2026-01-10T01:30:00Z",
		"docs schedule 2026-01-10T02:00:00Z",
		"photos schedule 2026-01-10T02:00:00Z",
		"docs schedule 2026-01-10T02:30:00Z",
	)
	h.s.Remove("docs")
	h.advanceTo(time.Date(2026, 1, 12, 2, 0, 0, 0, time.UTC))
	h.expect("photos schedule 2026-01-11T02:00:00Z", "photos schedule 2026-01-12T02:00:00Z")
}

func TestNextRunIsReportedWhenItChanges(t *testing.T) {
	h := newHarness(t, jan10)
	h.set("photos", "0 2 * * *", true, true, nil)
	h.start()
	want := time.Date(2026, 1, 10, 2, 0, 0, 0, time.UTC)
	if got, ok := h.lastReport("photos"); !ok || got == nil || !got.Equal(want) {
		t.Fatalf("first report = %v, want %s", got, want)
	}
	if got := h.s.Next("photos"); got == nil || !got.Equal(want) {
		t.Fatalf("Next = %v, want %s", got, want)
	}

	h.set("photos", "0 2 * * *", true, false, nil) // an edit that keeps the time
	if n := h.reportCount("photos"); n != 1 {
		t.Errorf("an unchanged next run was reported again (%d reports)", n)
	}

	h.advanceTo(want)
	if got, _ := h.lastReport("photos"); got == nil || !got.Equal(want.AddDate(0, 0, 1)) {
		t.Errorf("after the run, reported next = %v, want %s", got, want.AddDate(0, 0, 1))
	}

	h.set("photos", "0 2 * * *", false, true, nil)
	if got, _ := h.lastReport("photos"); got != nil {
		t.Errorf("a disabled job reported next run %s, want nil", got)
	}
	if got := h.s.Next("photos"); got != nil {
		t.Errorf("Next of a disabled job = %s, want nil", got)
	}
}

func TestDisabledJobNeverFires(t *testing.T) {
	h := newHarness(t, jan10)
	h.set("photos", "*/5 * * * *", false, true, ptr(jan10.AddDate(0, 0, -3)))
	h.start()
	h.advanceTo(jan10.Add(3 * time.Hour))
	h.sleep(5 * time.Hour)
	h.advanceTo(h.clock.Now().Add(5 * time.Minute))
	h.expect()
}

func TestSetReArmsAnExistingJob(t *testing.T) {
	h := newHarness(t, jan10)
	h.set("photos", "0 2 * * *", true, true, nil)
	h.start()
	h.advanceTo(jan10.Add(30 * time.Minute))
	h.set("photos", "0 3 * * *", true, true, nil)
	if got := h.s.Next("photos"); got == nil || got.Hour() != 3 {
		t.Fatalf("Next after the edit = %v, want 03:00", got)
	}
	h.advanceTo(jan10.Add(3 * time.Hour))
	h.expect("photos schedule 2026-01-10T03:00:00Z")
}

func TestRemoveStopsAJob(t *testing.T) {
	h := newHarness(t, jan10)
	h.set("photos", "*/10 * * * *", true, true, nil)
	h.start()
	h.advanceTo(jan10.Add(10 * time.Minute))
	h.expect("photos schedule 2026-01-10T01:10:00Z")
	h.s.Remove("photos")
	h.advanceTo(jan10.Add(2 * time.Hour))
	h.sleep(3 * time.Hour)
	h.advanceTo(h.clock.Now().Add(2 * time.Minute))
	h.expect()
	if got := h.s.Next("photos"); got != nil {
		t.Errorf("Next of a removed job = %s, want nil", got)
	}
}

func TestCatchUpAfterSleep(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sleep time.Duration
	}{
		{"one missed run", 5 * time.Hour},
		{"three missed runs still catch up once", 3*24*time.Hour + 5*time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, jan10)
			h.set("photos", "0 2 * * *", true, true, nil)
			h.set("music", "0 2 * * *", true, false, nil)
			h.start()
			h.advanceTo(jan10.Add(30 * time.Minute)) // 01:30, then the lid closes
			h.sleep(tc.sleep)
			woke := h.clock.Now()
			h.expect() // not at once: the network comes back first
			h.advanceTo(woke.Add(2 * time.Minute))
			h.expect("photos catchup " + woke.Add(time.Minute).Format(time.RFC3339))

			next := time.Date(woke.Year(), woke.Month(), woke.Day()+1, 2, 0, 0, 0, time.UTC)
			for _, id := range []string{"photos", "music"} {
				if got := h.s.Next(id); got == nil || !got.Equal(next) {
					t.Errorf("%s: Next after waking = %v, want %s", id, got, next)
				}
			}
			h.advanceTo(next)
			h.expect("music schedule "+next.Format(time.RFC3339), "photos schedule "+next.Format(time.RFC3339))
		})
	}
}

func TestCatchUpAtStart(t *testing.T) {
	lastSlot := time.Date(2026, 1, 9, 2, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		catchUp bool
		last    *time.Time
		want    bool
	}{
		{"ran before the last scheduled time", true, ptr(lastSlot.Add(-24 * time.Hour)), true},
		{"ran days ago", true, ptr(lastSlot.AddDate(0, 0, -6)), true},
		{"ran at the last scheduled time", true, ptr(lastSlot), false},
		{"never ran", true, nil, false},
		{"catch-up off", false, ptr(lastSlot.AddDate(0, 0, -6)), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, jan10)
			h.set("photos", "0 2 * * *", true, tc.catchUp, tc.last)
			h.start()
			h.advanceTo(jan10.Add(59 * time.Second))
			h.expect()
			h.advanceTo(jan10.Add(30 * time.Minute))
			if tc.want {
				h.expect("photos catchup 2026-01-10T01:01:00Z")
			} else {
				h.expect()
			}
		})
	}
}

func TestSetWithAnOlderLastRunDoesNotRunAgain(t *testing.T) {
	h := newHarness(t, jan10)
	yesterday := time.Date(2026, 1, 9, 2, 0, 0, 0, time.UTC)
	h.set("photos", "0 2 * * *", true, true, &yesterday)
	h.start()
	h.advanceTo(jan10.Add(time.Hour))
	h.expect("photos schedule 2026-01-10T02:00:00Z")
	// The run is still going, so the stored last run is yesterday's; the
	// user renames the job meanwhile.
	h.set("photos", "0 2 * * *", true, true, &yesterday)
	h.advanceTo(jan10.Add(2 * time.Hour))
	h.expect()
}

func TestEnablingAnOverdueJobCatchesUpAtOnce(t *testing.T) {
	h := newHarness(t, jan10)
	h.start()
	h.advanceTo(jan10.Add(10 * time.Minute))
	// The catch-up delay after start is over, so there is no wait.
	h.set("photos", "0 2 * * *", true, true, ptr(jan10.AddDate(0, 0, -2)))
	h.expect("photos catchup 2026-01-10T01:10:00Z")
}

func TestPauseAndResume(t *testing.T) {
	h := newHarness(t, jan10)
	h.set("photos", "0 2 * * *", true, true, nil)
	h.set("music", "30 2 * * *", true, false, nil)
	h.set("docs", "0 4 * * *", true, true, nil)
	h.start()
	h.s.Pause()
	if !h.s.Paused() {
		t.Fatal("Paused() = false after Pause")
	}
	h.advanceTo(jan10.Add(2 * time.Hour)) // 03:00: photos and music passed
	h.expect()
	h.s.Resume()
	h.s.settle()
	if h.s.Paused() {
		t.Fatal("Paused() = true after Resume")
	}
	h.expect("photos catchup 2026-01-10T03:00:00Z")
	h.advanceTo(jan10.Add(3 * time.Hour))
	h.expect("docs schedule 2026-01-10T04:00:00Z")
}

func TestPauseBeforeStart(t *testing.T) {
	h := newHarness(t, jan10)
	h.s.Pause()
	h.set("photos", "*/15 * * * *", true, false, nil)
	h.start()
	h.advanceTo(jan10.Add(time.Hour))
	h.expect()
	h.s.Resume()
	h.advanceTo(jan10.Add(75 * time.Minute))
	h.expect("photos schedule 2026-01-10T02:15:00Z")
}

func TestClockSetBackDoesNotRunTwice(t *testing.T) {
	h := newHarness(t, jan10)
	h.set("photos", "0 2 * * *", true, true, nil)
	h.start()
	h.advanceTo(jan10.Add(90 * time.Minute))
	h.expect("photos schedule 2026-01-10T02:00:00Z")
	h.sleep(-time.Hour) // 01:30 again
	h.advanceTo(jan10.Add(2 * time.Hour))
	h.expect()
	if got := h.s.Next("photos"); got == nil || !got.Equal(time.Date(2026, 1, 11, 2, 0, 0, 0, time.UTC)) {
		t.Errorf("Next = %v, want tomorrow 02:00", got)
	}
}

func TestSetRejectsABadExpression(t *testing.T) {
	h := newHarness(t, jan10)
	h.set("photos", "0 2 * * *", true, true, nil)
	if err := h.s.Set("photos", "0 25 * * *", true, true, nil); err == nil {
		t.Fatal("Set accepted hour 25")
	}
	if got := h.s.Next("photos"); got == nil || got.Hour() != 2 {
		t.Errorf("after a refused Set, Next = %v, want the old 02:00", got)
	}
}

func TestStopEndsCallbacks(t *testing.T) {
	h := newHarness(t, jan10)
	h.set("photos", "* * * * *", true, true, nil)
	h.start()
	h.s.Stop()
	// Stop has ended the loop, gocron and the outbox: no timer of theirs
	// is left on the clock, so moving it on cannot fire anything.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.clock.BlockUntilContext(ctx, 0); err != nil {
		t.Fatalf("a timer is still armed on the clock after Stop: %v", err)
	}
	h.clock.Advance(time.Hour)
	h.expect()
	h.s.Stop() // twice is fine
}

func TestAScheduledRunSatisfiesAPendingCatchUp(t *testing.T) {
	start := time.Date(2026, 1, 10, 1, 59, 30, 0, time.UTC)
	h := newHarness(t, start)
	h.set("photos", "0 2 * * *", true, true, ptr(start.AddDate(0, 0, -3)))
	h.start() // the catch-up would wait until 02:00:30
	h.advanceTo(start.Add(5 * time.Minute))
	h.expect("photos schedule 2026-01-10T02:00:00Z")
}

func TestCallbacksMayCallTheScheduler(t *testing.T) {
	h := newHarness(t, jan10)
	s := h.s
	s.trigger = func(id string, kind Kind) {
		// What the service does: record the run, then re-set the job.
		if err := s.Set(id, "0 2 * * *", true, true, ptr(h.clock.Now())); err != nil {
			t.Error(err)
		}
		h.mu.Lock()
		h.fired = append(h.fired, firing{id, kind, h.clock.Now()})
		h.mu.Unlock()
	}
	s.onNext = func(id string, _ *time.Time) { s.Next(id); s.Paused() }
	h.set("photos", "0 2 * * *", true, true, nil)
	h.start()
	h.advanceTo(jan10.Add(2 * time.Hour))
	h.expect("photos schedule 2026-01-10T02:00:00Z")
}
