// Package schedule fires Avault's backup jobs at the times their cron
// expressions name, catches up runs missed while the machine slept or
// Avault was closed, and gives the window a preview of the next runs
// (NextRuns), a plain-language reading of an expression (Describe) and a
// staleness check (Stale).
//
// # gocron fires, Avault decides
//
// The trigger engine is github.com/go-co-op/gocron/v2: one gocron job per
// enabled Avault job, on the Scheduler's clock (gocron.WithClock), reading
// times with package cron (gocron.WithCronImplementation), one firing of a
// job at a time (gocron.WithSingletonMode). A gocron job's task only tells
// the Scheduler's loop that the job's time has come; the loop turns that
// into a Trigger call. On top, the Scheduler keeps what gocron cannot do:
//
//   - gocron's own cron (robfig/cron) skips "30 2 * * *" on the day Berlin
//     jumps from 02:00 to 03:00 and runs it twice on the day 02:00-03:00
//     repeats. Package cron fires it once on each day, at the times the
//     window previews, so every gocron job uses it.
//   - gocron arms a timer per job on the monotonic clock, which stands
//     still while the machine sleeps: a time missed during sleep fires late
//     by the length of the sleep as if it were on time, and a time missed
//     while Avault was closed is never seen. The loop keeps one timer of its
//     own, armed for the earliest thing due but never for longer than the
//     watchdog interval (30 s). Each time it wakes it compares how far the
//     wall clock and the monotonic clock moved and how late the timer fired;
//     a difference of more than a few seconds is a suspend and resume (or a
//     clock change), after which missed runs are caught up, once each, after
//     the catch-up delay, and every gocron job is replaced by one armed from
//     the wall clock.
//   - Which time a job runs next also depends on its last run (a last run
//     recorded by a clock that was ahead does not run the same time again),
//     so each gocron job is armed to fire first at the Scheduler's next
//     time for it.
//
// When a job's time comes, the loop waits for gocron's firing (up to the
// lateness allowed); a time the loop decides itself (after a clock jump, or
// one gocron did not fire in time) gets the job's gocron job replaced, and a
// firing of a replaced gocron job is dropped, so no time runs twice.
package schedule

import (
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/job/cron"
)

// Kind says why the Scheduler asks for a run. Its values are the job
// package's triggers, so the service passes a Kind on as the run's Trigger.
type Kind = job.Trigger

// The kinds of trigger the Scheduler gives.
const (
	KindSchedule Kind = job.TriggerSchedule // a scheduled time has come
	KindCatchUp  Kind = job.TriggerCatchUp  // a scheduled time passed while Avault was closed, asleep or paused
)

// Timing constants. They are not options because nothing but tests would
// change them, and tests drive a fake clock instead.
const (
	// watchdogInterval is the longest the timer is armed for, and so the
	// longest it takes to notice a resume from sleep.
	watchdogInterval = 30 * time.Second
	// lateTolerance is how late a scheduled time may be noticed and still
	// run as scheduled; a later one counts as missed. It is also how long
	// the loop waits for gocron to fire a time that has come.
	lateTolerance = time.Minute
	// jumpSlack is how far wall-clock and monotonic time may drift apart,
	// or a timer fire late, before it counts as a jump.
	jumpSlack = 5 * time.Second
	// defaultCatchUpDelay gives the network and the NAS mount time to come
	// back after login or wake before a catch-up run starts.
	defaultCatchUpDelay = time.Minute
)

// Options configure a Scheduler. Zero values mean the defaults noted.
type Options struct {
	// Clock tells the time and arms the timers, the loop's and gocron's
	// (default the real clock).
	Clock clockwork.Clock
	// Location is the time zone cron expressions are read in (default
	// time.Local).
	Location *time.Location
	// Trigger is called when a job should run now. It is called from one
	// goroutine, in order, never with the Scheduler's lock held, so it may
	// call the Scheduler. It should not block for long: it queues the run.
	Trigger func(jobID string, kind Kind)
	// OnNextRun is called, like Trigger, whenever a job's next scheduled
	// time changes, with nil when it has none (disabled), so that the
	// service can store it as the job's NextRunAt.
	OnNextRun func(jobID string, next *time.Time)
	// Logger receives missed runs and clock jumps (default slog.Default()).
	Logger *slog.Logger
	// CatchUpDelay is how long after Start or a wake from sleep a catch-up
	// run waits (default 1 minute; a negative value means no wait).
	CatchUpDelay time.Duration
}

