package schedule

import (
	"errors"
	"log/slog"
	"time"

	"github.com/go-co-op/gocron/v2"

	"github.com/avault/avault/backend/job/cron"
)

// This file wires gocron, the trigger engine: one gocron job per enabled
// Avault job, whose task only tells the loop that the job's time has come.
// The loop (loop.go) decides what that means: a run, a missed run, or a
// stale firing of a gocron job that a clock jump or an edit replaced.

// engineCron is the gocron.Cron of every gocron job: package cron's
// reading of the expression in the Scheduler's zone, so that gocron fires
// exactly at the times NextRuns previews. gocron's own (robfig/cron) skips
// a time the clock jumps over and fires twice a time that repeats when the
// clock goes back (TestGocronAloneAtDaylightSavingChanges).
type engineCron struct {
	sched *cron.Schedule
	loc   *time.Location
}

var _ gocron.Cron = (*engineCron)(nil)

// IsValid parses crontab; gocron calls it once, when the job is added,
// with the Scheduler's location.
func (c *engineCron) IsValid(crontab string, loc *time.Location, now time.Time) error {
	sched, err := cron.Parse(crontab)
	if err != nil {
		return errors.Join(gocron.ErrCronJobParse, err)
	}
	if sched.Next(now.In(loc)).IsZero() {
		return gocron.ErrCronJobInvalid
	}
	c.sched, c.loc = sched, loc
	return nil
}

// Next returns the first time after t at which the job fires, or the zero
// time when it never fires again.
func (c *engineCron) Next(t time.Time) time.Time { return c.sched.Next(t.In(c.loc)) }

// engineLog passes gocron's warnings and errors to the Scheduler's logger,
// and its chatter ("scheduler started") at debug level.
type engineLog struct{ *slog.Logger }

func (l engineLog) Info(msg string, args ...any) { l.Debug(msg, args...) }

// newEngine returns a started gocron scheduler on the Scheduler's clock,
// reading times in its zone.
func (s *Scheduler) newEngine() (gocron.Scheduler, error) {
	eng, err := gocron.NewScheduler(
		gocron.WithClock(s.clock),
		gocron.WithLocation(s.loc),
		gocron.WithLogger(engineLog{s.log}),
	)
	if err != nil {
		return nil, err
	}
	eng.Start()
	return eng, nil
}

// engineWork is one gocron job to add: it first fires at from.
type engineWork struct {
	id   string
	expr string
	from time.Time
}

// syncEngine replaces gocron, when a job's gocron job has to change, by a
// new gocron scheduler with a job for each enabled job that first fires at
// the job's next time. The firings of the old one carry an older
// generation and are dropped.
//
// gocron is replaced whole, not job by job: gocron v2.19.1 keeps the
// singleton runner (a goroutine and a queue of 1000) of a removed job until
// the scheduler shuts down, so replacing jobs one at a time would leak one
// for every job at every wake from sleep. gocron calls are made without
// s.mu held, one syncEngine at a time.
func (s *Scheduler) syncEngine() {
	s.engineMu.Lock()
	defer s.engineMu.Unlock()
	s.mu.Lock()
	if !s.started || s.stopped || !s.rebuild {
		s.mu.Unlock()
		return
	}
	s.rebuild = false
	s.gen++
	old, gen := s.engine, s.gen
	work, due := s.engineWorkLocked(s.clock.Now())
	s.mu.Unlock()
	if old != nil {
		if err := old.Shutdown(); err != nil {
			s.log.Warn("schedule: stopping gocron", "err", err)
		}
	}
	eng, err := s.newEngine()
	if err != nil {
		// Cannot happen with the options newEngine passes; were it to, the
		// loop would still fire every job, as it does times gocron misses.
		s.log.Error("schedule: cannot start gocron; the watchdog fires the jobs itself", "err", err)
	}
	for _, w := range work {
		if eng != nil {
			err = s.addEngineJob(eng, w, gen)
		}
		if eng == nil || err != nil {
			s.unarm(w.id, gen, err)
		}
	}
	s.mu.Lock()
	s.engine = eng
	s.mu.Unlock()
	if due {
		s.poke()
	}
}

