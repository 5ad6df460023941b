package schedule

import (
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

// wallClock is a clock as a real machine has it: timers run on the
// monotonic clock (the fake clock underneath), while the wall clock that
// Now reads can be moved apart from it. Moving it is a wall clock set
// ahead or back, or a suspend where the monotonic clock stands still (as
// Linux's does): Now changes, and no timer fires or waits any differently.
type wallClock struct {
	*clockwork.FakeClock

	mu     sync.Mutex
	offset time.Duration
}

func (c *wallClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.FakeClock.Now().Add(c.offset)
}

func (c *wallClock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }
func (c *wallClock) Until(t time.Time) time.Duration { return t.Sub(c.Now()) }

// jump moves the wall clock by d, and nothing else.
func (c *wallClock) jump(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// wallHarness is a harness whose Scheduler reads a wallClock. It ticks
// the loop only when the loop's timer fires (or a job is set), never
// because the test looked.
type wallHarness struct {
	*harness
	wall *wallClock
	due  time.Time // when the loop's timer fires, on the monotonic clock
}

func newWallHarness(t *testing.T, start time.Time) *wallHarness {
	t.Helper()
	h := newHarness(t, start)
	w := &wallHarness{harness: h, wall: &wallClock{FakeClock: h.clock}}
	h.s.clock = w.wall
	h.s.trigger = func(id string, kind Kind) {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.fired = append(h.fired, firing{id, kind, w.wall.Now()})
	}
	return w
}

func (w *wallHarness) start() {
	w.harness.start()
	w.rearmed()
}

func (w *wallHarness) set(id, expr string, enabled, catchUp bool, last *time.Time) {
	w.t.Helper()
	w.harness.set(id, expr, enabled, catchUp, last)
	w.rearmed()
}

// rearmed notes when the timer fires, after a tick at the fake clock's
// time: as long after it as the loop armed it for.
func (w *wallHarness) rearmed() {
	w.s.mu.Lock()
	wait := w.s.deadline.Sub(w.s.prev)
	w.s.mu.Unlock()
	w.due = w.clock.Now().Add(wait)
}

// pass lets d of monotonic time pass. Each time the loop's timer fires on
// the way, it waits for the loop's tick.
func (w *wallHarness) pass(d time.Duration) {
	for end := w.clock.Now().Add(d); w.clock.Now().Before(end); {
		w.clock.Advance(min(end.Sub(w.clock.Now()), w.due.Sub(w.clock.Now())))
		if !w.clock.Now().Before(w.due) {
			w.s.settle()
			w.rearmed()
		}
	}
}

// passUntil lets monotonic time pass until the wall clock reads t.
func (w *wallHarness) passUntil(t time.Time) { w.pass(t.Sub(w.wall.Now())) }

// TestSleepWithAStoppedMonotonicClock: the machine sleeps past one or
// three scheduled times and the monotonic clock stands still meanwhile, so
// the loop's timer does not fire early on waking. The Scheduler notices
// the sleep within the watchdog interval, and each job with catch-up runs
// once after the catch-up delay, however many times it missed, even when
// it sleeps again before the catch-up; one without catch-up waits for its
// next time.
func TestSleepWithAStoppedMonotonicClock(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sleep time.Duration
	}{
		{"one missed time", 5 * time.Hour},
		{"three missed times", 3*24*time.Hour + 5*time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWallHarness(t, jan10)
			w.set("photos", "0 2 * * *", true, true, nil)
			w.set("music", "0 2 * * *", true, false, nil)
			w.start()
			w.passUntil(jan10.Add(30 * time.Minute)) // 01:30, then the lid closes
			w.wall.jump(tc.sleep)
			woke := w.wall.Now()
			w.pass(watchdogInterval - time.Second)
			w.expect()
			if got := w.s.Next("photos"); got == nil || got.After(woke) {
				t.Fatalf("before its timer fires the loop has not seen the sleep, yet Next = %v", got)
			}
			w.pass(time.Second) // the watchdog fires: 30 s after the lid closed, on the monotonic clock
			seen := woke.Add(watchdogInterval)
			next := time.Date(woke.Year(), woke.Month(), woke.Day()+1, 2, 0, 0, 0, time.UTC)
			for _, id := range []string{"photos", "music"} {
				if got := w.s.Next(id); got == nil || !got.Equal(next) {
					t.Errorf("%s: Next once the sleep is seen = %v, want %s", id, got, next)
				}
			}
			w.expect() // not at once: the network comes back first
			w.pass(2 * time.Minute)
			w.expect("photos catchup " + seen.Add(defaultCatchUpDelay).Format(time.RFC3339))

			w.passUntil(next)
			w.expect("music schedule "+next.Format(time.RFC3339), "photos schedule "+next.Format(time.RFC3339))
		})
	}

	t.Run("asleep again before the catch-up", func(t *testing.T) {
		w := newWallHarness(t, jan10)
		w.set("photos", "0 2 * * *", true, true, nil)
		w.start()
		w.passUntil(jan10.Add(30 * time.Minute))
		w.wall.jump(29 * time.Hour) // wakes on the 11th at 06:30, past one time
		w.pass(watchdogInterval)    // seen; the catch-up waits until 06:31:30
		w.expect()
		w.wall.jump(48 * time.Hour) // the lid closes again before the catch-up: two more times
		w.pass(watchdogInterval)
		seen := w.wall.Now()
		w.expect()
		w.pass(5 * time.Minute)
		w.expect("photos catchup " + seen.Add(defaultCatchUpDelay).Format(time.RFC3339))
	})
}

