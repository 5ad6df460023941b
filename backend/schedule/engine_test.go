package schedule

import (
	"context"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"
)

// The tests in this file measure what gocron does alone, without the
// Scheduler around it, and check how the Scheduler wires it. They are the
// evidence for the split in docs/DECISIONS.md ("Scheduler: gocron fires,
// Avault decides").

// dstCase is a daily job across a daylight-saving change.
type dstCase struct {
	name, zone, expr string
	start, end       string // local times, "2006-01-02T15:04"
	gocronAlone      []string
	avault           []string
}

// dstCases cover a skipped hour (spring) and a repeated one (autumn) in
// both hemispheres, and Lord Howe's half-hour change.
var dstCases = []dstCase{
	{"Berlin, 02:30 skipped", "Europe/Berlin", "30 2 * * *", "2026-03-28T12:00", "2026-03-30T12:00",
		[]string{"2026-03-30T02:30:00+02:00"},
		[]string{"2026-03-29T03:30:00+02:00", "2026-03-30T02:30:00+02:00"}},
	{"Berlin, 02:30 repeated", "Europe/Berlin", "30 2 * * *", "2026-10-24T12:00", "2026-10-26T12:00",
		[]string{"2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00", "2026-10-26T02:30:00+01:00"},
		[]string{"2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"}},
	{"New York, 02:30 skipped", "America/New_York", "30 2 * * *", "2026-03-07T12:00", "2026-03-09T12:00",
		[]string{"2026-03-09T02:30:00-04:00"},
		[]string{"2026-03-08T03:30:00-04:00", "2026-03-09T02:30:00-04:00"}},
	{"New York, 01:30 repeated", "America/New_York", "30 1 * * *", "2026-10-31T12:00", "2026-11-02T12:00",
		[]string{"2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00", "2026-11-02T01:30:00-05:00"},
		[]string{"2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"}},
	{"Sydney, 02:30 repeated in April", "Australia/Sydney", "30 2 * * *", "2026-04-04T12:00", "2026-04-06T12:00",
		[]string{"2026-04-05T02:30:00+11:00", "2026-04-05T02:30:00+10:00", "2026-04-06T02:30:00+10:00"},
		[]string{"2026-04-05T02:30:00+11:00", "2026-04-06T02:30:00+10:00"}},
	{"Sydney, 02:30 skipped in October", "Australia/Sydney", "30 2 * * *", "2026-10-03T12:00", "2026-10-05T12:00",
		[]string{"2026-10-05T02:30:00+11:00"},
		[]string{"2026-10-04T03:30:00+11:00", "2026-10-05T02:30:00+11:00"}},
	{"Lord Howe, 01:45 repeated (half an hour back)", "Australia/Lord_Howe", "45 1 * * *", "2026-04-04T12:00", "2026-04-06T12:00",
		[]string{"2026-04-05T01:45:00+11:00", "2026-04-05T01:45:00+10:30", "2026-04-06T01:45:00+10:30"},
		[]string{"2026-04-05T01:45:00+11:00", "2026-04-06T01:45:00+10:30"}},
	{"Lord Howe, 02:15 skipped (half an hour ahead)", "Australia/Lord_Howe", "15 2 * * *", "2026-10-03T12:00", "2026-10-05T12:00",
		[]string{"2026-10-05T02:15:00+11:00"},
		[]string{"2026-10-04T02:45:00+11:00", "2026-10-05T02:15:00+11:00"}},
}

func (tc dstCase) times(t *testing.T) (start, end time.Time) {
	t.Helper()
	loc := mustLoad(t, tc.zone)
	var err error
	if start, err = time.ParseInLocation("2006-01-02T15:04", tc.start, loc); err != nil {
		t.Fatal(err)
	}
	if end, err = time.ParseInLocation("2006-01-02T15:04", tc.end, loc); err != nil {
		t.Fatal(err)
	}
	return start, end
}

// bareGocron is gocron alone: one job whose task reports the clock's time
// when it runs.
type bareGocron struct {
	t     *testing.T
	clock *clockwork.FakeClock
	s     gocron.Scheduler
	job   gocron.Job
	ran   chan time.Time
}