// engineWorkLocked lists the gocron jobs syncEngine adds. A job whose next
// time is already due gets none: the loop decides that time itself (gocron
// would skip it as past), and gocron is rebuilt after it; due says the loop
// should tick for that.
func (s *Scheduler) engineWorkLocked(now time.Time) (work []engineWork, due bool) {
	for _, id := range s.sortedIDs() {
		e := s.jobs[id]
		e.fired, e.armed = 0, time.Time{}
		switch {
		case !e.enabled || e.next.IsZero():
		case !e.next.After(now):
			due = true
		default:
			e.armed = e.next
			work = append(work, engineWork{id: id, expr: e.sched.String(), from: e.next})
		}
	}
	return work, due
}

// addEngineJob adds the gocron job of one job.
func (s *Scheduler) addEngineJob(eng gocron.Scheduler, w engineWork, gen uint64) error {
	_, err := eng.NewJob(
		gocron.CronJob(w.expr, false),
		gocron.NewTask(s.engineFired, w.id, gen),
		gocron.WithName(w.id),
		gocron.WithCronImplementation(&engineCron{}),
		// The first time is the Scheduler's next time, which is not
		// always the expression's next one (see nextAfter). "Past" only
		// means gocron accepts a time that passed while this call was on
		// its way; it then moves on to the following time, and the loop
		// counts the one passed as missed.
		gocron.WithStartAt(gocron.WithStartDateTimePast(w.from)),
		// A firing of a job waits for the one before to be taken.
		gocron.WithSingletonMode(gocron.LimitModeWait),
	)
	return err
}

// unarm notes that a job has no gocron job after all, so that the loop
// fires it itself rather than wait for gocron.
func (s *Scheduler) unarm(id string, gen uint64, err error) {
	if err != nil {
		s.log.Error("schedule: gocron refused a job; the watchdog fires it instead", "job", id, "err", err)
	}
	s.mu.Lock()
	if e := s.jobs[id]; e != nil && s.gen == gen {
		e.armed = time.Time{}
	}
	s.mu.Unlock()
}

// engineFired is the task of every gocron job: gocron calls it when the
// job's time has come. It notes the firing for the loop, which decides what
// it means; a firing of a gocron job that was replaced since is dropped.
func (s *Scheduler) engineFired(jobID string, gen uint64) {
	s.mu.Lock()
	e := s.jobs[jobID]
	ok := e != nil && s.gen == gen
	if ok {
		e.fired++
	}
	s.mu.Unlock()
	if ok {
		s.poke()
	}
}

// rearmLocked marks the job's gocron job for replacement, and drops
// gocron's firings from now on: syncEngine replaces gocron.
func (s *Scheduler) rearmLocked(e *entry) {
	s.gen++
	s.rebuild = true
	e.fired, e.armed = 0, time.Time{}
}

// takeFiringsLocked takes the job's gocron firings. A firing for the job's
// next time marks that time delivered, for advanceLocked to decide once it
// has come (a firing may come a little early when the wall clock is slewed).
// Any other firing (one the Scheduler did not expect, or early by more than
// a jump) gets gocron replaced.
func (s *Scheduler) takeFiringsLocked(e *entry, now time.Time) {
	for e.fired > 0 {
		e.fired--
		slot := e.armed
		e.armed = s.engineAfter(e, slot, now)
		if slot.IsZero() || !slot.Equal(e.next) || slot.Sub(now) > jumpSlack || e.delivered {
			s.rearmLocked(e)
			return
		}
		e.delivered, e.firedAt = true, now
	}
}

// engineAfter is the time gocron arms a job for after it fired for slot:
// the expression's next time after slot, or the first one not before now
// when the job fired late.
func (s *Scheduler) engineAfter(e *entry, slot, now time.Time) time.Time {
	if slot.IsZero() {
		return slot
	}
	next := e.sched.Next(slot.In(s.loc))
	for !next.IsZero() && next.Before(now) {
		next = e.sched.Next(next)
	}
	return next
}

// awaitingLocked reports whether a job's next time has come, gocron is armed
// for it and has not yet fired, and it is not yet late: the loop waits for
// gocron then, so that the firing, not the loop's own timer, runs the job.
func (s *Scheduler) awaitingLocked(now time.Time) bool {
	for _, e := range s.jobs {
		if e.enabled && !e.delivered && !e.next.IsZero() && !e.next.After(now) &&
			e.armed.Equal(e.next) && now.Sub(e.next) <= lateTolerance {
			return true
		}
	}
	return false
}