// Scheduler fires jobs on their cron schedules. Its methods are safe for
// concurrent use. Set, Remove, Pause and Resume may be called before Start.
type Scheduler struct {
	clock   clockwork.Clock
	loc     *time.Location
	log     *slog.Logger
	delay   time.Duration
	out     *outbox
	trigger func(string, Kind)
	onNext  func(string, *time.Time)

	pokeCh  chan struct{}      // wakes the loop after a change
	syncReq chan chan struct{} // asks the loop to tick now and answer (tests)
	quit    chan struct{}
	done    chan struct{}

	mu        sync.Mutex
	jobs      map[string]*entry
	paused    bool
	started   bool
	stopped   bool
	holdUntil time.Time // catch-ups wait until then (after start or wake)
	prev      time.Time // when the loop last ticked
	deadline  time.Time // when the loop's timer is due
	gen       uint64    // the generation of gocron's firings taken; older ones are dropped
	rebuild   bool      // syncEngine is to replace gocron

	engineMu sync.Mutex       // one syncEngine at a time; held across gocron calls, before mu
	engine   gocron.Scheduler // nil until Start; written under both locks, read under either
}

// entry is the Scheduler's state for one job.
type entry struct {
	sched     *cron.Schedule
	enabled   bool
	catchUp   bool
	last      time.Time // latest of the job's last run and the Scheduler's own triggers; zero when never
	next      time.Time // next scheduled time; zero when disabled or none
	catchUpAt time.Time // when a pending catch-up fires; zero when none
	reported  bool      // next has been reported at least once
	sent      time.Time // the next time last reported

	// The job's gocron job.
	armed     time.Time // the time it fires next; zero when it has none, or is being replaced
	fired     int       // its firings not yet taken by the loop
	delivered bool      // gocron fired for next, and the loop has yet to act on it
	firedAt   time.Time // when the loop took that firing
}