// newBareGocron starts gocron with one job for expr on now (Now read from
// now, timers run on fake). c is the job's Cron; nil means gocron's own.
func newBareGocron(t *testing.T, fake *clockwork.FakeClock, now clockwork.Clock, loc *time.Location, expr string, c gocron.Cron) *bareGocron {
	t.Helper()
	s, err := gocron.NewScheduler(gocron.WithClock(now), gocron.WithLocation(loc))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Shutdown() })
	b := &bareGocron{t: t, clock: fake, s: s, ran: make(chan time.Time)}
	var opts []gocron.JobOption
	if c != nil {
		opts = append(opts, gocron.WithCronImplementation(c))
	}
	if b.job, err = s.NewJob(gocron.CronJob(expr, false), gocron.NewTask(func() { b.ran <- now.Now() }), opts...); err != nil {
		t.Fatal(err)
	}
	s.Start()
	return b
}

// next waits until gocron has armed its timer and returns the time it is
// armed for, as gocron reads it.
func (b *bareGocron) next() time.Time {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.clock.BlockUntilContext(ctx, 1); err != nil {
		b.t.Fatal("gocron armed no timer:", err)
	}
	next, err := b.job.NextRun()
	if err != nil {
		b.t.Fatal(err)
	}
	return next
}

// TestGocronAloneAtDaylightSavingChanges: gocron with its own cron skips a
// daily time on the day the clock jumps over it and runs it twice on the
// day it repeats; with package cron (engineCron, as the Scheduler wires it)
// it runs once on each day. gocron reads the times in its location, so the
// job runs from one armed time to the next; no sleep, no clock jump.
func TestGocronAloneAtDaylightSavingChanges(t *testing.T) {
	for _, tc := range dstCases {
		t.Run(tc.name, func(t *testing.T) {
			for _, withAvaultCron := range []bool{false, true} {
				start, end := tc.times(t)
				clock := clockwork.NewFakeClockAt(start)
				var c gocron.Cron
				want := tc.gocronAlone
				if withAvaultCron {
					c, want = &engineCron{}, tc.avault
				}
				b := newBareGocron(t, clock, clock, start.Location(), tc.expr, c)
				var got []string
				for next := b.next(); !next.After(end); next = b.next() {
					clock.Advance(next.Sub(clock.Now()))
					got = append(got, (<-b.ran).In(start.Location()).Format(time.RFC3339))
				}
				if !equal(got, want) {
					t.Errorf("package cron %v: ran at %q, want %q", withAvaultCron, got, want)
				}
			}
		})
	}
}

// TestDaylightSavingChangesInOtherZones: the Scheduler fires the same jobs
// once on each day, through gocron, in every zone of dstCases.
func TestDaylightSavingChangesInOtherZones(t *testing.T) {
	for _, tc := range dstCases {
		t.Run(tc.name, func(t *testing.T) {
			start, end := tc.times(t)
			h := newHarness(t, start)
			h.set("j", tc.expr, true, true, nil)
			h.start()
			h.advanceTo(end)
			var want []string
			for _, at := range tc.avault {
				want = append(want, "j schedule "+at)
			}
			h.expect(want...)
		})
	}
}