// TestWallClockChangedWhileWaiting sets the wall clock while the
// Scheduler waits on its timer, which runs on the monotonic clock.
func TestWallClockChangedWhileWaiting(t *testing.T) {
	t.Run("ahead a little, within the lateness allowed: runs as scheduled", func(t *testing.T) {
		w := newWallHarness(t, jan10)
		w.set("photos", "0 2 * * *", true, true, nil)
		w.start()
		w.passUntil(time.Date(2026, 1, 10, 1, 59, 50, 0, time.UTC)) // the timer is armed for 10 s
		w.wall.jump(40 * time.Second)
		w.pass(10 * time.Second)
		w.expect("photos schedule 2026-01-10T02:00:40Z")
		w.pass(10 * time.Minute)
		w.expect()
	})

	t.Run("ahead past a scheduled time: caught up once", func(t *testing.T) {
		w := newWallHarness(t, jan10)
		w.set("photos", "0 2 * * *", true, true, nil)
		w.set("music", "0 2 * * *", true, false, nil)
		w.start()
		w.passUntil(time.Date(2026, 1, 10, 1, 55, 0, 0, time.UTC))
		w.wall.jump(10 * time.Minute)
		w.pass(watchdogInterval) // noticed at 02:05:30
		w.expect()
		w.pass(5 * time.Minute)
		w.expect("photos catchup 2026-01-10T02:06:30Z")
	})

	t.Run("back an hour while the timer waits for the time: runs once, at the time", func(t *testing.T) {
		w := newWallHarness(t, jan10)
		w.set("photos", "0 2 * * *", true, true, nil)
		w.start()
		w.passUntil(time.Date(2026, 1, 10, 1, 59, 50, 0, time.UTC)) // the timer is armed for 10 s
		w.wall.jump(-time.Hour)
		w.pass(10 * time.Second) // fires at 01:00:00 on the wall
		w.expect()
		w.passUntil(time.Date(2026, 1, 10, 3, 0, 0, 0, time.UTC))
		w.expect("photos schedule 2026-01-10T02:00:00Z")
	})

	t.Run("back a day after waking: the pending catch-up still runs after the delay", func(t *testing.T) {
		w := newWallHarness(t, jan10)
		w.set("photos", "0 2 * * *", true, true, nil)
		w.start()
		w.passUntil(jan10.Add(30 * time.Minute))
		w.wall.jump(3*24*time.Hour + 5*time.Hour) // asleep until the 13th, 06:30
		w.pass(watchdogInterval)                  // seen; the catch-up waits until 06:31:30
		w.expect()
		w.wall.jump(-24 * time.Hour) // the time server puts the clock back a day
		w.pass(watchdogInterval)     // seen at 06:31:00 on the 12th
		w.pass(2 * time.Minute)
		w.expect("photos catchup 2026-01-12T06:32:00Z")
	})

	t.Run("a month ahead, then put right: the job runs at its next time", func(t *testing.T) {
		w := newWallHarness(t, jan10)
		w.set("photos", "0 2 * * *", true, true, nil)
		w.start()
		w.passUntil(jan10.Add(30 * time.Minute))
		w.wall.jump(30 * 24 * time.Hour) // 9 February, 01:30
		w.pass(watchdogInterval + 2*time.Minute)
		w.expect("photos catchup 2026-02-09T01:31:30Z")
		// What the service does after the run: the job's last run is the
		// run's start, a month ahead.
		w.set("photos", "0 2 * * *", true, true, ptr(time.Date(2026, 2, 9, 1, 31, 30, 0, time.UTC)))
		w.pass(5 * time.Minute)
		w.wall.jump(-30 * 24 * time.Hour) // put right: 10 January, 01:38
		w.pass(watchdogInterval)
		want := time.Date(2026, 1, 10, 2, 0, 0, 0, time.UTC)
		if got := w.s.Next("photos"); got == nil || !got.Equal(want) {
			t.Fatalf("Next once the clock is right = %v, want %s, not a month on", got, want)
		}
		w.passUntil(time.Date(2026, 1, 11, 3, 0, 0, 0, time.UTC))
		w.expect("photos schedule 2026-01-10T02:00:00Z", "photos schedule 2026-01-11T02:00:00Z")
	})
}

// TestLastRunAheadOfTheClock: a job whose last run was recorded by a
// clock that was ahead (Avault restarted once the clock was put right)
// runs at its next scheduled time, not once the clock reaches that last
// run; but the scheduled time that run stood for does not run twice.
func TestLastRunAheadOfTheClock(t *testing.T) {
	for _, tc := range []struct {
		name string
		last time.Time
		next time.Time
	}{
		{"a month ahead", time.Date(2026, 2, 9, 1, 31, 30, 0, time.UTC), time.Date(2026, 1, 10, 2, 0, 0, 0, time.UTC)},
		{"an hour ahead: today's time already ran", time.Date(2026, 1, 10, 2, 0, 0, 0, time.UTC), time.Date(2026, 1, 11, 2, 0, 0, 0, time.UTC)},
		{"behind the clock, as usual", time.Date(2026, 1, 9, 2, 0, 0, 0, time.UTC), time.Date(2026, 1, 10, 2, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, jan10)
			h.set("photos", "0 2 * * *", true, true, ptr(tc.last))
			h.start()
			if got := h.s.Next("photos"); got == nil || !got.Equal(tc.next) {
				t.Fatalf("Next = %v, want %s", got, tc.next)
			}
			h.advanceTo(tc.next.Add(time.Minute))
			h.expect("photos schedule " + tc.next.Format(time.RFC3339))
		})
	}
}