// New returns a Scheduler that fires nothing until Start.
func New(o Options) *Scheduler {
	if o.Clock == nil {
		o.Clock = clockwork.NewRealClock()
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.CatchUpDelay == 0 {
		o.CatchUpDelay = defaultCatchUpDelay
	}
	if o.Trigger == nil {
		o.Trigger = func(string, Kind) {}
	}
	if o.OnNextRun == nil {
		o.OnNextRun = func(string, *time.Time) {}
	}
	return &Scheduler{
		clock: o.Clock, loc: o.Location, log: o.Logger, delay: max(o.CatchUpDelay, 0),
		out: newOutbox(), trigger: o.Trigger, onNext: o.OnNextRun,
		pokeCh: make(chan struct{}, 1), syncReq: make(chan chan struct{}),
		quit: make(chan struct{}), done: make(chan struct{}),
		jobs: map[string]*entry{},
	}
}

// SetJob is Set with the job's own fields. A job that never ran counts
// from its creation, so a job created before a long sleep still catches up.
func (s *Scheduler) SetJob(j job.Job) error {
	last := j.LastRunAt
	if last == nil && !j.CreatedAt.IsZero() {
		created := j.CreatedAt
		last = &created
	}
	return s.Set(j.ID, j.Schedule, j.Enabled, j.CatchUp, last)
}

// Set adds a job or replaces its schedule, and re-arms it. It is called
// whenever a job is created, edited, enabled or disabled. A disabled job
// never fires and its next run is nil.
//
// When catchUp is set and the first scheduled time after lastRunAt has
// already passed, one catch-up run is triggered soon (after the catch-up
// delay when Avault has just started or woken), however many times were
// missed. A nil lastRunAt means the job never ran and has nothing to catch
// up. The Scheduler remembers the runs it triggered itself, so an older
// lastRunAt (a run still going) does not cause a second run.
//
// The first Set of a job, and every Set that changes its next run, reports
// the next run through OnNextRun. Once started, the job's gocron job is
// armed for its next run before Set returns. Set returns the parse error
// of a bad expression and then leaves the job as it was.
func (s *Scheduler) Set(jobID, expr string, enabled, catchUp bool, lastRunAt *time.Time) error {
	sched, err := cron.Parse(expr)
	if err != nil {
		return err
	}
	s.mu.Lock()
	now := s.clock.Now()
	e := s.jobs[jobID]
	if e == nil {
		e = &entry{}
		s.jobs[jobID] = e
	}
	changed := e.sched == nil || e.sched.String() != sched.String()
	e.sched, e.enabled, e.catchUp = sched, enabled, catchUp
	if lastRunAt != nil && lastRunAt.After(e.last) {
		e.last = *lastRunAt
	}
	s.armLocked(e, now)
	if changed || !e.armed.Equal(e.next) {
		s.rearmLocked(e)
	}
	s.reportLocked(jobID, e)
	s.mu.Unlock()
	s.syncEngine()
	s.poke()
	return nil
}

// armLocked computes a job's next time and whether it has a run to catch
// up, from its last run and now.
func (s *Scheduler) armLocked(e *entry, now time.Time) {
	e.next, e.catchUpAt, e.delivered = time.Time{}, time.Time{}, false
	if !e.enabled {
		return
	}
	e.next = s.nextAfter(e, now)
	if e.catchUp && !e.last.IsZero() {
		if missed := e.sched.Next(e.last.In(s.loc)); !missed.IsZero() && !missed.After(now) {
			e.catchUpAt = s.catchUpTime(now)
		}
	}
}

// nextAfter is the job's next scheduled time after now. A last run later
// than now was recorded before the clock went back, or by a clock that was
// ahead. The scheduled time that run stood for (the first after now, when
// the last run comes before the one after it) does not run twice; every
// later time runs as the clock reaches it, however far ahead the last run
// was recorded: a clock a month ahead, put right, must not stop a job's
// backups for a month.
func (s *Scheduler) nextAfter(e *entry, now time.Time) time.Time {
	next := e.sched.Next(now.In(s.loc))
	if next.IsZero() || e.last.Before(next) {
		return next
	}
	if after := e.sched.Next(next); after.IsZero() || e.last.Before(after) {
		return after
	}
	return next
}

// catchUpTime is when a catch-up noticed now may run.
func (s *Scheduler) catchUpTime(now time.Time) time.Time {
	if s.holdUntil.After(now) {
		return s.holdUntil
	}
	return now
}

// Remove forgets a job: it will not fire again, and its gocron job is
// removed. Nothing is reported through OnNextRun, since the job is gone.
func (s *Scheduler) Remove(jobID string) {
	s.mu.Lock()
	if s.jobs[jobID] != nil {
		delete(s.jobs, jobID)
		s.gen++
		s.rebuild = true
	}
	s.mu.Unlock()
	s.syncEngine()
	s.poke()
}

// Pause holds every schedule: while paused nothing fires. Scheduled times
// that pass meanwhile are skipped, except that each job with catch-up on
// runs once on Resume. Next runs are still computed and reported, and gocron
// still fires: the loop counts those times as missed.
func (s *Scheduler) Pause() {
	s.mu.Lock()
	s.paused = true
	s.mu.Unlock()
	s.poke()
}

// Resume ends a Pause; catch-up runs for times missed while paused are
// triggered at once.
func (s *Scheduler) Resume() {
	s.mu.Lock()
	s.paused = false
	s.mu.Unlock()
	s.poke()
}

// Paused reports whether the Scheduler is paused.
func (s *Scheduler) Paused() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paused
}

// Next returns the job's next scheduled time, or nil when it is unknown,
// disabled, or its expression never fires again.
func (s *Scheduler) Next(jobID string) *time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.jobs[jobID]
	if e == nil || e.next.IsZero() {
		return nil
	}
	next := e.next
	return &next
}

// reportLocked queues an OnNextRun call when the job's next time changed
// since the last report, or was never reported.
func (s *Scheduler) reportLocked(jobID string, e *entry) {
	if e.reported && e.sent.Equal(e.next) {
		return
	}
	e.reported, e.sent = true, e.next
	var next *time.Time
	if !e.next.IsZero() {
		v := e.next
		next = &v
	}
	s.out.push(func() { s.onNext(jobID, next) })
}

// sortedIDs returns the job ids in order, so that jobs due at the same
// time are triggered in a stable order.
func (s *Scheduler) sortedIDs() []string {
	ids := make([]string, 0, len(s.jobs))
	for id := range s.jobs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// poke wakes the loop so that it re-reads the jobs.
func (s *Scheduler) poke() {
	select {
	case s.pokeCh <- struct{}{}:
	default:
	}
}