// TestGocronAloneCannotSeeMissedRuns: gocron's timers run on the monotonic
// clock and it keeps no last run, so on its own (even with package cron)
// it cannot tell a time that passed while the machine slept, while Avault
// was closed, or before the clock was put back. Each subtest names the
// Scheduler's test of the same situation.
func TestGocronAloneCannotSeeMissedRuns(t *testing.T) {
	utc := func(day, hour, minute int) time.Time { return time.Date(2026, 1, day, hour, minute, 0, 0, time.UTC) }

	// TestSleepWithAStoppedMonotonicClock: Avault sees the sleep within 30 s
	// and catches up once, a minute later.
	t.Run("asleep from 01:30 to 06:30: runs at 07:00, five hours late, as if on time", func(t *testing.T) {
		wall := &wallClock{FakeClock: clockwork.NewFakeClockAt(utc(10, 1, 0))}
		b := newBareGocron(t, wall.FakeClock, wall, time.UTC, "0 2 * * *", &engineCron{})
		if next := b.next(); !next.Equal(utc(10, 2, 0)) {
			t.Fatalf("armed for %s", next)
		}
		wall.Advance(30 * time.Minute)
		wall.jump(5 * time.Hour) // the lid closes at 01:30 and opens at 06:30
		if next := b.next(); !next.Equal(utc(10, 2, 0)) {
			t.Errorf("after waking, still armed for %s, want 02:00, now past", next)
		}
		wall.Advance(30 * time.Minute) // its timer needs 30 more minutes of monotonic time
		if at := <-b.ran; !at.Equal(utc(10, 7, 0)) {
			t.Errorf("ran at %s, want 07:00", at)
		}
	})

	// TestCatchUpAtStart: Avault catches the missed time up a minute after
	// starting.
	t.Run("started at 06:30 after missing 02:00: next run tomorrow", func(t *testing.T) {
		clock := clockwork.NewFakeClockAt(utc(10, 6, 30))
		b := newBareGocron(t, clock, clock, time.UTC, "0 2 * * *", &engineCron{})
		if next := b.next(); !next.Equal(utc(11, 2, 0)) {
			t.Errorf("armed for %s, want tomorrow 02:00", next)
		}
	})

	// TestWallClockChangedWhileWaiting ("back an hour"): Avault re-arms and
	// runs at 02:00 on the wall clock.
	t.Run("clock put back an hour at 01:59:50: runs 02:00's run at 01:00", func(t *testing.T) {
		wall := &wallClock{FakeClock: clockwork.NewFakeClockAt(utc(10, 1, 0))}
		b := newBareGocron(t, wall.FakeClock, wall, time.UTC, "0 2 * * *", &engineCron{})
		b.next()
		wall.Advance(59*time.Minute + 50*time.Second)
		wall.jump(-time.Hour)
		wall.Advance(10 * time.Second)
		if at := <-b.ran; !at.Equal(utc(10, 1, 0)) {
			t.Errorf("ran at %s, want 01:00", at)
		}
		// gocron still lists the 02:00 it has run (its clock reads before
		// it), and arms the time after it.
		b.next()
		if runs, err := b.job.NextRuns(2); err != nil || len(runs) != 2 || !runs[1].Equal(utc(11, 2, 0)) {
			t.Errorf("then armed for %v (%v), want tomorrow 02:00", runs, err)
		}
	})

	// TestLastRunAheadOfTheClock: gocron keeps no last run, so each gocron
	// job is armed with WithStartDateTimePast for the Scheduler's next time.
	t.Run("last run recorded at today's 02:00 by a clock an hour ahead: runs today's 02:00 again", func(t *testing.T) {
		clock := clockwork.NewFakeClockAt(utc(10, 1, 0))
		b := newBareGocron(t, clock, clock, time.UTC, "0 2 * * *", &engineCron{})
		if next := b.next(); !next.Equal(utc(10, 2, 0)) {
			t.Errorf("armed for %s, want today 02:00", next)
		}
	})
}

// engineNextRuns returns the time each gocron job is armed for, by name.
func (s *Scheduler) engineNextRuns(t *testing.T) map[string]time.Time {
	t.Helper()
	s.engineMu.Lock()
	defer s.engineMu.Unlock()
	runs := map[string]time.Time{}
	for _, j := range s.engine.Jobs() {
		next, err := j.NextRun()
		if err != nil {
			t.Fatal(err)
		}
		runs[j.Name()] = next
	}
	return runs
}

// TestGocronHoldsAJobPerEnabledJob: after Start, an edit, runs, a removal
// and a wake from sleep, gocron holds one job for each enabled job, armed
// for the job's next time. (Each job runs once between checks: after a
// job's second run since it was added, gocron's own list of next times can
// be off; see TestAnUnexpectedGocronFiringRunsNothing.)
func TestGocronHoldsAJobPerEnabledJob(t *testing.T) {
	h := newHarness(t, jan10)
	check := func(when string, ids ...string) {
		t.Helper()
		// The loop's timer and one per gocron job: gocron has re-armed
		// every job that ran.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := h.clock.BlockUntilContext(ctx, 1+len(ids)); err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		got := h.s.engineNextRuns(t)
		var names []string
		for name := range got {
			names = append(names, name)
		}
		sort.Strings(names)
		if !equal(names, ids) {
			t.Fatalf("%s: gocron jobs %q, want %q", when, names, ids)
		}
		for _, id := range ids {
			if next := h.s.Next(id); next == nil || !got[id].Equal(*next) {
				t.Errorf("%s: gocron fires %s at %s, Next = %v", when, id, got[id], next)
			}
		}
	}
	h.set("photos", "0 2 * * *", true, true, nil)
	h.set("docs", "0 * * * *", true, true, nil)
	h.set("music", "0 3 * * *", false, true, nil)
	h.start()
	check("after Start", "docs", "photos")
	h.advanceTo(jan10.Add(30 * time.Minute))
	h.set("music", "0 3 * * *", true, true, nil)
	check("after enabling", "docs", "music", "photos")
	h.advanceTo(jan10.Add(time.Hour))
	h.expect("docs schedule 2026-01-10T02:00:00Z", "photos schedule 2026-01-10T02:00:00Z")
	check("after runs", "docs", "music", "photos")
	h.s.Remove("docs")
	check("after Remove", "music", "photos")
	h.sleep(5 * time.Hour)
	check("after a wake", "music", "photos")
}

// TestAnUnexpectedGocronFiringRunsNothing: a firing the Scheduler does not
// expect runs nothing and gets gocron replaced; a firing of a replaced
// gocron is dropped. gocron v2.19.1 alone, on a fake clock, runs a job
// extra times at the instant of a run (1,748 extra runs in 1,000
// minute-by-minute runs of "* * * * *"; 10,260 with singleton mode): as far
// as its code shows, when the clock has moved on before it books the end of
// a run, it drops the job's next time from its list and reschedules from
// the job's first time, which fires at once.
func TestAnUnexpectedGocronFiringRunsNothing(t *testing.T) {
	h := newHarness(t, jan10)
	h.set("photos", "0 2 * * *", true, true, nil)
	h.start()
	gen := func() uint64 {
		h.s.mu.Lock()
		defer h.s.mu.Unlock()
		return h.s.gen
	}
	first := gen()
	h.s.engineFired("photos", first) // at 01:00, for the job that fires at 02:00
	h.s.settle()
	h.expect()
	if gen() == first {
		t.Fatal("gocron was not replaced")
	}
	h.s.engineFired("photos", first) // the replaced gocron's
	h.s.settle()
	h.expect()
	h.advanceTo(jan10.Add(2 * time.Hour))
	h.expect("photos schedule 2026-01-10T02:00:00Z")
}

// TestAGocronFiringALittleEarlyRunsAtTheTime: when the wall clock is slewed
// gocron's timer (on the monotonic clock) can fire a little before the
// time on the wall clock; the job runs once, at the time.
func TestAGocronFiringALittleEarlyRunsAtTheTime(t *testing.T) {
	h := newHarness(t, jan10)
	h.set("photos", "0 2 * * *", true, true, nil)
	h.start()
	h.advanceTo(time.Date(2026, 1, 10, 1, 59, 58, 0, time.UTC))
	h.s.mu.Lock()
	gen := h.s.gen
	h.s.mu.Unlock()
	h.s.engineFired("photos", gen)
	h.s.settle()
	h.expect()
	h.advanceTo(jan10.Add(2 * time.Hour))
	h.expect("photos schedule 2026-01-10T02:00:00Z")
}

// TestReplacingGocronLeaksNothing: every wake replaces gocron; the old one's
// goroutines (a singleton runner per job that ran) go with it.
func TestReplacingGocronLeaksNothing(t *testing.T) {
	h := newHarness(t, jan10)
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		h.set(id, "*/10 * * * *", true, true, nil)
	}
	h.start()
	h.advanceTo(jan10.Add(10 * time.Minute))
	before := runtime.NumGoroutine()
	for range 30 {
		h.advanceTo(h.clock.Now().Add(10 * time.Minute)) // each job runs
		h.sleep(time.Hour)                               // and gocron is replaced
	}
	// A leak would be five goroutines a wake, for good. Those of the
	// gocron schedulers replaced last may still be on their way out: give
	// them the time they need, which has nothing to do with the clock.
	after := runtime.NumGoroutine()
	for end := time.Now().Add(10 * time.Second); after > before+10 && time.Now().Before(end); after = runtime.NumGoroutine() {
		runtime.Gosched()
	}
	if after > before+10 {
		t.Errorf("goroutines: %d before 30 wakes, %d after", before, after)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
